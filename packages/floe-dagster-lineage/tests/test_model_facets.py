"""The facet builders give conformant facets, and refuse bad input with what to fix."""

from __future__ import annotations

import json

import pytest

from floe_dagster_lineage import (
    FLOE_DAGSTER_FACET,
    FLOE_DAGSTER_SCHEMA_URL,
    FacetError,
    build_run_event,
    data_quality_assertions_facet,
    datasource_facet,
    documentation_facet,
    floe_dagster_run_facet,
    output_statistics_facet,
    parent_run_facet,
    processing_engine_facet,
    sql_job_facet,
    tags_facet,
    to_json,
)

RUN = "3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11"
ROOT = "0f8e4b1c-2f4e-4d7a-9a61-3c1b2d4e5f60"


def _event(**kwargs):
    return json.loads(to_json(build_run_event("COMPLETE", "job", job_namespace="floe", **kwargs)))


def test_every_builder_validates_where_it_belongs(validator):
    event = _event(
        run_facets={
            "processing_engine": processing_engine_facet("dagster", "1.12.0", "0.1.0"),
            "tags": tags_facet({"team": "data", "critical": True}, source="DAGSTER"),
            FLOE_DAGSTER_FACET: floe_dagster_run_facet(
                product="shop", dagster_run_id=ROOT, dagster_job="shop_job"
            ),
        },
        job_facets={
            "sql": sql_job_facet("select 1", "duckdb"),
            "documentation": documentation_facet(
                "the job", kind="job", content_type="text/markdown"
            ),
            "tags": tags_facet(["nightly"], kind="job"),
        },
        inputs=[
            {
                "namespace": "duckdb:///w.duckdb",
                "name": "w.main.raw",
                "facets": {
                    "dataSource": datasource_facet("duckdb:///w.duckdb"),
                    "dataQualityAssertions": data_quality_assertions_facet(
                        [{"assertion": "unique", "success": False, "expected": 0, "actual": 3}]
                    ),
                },
            }
        ],
        outputs=[
            {
                "namespace": "duckdb:///w.duckdb",
                "name": "w.main.out",
                "facets": {
                    "documentation": documentation_facet("the table"),
                    "tags": tags_facet({"pii": "email"}, kind="dataset"),
                    "outputStatistics": output_statistics_facet(10, 2048, file_count=1),
                },
            }
        ],
    )
    validator.assert_valid(event)
    assert event["run"]["facets"]["tags"]["tags"] == [
        {"key": "team", "source": "DAGSTER", "value": "data"},
        {"key": "critical", "source": "DAGSTER", "value": "true"},
    ]
    assertion = event["inputs"][0]["inputFacets"]["dataQualityAssertions"]["assertions"][0]
    assert (assertion["expected"], assertion["actual"]) == ("0", "3")
    assert event["outputs"][0]["outputFacets"]["outputStatistics"] == {
        "_producer": event["producer"],
        "_schemaURL": (
            "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json"
            "#/$defs/OutputStatisticsOutputDatasetFacet"
        ),
        "fileCount": 1,
        "rowCount": 10,
        "size": 2048,
    }


def test_data_quality_assertions_given_as_dicts_go_to_the_input_facets(validator):
    event = _event(
        inputs=[
            {
                "namespace": "n",
                "name": "t",
                "facets": {
                    "dataQualityAssertions": {
                        "assertions": [{"assertion": "not_null", "success": True, "column": "id"}]
                    }
                },
            }
        ]
    )
    validator.assert_valid(event)
    assert "dataQualityAssertions" in event["inputs"][0]["inputFacets"]


