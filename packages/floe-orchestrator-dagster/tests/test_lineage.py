"""emit_lineage_event and the lineage observers through floe's real lineage backend (US6).

The backend is the real floe-lineage-marquez plugin from PyPI, resolved from floe-core's plugin
registry and pointed at a local OpenLineage receiver that records what it gets; every event is
checked against the official OpenLineage schemas.
"""

from __future__ import annotations

import json
import logging
import time
from uuid import UUID

import pytest
from floe_core.lineage import LineageDataset, RunState

from floe_dagster_core import AssetObserver, AssetRunInfo
from floe_dagster_core.testing import compiled_artifacts
from floe_dagster_lineage.testing import LineageReceiver, SchemaValidator
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, LineageBackendError
from floe_orchestrator_dagster._artifacts import ProductArtifacts, read_artifacts
from floe_orchestrator_dagster._config import DagsterPluginConfig
from floe_orchestrator_dagster._lineage import LineageGateway
from floe_orchestrator_dagster._lineage_settings import LineageSettings

pytestmark = pytest.mark.slow
DAGSTER_RUN = "2b0c5c57-93b8-4c39-8d5b-8e3e4c6e7f10"


@pytest.fixture(scope="module")
def validator(schema_validator: SchemaValidator) -> SchemaValidator:
    return schema_validator


@pytest.fixture(scope="module")
def marquez():
    """A local OpenLineage receiver standing in for Marquez's /api/v1/lineage."""
    with LineageReceiver() as receiver:
        yield receiver


@pytest.fixture
def receiver(marquez):
    marquez.requests.clear()
    return marquez


def _plugin(**lineage) -> DagsterOrchestratorPlugin:
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"lineage": lineage}))
    return plugin


def _artifacts(url: str | None, *, observability: dict | None = None) -> ProductArtifacts:
    plugins = {}
    if url is not None:
        plugins["lineage_backend"] = {
            "type": "marquez",
            "version": "0.1.0",
            "config": {"url": url, "environment": "test"},
        }
    return read_artifacts(
        compiled_artifacts(
            {"name": "stg_customers"},
            product="customers",
            plugins=plugins,
            observability=observability,
            dbt_profiles={
                "customers": {
                    "target": "dev",
                    "outputs": {"dev": {"type": "duckdb", "path": "/data/warehouse.duckdb"}},
                }
            },
        )
    )


# -- US6 acceptance scenarios ------------------------------------------------------------------


def test_us6_scenario_1_complete_event_has_job_and_dataset_references(receiver, validator, spans):
    plugin = _plugin(backend="marquez", backend_config={"url": receiver.base_url})
    run_id = plugin.emit_lineage_event(
        "COMPLETE",
        "dbt_run_customers",
        inputs=[LineageDataset(namespace="duckdb:///data/warehouse.duckdb", name="raw.customers")],
        outputs=[
            LineageDataset(
                namespace="duckdb:///data/warehouse.duckdb", name="staging.stg_customers"
            )
        ],
    )
    (request,) = receiver.requests
    assert request.path == "/api/v1/lineage"  # marquez's URL already ends with the path
    event = request.event
    validator.assert_valid(request.body)
    assert event["eventType"] == "COMPLETE"
    assert (event["job"]["namespace"], event["job"]["name"]) == ("floe", "dbt_run_customers")
    assert event["run"]["runId"] == str(run_id)
    assert [d["name"] for d in event["inputs"]] == ["raw.customers"]
    assert [d["name"] for d in event["outputs"]] == ["staging.stg_customers"]
    assert spans.named("floe.orchestrator.dagster.emit_lineage_event") is not None


def test_us6_scenario_2_fail_event_carries_error_facets(receiver, validator):
    plugin = _plugin(backend="marquez", backend_config={"url": receiver.base_url})
    run_id = UUID("8c7a6b0e-8a59-4c1b-a9de-0d5e0d4c1a22")
    plugin.emit_lineage_event(RunState.START, "dbt_run_customers", run_id=run_id)
    plugin.emit_lineage_event(
        RunState.FAIL,
        "dbt_run_customers",
        run_id=run_id,
        run_facets={
            "errorMessage": {
                "message": "Catalog Error: Table with name customers does not exist!",
                "programmingLanguage": "SQL",
            }
        },
    )
    start, fail = receiver.events
    for request in receiver.requests:
        validator.assert_valid(request.body)
    assert start["run"]["runId"] == fail["run"]["runId"] == str(run_id)
    error = fail["run"]["facets"]["errorMessage"]
    assert error["message"] == "Catalog Error: Table with name customers does not exist!"
    assert error["programmingLanguage"] == "SQL"
    assert error["_schemaURL"].endswith("ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet")


