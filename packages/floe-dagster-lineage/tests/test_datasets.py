"""Dataset names after OpenLineage's naming conventions."""

from __future__ import annotations

import pytest

from floe_dagster_lineage import (
    Dataset,
    LineageError,
    database_for_profile,
    dataset_name,
    duckdb_namespace,
    namespace_for_profile,
)


@pytest.mark.parametrize(
    ("output", "namespace", "database"),
    [
        (
            {"type": "duckdb", "path": "/data/warehouse.duckdb"},
            "duckdb:///data/warehouse.duckdb",
            "warehouse",
        ),
        ({"type": "duckdb", "path": ":memory:"}, "duckdb://:memory:", "memory"),
        ({"type": "duckdb"}, "duckdb://:memory:", "memory"),
        (
            {"type": "postgres", "host": "db", "port": 6432, "dbname": "shop"},
            "postgres://db:6432",
            "shop",
        ),
        ({"type": "postgres", "host": "db", "dbname": "shop"}, "postgres://db:5432", "shop"),
        (
            {"type": "redshift", "host": "rs", "port": 5439, "dbname": "dw"},
            "postgres://rs:5439",
            "dw",
        ),
        (
            {"type": "trino", "host": "trino", "port": 443, "database": "iceberg"},
            "trino://trino:443",
            "iceberg",
        ),
        (
            {"type": "snowflake", "account": "org-acct", "database": "DW"},
            "snowflake://org-acct",
            "DW",
        ),
        ({"type": "bigquery", "project": "p"}, "bigquery", "p"),
        ({"type": "spark", "host": "thrift"}, "spark://thrift", None),
        ({"type": "sqlite"}, "sqlite", None),
    ],
)
def test_namespace_and_database_of_dbt_profile_outputs(output, namespace, database):
    assert namespace_for_profile(output) == namespace
    assert database_for_profile(output) == database


def test_a_profile_output_without_type_is_refused_naming_its_keys_never_its_values():
    output = {"path": "x", "password": "pw-planted-3f5e", "user": "analyst"}
    with pytest.raises(LineageError) as caught:
        namespace_for_profile(output)
    message = str(caught.value)
    assert message.startswith(
        "The dbt profile output (keys: password, path, user) has no 'type'; set the output's type"
    )
    assert "pw-planted-3f5e" not in message
    assert "analyst" not in message


def test_duckdb_namespace_of_a_relative_path_keeps_it():
    assert duckdb_namespace("data/w.duckdb") == "duckdb://data/w.duckdb"


@pytest.mark.parametrize(
    ("parts", "database", "schema", "name"),
    [
        (["a", "b", "c"], "db", "s", "a.b.c"),
        (["staging", "stg_customers"], "warehouse", None, "warehouse.staging.stg_customers"),
        (["orders"], "warehouse", "main", "warehouse.main.orders"),
        (["orders"], None, "main", "main.orders"),
        (["raw", "customers"], None, None, "raw.customers"),
    ],
)
def test_dataset_names_from_asset_keys(parts, database, schema, name):
    assert dataset_name(parts, database=database, schema=schema) == name


def test_an_empty_asset_key_is_refused():
    with pytest.raises(LineageError, match="An asset key with no parts cannot name a dataset"):
        dataset_name([])


def test_dataset_needs_namespace_and_name():
    with pytest.raises(LineageError, match="Dataset name must be a non-empty string, got ''"):
        Dataset("duckdb://:memory:", "")
