"""dbt's partial-parse state is kept per dbt target: no run on a second target parses it all."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from floe_dagster_core._parse_state import per_target_state, state_file

from .conftest import copy_shop, shop_dbt_project, shop_definitions

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


def test_a_resource_without_a_project_folder_runs_as_it_is(tmp_path):
    with per_target_state(SimpleNamespace(target=None), tmp_path / "run"):
        pass
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_after_its_first_run_no_target_parses_the_whole_project(tmp_path):
    project_dir = copy_shop(tmp_path, heavy_override=True)
    job = shop_definitions(project_dir / "compiled_artifacts.json").resolve_job_def(
        "shop_analytics_job"
    )
    assert not state_file(project_dir, "duckdb_heavy").exists()  # loading parsed ahead nothing
    target = project_dir / "target"
    assert job.execute_in_process().success
    first = set(target.glob("dbt_duckdb*-attempt1/dbt.log"))
    assert state_file(project_dir, None).is_file()
    assert state_file(project_dir, "duckdb_heavy").is_file()
    assert job.execute_in_process().success  # starts from the states the first run left
    second = set(target.glob("dbt_duckdb*-attempt1/dbt.log")) - first
    assert len(second) == 2, second
    for log in second:
        assert FULL_PARSE not in log.read_text(encoding="utf-8"), log


@pytest.mark.slow
def test_a_prepared_project_parses_in_full_on_no_run_not_even_the_first(tmp_path):
    from floe_dagster_core import prepare_parse_states

    project_dir = copy_shop(tmp_path, heavy_override=True)
    project = shop_dbt_project(project_dir)

    prepared = prepare_parse_states(project, ["duckdb", "duckdb_heavy", "duckdb"])

    assert [(p.target, p.computes) for p in prepared] == [
        ("default", ("duckdb", "duckdb")),
        ("duckdb_heavy", ("duckdb_heavy",)),
    ]
    assert all(p.state.is_file() and p.seconds > 0 for p in prepared)
    assert prepared[1].state == state_file(project_dir, "duckdb_heavy")
    job = shop_definitions(project_dir / "compiled_artifacts.json").resolve_job_def(
        "shop_analytics_job"
    )
    assert job.execute_in_process().success
    logs = list((project_dir / "target").glob("dbt_duckdb*-attempt1/dbt.log"))
    assert len(logs) == 2, logs
    for log in logs:
        assert FULL_PARSE not in log.read_text(encoding="utf-8"), log


@pytest.mark.slow
def test_a_parse_that_fails_names_the_target_and_dbts_error(tmp_path):
    from floe_dagster_core import DbtProjectError, prepare_parse_states

    project_dir = copy_shop(tmp_path, heavy_override=True)
    project = shop_dbt_project(project_dir)
    (project_dir / "models" / "broken.sql").write_text("select * from {{ ref('not_a_model') }}\n")

    with pytest.raises(DbtProjectError) as caught:
        prepare_parse_states(project, ["duckdb"])

    message = str(caught.value)
    assert message.startswith("`dbt parse` failed on dbt target 'default' (compute duckdb) in ")
    assert "not_a_model" in message
    assert message.endswith("Fix the dbt project or the profile, then prepare it again.")
