"""The ``columnLineage`` facet from a model's compiled SQL, with sqlglot (extra ``[sql]``).

As dagster-dbt builds its column lineage metadata (``_build_column_lineage_metadata``): the
upstream relations' columns go into a sqlglot ``MappingSchema``, the SQL is parsed and optimized
(qualified) against it, and for each output column ``sqlglot.lineage`` is walked to its leaves, the
upstream columns it is computed from. Whatever does not resolve (sqlglot not installed, SQL it
cannot parse, a column it cannot trace) gives no field, or no facet at all: never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from floe_dagster_lineage._events import DEFAULT_PRODUCER

logger = logging.getLogger("floe_dagster_lineage")


def column_lineage_facet(
    sql: str,
    *,
    upstream: Mapping[str, Mapping[str, str | None] | Sequence[str]],
    namespace: str,
    dialect: str | None = None,
    columns: Sequence[str] | None = None,
    dataset_names: Mapping[str, str] | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> Any | None:
    """The ``columnLineage`` dataset facet of a model's output, or None where it does not resolve.

    Args:
        sql: The model's compiled SQL (a ``select``).
        upstream: Each relation the SQL reads, named as in the SQL (``"db"."schema"."table"`` or
            ``db.schema.table``), with its columns (name -> type, or names alone).
        namespace: The dataset namespace of the upstream datasets (the warehouse).
        dialect: sqlglot's dialect, e.g. the dbt adapter type (``duckdb``, ``postgres``...).
        columns: Only these output columns (e.g. the model's known columns); all by default.
        dataset_names: Upstream relation (normalized, ``db.schema.table``) -> dataset name, where
            the dataset name differs from the relation's name.
        producer: The producer URI.

    Returns:
        A ``ColumnLineageDatasetFacet`` whose fields each list their input fields with a
        ``DIRECT`` transformation (``IDENTITY``, ``TRANSFORMATION`` or ``AGGREGATION``); None
        when sqlglot is missing, the SQL does not parse or no column resolves.

    Examples:
        >>> facet = column_lineage_facet(
        ...     "select id, upper(name) as name from w.main.raw",
        ...     upstream={"w.main.raw": {"id": "int", "name": "text"}},
        ...     namespace="duckdb:///w.duckdb",
        ...     dialect="duckdb",
        ... )
        >>> [(f.name, f.field) for f in facet.fields["name"].inputFields]
        [('w.main.raw', 'name')]
    """
    try:
        resolved = _resolve(sql, upstream, dialect, columns)
    except ImportError:
        logger.debug("no columnLineage facet: sqlglot is not installed (extra [sql])")
        return None
    except Exception as error:  # noqa: BLE001 - column lineage is best effort, never an error
        logger.debug("no columnLineage facet: sqlglot cannot resolve the SQL: %s", error)
        return None
    if not resolved:
        return None
    from openlineage.client.facet_v2 import column_lineage_dataset as cl

    names = dict(dataset_names or {})
    fields = {
        column: cl.Fields(
            inputFields=[
                cl.InputField(
                    namespace=namespace,
                    name=names.get(relation, relation),
                    field=source,
                    transformations=[cl.Transformation(type="DIRECT", subtype=subtype)],
                )
                for relation, source in sorted(sources)
            ]
        )
        for column, (sources, subtype) in resolved.items()
    }
    return cl.ColumnLineageDatasetFacet(fields=fields, producer=producer)


def _resolve(
    sql: str,
    upstream: Mapping[str, Mapping[str, str | None] | Sequence[str]],
    dialect: str | None,
    columns: Sequence[str] | None,
) -> dict[str, tuple[set[tuple[str, str]], str]]:
    """Output column -> ({(upstream relation, column)}, transformation subtype)."""
    from sqlglot import MappingSchema, exp, parse_one, to_table
    from sqlglot.expressions import normalize_table_name
    from sqlglot.lineage import lineage
    from sqlglot.optimizer import optimize

    schema = MappingSchema(dialect=dialect)
    for relation, relation_columns in upstream.items():
        if not relation_columns:  # columns unknown (an undocumented seed): qualified from the SQL
            continue
        mapping = (
            {name: kind or "unknown" for name, kind in relation_columns.items()}
            if isinstance(relation_columns, Mapping)
            else dict.fromkeys(relation_columns, "unknown")
        )
        schema.add_table(
            to_table(relation, dialect=dialect), column_mapping=mapping, dialect=dialect
        )
    # columns of a relation the schema does not know stay as the SQL names them (no error)
    query: Any = optimize(
        parse_one(sql, dialect=dialect),
        schema=schema,
        dialect=dialect,
        validate_qualify_columns=False,
    )
    wanted = {column.lower() for column in columns} if columns is not None else None
    selects = {select.alias_or_name: select for select in query.selects}
    resolved: dict[str, tuple[set[tuple[str, str]], str]] = {}
    for column in query.named_selects:
        if column == "*":  # a star over a relation the schema does not know: no column to name
            continue
        if wanted is not None and column.lower() not in wanted:
            continue
        sources: set[tuple[str, str]] = set()
        for node in lineage(column, sql=query, schema=schema, dialect=dialect).walk():
            if node.downstream:  # only the leaves name upstream columns
                continue
            table = node.expression.find(exp.Table)
            if table is None:
                continue
            sources.add(
                (normalize_table_name(table, dialect=dialect), exp.to_column(node.name).name)
            )
        if sources:
            resolved[column] = (sources, _subtype(selects.get(column), exp))
    return resolved


def _subtype(select: Any, exp: Any) -> str:
    expression = select.unalias() if select is not None else None
    if isinstance(expression, exp.Column):
        return "IDENTITY"
    if expression is not None and expression.find(exp.AggFunc) is not None:
        return "AGGREGATION"
    return "TRANSFORMATION"
