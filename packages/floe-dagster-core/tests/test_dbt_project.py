"""The dbt project around the assets: which profile dbt runs with and why, targets per compute."""

from __future__ import annotations

import json
import logging
import stat
import sys
from pathlib import Path

import pydantic
import pytest
import yaml

from floe_dagster_core import (
    DbtProjectError,
    create_definitions,
    project_dir_for,
    resolve_dbt_project,
)
from floe_dagster_core._dbt_project import dbt_executable
from floe_dagster_core.testing import generated_product

from .conftest import HEAVY, SHOP, profile_name

COMPILED = {
    "shop-analytics": {
        "target": "dev",
        "outputs": {"dev": {"type": "duckdb", "path": "warehouse.duckdb", "threads": 1}},
    }
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A dbt project folder naming profile shop_analytics, with a private state folder."""
    monkeypatch.setenv("FLOE_DAGSTER_STATE_DIR", str(tmp_path / "state"))
    folder = tmp_path / "product"
    folder.mkdir()
    (folder / "dbt_project.yml").write_text("name: shop\nprofile: shop_analytics\n")
    return folder


def resolve(folder, profiles=COMPILED, **kwargs):
    kwargs.setdefault("models_by_compute", {"duckdb": ["stg_a"]})
    kwargs.setdefault("default_compute", "duckdb")
    kwargs.setdefault("profile_name_rule", profile_name)
    return resolve_dbt_project(folder, dbt_profiles=profiles, **kwargs)


def test_a_project_is_a_folder_with_dbt_project_yml(tmp_path):
    assert project_dir_for(SHOP, None) == SHOP.resolve()
    assert project_dir_for(None, SHOP / "compiled_artifacts.json") == SHOP.resolve()
    assert project_dir_for(None, SHOP) == SHOP.resolve()
    assert project_dir_for(tmp_path, None) is None
    assert project_dir_for(None, None) is None


def test_the_compiled_profiles_win_over_a_checked_in_file(project, caplog):
    (project / "profiles.yml").write_text(
        "shop_analytics: {target: dev, outputs: {dev: {type: duckdb, path: local.duckdb}}}\n"
    )
    with caplog.at_level(logging.INFO, logger="floe_dagster_core"):
        resolved = resolve(project)
    assert resolved.source == "compiled"
    assert resolved.profiles_dir != project
    assert resolved.profile == "shop_analytics"
    written = yaml.safe_load((resolved.profiles_dir / "profiles.yml").read_text())
    assert written == {
        "shop_analytics": {
            "target": "dev",
            "outputs": {
                "dev": {"type": "duckdb", "path": str(project / "warehouse.duckdb"), "threads": 1}
            },
        }
    }
    (line,) = [r.getMessage() for r in caplog.records if "dbt runs with" in r.getMessage()]
    assert line == (
        "dbt runs with the compiled profile 'shop_analytics' of compiled_artifacts.json (the "
        f"platform's compute configuration); {project / 'profiles.yml'} is a developer's local "
        "copy and is not used (floe's compiled artifacts are the runtime contract)."
    )


def test_compiled_profiles_live_outside_the_project_and_are_private(project, tmp_path):
    resolved = resolve(project)
    written = resolved.profiles_dir / "profiles.yml"
    assert project not in written.parents
    assert tmp_path / "state" in written.parents
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    before = written.stat().st_mtime_ns
    resolve(project)
    assert written.stat().st_mtime_ns == before  # unchanged content is not rewritten


def test_a_loosened_private_file_is_made_private_again(project):
    written = resolve(project).profiles_dir / "profiles.yml"
    written.chmod(0o644)
    resolve(project)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_the_profile_is_found_by_floes_naming_rule(project):
    # product customer-360 / dbt profile customer_360: the same rule, the other way round too
    (project / "dbt_project.yml").write_text("name: c\nprofile: customer_360\n")
    resolved = resolve(project, {"customer-360": COMPILED["shop-analytics"]})
    assert resolved.profile == "customer_360"
    assert "customer_360" in yaml.safe_load((resolved.profiles_dir / "profiles.yml").read_text())


def test_a_compiled_profile_that_dbt_project_does_not_name_is_refused(project):
    (project / "dbt_project.yml").write_text("name: c\nprofile: elsewhere\n")
    with pytest.raises(pydantic.ValidationError) as error:
        resolve(project)
    assert (
        "`dbt_project.yml` names profile 'elsewhere', but the compiled dbt_profiles hold "
        "'shop-analytics'. Set profile: in dbt_project.yml to the product's profile, or "
        "recompile the product with floe platform compile." in str(error.value)
    )


def test_duckdb_file_folders_are_created(project):
    profiles = {
        "shop_analytics": {
            "target": "dev",
            "outputs": {
                "dev": {
                    "type": "duckdb",
                    "path": "data/warehouse/main.duckdb",
                    "attach": [{"path": "data/other/extra.duckdb", "alias": "extra"}],
                },
                "memory": {"type": "duckdb", "path": ":memory:"},
            },
        }
    }
    resolved = resolve(project, profiles)
    assert (project / "data" / "warehouse").is_dir()
    assert (project / "data" / "other").is_dir()
    assert resolved.outputs["dev"]["attach"][0]["path"] == str(project / "data/other/extra.duckdb")
    assert resolved.outputs["memory"]["path"] == ":memory:"


def test_the_checked_in_file_runs_only_without_compiled_profiles(project, caplog):
    (project / "profiles.yml").write_text(
        "shop_analytics: {target: dev, outputs: {dev: {type: duckdb, path: local.duckdb}}}\n"
    )
    with caplog.at_level(logging.INFO, logger="floe_dagster_core"):
        resolved = resolve(project, None)
    assert resolved.source == "checked_in"
    assert resolved.profiles_dir == project
    assert resolved.output_of("duckdb")["path"] == str(project / "local.duckdb")
    assert any(
        "because compiled_artifacts.json carries no dbt_profiles" in r.getMessage()
        for r in caplog.records
    )


def test_no_profiles_at_all_leaves_dbt_its_own_lookup(project):
    resolved = resolve(project, None, models_by_compute={"duckdb": ["a"], "spark": ["b"]})
    assert resolved.source == "dbt_default"
    assert resolved.profiles_dir is None
    assert resolved.target_of("spark") == "spark"
    assert resolved.output_of("duckdb") == {}


def test_compute_targets_come_from_the_platform(project):
    resolved = resolve(
        project,
        models_by_compute={"duckdb": ["a"], "duckdb_heavy": ["b"], "spark": ["c"]},
        compute_targets={**HEAVY, "spark": "dev"},
    )
    assert resolved.target_of("duckdb") is None
    assert resolved.target_of("duckdb_heavy") == "duckdb_heavy"
    assert resolved.target_of("spark") == "dev"
    assert resolved.output_of("duckdb_heavy")["path"] == str(project / "heavy.duckdb")
    written = yaml.safe_load((resolved.profiles_dir / "profiles.yml").read_text())
    assert set(written["shop_analytics"]["outputs"]) == {"dev", "duckdb_heavy"}


def test_a_compute_nobody_defines_is_refused_naming_the_model(project):
    (project / "profiles.yml").write_text(
        "shop_analytics: {target: dev, outputs: {dev: {}, duckdb_heavy: {type: duckdb}}}\n"
    )
    with pytest.raises(pydantic.ValidationError) as error:
        resolve(project, models_by_compute={"duckdb": ["a"], "duckdb_heavy": ["big", "bigger"]})
    message = str(error.value)
    assert (
        "Transform 'big' (and 1 more) runs on compute target 'duckdb_heavy', which no platform "
        "configuration defines: the compiled profile has targets 'dev'. Define it in "
        "manifest.yaml under plugins.orchestrator.config.compute_targets.duckdb_heavy" in message
    )
    # the developer's file has the target, and is still not taken silently
    assert "local copy" not in message


def test_a_compute_target_mapped_to_a_missing_target_is_refused(project):
    with pytest.raises(
        pydantic.ValidationError, match=r"`compute_targets.spark` maps compute target"
    ):
        resolve(
            project,
            models_by_compute={"duckdb": ["a"], "spark": ["b"]},
            compute_targets={"spark": "prod"},
        )


def test_an_output_replacing_a_compiled_target_is_refused(project):
    with pytest.raises(DbtProjectError, match=r"`compute_targets.dev` defines a dbt output"):
        resolve(project, compute_targets={"dev": {"type": "duckdb"}})


def test_an_unreadable_dbt_project_names_the_file(project):
    (project / "dbt_project.yml").write_text("name: [unclosed\n")
    with pytest.raises(DbtProjectError, match=r"Cannot read .*dbt_project.yml: .*Fix the file"):
        resolve(project)


def test_compute_targets_reach_the_resources(project):
    product = generated_product(10, overrides={"model_00003": "duckdb_heavy"})
    (project / "dbt_project.yml").write_text("name: generated\nprofile: generated\n")
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(product.manifest))
    profiles = {"generated-product": {"target": "a", "outputs": {"a": {}, "heavy": {}}}}
    defs = create_definitions(
        {**product.artifacts, "dbt_profiles": profiles},
        project_dir=project,
        compute_targets={"duckdb_heavy": "heavy"},
        profile_name_rule=lambda name: name.replace("-product", ""),
    )
    assert defs.resources["dbt_duckdb"].target is None
    assert defs.resources["dbt_duckdb_heavy"].target == "heavy"
    assert defs.resources["dbt_duckdb"].profile == "generated"
    assert Path(defs.resources["dbt_duckdb"].profiles_dir) != project


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