def test_us6_scenario_3_no_backend_configured_succeeds_silently(receiver, caplog):
    plugin = DagsterOrchestratorPlugin()
    with caplog.at_level(logging.DEBUG, logger="floe_dagster_lineage"):
        run_id = plugin.emit_lineage_event("COMPLETE", "dbt_run_customers")
    assert isinstance(run_id, UUID)
    assert receiver.requests == []
    assert caplog.records == []


# -- emit_lineage_event ------------------------------------------------------------------------


def test_fail_without_error_facet_still_explains(receiver, validator):
    gateway = LineageGateway(LineageSettings(backend="marquez"))
    gateway.bind(_artifacts(receiver.base_url))
    gateway.emit("FAIL", "dbt_run_customers", job_namespace="customers", producer="urn:test")
    (event,) = receiver.events
    validator.assert_valid(event)
    assert event["job"]["namespace"] == "customers"
    assert event["producer"] == "urn:test"
    assert "failed" in event["run"]["facets"]["errorMessage"]["message"]


def test_backend_comes_from_the_artifacts(receiver):
    gateway = LineageGateway(LineageSettings())
    gateway.bind(_artifacts(receiver.base_url))
    gateway.emit("START", "job")
    assert len(receiver.events) == 1


def test_lineage_switched_off_by_the_artifacts_or_the_settings(receiver):
    off = _artifacts(receiver.base_url, observability={"lineage": False})
    gateway = LineageGateway(LineageSettings())
    assert gateway.observers_for(off) == []
    gateway.emit("START", "job")
    disabled = LineageGateway(LineageSettings(enabled=False))
    assert disabled.observers_for(_artifacts(receiver.base_url)) == []
    assert receiver.requests == []


def test_a_transport_in_the_settings_replaces_the_backend(tmp_path, receiver, validator):
    path = tmp_path / "lineage.jsonl"
    gateway = LineageGateway(LineageSettings(transport={"type": "file", "path": str(path)}))
    gateway.bind(_artifacts(receiver.base_url))
    gateway.emit("START", "job")
    (line,) = path.read_text().splitlines()
    validator.assert_valid(line)
    assert receiver.requests == []


def test_an_unknown_backend_lists_the_installed_ones():
    gateway = LineageGateway(LineageSettings(backend="atlas"))
    with pytest.raises(LineageBackendError) as caught:
        gateway.emit("START", "job")
    message = str(caught.value)
    assert "Lineage backend 'atlas' (lineage.backend or plugins.lineage_backend.type) is not " in (
        message
    )
    assert "installed lineage backends: marquez" in message
    assert "pip install floe-lineage-atlas" in message


def test_an_invalid_backend_config_names_the_field():
    gateway = LineageGateway(
        LineageSettings(backend="marquez", backend_config={"url": "http://marquez.example.com"})
    )
    with pytest.raises(LineageBackendError) as caught:
        gateway.emit("START", "job")
    assert "The configuration of lineage backend 'marquez'" in str(caught.value)
    assert "HTTP not allowed for 'marquez.example.com'" in str(caught.value)


def test_unknown_event_types_are_refused_with_the_valid_ones():
    from floe_dagster_lineage import LineageError

    with pytest.raises(LineageError, match="Unknown OpenLineage event type 'DONE'; use one of"):
        LineageGateway(LineageSettings()).emit("DONE", "job")


# -- the asset observers -----------------------------------------------------------------------


def _info(model: str, upstream: tuple[str, ...] = (), **metadata) -> AssetRunInfo:
    return AssetRunInfo(
        asset_key=model,
        model=model,
        upstream=upstream,
        run_id=DAGSTER_RUN,
        job_name="customers_job",
        compute="duckdb",
        metadata=metadata,
    )


