"""Retry from the failed model, with real dbt on DuckDB.

The product: ``stg_a -> int_mid -> fct_end <- stg_b -> dim_side``, where ``int_mid`` fails while
a flag file exists. The test's observer removes the flag when dbt reports the failure, so the
model fails on the first attempt only. dbt's own ``run_results.json`` of each attempt and the
Dagster events say what each attempt built.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import dagster as dg
import pytest

from floe_dagster_core import create_definitions

from .small_products import write_product

pytestmark = pytest.mark.slow

JOB = "chain_job"
BUILT_AGAIN = {"int_mid", "fct_end"}
STAND = {"stg_a", "stg_b", "dim_side"}


def write_chain(folder: Path) -> tuple[Path, Path]:
    """The product and its flag file (present: ``int_mid`` fails)."""
    folder.mkdir(parents=True, exist_ok=True)
    flag = folder / "fail_once.flag"
    flag.write_text("int_mid fails while this file exists\n")
    artifacts = write_product(
        folder,
        {
            "stg_a": "select 1 as id union all select 2 as id\n",
            "stg_b": "select 10 as id\n",
            "int_mid": (
                "select id from {{ ref('stg_a') }}\n"
                f"where case when (select count(*) from glob('{flag}')) > 0\n"
                "  then error('the flag file is present') else true end\n"
            ),
            "fct_end": (
                "select id from {{ ref('int_mid') }} union all select id from {{ ref('stg_b') }}\n"
            ),
            "dim_side": "select id * 2 as id from {{ ref('stg_b') }}\n",
        },
        depends_on={
            "int_mid": ["stg_a"],
            "fct_end": ["int_mid", "stg_b"],
            "dim_side": ["stg_b"],
        },
        schema_yml=(
            "version: 2\nmodels:\n"
            "  - name: stg_a\n    columns:\n      - name: id\n        data_tests: [not_null]\n"
            "  - name: fct_end\n    columns:\n      - name: id\n        data_tests: [not_null]\n"
        ),
    )
    return artifacts, flag


class FlagRemover:
    """Removes the flag when dbt reports the failure; records what each step was told."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag
        self.steps: list[object] = []
        self.finished: list[object] = []
        self.failed_models: list[str] = []

    def started(self, info: object) -> None:
        pass

    def succeeded(self, info: object) -> None:
        self.finished.append(info)

    def failed(self, info: object, error: str) -> None:
        self.failed_models.append(info.model)  # type: ignore[attr-defined]
        self.flag.unlink(missing_ok=True)

    def step_started(self, step: object) -> None:
        self.steps.append(step)


def run_results(project: Path, step: str, run_id: str, attempt: int) -> dict[str, str]:
    """``unique_id -> status`` of dbt's run_results.json of one attempt."""
    path = project / "target" / f"{step}-{run_id}-attempt{attempt}" / "run_results.json"
    return {r["unique_id"]: r["status"] for r in json.loads(path.read_text())["results"]}


def materialized_by_attempt(result: object) -> list[set[str]]:
    """The assets materialized by each attempt of the dbt step, in order."""
    attempts: list[set[str]] = [set()]
    for event in result.all_events:  # type: ignore[attr-defined]
        if event.event_type_value == "STEP_RESTARTED":
            attempts.append(set())
        elif event.event_type_value == "ASSET_MATERIALIZATION":
            attempts[-1].add(event.asset_key.to_user_string())
    return attempts


@pytest.mark.parametrize(
    ("assets", "step"), [("dbt_manifest", "dbt_duckdb"), ("per_transform", "floe_dbt_duckdb")]
)
@pytest.mark.compat
def test_a_retry_builds_only_the_failed_model_and_what_dbt_skipped(tmp_path, assets, step):
    artifacts, flag = write_chain(tmp_path)
    observer = FlagRemover(flag)
    defs = create_definitions(
        artifacts,
        assets=assets,
        observers=[observer],
        retry_policy=dg.RetryPolicy(max_retries=1),
    )
    result = defs.resolve_job_def(JOB).execute_in_process(raise_on_error=False)

    assert result.success
    assert observer.failed_models == ["int_mid"]
    first, second = materialized_by_attempt(result)
    assert first == STAND
    assert second == BUILT_AGAIN
    # dbt's own record: the first attempt failed int_mid and skipped what reads it
    before = run_results(tmp_path, step, result.run_id, 1)
    assert before["model.chain.int_mid"] == "error"
    assert before["model.chain.fct_end"] == "skipped"
    assert before["model.chain.stg_a"] == "success"
    # the retry selected exactly the failed model and its skipped descendant (with its test)
    after = run_results(tmp_path, step, result.run_id, 2)
    assert {uid for uid in after if uid.startswith("model.")} == {
        "model.chain.int_mid",
        "model.chain.fct_end",
    }
    assert set(after.values()) <= {"success", "pass"}
    assert not any("stg_a" in uid for uid in after)
    attempts = [(s.attempt, sorted(s.models), tuple(s.reused)) for s in observer.steps]
    assert attempts == [
        (1, attempts[0][1], ()),
        (2, ["fct_end", "int_mid"], ("dim_side", "stg_a", "stg_b")),
    ]
    retried = [i for i in observer.finished if i.attempt == 2]
    assert {i.model for i in retried} == BUILT_AGAIN
    assert {i.run_id for i in retried} == {result.run_id}


