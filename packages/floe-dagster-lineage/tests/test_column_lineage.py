"""Column lineage from compiled SQL with sqlglot, as dagster-dbt resolves it; never an error."""

from __future__ import annotations

import json
import sys

from floe_dagster_lineage import build_run_event, column_lineage_facet, to_json

NAMESPACE = "duckdb:///data/w.duckdb"
UPSTREAM = {
    '"w"."main"."stg_customers"': {"customer_id": "INTEGER", "name": "VARCHAR"},
    "w.main.stg_orders": ["order_id", "customer_id", "amount"],
}
# what dbt compiles: CTEs over quoted relations, an aggregate, a join
SQL = """
with customers as (select * from "w"."main"."stg_customers"),
orders as (select * from "w"."main"."stg_orders")
select
    customers.customer_id,
    upper(customers.name) as customer_name,
    sum(orders.amount) as lifetime_value,
    'active' as status
from customers
left join orders on orders.customer_id = customers.customer_id
group by 1, 2
"""


def _fields(facet):
    return {
        column: [
            (field.name, field.field, field.transformations[0].subtype)
            for field in fields.inputFields
        ]
        for column, fields in facet.fields.items()
    }


def test_columns_resolve_to_their_upstream_columns(validator):
    facet = column_lineage_facet(SQL, upstream=UPSTREAM, namespace=NAMESPACE, dialect="duckdb")
    assert _fields(facet) == {
        "customer_id": [("w.main.stg_customers", "customer_id", "IDENTITY")],
        "customer_name": [("w.main.stg_customers", "name", "TRANSFORMATION")],
        "lifetime_value": [("w.main.stg_orders", "amount", "AGGREGATION")],
        # 'status' is a literal: no upstream column, no field
    }
    event = build_run_event(
        "COMPLETE",
        "job",
        job_namespace="floe",
        outputs=[
            {"namespace": NAMESPACE, "name": "w.main.customers", "facets": {"columnLineage": facet}}
        ],
    )
    validator.assert_valid(to_json(event))
    field = json.loads(to_json(event))["outputs"][0]["facets"]["columnLineage"]["fields"]
    assert field["customer_id"]["inputFields"][0]["namespace"] == NAMESPACE


def test_only_the_requested_columns_and_renamed_datasets():
    facet = column_lineage_facet(
        SQL,
        upstream=UPSTREAM,
        namespace=NAMESPACE,
        dialect="duckdb",
        columns=["CUSTOMER_ID"],
        dataset_names={"w.main.stg_customers": "warehouse.main.stg_customers"},
    )
    assert _fields(facet) == {
        "customer_id": [("warehouse.main.stg_customers", "customer_id", "IDENTITY")]
    }


def test_what_does_not_resolve_gives_none_never_an_error(monkeypatch):
    assert column_lineage_facet("selec nonsense (", upstream=UPSTREAM, namespace=NAMESPACE) is None
    assert column_lineage_facet("select 1 as one", upstream={}, namespace=NAMESPACE) is None
    # a column no upstream relation has, a star over an unknown relation, a literal subquery
    for sql in (
        "select z from w.main.stg_orders, w.main.stg_customers",
        "select * from w.main.nowhere",
        "select x from (select 1 as x) as t",
    ):
        assert (
            column_lineage_facet(sql, upstream=UPSTREAM, namespace=NAMESPACE, dialect="duckdb")
            is None
        )
    monkeypatch.setitem(sys.modules, "sqlglot", None)  # sqlglot not installed (extra [sql])
    assert column_lineage_facet(SQL, upstream=UPSTREAM, namespace=NAMESPACE) is None