def test_observers_map_model_runs_to_start_complete_and_fail(receiver, validator):
    gateway = LineageGateway(LineageSettings())
    (observer,) = gateway.observers_for(_artifacts(receiver.base_url))
    assert isinstance(observer, AssetObserver)
    staging = _info(
        "stg_customers",
        ("raw/customers",),
        database="warehouse",
        schema="staging",
        columns={"id": "INTEGER", "email": "VARCHAR"},
    )
    mart = _info("dim_customers", ("stg_customers",), database="warehouse", schema="marts")
    observer.started(staging)
    observer.succeeded(staging)
    observer.started(mart)
    observer.failed(mart, "Binder Error: column email2 not found")
    events = receiver.events
    for event in events:
        validator.assert_valid(event)
    # job names after dbt-ol: database.schema.model.build.run, unique across products
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("warehouse.staging.stg_customers.build.run", "START"),
        ("warehouse.staging.stg_customers.build.run", "COMPLETE"),
        ("warehouse.marts.dim_customers.build.run", "START"),
        ("warehouse.marts.dim_customers.build.run", "FAIL"),
    ]
    start, complete, mart_start, fail = events
    assert start["run"]["runId"] == complete["run"]["runId"] != mart_start["run"]["runId"]
    assert start["run"]["facets"]["parent"]["run"]["runId"] == DAGSTER_RUN
    assert start["run"]["facets"]["parent"]["job"]["name"] == "customers_job"
    namespace = "duckdb:///data/warehouse.duckdb"
    assert start["inputs"][0]["namespace"] == namespace
    assert start["inputs"][0]["name"] == "warehouse.raw.customers"  # a dbt source: schema.table
    output = start["outputs"][0]
    assert (output["namespace"], output["name"]) == (namespace, "warehouse.staging.stg_customers")
    assert set(output["facets"]) == {"dataSource", "schema", "dbt_model"}
    assert [f["name"] for f in start["outputs"][0]["facets"]["schema"]["fields"]] == ["id", "email"]
    # the upstream model is named as it named itself when it ran
    assert fail["inputs"][0]["name"] == "warehouse.staging.stg_customers"
    assert fail["outputs"][0]["name"] == "warehouse.marts.dim_customers"
    assert fail["run"]["facets"]["errorMessage"]["message"] == (
        "Binder Error: column email2 not found"
    )


def test_observer_names_without_metadata_follow_the_profile(receiver):
    gateway = LineageGateway(LineageSettings(dataset_namespace="duckdb:///srv/w.duckdb"))
    (observer,) = gateway.observers_for(_artifacts(receiver.base_url))
    observer.started(AssetRunInfo("orders", "orders", ("raw/orders",), "not-a-uuid", "", "other"))
    (event,) = receiver.events
    output = event["outputs"][0]
    assert (output["namespace"], output["name"]) == (
        "duckdb:///srv/w.duckdb",
        "warehouse.main.orders",
    )
    assert event["inputs"][0]["name"] == "warehouse.raw.orders"
    parent = event["run"]["facets"]["parent"]
    assert UUID(parent["run"]["runId"])  # a derived UUID for a run id that is not one
    assert parent["job"]["name"] == "floe"


def test_an_observer_never_raises_and_logs_one_warning(receiver, caplog):
    gateway = LineageGateway(LineageSettings())
    (observer,) = gateway.observers_for(_artifacts(receiver.base_url))
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        broken = AssetRunInfo("a", "a", (), DAGSTER_RUN, "job", "duckdb", {"config": "x"})
        observer.started(broken)
    (warning,) = [r for r in caplog.records if r.name.startswith("floe_dagster_lineage")]
    assert warning.getMessage().startswith(
        f"OpenLineage START event of job warehouse.main.a.build.run (Dagster run {DAGSTER_RUN}) "
        "was not emitted: AttributeError: "
    )


