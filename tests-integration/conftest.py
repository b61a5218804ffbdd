"""Fixtures of the cross-package tests: real products compiled by floe's real compiler.

- ``compile_folder(folder)``: ``floe platform compile`` (the command floe users run) in a product
  folder, with ``--generate-definitions``; returns the artifacts dict.
- ``shop_platform`` (session): the shop product of floe-dagster-core's tests, compiled once: a
  product named ``shop-analytics`` whose dbt profile is ``shop_analytics``, whose ``floe.yaml``
  puts ``dim_calendar`` on the platform's second compute target (``duckdb_heavy``, defined in
  ``manifest.yaml``), and which checks in a developer's ``profiles.yml`` pointing at other
  DuckDB files. Tests copy it (``shop_copy``) before they run anything in it.
- ``demo_product`` (session): the demo product ``floe-dagster demo`` ships, prepared and compiled
  once (``floe platform compile --generate-definitions``; the artifacts hold no absolute path).
  Tests copy it before they run anything in it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "packages" / "floe-dagster-core" / "tests" / "data" / "shop"


def compile_folder(folder: Path, *, definitions: bool = True) -> dict[str, Any]:
    """Run ``floe platform compile`` in ``folder``; returns compiled_artifacts.json as a dict."""
    floe = Path(sys.executable).parent / "floe"
    command = [
        str(floe), "platform", "compile", "--spec", "floe.yaml", "--manifest", "manifest.yaml",
        "--output", "compiled_artifacts.json", "--skip-contracts", "--no-lineage-emission",
    ]  # fmt: skip
    if definitions:
        command.append("--generate-definitions")
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    loaded: dict[str, Any] = json.loads((folder / "compiled_artifacts.json").read_text())
    return loaded


@pytest.fixture(scope="session")
def shop_platform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shop-platform") / "shop"
    shutil.copytree(SHOP, folder, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    (folder / "compiled_artifacts.json").unlink()
    spec = folder / "floe.yaml"
    spec.write_text(
        spec.read_text().replace(
            "  - name: dim_calendar\n", "  - name: dim_calendar\n    compute: duckdb_heavy\n"
        )
    )
    compile_folder(folder)
    return folder


@pytest.fixture
def shop_copy(shop_platform: Path, tmp_path: Path) -> Path:
    """A fresh copy of the compiled shop product, for a test to run in."""
    folder = tmp_path / "shop"
    shutil.copytree(shop_platform, folder)
    return folder


@pytest.fixture(scope="session")
def demo_product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from floe_orchestrator_dagster._demo import compile_product, prepare_folder

    folder = tmp_path_factory.mktemp("demo-product") / "jaffle-shop"
    prepare_folder(folder)
    compile_product(folder)
    return folder
