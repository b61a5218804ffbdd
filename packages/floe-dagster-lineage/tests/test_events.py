"""Run events: every event type conforms to the official schemas (SC-006), facets included."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from uuid import UUID

import pytest

from floe_dagster_lineage import (
    Dataset,
    LineageEmitter,
    LineageError,
    build_run_event,
    event_type_name,
    schema_facet,
    to_json,
)
from floe_dagster_lineage._events import EVENT_TYPES
from floe_dagster_lineage.testing import InMemoryTransport

PARENT = ("3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11", "daily_customers", "floe")
WAREHOUSE = "duckdb:///data/warehouse.duckdb"


def _full_event(event_type: str) -> dict:
    memory = InMemoryTransport()
    LineageEmitter(memory, namespace="floe").emit(
        event_type,
        "dbt_run_customers",
        inputs=[
            Dataset(
                WAREHOUSE,
                "warehouse.raw.customers",
                {"schema": {"fields": [{"name": "id", "type": "BIGINT"}]}},
            )
        ],
        outputs=[
            Dataset(
                WAREHOUSE,
                "warehouse.staging.stg_customers",
                {
                    "schema": schema_facet({"id": "BIGINT", "email": "VARCHAR"}, producer="urn:t"),
                    "outputStatistics": {"rowCount": 3},
                },
            )
        ],
        parent=PARENT,
        nominal_time=datetime(2026, 1, 1, 6, tzinfo=timezone.utc),
        run_facets={"tags": {"tags": [{"key": "team", "value": "data"}]}},
        job_facets={"sql": {"query": "select * from raw.customers"}},
        error=RuntimeError("model stg_customers failed") if event_type == "FAIL" else None,
    )
    (payload,) = memory.payloads
    return json.loads(payload)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_event_type_conforms_to_the_official_schemas(event_type, validator):
    event = _full_event(event_type)
    validator.assert_valid(event)
    assert event["eventType"] == event_type
    assert event["job"] == {
        "namespace": "floe",
        "name": "dbt_run_customers",
        "facets": event["job"]["facets"],
    }
    assert set(event["job"]["facets"]) == {"jobType", "sql"}
    assert event["job"]["facets"]["jobType"]["integration"] == "DAGSTER"
    run_facets = event["run"]["facets"]
    assert run_facets["parent"]["run"]["runId"] == PARENT[0]
    parent_job = run_facets["parent"]["job"]
    assert (parent_job["namespace"], parent_job["name"]) == ("floe", "daily_customers")
    assert run_facets["nominalTime"]["nominalStartTime"] == "2026-01-01T06:00:00+00:00"
    assert [f["name"] for f in event["outputs"][0]["facets"]["schema"]["fields"]] == ["id", "email"]
    assert event["outputs"][0]["outputFacets"]["outputStatistics"]["rowCount"] == 3
    assert event["producer"].startswith("https://")
    assert ("errorMessage" in run_facets) is (event_type == "FAIL")


def test_fail_carries_message_language_and_stack_trace(validator):
    event = _full_event("FAIL")
    error = event["run"]["facets"]["errorMessage"]
    assert error["message"] == "model stg_customers failed"
    assert error["programmingLanguage"] == "PYTHON"
    assert "RuntimeError: model stg_customers failed" in error["stackTrace"]


def test_fail_without_an_error_still_says_what_failed(validator):
    memory = InMemoryTransport()
    LineageEmitter(memory).fail("nightly")
    event = memory.events[0]
    validator.assert_valid(event)
    assert event["run"]["facets"]["errorMessage"]["message"] == (
        "job 'nightly' failed (no error message was given)"
    )


def test_fail_with_a_message_string_has_no_stack_trace():
    event = json.loads(to_json(build_run_event("FAIL", "j", job_namespace="n", error="boom")))
    assert event["run"]["facets"]["errorMessage"]["message"] == "boom"
    assert "stackTrace" not in event["run"]["facets"]["errorMessage"]


def test_run_id_is_kept_when_given_and_generated_otherwise():
    emitter = LineageEmitter()
    given = UUID("3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11")
    assert emitter.emit("START", "job", run_id=given) == given
    assert emitter.emit("START", "job", run_id=str(given)) == given
    generated = emitter.emit("START", "job")
    assert isinstance(generated, UUID)
    assert generated.version == 7  # time-ordered, as openlineage-python generates them
    assert generated != emitter.emit("START", "job")


def test_a_run_id_that_is_no_uuid_is_refused_with_the_fix():
    with pytest.raises(LineageError, match=r"`run_id` 'run-42' is not a UUID; .* Pass a uuid.UUID"):
        LineageEmitter().emit("START", "job", run_id="run-42")


def test_event_types_accept_strings_of_any_case_and_enums():
    from enum import Enum

    class State(str, Enum):
        COMPLETE = "COMPLETE"

    assert event_type_name("start") == "START"
    assert event_type_name(State.COMPLETE) == "COMPLETE"
    with pytest.raises(LineageError, match=r"Unknown OpenLineage event type 'FINISHED'; use one"):
        event_type_name("FINISHED")
    with pytest.raises(LineageError, match="Unknown OpenLineage event type 3"):
        event_type_name(3)


def test_job_name_and_namespace_are_required():
    with pytest.raises(LineageError, match="`job_name` must be a non-empty string, got ''"):
        build_run_event("START", "", job_namespace="floe")
    with pytest.raises(LineageError, match="`job_namespace` must be a non-empty string"):
        build_run_event("START", "job", job_namespace="")


def test_datasets_may_be_dicts_or_any_object_with_namespace_and_name(validator):
    class Spec:  # e.g. floe-core's LineageDataset
        namespace = "postgres://db:5432"
        name = "shop.raw.orders"
        facets = None

    event = json.loads(
        to_json(
            build_run_event(
                "COMPLETE",
                "job",
                job_namespace="floe",
                inputs=[Spec(), {"namespace": "bigquery", "name": "p.d.t"}],
            )
        )
    )
    validator.assert_valid(event)
    assert [(d["namespace"], d["name"]) for d in event["inputs"]] == [
        ("postgres://db:5432", "shop.raw.orders"),
        ("bigquery", "p.d.t"),
    ]


def test_a_dataset_without_a_name_is_refused_with_its_position():
    with pytest.raises(
        LineageError, match=r"`outputs\[1\]` .* needs a non-empty namespace and name"
    ):
        build_run_event(
            "COMPLETE",
            "job",
            job_namespace="floe",
            outputs=[{"namespace": "a", "name": "b"}, {"namespace": "a"}],
        )


def test_naive_event_time_is_taken_as_utc():
    event = build_run_event(
        "START", "job", job_namespace="floe", event_time=datetime(2026, 5, 1, 12, 0)
    )
    assert event.eventTime == "2026-05-01T12:00:00+00:00"


def test_job_type_can_be_changed(validator):
    memory = InMemoryTransport()
    emitter = LineageEmitter(
        memory, job_type={"job_type": "MODEL", "integration": "DBT", "processing_type": "BATCH"}
    )
    emitter.complete("stg_customers")
    job_type = memory.events[0]["job"]["facets"]["jobType"]
    validator.assert_valid(memory.events[0])
    assert (job_type["jobType"], job_type["integration"]) == ("MODEL", "DBT")