@pytest.mark.parametrize("mode", ["500", "hang"])
def test_a_failing_or_hanging_backend_costs_one_warning_per_event_and_bounded_time(mode, caplog):
    status, delay = (500, 0.0) if mode == "500" else (201, 30.0)
    with LineageReceiver(status=status, delay=delay) as bad:
        gateway = LineageGateway(LineageSettings(timeout=0.5))
        (observer,) = gateway.observers_for(_artifacts(bad.base_url))
        info = _info("stg_customers")
        with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
            started = time.monotonic()
            observer.started(info)
            observer.failed(info, "boom")
            elapsed = time.monotonic() - started
    # only floe's own records: an abandoned send of an earlier test on this worker may still be
    # retrying in its background thread and log through urllib3 meanwhile
    records = [r for r in caplog.records if r.name.startswith("floe_dagster_lineage")]
    assert len(records) == 2, [r.getMessage() for r in caplog.records]
    assert elapsed < 2.5, elapsed
    expected = "answered HTTP 500" if mode == "500" else "did not answer within 0.5 s"
    assert all(expected in record.getMessage() for record in records)
    assert gateway.emitter.failures == 2


def test_emit_lineage_event_payload_is_what_was_received(receiver):
    plugin = _plugin(backend="marquez", backend_config={"url": receiver.base_url})
    plugin.emit_lineage_event("RUNNING", "job")
    (request,) = receiver.requests
    assert json.loads(request.body)["eventType"] == "RUNNING"
    assert request.headers["content-type"] == "application/json"


def test_the_specs_dataset_with_facets_is_accepted(receiver, validator):
    from floe_dagster_lineage import Dataset

    plugin = _plugin(backend="marquez", backend_config={"url": receiver.base_url})
    plugin.emit_lineage_event(
        "COMPLETE",
        "dbt_run_customers",
        outputs=[
            Dataset(
                "duckdb:///data/warehouse.duckdb",
                "warehouse.staging.stg_customers",
                {"schema": {"fields": [{"name": "id", "type": "INTEGER"}]}},
            )
        ],
        job_facets={"sql": {"query": "select id from raw.customers"}},
    )
    (event,) = receiver.events
    validator.assert_valid(event)
    assert event["outputs"][0]["facets"]["schema"]["fields"] == [{"name": "id", "type": "INTEGER"}]
    assert event["job"]["facets"]["sql"]["query"] == "select id from raw.customers"


# -- the namespace, and configuration errors while definitions load ---------------------------


def test_the_job_namespace_is_the_artifacts_lineage_namespace(receiver):
    gateway = LineageGateway(LineageSettings())
    (observer,) = gateway.observers_for(_artifacts(receiver.base_url))
    observer.started(_info("stg_customers"))
    (event,) = receiver.events
    assert event["job"]["namespace"] == "customers"  # observability.lineage_namespace
    override = LineageGateway(LineageSettings(namespace="platform"))
    (observer,) = override.observers_for(_artifacts(receiver.base_url))
    observer.started(_info("stg_customers"))
    assert receiver.events[-1]["job"]["namespace"] == "platform"


def test_a_lineage_configuration_error_never_breaks_the_code_location(caplog):
    gateway = LineageGateway(LineageSettings(backend="atlas"))
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        assert gateway.observers_for(_artifacts(None)) == []
    (warning,) = [r for r in caplog.records if "Lineage is off" in r.getMessage()]
    assert warning.getMessage().startswith(
        "Lineage is off for product customers in this process. Lineage backend 'atlas' "
        "(lineage.backend or plugins.lineage_backend.type) is not installed"
    )
    assert gateway.emitter.enabled is False


def test_two_products_with_the_same_model_never_share_a_job(receiver):
    """Namespace = the product's; name = database.schema.project.model.build.run (dbt-ol)."""
    jobs = set()
    for product in ("customers", "crm"):
        artifacts = read_artifacts(
            compiled_artifacts(
                {"name": "stg_customers"},
                product=product,
                plugins={
                    "lineage_backend": {
                        "type": "marquez",
                        "version": "0.1.0",
                        "config": {"url": receiver.base_url},
                    }
                },
            )
        )
        (observer,) = LineageGateway(LineageSettings()).observers_for(artifacts)
        info = AssetRunInfo(
            "stg_customers",
            "stg_customers",
            (),
            DAGSTER_RUN,
            f"{product}_job",
            "duckdb",
            {"project": product},
            relation={"database": product, "schema": "staging", "alias": "stg_customers"},
        )
        observer.started(info)
    jobs = {(e["job"]["namespace"], e["job"]["name"]) for e in receiver.events}
    assert jobs == {
        ("customers", "customers.staging.customers.stg_customers.build.run"),
        ("crm", "crm.staging.crm.stg_customers.build.run"),
    }