def test_the_retry_says_what_stands_and_what_is_built(tmp_path):
    artifacts, flag = write_chain(tmp_path)
    defs = create_definitions(
        artifacts, observers=[FlagRemover(flag)], retry_policy=dg.RetryPolicy(max_retries=1)
    )
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def(JOB).execute_in_process(raise_on_error=False, instance=instance)
    logs = instance.all_logs(result.run_id)
    messages = [e.user_message for e in logs if "retry from" in e.user_message]
    assert messages == [
        "retry from the failed model: 3 asset(s) materialized by attempt 1 of this run stand "
        "and are not rebuilt (dim_side, stg_a, stg_b); dbt builds the 2 other(s): fct_end, "
        "int_mid"
    ]


def test_without_a_retry_policy_the_failure_stands(tmp_path):
    artifacts, flag = write_chain(tmp_path)
    defs = create_definitions(artifacts, observers=[FlagRemover(flag)])
    result = defs.resolve_job_def(JOB).execute_in_process(raise_on_error=False)
    assert not result.success
    assert materialized_by_attempt(result) == [STAND]


DEFINITIONS = '''
import json
import os
from floe_dagster_core import create_definitions

class Recorder:
    """Writes down the run facts of each model that succeeds."""

    def started(self, info):
        pass

    def failed(self, info, error):
        pass

    def succeeded(self, info):
        with open(os.environ["CHAIN_RECORD"], "a") as out:
            facts = [info.model, info.run_id, info.root_run_id, info.attempt]
            out.write(json.dumps(facts) + "\\n")

def chain_job():
    defs = create_definitions(os.environ["CHAIN_ARTIFACTS"], observers=[Recorder()])
    return defs.resolve_job_def("chain_job")
'''


@pytest.fixture
def reconstructable_chain(tmp_path, monkeypatch):
    """The product's job, reconstructable from a file (what ``execute_job`` re-executes)."""
    artifacts, flag = write_chain(tmp_path / "chain")
    module_file = tmp_path / "chain_definitions.py"
    module_file.write_text(DEFINITIONS)
    monkeypatch.setenv("CHAIN_ARTIFACTS", str(artifacts))
    monkeypatch.setenv("CHAIN_RECORD", str(tmp_path / "record.jsonl"))
    spec = importlib.util.spec_from_file_location("chain_definitions", module_file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "chain_definitions", module)
    spec.loader.exec_module(module)
    return dg.reconstructable(module.chain_job), tmp_path / "chain", flag


IN_PROCESS = {"execution": {"config": {"in_process": {}}}}


def test_reexecution_from_failure_builds_only_what_the_failed_run_did_not(
    reconstructable_chain, tmp_path
):
    job, project, flag = reconstructable_chain
    (tmp_path / "home").mkdir()
    with dg.DagsterInstance.local_temp(str(tmp_path / "home")) as instance:
        failed = dg.execute_job(job, instance, run_config=IN_PROCESS)
        assert not failed.success
        flag.unlink()
        again = dg.execute_job(
            job,
            instance,
            run_config=IN_PROCESS,
            reexecution_options=dg.ReexecutionOptions.from_failure(failed.run_id, instance),
        )
        assert again.success
        built = {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()}
        assert built == BUILT_AGAIN
        models = {
            uid
            for uid in run_results(project, "dbt_duckdb", again.run_id, 1)
            if uid.startswith("model.")
        }
        assert models == {"model.chain.int_mid", "model.chain.fct_end"}
        # observers (lineage) see the re-execution as part of the failed run's chain
        record = [json.loads(line) for line in (tmp_path / "record.jsonl").read_text().splitlines()]
        assert sorted(m for m, run, *_ in record if run == again.run_id) == sorted(BUILT_AGAIN)
        assert {(root, n) for _, run, root, n in record if run == again.run_id} == {
            (failed.run_id, 1)
        }
        assert {root for _, run, root, _ in record if run == failed.run_id} == {None}
        # a second failure-free re-execution of every step rebuilds everything, as asked
        everything = dg.execute_job(
            job,
            instance,
            run_config=IN_PROCESS,
            reexecution_options=dg.ReexecutionOptions(parent_run_id=again.run_id),
        )
        assert everything.success
        rebuilt = {
            e.asset_key.to_user_string() for e in everything.get_asset_materialization_events()
        }
        assert rebuilt == STAND | BUILT_AGAIN