def test_the_floe_facet_has_its_own_schema_and_it_is_enforced(validator):
    facet = floe_dagster_run_facet(
        product="shop",
        dagster_run_id=ROOT,
        dagster_job="shop_job",
        compute_target="duckdb",
        asset_key="marts/orders",
        attempt=2,
        producer="https://example.com/p",
    )
    assert facet == {
        "_producer": "https://example.com/p",
        "_schemaURL": FLOE_DAGSTER_SCHEMA_URL,
        "product": "shop",
        "dagsterRunId": ROOT,
        "dagsterJob": "shop_job",
        "computeTarget": "duckdb",
        "assetKey": "marts/orders",
        "attempt": 2,
    }
    validator.assert_valid(_event(run_facets={FLOE_DAGSTER_FACET: facet}))
    broken = {**facet, "attempt": 0}
    broken.pop("product")
    problems = validator.errors(_event(run_facets={FLOE_DAGSTER_FACET: broken}))
    assert sorted(problems) == [
        "run.facets.floe_dagster: 'product' is a required property (at /)",
        "run.facets.floe_dagster: 0 is less than the minimum of 1 (at attempt)",
    ]


def test_the_parent_facet_names_the_root_run(validator):
    facet = parent_run_facet(
        RUN, "model_job", "floe", root=(ROOT, "shop_job", "floe"), producer="urn:x"
    )
    event = _event(run_facets={"parent": facet})
    validator.assert_valid(event)
    assert event["run"]["facets"]["parent"]["root"] == {
        "job": {"facets": {}, "name": "shop_job", "namespace": "floe"},
        "run": {"facets": {}, "runId": ROOT},
    }
    via_emit = _event(parent=(RUN, "model_job", "floe"), root=(ROOT, "shop_job", "floe"))
    assert via_emit["run"]["facets"]["parent"]["root"]["run"]["runId"] == ROOT
    assert via_emit["run"]["facets"]["parent"]["run"]["runId"] == RUN


def test_the_datasource_uri_never_carries_credentials():
    facet = datasource_facet(
        "postgres://db:5432", "postgres://svc:pw-planted@db:5432/shop?sslkey=k"
    )
    assert facet.uri == "postgres://db:5432/shop"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: datasource_facet(""), "`datasource_facet` needs the data source's name"),
        (
            lambda: documentation_facet("x", kind="table"),
            "`documentation_facet` kind must be 'dataset' or 'job', got 'table'.",
        ),
        (
            lambda: data_quality_assertions_facet([{"assertion": "unique", "success": "yes"}]),
            "`assertion [0]` needs 'assertion' (the test, e.g. 'not_null') and a boolean 'success'",
        ),
        (
            lambda: data_quality_assertions_facet(
                [{"assertion": "unique", "success": True}, {"test": "x", "success": True}]
            ),
            "`assertion [1]` has the unknown key(s) test; valid keys: actual, assertion, column,",
        ),
        (
            lambda: output_statistics_facet(-1),
            "`output_statistics_facet` row_count must be a whole number >= 0 or None, got -1.",
        ),
        (
            lambda: output_statistics_facet(1, size=True),
            "`output_statistics_facet` size must be a whole number >= 0 or None, got True.",
        ),
        (lambda: sql_job_facet(""), "`sql_job_facet` needs the query (the model's compiled SQL)."),
        (
            lambda: processing_engine_facet("dbt", ""),
            "`processing_engine_facet` needs a name and a version, got 'dbt' and ''.",
        ),
        (
            lambda: tags_facet(["a"], kind="model"),
            "`tags_facet` kind must be one of run, job, dataset, got 'model'.",
        ),
        (
            lambda: floe_dagster_run_facet(product="", dagster_run_id="r", dagster_job="j"),
            "`floe_dagster_run_facet` needs a non-empty string product, got ''.",
        ),
        (
            lambda: floe_dagster_run_facet(
                product="p", dagster_run_id="r", dagster_job="j", attempt=0
            ),
            "`floe_dagster_run_facet` attempt must be a whole number >= 1, got 0.",
        ),
    ],
)
def test_bad_input_is_refused_with_what_to_fix(build, message):
    with pytest.raises(FacetError) as caught:
        build()
    assert message in str(caught.value)
