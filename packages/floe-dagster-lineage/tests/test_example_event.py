"""The README's full example event: a dbt model's COMPLETE with every facet we build.

The README shows exactly what ``example_event()`` builds (a test compares them), and the event
validates against the shipped schemas, floe's own facet included.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from floe_dagster_lineage import (
    FLOE_DAGSTER_FACET,
    Dataset,
    build_run_event,
    column_lineage_facet,
    data_quality_assertions_facet,
    datasource_facet,
    documentation_facet,
    duckdb_namespace,
    floe_dagster_run_facet,
    model_job_name,
    output_statistics_facet,
    processing_engine_facet,
    product_job_name,
    schema_facet,
    sql_job_facet,
    tags_facet,
    to_json,
)

PRODUCER = "https://github.com/floe-dagster/floe-dagster/tree/main/packages/floe-dagster-lineage"
DAGSTER_RUN_ID = "0f8e4b1c-2f4e-4d7a-9a61-3c1b2d4e5f60"
MODEL_RUN_ID = "5a0b1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4d"
SQL = (
    "select c.customer_id, c.first_name || ' ' || c.last_name as full_name,\n"
    "       count(o.order_id) as number_of_orders\n"
    'from "jaffle_shop"."main_staging"."stg_customers" as c\n'
    'left join "jaffle_shop"."main_staging"."stg_orders" as o using (customer_id)\n'
    "group by 1, 2"
)


def example_event() -> Any:
    """The README's event, built by the public builders (fixed ids and time)."""
    warehouse = duckdb_namespace("/data/jaffle_shop.duckdb")
    source = {"dataSource": datasource_facet(warehouse, producer=PRODUCER)}
    customers = {"customer_id": "INTEGER", "first_name": "VARCHAR", "last_name": "VARCHAR"}
    orders = {"order_id": "INTEGER", "customer_id": "INTEGER"}
    lineage = column_lineage_facet(
        SQL,
        upstream={
            "jaffle_shop.main_staging.stg_customers": customers,
            "jaffle_shop.main_staging.stg_orders": orders,
        },
        namespace=warehouse,
        dialect="duckdb",
        producer=PRODUCER,
    )
    tests = data_quality_assertions_facet(
        [
            {
                "assertion": "not_null",
                "column": "customer_id",
                "success": True,
                "severity": "error",
                "name": "not_null_stg_customers_customer_id",
            },
            {
                "assertion": "unique",
                "column": "customer_id",
                "success": True,
                "severity": "error",
                "name": "unique_stg_customers_customer_id",
            },
        ],
        producer=PRODUCER,
    )
    product_run = (DAGSTER_RUN_ID, product_job_name("jaffle_shop_job"), "jaffle_shop")
    return build_run_event(
        "COMPLETE",
        model_job_name("jaffle_shop", "main_marts", "dim_customers", project="jaffle_shop"),
        job_namespace="jaffle_shop",
        producer=PRODUCER,
        run_id=MODEL_RUN_ID,
        event_time=datetime(2026, 12, 1, 6, 0, 12, tzinfo=timezone.utc),
        parent=product_run,
        job_type={"job_type": "MODEL", "integration": "DBT"},
        run_facets={
            "processing_engine": processing_engine_facet(
                "dbt", "1.10.2", "0.1.0", producer=PRODUCER
            ),
            "tags": tags_facet({"floe_compute": "duckdb"}, source="FLOE", producer=PRODUCER),
            FLOE_DAGSTER_FACET: floe_dagster_run_facet(
                product="jaffle_shop",
                compute_target="duckdb",
                dagster_run_id=DAGSTER_RUN_ID,
                dagster_job="jaffle_shop_job",
                asset_key="marts/dim_customers",
                attempt=1,
                producer=PRODUCER,
            ),
        },
        job_facets={
            "sql": sql_job_facet(SQL, "duckdb", producer=PRODUCER),
            "documentation": documentation_facet(
                "One row per customer", kind="job", producer=PRODUCER
            ),
            "tags": tags_facet(["marts"], kind="job", source="DBT", producer=PRODUCER),
        },
        inputs=[
            Dataset(
                warehouse,
                "jaffle_shop.main_staging.stg_customers",
                {
                    **source,
                    "schema": schema_facet(customers, producer=PRODUCER),
                    "dataQualityAssertions": tests,
                },
            ),
            Dataset(
                warehouse,
                "jaffle_shop.main_staging.stg_orders",
                {**source, "schema": schema_facet(orders, producer=PRODUCER)},
            ),
        ],
        outputs=[
            Dataset(
                warehouse,
                "jaffle_shop.main_marts.dim_customers",
                {
                    **source,
                    "schema": schema_facet(
                        {
                            "customer_id": "INTEGER",
                            "full_name": "VARCHAR",
                            "number_of_orders": "BIGINT",
                        },
                        producer=PRODUCER,
                    ),
                    "documentation": documentation_facet("One row per customer", producer=PRODUCER),
                    "columnLineage": lineage,
                    "tags": tags_facet(
                        {"pii": "false"}, kind="dataset", source="DBT", producer=PRODUCER
                    ),
                    "outputStatistics": output_statistics_facet(100, producer=PRODUCER),
                },
            )
        ],
    )


README = Path(__file__).parents[1] / "README.md"


def test_the_example_event_validates_with_every_facet(validator):
    event = json.loads(to_json(example_event()))
    validator.assert_valid(event)
    assert sorted(event["run"]["facets"]) == ["floe_dagster", "parent", "processing_engine", "tags"]
    assert sorted(event["job"]["facets"]) == ["documentation", "jobType", "sql", "tags"]
    (output,) = event["outputs"]
    assert sorted(output["facets"]) == [
        "columnLineage",
        "dataSource",
        "documentation",
        "schema",
        "tags",
    ]
    assert sorted(output["outputFacets"]) == ["outputStatistics"]
    assert sorted(event["inputs"][0]["facets"]) == ["dataSource", "schema"]
    assert sorted(event["inputs"][0]["inputFacets"]) == ["dataQualityAssertions"]
    parent = event["run"]["facets"]["parent"]
    assert parent["root"] == {
        "job": {"facets": {}, "name": "jaffle_shop_job", "namespace": "jaffle_shop"},
        "run": {"facets": {}, "runId": DAGSTER_RUN_ID},
    }


def test_the_readme_shows_exactly_the_example_event():
    text = README.read_text(encoding="utf-8")
    section = text.split("## One full event", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block is not None, "the README's 'One full event' section has no json block"
    assert json.loads(block.group(1)) == json.loads(to_json(example_event()))
