"""The Dagster integration in a plain Dagster project: only floe_dagster_lineage and dagster.

Assets are materialized in-process on an ephemeral instance; the run-status sensors are then
evaluated on that run the way the daemon would, and the events they emit are checked.
"""

from __future__ import annotations

import logging

import dagster as dg
import pytest

from floe_dagster_lineage import LineageEmitter
from floe_dagster_lineage.dagster import LineageTranslator, emit_run_lineage, openlineage_sensors
from floe_dagster_lineage.testing import FailingTransport, InMemoryTransport

WAREHOUSE = "duckdb:///data/warehouse.duckdb"
# the daemon passes the repository to the sensor itself; only the test builder calls it beta
pytestmark = pytest.mark.filterwarnings(
    "ignore:Parameter `repository_def` of function `build_run_status_sensor_context`"
)


@dg.asset(key_prefix=["raw"])
def customers() -> int:
    return 1


@dg.asset(key_prefix=["staging"], deps=[customers])
def stg_customers() -> int:
    return 2


@dg.asset(key_prefix=["staging"], deps=[stg_customers])
def stg_orders() -> None:
    raise ValueError("column order_total does not exist")


@dg.asset(key_prefix=["marts"], deps=[stg_orders])
def fct_orders() -> None:
    """Never runs: its upstream fails."""


@dg.multi_asset(
    specs=[dg.AssetSpec(["marts", "dim_customers"], deps=[stg_customers]), dg.AssetSpec("summary")]
)
def marts():  # type: ignore[no-untyped-def]
    yield dg.MaterializeResult(asset_key=["marts", "dim_customers"])
    yield dg.MaterializeResult(asset_key="summary")


ALL_ASSETS = [customers, stg_customers, stg_orders, fct_orders, marts]


def _sensor(defs: dg.Definitions, name: str) -> dg.RunStatusSensorDefinition:
    sensor = defs.get_repository_def().get_sensor_def(name)
    assert isinstance(sensor, dg.RunStatusSensorDefinition)
    return sensor


def _evaluate(defs, name, instance, result):
    event = result.get_run_success_event() if result.success else result.get_run_failure_event()
    context = dg.build_run_status_sensor_context(
        sensor_name=name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        repository_def=defs.get_repository_def(),
    )
    return _sensor(defs, name)(context)


@pytest.fixture(scope="module")
def failed_run():
    """One real run with a failing asset, on its own instance (shared: materializing costs 1 s)."""
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(ALL_ASSETS, instance=instance, raise_on_error=False)
    assert not result.success
    return instance, result


def _project(transport):
    emitter = LineageEmitter(transport, namespace="dagster")
    translator = LineageTranslator(dataset_namespace=WAREHOUSE, database="warehouse", schema="main")
    return dg.Definitions(
        assets=ALL_ASSETS, sensors=openlineage_sensors(emitter, translator=translator)
    )


def test_sensors_are_added_to_definitions_and_run_by_default():
    defs = _project(InMemoryTransport())
    for suffix in ("success", "failure", "canceled"):
        sensor = _sensor(defs, f"openlineage_on_{suffix}")
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_a_failed_run_emits_start_then_complete_or_fail_per_asset(failed_run, validator):
    instance, result = failed_run
    memory = InMemoryTransport()
    defs = _project(memory)
    skip = _evaluate(defs, "openlineage_on_failure", instance, result)
    assert skip.skip_message == (
        f"emitted 10 OpenLineage events for run {result.run_id} (so far: 10 delivered, "
        "0 replayed from the spool, 0 spooled, 0 dropped)"
    )
    events = memory.events
    for event in events:
        validator.assert_valid(event)
    by_job: dict[str, list[str]] = {}
    for event in events:
        by_job.setdefault(event["job"]["name"], []).append(event["eventType"])
    assert by_job == {
        "raw.customers": ["START", "COMPLETE"],
        "staging.stg_customers": ["START", "COMPLETE"],
        "staging.stg_orders": ["START", "FAIL"],
        "marts.dim_customers": ["START", "COMPLETE"],
        "summary": ["START", "COMPLETE"],
    }  # marts.fct_orders never started: no event
    (fail,) = [event for event in events if event["eventType"] == "FAIL"]
    error = fail["run"]["facets"]["errorMessage"]
    assert error["message"] == "ValueError: column order_total does not exist"
    assert "raise ValueError" in error["stackTrace"]
    assert fail["inputs"] == [
        {"namespace": WAREHOUSE, "name": "warehouse.staging.stg_customers", "facets": {},
         "inputFacets": {}}
    ]  # fmt: skip
    assert fail["outputs"][0]["name"] == "warehouse.staging.stg_orders"


