"""The public test helpers: capture, in-memory transport, receiver and schema validator."""

from __future__ import annotations

import json

import pytest

from floe_dagster_lineage import LineageEmitter, NoopTransport, build_run_event, to_json
from floe_dagster_lineage.testing import (
    InMemoryTransport,
    LineageReceiver,
    SchemaValidator,
    capture_events,
)


def test_capture_events_restores_the_transport_even_on_error():
    emitter = LineageEmitter()

    def body() -> list:
        with capture_events(emitter) as events:
            emitter.emit("START", "job")
            failed.append(events)
            raise RuntimeError("test body failed")

    failed: list = []
    with pytest.raises(RuntimeError, match="test body failed"):
        body()
    (events,) = failed
    assert isinstance(emitter.transport, NoopTransport)
    assert [event["eventType"] for event in events] == ["START"]


def test_in_memory_transport_clear():
    memory = InMemoryTransport()
    LineageEmitter(memory).emit("START", "job")
    memory.clear()
    assert memory.events == []


def test_validator_reports_each_departure_from_the_schemas(validator):
    event = json.loads(to_json(build_run_event("FAIL", "job", job_namespace="floe", error="x")))
    del event["run"]["facets"]["errorMessage"]["programmingLanguage"]
    del event["job"]["facets"]["jobType"]["integration"]
    event["run"]["runId"] = "not-a-uuid"
    event["job"]["facets"]["bare"] = {"no": "schema url"}
    problems = validator.errors(json.dumps(event))
    assert len(problems) == 5, problems
    joined = "\n".join(problems)
    assert "'not-a-uuid' is not a 'uuid'" in joined
    assert "run.facets.errorMessage: 'programmingLanguage' is a required property" in joined
    assert "job.facets.jobType: 'integration' is a required property" in joined
    assert "job.facets.bare: facet has no _schemaURL" in joined
    with pytest.raises(AssertionError, match="does not conform to the OpenLineage schemas"):
        validator.assert_valid(event)


def test_validator_checks_the_date_time_and_uri_formats_of_the_schemas(validator):
    event = json.loads(to_json(build_run_event("START", "job", job_namespace="floe")))
    event["eventTime"] = "yesterday at noon"
    event["producer"] = "not a uri"
    joined = "\n".join(validator.errors(json.dumps(event)))
    assert "'yesterday at noon' is not a 'date-time'" in joined
    assert "'not a uri' is not a 'uri'" in joined


def test_validator_never_downloads_an_unknown_version(validator):
    event = json.loads(to_json(build_run_event("START", "job", job_namespace="floe")))
    event["job"]["facets"]["jobType"]["_schemaURL"] = (
        "https://openlineage.io/spec/facets/9-9-9/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"
    )
    (problem,) = validator.errors(event)
    assert "is not among the local schemas" in problem


def test_validator_needs_the_schema_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No OpenLineage.json in .*\. Pass the folder"):
        SchemaValidator(tmp_path)


def test_validator_reports_a_ref_it_cannot_resolve(tmp_path, spec_dir):
    (tmp_path / "facets").mkdir()
    core = json.loads((spec_dir / "OpenLineage.json").read_text())
    core["$defs"]["RunEvent"] = {"$ref": "https://example.com/elsewhere.json"}
    (tmp_path / "OpenLineage.json").write_text(json.dumps(core))
    event = json.loads(to_json(build_run_event("START", "job", job_namespace="floe")))
    (problem,) = SchemaValidator(tmp_path).errors({**event, "job": {**event["job"], "facets": {}}})
    assert problem.startswith("event: cannot resolve https://openlineage.io/spec/2-0-2/")


def test_receiver_url_needs_a_started_receiver():
    with pytest.raises(RuntimeError, match="The receiver is not started; use it in a with block"):
        _ = LineageReceiver().url
