"""dbt's partial-parse state is kept per dbt target: no run on a second target parses it all."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from floe_dagster_core._parse_state import per_target_state, prepare_parse_states, state_file

from .conftest import HEAVY, copy_shop, profile_name, shop_definitions

FULL_PARSE = "Unable to do partial parsing"


def dbt_on(project: Path, target: str | None) -> SimpleNamespace:
    return SimpleNamespace(project_dir=str(project), target=target)


def test_an_invocation_starts_from_its_targets_kept_state(tmp_path):
    kept = state_file(tmp_path, "heavy")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"heavy state")
    with per_target_state(dbt_on(tmp_path, "heavy"), Path("target/run-1")):
        seeded = tmp_path / "target" / "run-1" / "partial_parse.msgpack"
        assert seeded.read_bytes() == b"heavy state"


def test_the_state_dbt_writes_replaces_the_kept_one_and_only_its_targets(tmp_path):
    other = state_file(tmp_path, None)
    other.parent.mkdir(parents=True)
    other.write_bytes(b"default state")
    run = tmp_path / "target" / "run-2"
    with per_target_state(dbt_on(tmp_path, "heavy"), run):
        run.mkdir(parents=True)
        (run / "partial_parse.msgpack").write_bytes(b"fresh heavy state")
    assert state_file(tmp_path, "heavy").read_bytes() == b"fresh heavy state"
    assert other.read_bytes() == b"default state"
    assert not list(state_file(tmp_path, "heavy").parent.glob(".state.*"))


def test_a_run_that_wrote_no_state_leaves_the_kept_one(tmp_path):
    kept = state_file(tmp_path, "heavy")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"heavy state")
    with pytest.raises(RuntimeError), per_target_state(dbt_on(tmp_path, "heavy"), tmp_path / "r"):
        raise RuntimeError("dbt failed before it parsed")
    assert kept.read_bytes() == b"heavy state"


def test_dbt_target_path_moves_the_states_with_dbts_target_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "elsewhere"))
    assert state_file(Path("/p"), "x") == tmp_path / "elsewhere/floe-parse/x/partial_parse.msgpack"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:AssetExecutionContext.op is deprecated:DeprecationWarning")
def test_runs_on_two_targets_parse_nothing_in_full(tmp_path):
    from floe_dagster_core import load_artifacts, models_by_compute, resolve_dbt_project
    from floe_dagster_core._dbt_project import load_manifest

    project_dir = copy_shop(tmp_path, heavy_override=True)
    artifacts = load_artifacts(project_dir / "compiled_artifacts.json")
    project = resolve_dbt_project(
        project_dir,
        dbt_profiles=artifacts.dbt_profiles,
        models_by_compute=models_by_compute(artifacts),
        default_compute=artifacts.default_compute,
        compute_targets=HEAVY,
        profile_name_rule=profile_name,
    )
    load_manifest(project)  # the project is prepared: one state per target
    assert state_file(project_dir, None).is_file()
    assert state_file(project_dir, "duckdb_heavy").is_file()
    assert prepare_parse_states(project) == []  # nothing left to prepare

    job = shop_definitions(project_dir / "compiled_artifacts.json").resolve_job_def(
        "shop_analytics_job"
    )
    for _ in range(2):  # the second run starts from the states the first one left
        assert job.execute_in_process().success
    logs = sorted((project_dir / "target").glob("dbt_duckdb*-attempt1/dbt.log"))
    assert len(logs) == 4, logs
    for log in logs:
        assert FULL_PARSE not in log.read_text(encoding="utf-8"), log


@pytest.mark.slow
def test_preparing_again_parses_every_target(tmp_path):
    from floe_dagster_core import load_artifacts, models_by_compute, resolve_dbt_project

    project_dir = copy_shop(tmp_path, heavy_override=True)
    artifacts = load_artifacts(project_dir / "compiled_artifacts.json")
    project = resolve_dbt_project(
        project_dir,
        dbt_profiles=artifacts.dbt_profiles,
        models_by_compute=models_by_compute(artifacts),
        default_compute=artifacts.default_compute,
        compute_targets=HEAVY,
        profile_name_rule=profile_name,
    )
    assert prepare_parse_states(project, only_missing=False) == ["default", "duckdb_heavy"]
    assert state_file(project_dir, "duckdb_heavy").is_file()