def test_events_of_one_asset_share_a_run_that_is_a_child_of_the_dagster_run(failed_run):
    instance, result = failed_run
    memory = InMemoryTransport()
    _evaluate(_project(memory), "openlineage_on_failure", instance, result)
    events = [e for e in memory.events if e["job"]["name"] == "staging.stg_customers"]
    start, complete = events
    assert start["run"]["runId"] == complete["run"]["runId"]
    assert start["eventTime"] <= complete["eventTime"]
    parent = start["run"]["facets"]["parent"]
    assert parent["run"]["runId"] == result.run_id
    assert parent["job"]["name"] == result.dagster_run.job_name
    assert start["inputs"][0]["name"] == "warehouse.raw.customers"
    assert start["outputs"][0]["namespace"] == WAREHOUSE
    # evaluating again (e.g. after a daemon restart) gives the same per-asset run ids
    again = InMemoryTransport()
    _evaluate(_project(again), "openlineage_on_failure", instance, result)
    assert [e["run"]["runId"] for e in again.events] == [e["run"]["runId"] for e in memory.events]


def test_a_successful_run(failed_run, validator):
    instance, _ = failed_run
    memory = InMemoryTransport()
    defs = _project(memory)
    result = dg.materialize([customers, stg_customers], instance=instance)
    _evaluate(defs, "openlineage_on_success", instance, result)
    assert [(e["job"]["name"], e["eventType"]) for e in memory.events] == [
        ("raw.customers", "START"),
        ("raw.customers", "COMPLETE"),
        ("staging.stg_customers", "START"),
        ("staging.stg_customers", "COMPLETE"),
    ]
    assert memory.events[0]["inputs"] == []
    for event in memory.events:
        validator.assert_valid(event)


def test_an_unreachable_receiver_leaves_the_sensor_green_with_one_warning_per_event(
    failed_run, caplog
):
    instance, result = failed_run
    transport = FailingTransport("Connection refused.")
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        skip = _evaluate(_project(transport), "openlineage_on_failure", instance, result)
    assert "emitted 10 OpenLineage events" in skip.skip_message
    assert skip.skip_message.endswith(
        "(so far: 0 delivered, 0 replayed from the spool, 10 spooled, 0 dropped)"
    )
    assert (
        transport.attempts == 3
    )  # then delivery pauses: the tick does not wait on a dead receiver
    assert len([r for r in caplog.records if r.name.startswith("floe_dagster_lineage")]) == 10


def test_a_translator_error_is_logged_and_the_tick_still_succeeds(failed_run, caplog):
    instance, result = failed_run

    class Broken(LineageTranslator):
        def job_name(self, asset_key, run):
            raise KeyError("no name for this asset")

    defs = dg.Definitions(
        assets=ALL_ASSETS,
        sensors=openlineage_sensors(LineageEmitter(InMemoryTransport()), translator=Broken()),
    )
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        skip = _evaluate(defs, "openlineage_on_failure", instance, result)
    assert skip.skip_message.startswith(f"lineage of run {result.run_id} failed:")
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(f"OpenLineage events of Dagster run {result.run_id} were not emitted: KeyError")
    )


def test_emitter_from_a_config_or_from_openlineage_variables(monkeypatch):
    noop = openlineage_sensors()
    assert len(noop) == 3
    monkeypatch.setenv("OPENLINEAGE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OPENLINEAGE_API_KEY", "k")
    from_env = openlineage_sensors(name="ol")
    names = [sensor.name for sensor in from_env]
    assert names == ["ol_on_success", "ol_on_failure", "ol_on_canceled"]
    from_config = openlineage_sensors({"type": "console"}, name="console")
    assert from_config[0].name == "console_on_success"


def test_emit_run_lineage_without_an_asset_graph_has_no_inputs(failed_run):
    instance, result = failed_run
    memory = InMemoryTransport()
    emit_run_lineage(LineageEmitter(memory), instance, result.dagster_run)
    assert all(event["inputs"] == [] for event in memory.events)
    assert {event["outputs"][0]["namespace"] for event in memory.events} == {"dagster"}
    assert "staging.stg_customers" in {event["outputs"][0]["name"] for event in memory.events}
