"""dbt-ol's dbt facets, with the same keys and fields, validated by the shipped schemas."""

from __future__ import annotations

import json

from floe_dagster_lineage import (
    build_run_event,
    dbt_model_facet,
    dbt_node_facet,
    dbt_run_facet,
    dbt_version_facet,
    to_json,
)

INVOCATION = "e0c64ee8-2672-4c7a-92cc-2e27c2d4324f"


def event_with_dbt_facets(**run_overrides):
    run_facets = {
        "dbt_version": dbt_version_facet("1.11.16"),
        "dbt_run": dbt_run_facet(INVOCATION, project_name="jaffle_shop", profile_name="jaffle"),
        **run_overrides,
    }
    return json.loads(
        to_json(
            build_run_event(
                "COMPLETE",
                "jaffle_shop.main.jaffle_shop.a.build.run",
                job_namespace="jaffle-shop",
                run_facets=run_facets,
                job_facets={
                    "dbt_node": dbt_node_facet(
                        unique_id="model.jaffle_shop.a",
                        original_file_path="models/a.sql",
                        database="jaffle_shop",
                        schema="main",
                        alias="a",
                    )
                },
                outputs=[
                    {
                        "namespace": "duckdb:///w.duckdb",
                        "name": "jaffle_shop.main.a",
                        "facets": {"dbt_model": dbt_model_facet({"materialized": "view"})},
                    }
                ],
            )
        )
    )


def test_the_dbt_facets_validate_and_carry_dbt_ols_fields(validator):
    event = event_with_dbt_facets()
    assert validator.errors(event) == []
    run = event["run"]["facets"]
    assert run["dbt_version"]["version"] == "1.11.16"
    assert run["dbt_run"]["invocation_id"] == INVOCATION
    assert run["dbt_run"]["dbt_runtime"] == "core"
    node = event["job"]["facets"]["dbt_node"]
    assert (node["unique_id"], node["alias"], node["schema"]) == (
        "model.jaffle_shop.a",
        "a",
        "main",
    )
    assert event["outputs"][0]["facets"]["dbt_model"]["config"] == {"materialized": "view"}


def test_a_dbt_run_facet_without_a_uuid_invocation_is_refused_by_its_schema(validator):
    event = event_with_dbt_facets(dbt_run=dbt_run_facet("not-a-uuid"))
    (problem,) = validator.errors(event)
    assert problem.startswith("run.facets.dbt_run: 'not-a-uuid' is not a 'uuid'")
