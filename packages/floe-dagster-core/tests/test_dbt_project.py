"""The dbt project around the assets: profiles, targets per compute, the dbt executable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from floe_dagster_core import create_definitions
from floe_dagster_core._dbt_project import (
    dbt_executable,
    dbt_target,
    find_project,
    resolve_profiles,
)
from floe_dagster_core.testing import generated_product

from .conftest import SHOP

pytestmark = [
    # sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks.
    pytest.mark.filterwarnings("ignore:sqlglotrs is deprecated:DeprecationWarning"),
]


def test_a_project_is_a_folder_with_dbt_project_yml(tmp_path):
    assert find_project(SHOP) == SHOP.resolve()
    assert find_project(tmp_path) is None
    assert find_project(None) is None


def test_the_projects_own_profiles_win():
    facts = resolve_profiles(SHOP.resolve(), {"other": {"target": "dev", "outputs": {}}})
    assert facts.profiles_dir == SHOP.resolve()
    assert facts.profile is None


def test_the_artifacts_profiles_are_written_under_target(tmp_path, shop_artifacts):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop-analytics\n")
    facts = resolve_profiles(tmp_path, shop_artifacts["dbt_profiles"])
    written = tmp_path / "target" / "floe" / "profiles.yml"
    assert facts.profiles_dir == written.parent
    assert facts.profile == "shop-analytics"
    assert yaml.safe_load(written.read_text()) == shop_artifacts["dbt_profiles"]
    before = written.stat().st_mtime_ns
    resolve_profiles(tmp_path, shop_artifacts["dbt_profiles"])
    assert written.stat().st_mtime_ns == before


def test_no_profiles_at_all_leaves_dbt_its_own_lookup(tmp_path):
    facts = resolve_profiles(tmp_path, None)
    assert facts.profiles_dir is None


def test_compute_target_to_dbt_target():
    assert dbt_target("duckdb", "duckdb", {}) is None
    assert dbt_target("spark", "duckdb", {}) == "spark"
    assert dbt_target("spark", "duckdb", {"spark": "spark_prod"}) == "spark_prod"


def test_compute_targets_override_reaches_the_resources(tmp_path):
    product = generated_product(10, overrides={"model_00003": "duckdb_heavy"})
    (tmp_path / "dbt_project.yml").write_text("name: generated\nprofile: generated\n")
    (tmp_path / "profiles.yml").write_text("generated: {target: a, outputs: {}}\n")
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(product.manifest))
    defs = create_definitions(
        product.artifacts, project_dir=tmp_path, compute_targets={"duckdb_heavy": "heavy"}
    )
    assert defs.resources["dbt_duckdb"].target is None
    assert defs.resources["dbt_duckdb_heavy"].target == "heavy"
    assert Path(defs.resources["dbt_duckdb"].profiles_dir) == tmp_path.resolve()


def test_dbt_manifest_path_without_project_or_manifest_says_what_to_pass():
    with pytest.raises(ValueError, match="pass project_dir"):
        create_definitions(generated_product(3).artifacts, assets="dbt_manifest")


def test_manifest_as_a_path(tmp_path):
    product = generated_product(10)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(product.manifest))
    defs = create_definitions(product.artifacts, manifest=path)
    assert len(defs.resolve_asset_graph().materializable_asset_keys) == 11


def test_dbt_beside_the_interpreter_when_not_on_path(monkeypatch):
    monkeypatch.setenv("PATH", "")
    beside = Path(sys.executable).parent / "dbt"
    assert dbt_executable() == (str(beside) if beside.is_file() else "dbt")
