"""Datasets and their names, after OpenLineage's naming conventions.

A dataset is identified by a *namespace* (the data source, as a URI ``scheme://authority``) and a
*name* (the path inside it). For the warehouses floe runs dbt on:

============  ==================================  ============================
warehouse     namespace                           name
============  ==================================  ============================
DuckDB        ``duckdb://<absolute file path>``   ``database.schema.table``
              (``duckdb://:memory:`` in memory)   (database = the file's stem)
PostgreSQL    ``postgres://<host>:<port>``        ``database.schema.table``
Trino         ``trino://<host>:<port>``           ``catalog.schema.table``
Snowflake     ``snowflake://<account>``           ``database.schema.table``
BigQuery      ``bigquery``                        ``project.dataset.table``
============  ==================================  ============================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from floe_dagster_lineage._errors import LineageError

_DEFAULT_PORTS = {"postgres": 5432, "trino": 8080, "mysql": 3306}


@dataclass(frozen=True)
class Dataset:
    """An OpenLineage dataset: the spec's ``Dataset(namespace, name, facets)``.

    Attributes:
        namespace: The data source, e.g. ``duckdb:///data/warehouse.duckdb``.
        name: The dataset's path inside it, e.g. ``warehouse.staging.stg_customers``.
        facets: Dataset facets keyed by their conventional name (``schema``, ...): openlineage
            facet objects, or plain dicts completed on emission.

    Examples:
        >>> Dataset("postgres://db:5432", "shop.raw.customers").name
        'shop.raw.customers'
    """

    namespace: str
    name: str
    facets: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for attribute in ("namespace", "name"):
            value = getattr(self, attribute)
            if not isinstance(value, str) or not value:
                raise LineageError(
                    f"Dataset {attribute} must be a non-empty string, got {value!r}; "
                    "name datasets after OpenLineage's naming conventions, e.g. "
                    "Dataset('duckdb:///data/warehouse.duckdb', 'warehouse.main.orders')."
                )


def duckdb_namespace(path: str | PurePath) -> str:
    """The OpenLineage namespace of a DuckDB database file.

    Args:
        path: The database file (``:memory:`` for an in-memory database).

    Returns:
        ``duckdb://`` followed by the path as given (make it absolute for stable names).

    Examples:
        >>> duckdb_namespace("/data/warehouse.duckdb")
        'duckdb:///data/warehouse.duckdb'
        >>> duckdb_namespace(":memory:")
        'duckdb://:memory:'
    """
    return f"duckdb://{PurePath(path).as_posix() if str(path) != ':memory:' else ':memory:'}"


def duckdb_database(path: str | PurePath) -> str:
    """The database name DuckDB gives a file: its stem (``memory`` for ``:memory:``).

    Examples:
        >>> duckdb_database("/data/warehouse.duckdb")
        'warehouse'
    """
    return "memory" if str(path) == ":memory:" else PurePath(path).stem


def namespace_for_profile(output: Mapping[str, Any]) -> str:
    """The dataset namespace of a dbt profile output (one entry of ``outputs:``).

    Args:
        output: The profile output, e.g. ``{"type": "duckdb", "path": "/data/w.duckdb"}``.

    Returns:
        The namespace after OpenLineage's conventions for that warehouse type; for a type it does
        not know, ``<type>://<host>`` (or ``<type>`` when there is no host).

    Raises:
        LineageError: When the output has no ``type``.

    Examples:
        >>> namespace_for_profile({"type": "postgres", "host": "db", "port": 5432})
        'postgres://db:5432'
        >>> namespace_for_profile({"type": "duckdb", "path": ":memory:"})
        'duckdb://:memory:'
    """
    kind = output.get("type")
    if not kind:
        # the keys only: the output's values hold the warehouse password
        keys = ", ".join(sorted(map(str, output))) or "none"
        raise LineageError(
            f"The dbt profile output (keys: {keys}) has no 'type'; set the output's type to its "
            "dbt adapter, e.g. {'type': 'duckdb', 'path': 'warehouse.duckdb'}."
        )
    kind = str(kind)
    if kind == "duckdb":
        return duckdb_namespace(str(output.get("path", ":memory:")))
    if kind == "bigquery":
        return "bigquery"
    if kind == "snowflake":
        return f"snowflake://{output.get('account', '')}".rstrip("/")
    scheme = "postgres" if kind in {"postgres", "postgresql", "redshift"} else kind
    host = output.get("host")
    if not host:
        return scheme
    port = output.get("port", _DEFAULT_PORTS.get(scheme))
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def database_for_profile(output: Mapping[str, Any]) -> str | None:
    """The database (catalog, project) part of dataset names for a dbt profile output.

    Examples:
        >>> database_for_profile({"type": "duckdb", "path": "/data/warehouse.duckdb"})
        'warehouse'
        >>> database_for_profile({"type": "postgres", "host": "db", "dbname": "shop"})
        'shop'
    """
    if output.get("type") == "duckdb":
        return str(output.get("database") or duckdb_database(str(output.get("path", ":memory:"))))
    for key in ("database", "dbname", "catalog", "project"):
        if output.get(key):
            return str(output[key])
    return None


def dataset_name(
    parts: Sequence[str], *, database: str | None = None, schema: str | None = None
) -> str:
    """A ``database.schema.table`` name from an asset key's parts.

    A key of three parts or more is taken as it is (joined with dots). A shorter key is completed
    on the left with ``schema`` then ``database`` when they are known, so that ``["orders"]`` in
    DuckDB file ``warehouse.duckdb`` with schema ``main`` becomes ``warehouse.main.orders``.

    Args:
        parts: The asset key's parts (``["staging", "stg_customers"]``).
        database: The database (catalog, project) to prepend when the key is shorter than 3 parts.
        schema: The schema to prepend when the key has one part.

    Examples:
        >>> dataset_name(["staging", "stg_customers"], database="warehouse")
        'warehouse.staging.stg_customers'
        >>> dataset_name(["orders"], database="warehouse", schema="main")
        'warehouse.main.orders'
        >>> dataset_name(["raw", "customers"])
        'raw.customers'
    """
    names = [part for part in parts if part]
    if not names:
        raise LineageError("An asset key with no parts cannot name a dataset; give the key a name.")
    if len(names) == 1 and schema:
        names = [schema, *names]
    if len(names) == 2 and database:
        names = [database, *names]
    return ".".join(names)
