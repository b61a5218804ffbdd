"""floe's quality hook as Dagster asset checks, with real dbt on DuckDB and a real checker.

The checker here reads the tables dbt built (DuckDB, read-only) and counts: core never imports
floe-core, so floe's quality plugin itself is exercised in tests-integration. The product:
``stg_a`` (2 rows) on the default target, and ``mart_b`` on a second target downstream of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from pydantic import ValidationError

from floe_dagster_core import CheckOutcome, ModelCheck, QualityInfo, create_definitions

from .small_products import write_product

pytestmark = pytest.mark.slow

HEAVY = {"duckdb_heavy": {"type": "duckdb", "path": "heavy.duckdb", "threads": 1}}


class CountingChecker:
    """Checks row facts of the models' DuckDB tables: ``not_null:<column>``, ``min_rows:<n>``."""

    def __init__(self, project: Path, checks: Sequence[ModelCheck], *, fail: bool = False):
        self.project = project
        self.declared = list(checks)
        self.fail = fail
        self.summaries: list[Mapping[str, Sequence[CheckOutcome]]] = []

    def checks(self) -> Sequence[ModelCheck]:
        return self.declared

    def run(self, info: Any, checks: Sequence[ModelCheck]) -> QualityInfo:
        if self.fail:
            raise RuntimeError(f"table {info.model} is not readable")
        database = "heavy.duckdb" if info.compute == "duckdb_heavy" else "warehouse.duckdb"
        table = f'"{info.relation["schema"]}"."{info.relation["alias"]}"'
        outcomes = []
        with duckdb.connect(str(self.project / database), read_only=True) as con:
            for check in checks:
                kind, _, arg = str(check.metadata["rule"]).partition(":")
                if kind == "not_null":
                    sql = f"select count(*) = 0 from {table} where {arg} is null"
                else:
                    sql = f"select count(*) >= {int(arg)} from {table}"
                passed = bool(con.sql(sql).fetchall()[0][0])
                outcomes.append(
                    CheckOutcome(
                        check.name,
                        passed,
                        "error" if check.blocking else "warn",
                        "" if passed else f"{check.metadata['rule']} does not hold",
                        {"rule": check.metadata["rule"]},
                    )
                )
        score = 100.0 * sum(o.passed for o in outcomes) / len(outcomes)
        return QualityInfo(
            outcomes,
            metadata={"floe/quality_score": score},
            facets={"dataQualityAssertions": {"assertions": [o.name for o in outcomes]}},
        )

    def summarize(self, outcomes: Mapping[str, Sequence[CheckOutcome]]) -> Mapping[str, Any]:
        self.summaries.append(outcomes)
        results = [o for found in outcomes.values() for o in found]
        return {"floe/quality_score": 100.0 * sum(o.passed for o in results) / len(results)}


def write_pair(folder: Path) -> Path:
    return write_product(
        folder,
        {
            "stg_a": "select 1 as id union all select 2 as id\n",
            "mart_b": "-- depends_on: {{ ref('stg_a') }}\nselect 1 as x\n",
        },
        depends_on={"mart_b": ["stg_a"]},
        compute={"mart_b": "duckdb_heavy"},
    )


def checks(*, blocking_rows: bool) -> list[ModelCheck]:
    return [
        ModelCheck("stg_a", "id_not_null", True, "id is never null", {"rule": "not_null:id"}),
        ModelCheck("stg_a", "ten_rows", blocking_rows, "at least 10 rows", {"rule": "min_rows:10"}),
    ]


class CheckListener:
    """An observer that also hears of each model's quality results."""

    def __init__(self) -> None:
        self.heard: list[Any] = []

    def started(self, info: Any) -> None:
        pass

    def succeeded(self, info: Any) -> None:
        pass

    def failed(self, info: Any, error: str) -> None:
        pass

    def checked(self, info: Any) -> None:
        self.heard.append(info)


def evaluations(result: Any) -> dict[str, tuple[bool, str]]:
    found = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            found[data.check_name] = (data.passed, data.severity.value)
    return found


