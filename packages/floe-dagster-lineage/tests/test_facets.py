"""Facets given as dicts are completed to conformance, or refused with a clear error."""

from __future__ import annotations

import json

import pytest

from floe_dagster_lineage import (
    FacetError,
    build_run_event,
    complete_facets,
    error_message_facet,
    nominal_time_facet,
    to_json,
)


def test_standard_dict_facets_get_producer_and_the_official_schema_url(validator):
    event = json.loads(
        to_json(
            build_run_event(
                "FAIL",
                "job",
                job_namespace="floe",
                producer="https://example.com/producer",
                run_facets={"errorMessage": {"message": "x", "programmingLanguage": "SQL"}},
                job_facets={"documentation": {"description": "daily customers"}},
            )
        )
    )
    validator.assert_valid(event)
    error = event["run"]["facets"]["errorMessage"]
    assert error["_producer"] == "https://example.com/producer"
    assert error["_schemaURL"] == (
        "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"
        "#/$defs/ErrorMessageRunFacet"
    )
    assert error["programmingLanguage"] == "SQL"  # the caller's own facet wins over ours


def test_a_standard_facet_missing_a_required_field_is_refused():
    with pytest.raises(
        FacetError,
        match=(
            r"Facet 'errorMessage' in run_facets lacks the required field\(s\) "
            r"programmingLanguage of ErrorMessageRunFacet; add them"
        ),
    ):
        build_run_event(
            "FAIL", "job", job_namespace="floe", run_facets={"errorMessage": {"message": "x"}}
        )


def test_an_unknown_dict_facet_without_schema_url_is_refused_with_the_standard_keys():
    with pytest.raises(FacetError) as caught:
        build_run_event("START", "job", job_namespace="floe", job_facets={"owner": {"a": 1}})
    message = str(caught.value)
    assert "Facet 'owner' in job_facets is not a standard OpenLineage job facet" in message
    assert "add '_schemaURL'" in message
    assert "jobType, ownership, sourceCode" in message


def test_a_custom_facet_with_its_schema_url_gets_a_producer_and_passes_the_core_schema(validator):
    custom = {"_schemaURL": "https://example.com/schemas/Cost.json#/$defs/Cost", "euros": 3}
    event = json.loads(
        to_json(build_run_event("START", "job", job_namespace="floe", run_facets={"cost": custom}))
    )
    facet = event["run"]["facets"]["cost"]
    assert facet["euros"] == 3
    assert facet["_producer"] == event["producer"]
    # the local registry does not know example.com: a finding, never a download
    assert validator.errors(event) == [
        "run.facets.cost: schema 'https://example.com/schemas/Cost.json#/$defs/Cost' "
        "is not among the local schemas"
    ]


def test_a_facet_that_is_neither_object_nor_dict_is_refused():
    with pytest.raises(FacetError, match="Facet 'sql' in job_facets is a str, not a facet"):
        complete_facets({"sql": "select 1"}, kind="job", where="job_facets", producer="urn:x")


def test_dataset_facet_errors_name_the_dataset():
    with pytest.raises(FacetError, match=r"Facet 'columnLineage' in outputs\[0\]\.facets lacks"):
        build_run_event(
            "COMPLETE",
            "job",
            job_namespace="floe",
            outputs=[{"namespace": "n", "name": "t", "facets": {"columnLineage": {}}}],
        )


def test_facet_objects_pass_as_they_are():
    facet = error_message_facet("boom", producer="urn:x")
    assert complete_facets(
        {"errorMessage": facet}, kind="run", where="run_facets", producer="urn:y"
    ) == {"errorMessage": facet}


def test_nominal_time_with_an_end(validator):
    from datetime import datetime, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    end = datetime(2026, 1, 2, tzinfo=timezone.utc)
    facet = nominal_time_facet(start, end, producer="urn:x")
    assert facet.nominalEndTime == "2026-01-02T00:00:00+00:00"
