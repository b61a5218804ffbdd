"""Fixtures of floe-dagster-core's definition tests: the shop product and its runs on DuckDB.

``shop/`` is a real dbt project (dbt-duckdb) with ``compiled_artifacts.json`` written by floe-core's
compiler (``data/shop/compile.sh``): its compiled profile runs on ``warehouse.duckdb``, and the
platform's second target ``duckdb_heavy`` (``heavy.duckdb``) is in ``manifest.yaml``'s orchestrator
config, which the facade reads and core is handed (``HEAVY``). The checked-in ``profiles.yml`` is a
developer's copy pointing at other files, which dbt must never use. Tests never write into the
folder: each session copies it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from floe_dagster_core import AssetRunInfo

SHOP = Path(__file__).parent / "data" / "shop"
#: The platform-defined second target of the shop (plugins.orchestrator.config.compute_targets).
HEAVY = {"duckdb_heavy": {"type": "duckdb", "path": "heavy.duckdb", "threads": 1}}


def profile_name(product: str) -> str:
    """The profile-name rule core is handed (the facade hands it floe-core's own)."""
    return product.replace("-", "_")


def shop_definitions(artifacts: Any, **kwargs: Any) -> Any:
    """``create_definitions`` of the shop, with the platform's targets and the naming rule."""
    from floe_dagster_core import create_definitions

    kwargs.setdefault("compute_targets", HEAVY)
    kwargs.setdefault("profile_name_rule", profile_name)
    return create_definitions(artifacts, **kwargs)


@dataclass
class RecordingObserver:
    """An AssetObserver that writes down every call."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    infos: list[AssetRunInfo] = field(default_factory=list)
    finished_infos: list[AssetRunInfo] = field(default_factory=list)
    tests: dict[str, list[Any]] = field(default_factory=dict)

    def started(self, info: AssetRunInfo) -> None:
        self.calls.append(("started", info.model, ""))
        self.infos.append(info)

    def succeeded(self, info: AssetRunInfo) -> None:
        self.calls.append(("succeeded", info.model, ""))
        self.finished_infos.append(info)

    def failed(self, info: AssetRunInfo, error: str) -> None:
        self.calls.append(("failed", info.model, error))

    def tests_finished(self, info: AssetRunInfo, tests: Any) -> None:
        self.tests.setdefault(info.model, []).extend(tests)


@pytest.fixture
def recording_observer() -> RecordingObserver:
    return RecordingObserver()


@pytest.fixture(scope="session")
def shop_artifacts() -> dict[str, Any]:
    """The shop product's compiled artifacts, as floe-core wrote them."""
    loaded: dict[str, Any] = json.loads((SHOP / "compiled_artifacts.json").read_text())
    return loaded


def copy_shop(base: Path, *, heavy_override: bool = False) -> Path:
    """A fresh copy of the shop project (no target/, no databases) with its artifacts file.

    With ``heavy_override``, ``dim_calendar`` runs on compute target ``duckdb_heavy``, the second
    DuckDB target of the project's profiles.yml (floe-core approves compute *plugins*, and both
    targets are DuckDB, so the override is applied here rather than by the compiler).
    """
    project = base / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    if heavy_override:
        path = project / "compiled_artifacts.json"
        artifacts = json.loads(path.read_text())
        for model in artifacts["transforms"]["models"]:
            if model["name"] == "dim_calendar":
                model["compute"] = "duckdb_heavy"
        path.write_text(json.dumps(artifacts, indent=2))
    return project


def shop_dbt_project(project: Path) -> Any:
    """core's ``DbtProject`` of a shop copy, resolved as the shop's definitions resolve it."""
    from floe_dagster_core import load_artifacts, models_by_compute, resolve_dbt_project

    artifacts = load_artifacts(project / "compiled_artifacts.json")
    return resolve_dbt_project(
        project,
        dbt_profiles=artifacts.dbt_profiles,
        models_by_compute=models_by_compute(artifacts),
        default_compute=artifacts.default_compute,
        compute_targets=HEAVY,
        profile_name_rule=profile_name,
    )


@pytest.fixture(scope="session")
def shop_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A parsed copy of the shop project (``target/manifest.json`` present), heavy override on."""
    project = copy_shop(tmp_path_factory.mktemp("shop"), heavy_override=True)
    from floe_dagster_core._dbt_project import load_manifest

    load_manifest(shop_dbt_project(project))
    return project