def run(folder: Path, checker: Any, **kwargs: Any) -> tuple[Any, Any]:
    defs = create_definitions(
        folder / "compiled_artifacts.json", compute_targets=HEAVY, checker=checker, **kwargs
    )
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("chain_job").execute_in_process(
        raise_on_error=False, instance=instance
    )
    return defs, result


@pytest.mark.compat
def test_a_failing_blocking_check_stops_the_models_downstream(tmp_path):
    write_pair(tmp_path)
    listener = CheckListener()
    checker = CountingChecker(tmp_path, checks(blocking_rows=True))
    defs, result = run(tmp_path, checker, observers=[listener])
    assert evaluations(result) == {"id_not_null": (True, "ERROR"), "ten_rows": (False, "ERROR")}
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"stg_a"}  # mart_b, in a later step, waits for the check and never runs
    assert not result.success
    specs = {s.name: s.blocking for c in defs.asset_checks for s in c.check_specs}
    assert specs == {"id_not_null": True, "ten_rows": True}
    # the model's score is asset metadata of the model
    observation = next(
        e.event_specific_data.asset_observation
        for e in result.all_events
        if e.event_type_value == "ASSET_OBSERVATION"
    )
    assert observation.asset_key == dg.AssetKey("stg_a")
    assert observation.metadata["floe/quality_score"].value == 50.0
    # observers (lineage) hear the results with their facets
    assert [(i.model, i.quality.facets) for i in listener.heard] == [
        ("stg_a", {"dataQualityAssertions": {"assertions": ["id_not_null", "ten_rows"]}})
    ]


def test_a_failing_non_blocking_check_warns_and_the_run_goes_on(tmp_path):
    write_pair(tmp_path)
    _, result = run(tmp_path, CountingChecker(tmp_path, checks(blocking_rows=False)))
    assert evaluations(result) == {"id_not_null": (True, "ERROR"), "ten_rows": (False, "WARN")}
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"stg_a", "mart_b"}
    assert result.success


def test_the_products_score_is_recorded_after_the_run(tmp_path):
    write_pair(tmp_path)
    checker = CountingChecker(tmp_path, checks(blocking_rows=False))
    defs = create_definitions(
        tmp_path / "compiled_artifacts.json", compute_targets=HEAVY, checker=checker
    )
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("chain_job").execute_in_process(instance=instance)
    sensor = defs.resolve_sensor_def("chain_quality_score")
    success = next(e for e in result.all_events if e.event_type_value == "PIPELINE_SUCCESS")
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=success,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    sensor(context)
    assert [sorted(s) for s in checker.summaries] == [["stg_a"]]
    assert instance.get_run_by_id(result.run_id).tags["floe/quality_score"] == "50.0"
    observed = instance.fetch_observations(dg.AssetKey("stg_a"), limit=10).records
    product = [r.asset_observation.metadata for r in observed if r.run_id != result.run_id]
    assert product[0]["floe/product_quality_score"].value == 50.0
    assert product[0]["floe/product_quality_run"].value == result.run_id
    assert {s.name for s in defs.sensors} == {
        "chain_quality_score",
        "chain_quality_score_on_failure",
    }


def test_a_checker_that_cannot_run_fails_the_checks_with_its_reason(tmp_path):
    write_pair(tmp_path)
    _, result = run(tmp_path, CountingChecker(tmp_path, checks(blocking_rows=False), fail=True))
    failed = {
        e.event_specific_data.check_name: e.event_specific_data.description
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert failed["ten_rows"] == (
        "the quality checks of model 'stg_a' could not run: RuntimeError: table stg_a is not "
        "readable"
    )
    assert not result.success  # id_not_null is blocking


def test_a_check_on_a_model_the_product_lacks_is_refused(tmp_path):
    write_pair(tmp_path)
    checker = CountingChecker(tmp_path, [ModelCheck("nope", "x")])
    with pytest.raises(ValidationError, match="Quality check 'x' is declared on 'nope'"):
        create_definitions(
            tmp_path / "compiled_artifacts.json", compute_targets=HEAVY, checker=checker
        )
