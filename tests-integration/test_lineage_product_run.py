"""Issue 15: a product run per Dagster run, model runs under it, names unique across products.

The shop product compiled by floe, its lineage going through the real floe-lineage-marquez
backend to a local receiver; every event is checked against the shipped schemas.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

import ol_receiver
from floe_orchestrator_dagster import DagsterOrchestratorPlugin
from floe_orchestrator_dagster._lineage import LineageGateway
from floe_orchestrator_dagster._lineage_settings import LineageSettings

pytestmark = [pytest.mark.slow]
JOB = "shop_analytics_job"


@pytest.fixture
def marquez():
    with ol_receiver.running() as receiver:
        yield receiver


def with_marquez(folder: Path, url: str) -> Path:
    path = folder / "compiled_artifacts.json"
    artifacts = json.loads(path.read_text())
    artifacts["plugins"]["lineage_backend"] = {
        "type": "marquez",
        "version": "0.1.0",
        "config": {"url": url},
    }
    path.write_text(json.dumps(artifacts))
    return path


def test_a_run_is_a_product_run_with_every_model_run_under_it(shop_copy, marquez):
    from floe_orchestrator_dagster import _definitions
    from floe_orchestrator_dagster._schedules import ScheduleBook

    path = with_marquez(shop_copy, marquez.base_url)
    gateway = LineageGateway(LineageSettings())
    defs = _definitions.create_definitions(None, path, schedules=ScheduleBook(), lineage=gateway)
    assert {s.name for s in defs.sensors} == {
        "floe_lineage_product_run_success",
        "floe_lineage_product_run_failure",
        "floe_lineage_product_run_canceled",
    }
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(JOB).execute_in_process(instance=instance)
        gateway.close_run(result.dagster_run, instance)
        tags = instance.get_run_by_id(result.run_id).tags
    assert result.success
    marquez.assert_all_valid()
    events = marquez.events
    product = [e for e in events if e["job"]["name"] == JOB]
    assert [e["eventType"] for e in product] == ["START", "COMPLETE"]
    assert {e["run"]["runId"] for e in product} == {result.run_id}
    assert {e["job"]["namespace"] for e in events} == {"shop-analytics"}
    models = [e for e in events if e["job"]["name"].endswith(".build.run")]
    assert {e["job"]["name"] for e in models} == {
        "warehouse.main.shop_analytics.stg_customers.build.run",
        "warehouse.main.shop_analytics.stg_orders.build.run",
        "warehouse.main.shop_analytics.fct_orders.build.run",
        "heavy.main.shop_analytics.dim_calendar.build.run",
    }
    for event in models:
        parent = event["run"]["facets"]["parent"]
        assert parent["run"]["runId"] == result.run_id
        assert (parent["job"]["namespace"], parent["job"]["name"]) == ("shop-analytics", JOB)
        assert parent["root"]["run"]["runId"] == result.run_id
        assert parent["root"]["job"]["name"] == JOB
    # the product run opens before its first model and closes after its last
    times = [e["eventTime"] for e in events]
    assert product[0]["eventTime"] <= min(times)
    assert product[1]["eventTime"] >= max(e["eventTime"] for e in models)
    # tests are runs of their own, with the model's table as input and its assertions
    tests = [e for e in events if e["job"]["name"].endswith("fct_orders.build.test")]
    assert [e["eventType"] for e in tests] == ["START", "COMPLETE"]
    (tested,) = tests[1]["inputs"]
    assertions = tested["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert {(a["assertion"], a["column"], a["success"]) for a in assertions} == {
        ("unique", "order_id", True),
        ("not_null", "order_id", True),
    }
    assert tags["floe/lineage_delivered"] == str(len(events) - 1)  # before the closing event


def test_a_run_that_never_starts_a_model_still_closes_its_product_run(shop_copy, marquez):
    """A run that fails before any dbt step (while loading, say): the failure sensor closes it."""
    path = with_marquez(shop_copy, marquez.base_url)
    plugin = DagsterOrchestratorPlugin()
    defs = plugin.create_definitions(str(path))  # type: ignore[arg-type]
    failure_sensor = next(s for s in defs.sensors if s.name.endswith("_failure"))
    job = defs.resolve_job_def(JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        run = instance.create_run_for_job(job_def=job)
        instance.report_run_failed(run, message="the code location could not be loaded")
        run = instance.get_run_by_id(run.run_id)
        (event,) = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        context = dg.build_run_status_sensor_context(
            sensor_name=failure_sensor.name,
            dagster_event=event.dagster_event,
            dagster_instance=instance,
            dagster_run=run,
        ).for_run_failure()
        failure_sensor(context)
    marquez.assert_all_valid()
    assert [(e["job"]["name"], e["eventType"]) for e in marquez.events] == [
        (JOB, "START"),
        (JOB, "FAIL"),
    ]
    fail = marquez.events[1]
    assert fail["run"]["runId"] == run.run_id
    assert "could not be loaded" in fail["run"]["facets"]["errorMessage"]["message"]
