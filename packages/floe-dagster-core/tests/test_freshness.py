"""dbt source freshness as asset checks, with real dbt on DuckDB and dbt's own thresholds.

Three source tables carry a ``loaded_at`` column: one loaded now (fresh), one 18 hours ago (past
``warn_after: 12 hours``), one 10 days ago (past ``error_after: 1 day``). A fourth source has no
freshness block and gets no check.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from floe_dagster_core import SourceFreshness, create_definitions

from .small_products import write_product

pytestmark = pytest.mark.slow

SOURCES = """
version: 2
sources:
  - name: landing
    schema: main
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh_events
      - name: late_events
      - name: stale_events
  - name: reference
    schema: main
    tables:
      - name: countries
"""
CHECK = "dbt_source_freshness"


def write_landing(folder: Path) -> Path:
    """The product (one model per source) and its source tables in the warehouse."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
        for table, age in (("fresh_events", 0), ("late_events", 18), ("stale_events", 240)):
            loaded = (now - timedelta(hours=age)).isoformat(sep=" ")
            con.execute(
                f"create table {table} as select 1 as id, timestamp '{loaded}' as loaded_at"
            )
        con.execute("create table countries as select 'fr' as code")
    models = {
        f"stg_{table}": f"select id from {{{{ source('landing', '{table}') }}}}\n"
        for table in ("fresh_events", "late_events", "stale_events")
    }
    models["stg_countries"] = "select code from {{ source('reference', 'countries') }}\n"
    return write_product(folder, models, sources_yml=SOURCES)


def evaluations(result: object) -> dict[str, tuple[bool, str]]:
    """``source table -> (passed, severity)`` of the freshness checks of a run."""
    found = {}
    for event in result.all_events:  # type: ignore[attr-defined]
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data.check_name == CHECK:
                found[data.asset_key.path[-1]] = (data.passed, data.severity.value)
    return found


EXPECTED = {
    "fresh_events": (True, "ERROR"),  # a passing result keeps the default severity
    "late_events": (False, "WARN"),
    "stale_events": (False, "ERROR"),
}


@pytest.mark.compat
def test_by_default_freshness_is_checked_before_the_run_and_an_error_stops_it(tmp_path):
    defs = create_definitions(write_landing(tmp_path))
    job = defs.resolve_job_def("chain_job")
    result = job.execute_in_process(raise_on_error=False)
    assert evaluations(result) == EXPECTED
    # stale_events is past error_after: the blocking check stops the dbt step that reads it
    assert not result.success
    assert result.get_asset_materialization_events() == []
    checked = {
        spec.key.asset_key.to_user_string()
        for checks in defs.asset_checks or []
        for spec in checks.check_specs
    }
    assert {"landing/fresh_events", "landing/late_events", "landing/stale_events"} <= checked
    assert "reference/countries" not in checked


def test_the_check_describes_dbts_thresholds_and_result(tmp_path):
    defs = create_definitions(
        write_landing(tmp_path), source_freshness=SourceFreshness(blocking=False)
    )
    result = defs.resolve_job_def("chain_job").execute_in_process(raise_on_error=False)
    late = next(
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.asset_key.path[-1] == "late_events"
    )
    assert late.description.startswith("source landing.late_events is past its warn_after")
    assert late.metadata["dbt/freshness_status"].value == "warn"
    assert late.metadata["dbt/criteria"].value["warn_after"] == {"count": 12, "period": "hour"}
    assert 17 * 3600 < late.metadata["dbt/age_seconds"].value < 19 * 3600
    checks = next(iter(defs.asset_checks or []))
    descriptions = {s.key.asset_key.path[-1]: s.description for s in checks.check_specs}
    assert descriptions["late_events"] == (
        "dbt source freshness: warn after 12 hour(s), error after 1 day(s)."
    )


def test_non_blocking_freshness_reports_and_lets_the_models_run(tmp_path):
    defs = create_definitions(
        write_landing(tmp_path), source_freshness=SourceFreshness(blocking=False)
    )
    result = defs.resolve_job_def("chain_job").execute_in_process(raise_on_error=False)
    assert evaluations(result) == EXPECTED
    assert result.success
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "stg_stale_events" in built


def test_on_a_schedule_freshness_has_a_job_of_its_own(tmp_path):
    defs = create_definitions(
        write_landing(tmp_path),
        source_freshness=SourceFreshness(evaluate="schedule", cron="*/30 * * * *"),
    )
    product = defs.resolve_job_def("chain_job")
    assert not any(CHECK in name for name in product.graph.node_names())
    schedule = defs.resolve_schedule_def("chain_source_freshness_schedule")
    assert schedule.cron_schedule == "*/30 * * * *"
    assert schedule.job_name == "chain_source_freshness_job"
    result = defs.resolve_job_def("chain_source_freshness_job").execute_in_process(
        raise_on_error=False
    )
    assert evaluations(result) == EXPECTED
    assert result.get_asset_materialization_events() == []


def test_a_sensor_can_request_the_freshness_run(tmp_path):
    defs = create_definitions(
        write_landing(tmp_path),
        source_freshness=SourceFreshness(evaluate="sensor", interval_seconds=600),
    )
    sensor = defs.resolve_sensor_def("chain_source_freshness_sensor")
    assert sensor.minimum_interval_seconds == 600
    assert sensor.job_name == "chain_source_freshness_job"
    requests = sensor.evaluate_tick(dg.build_sensor_context()).run_requests
    assert len(requests) == 1


def test_off_adds_no_freshness_check(tmp_path):
    defs = create_definitions(
        write_landing(tmp_path), source_freshness=SourceFreshness(evaluate="off")
    )
    assert not defs.asset_checks
