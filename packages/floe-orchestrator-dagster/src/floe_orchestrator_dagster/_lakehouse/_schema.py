"""Comparing a model's columns with its Iceberg table, and evolving the table when compatible.

Columns are matched by name. Compatible, the table evolves before the write:

- a new column (added as optional);
- a widened type, by Iceberg's promotion rules (pyiceberg's ``promote``): ``int -> long``,
  ``float -> double``, ``decimal(P, S) -> decimal(P2, S)`` with ``P2 > P``.

A type the table's type already holds (the model went from ``long`` to ``int``) needs no change:
the write casts. Anything else fails the model's export before anything is written, naming each
column: another type (``long`` -> ``string``), a changed nested type, or a column the model no
longer has (dropping a column is not a compatible change).

Additions of the primitive types floe-iceberg's ``SchemaField`` knows go through floe-iceberg's
``IcebergTableManager.evolve_schema``. floe-iceberg 0.1.0a1 cannot widen a type on a real table
(its check finds no column type outside its test doubles, and it applies no ``WIDEN_TYPE``), nor
add a decimal or nested column (it maps them to ``string``): those evolutions go through
pyiceberg's ``UpdateSchema.union_by_name``. Either way the schema change is one commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from floe_orchestrator_dagster._errors import IcebergExportError

# floe-iceberg's FieldType values its evolve_schema maps to the same pyiceberg type
_FLOE_TYPES = (
    "boolean", "int", "long", "float", "double", "date", "time", "timestamp", "timestamptz",
    "string", "uuid", "binary",
)  # fmt: skip
_FLOE_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")  # floe-iceberg's IDENTIFIER_PATTERN


@dataclass(frozen=True)
class SchemaPlan:
    """The compatible changes a write needs.

    Attributes:
        added: ``(column, type)`` of each new column.
        widened: ``(column, old type, new type)`` of each widened column.
    """

    added: tuple[tuple[str, str], ...] = ()
    widened: tuple[tuple[str, str, str], ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the table's schema must change."""
        return bool(self.added or self.widened)

    def describe(self) -> str:
        """One line for the materialization, e.g. ``added note (string); widened id int -> long``.

        Examples:
            >>> SchemaPlan(added=(("note", "string"),), widened=(("id", "int", "long"),)).describe()
            'added note (string); widened id int -> long'
        """
        parts = [f"added {name} ({kind})" for name, kind in self.added]
        parts += [f"widened {name} {old} -> {new}" for name, old, new in self.widened]
        return "; ".join(parts)


def iceberg_schema(arrow_schema: Any) -> Any:
    """The Iceberg schema pyiceberg derives from an Arrow schema (field ids unassigned)."""
    # pyiceberg's own conversion for schemas without field ids (what create_table uses)
    from pyiceberg.io.pyarrow import _pyarrow_to_schema_without_ids

    return _pyarrow_to_schema_without_ids(arrow_schema)


def plan_changes(table_schema: Any, arrow_schema: Any, identifier: str, model: str) -> SchemaPlan:
    """What writing ``arrow_schema`` to a table of ``table_schema`` needs.

    Raises:
        IcebergExportError: The change is not compatible; every offending column is named.
    """
    from pyiceberg.exceptions import ResolveError
    from pyiceberg.schema import promote

    current = {field.name: field.field_type for field in table_schema.fields}
    wanted = {field.name: field.field_type for field in iceberg_schema(arrow_schema).fields}
    added, widened, problems = [], [], []
    for name, kind in wanted.items():
        old = current.get(name)
        if old is None:
            added.append((name, _shape(kind)))
            continue
        if _shape(old) == _shape(kind):
            continue
        if old.is_primitive and kind.is_primitive:
            try:
                promote(old, kind)
            except ResolveError:
                pass
            else:
                widened.append((name, _shape(old), _shape(kind)))
                continue
            try:
                promote(kind, old)  # a narrower type the table's type holds: the write casts
            except ResolveError:
                pass
            else:
                continue
        problems.append(
            f"column {name!r} changed type from {_shape(old)} (in the table) to {_shape(kind)} "
            "(in the model)"
        )
    problems += [
        f"column {name!r} is in the table but no longer in the model" for name in current
        if name not in wanted
    ]  # fmt: skip
    if problems:
        raise IcebergExportError(
            f"Model {model!r} no longer fits its Iceberg table {identifier}: "
            f"{'; '.join(problems)}. Iceberg evolves a table only by new columns and widened "
            "types (int -> long, float -> double, a larger decimal precision). Change the "
            f"model back, or drop the table {identifier} so that the next run recreates it. "
            "Nothing was written."
        )
    return SchemaPlan(tuple(added), tuple(widened))


def evolve(manager: Any, table: Any, plan: SchemaPlan, arrow_schema: Any) -> Any:
    """Apply ``plan`` to ``table`` in one commit; returns the table with its new schema."""
    floe_can = not plan.widened and all(
        kind in _FLOE_TYPES and _FLOE_NAME.match(name) for name, kind in plan.added
    )
    if floe_can:
        from floe_iceberg.models import (
            FieldType,
            SchemaChange,
            SchemaChangeType,
            SchemaEvolution,
            SchemaField,
        )

        next_id = table.schema().highest_field_id + 1
        changes = [
            SchemaChange(
                change_type=SchemaChangeType.ADD_COLUMN,
                field=SchemaField(field_id=next_id + i, name=name, field_type=FieldType(kind)),
            )
            for i, (name, kind) in enumerate(plan.added)
        ]
        return manager.evolve_schema(table, SchemaEvolution(changes=changes))
    with table.update_schema() as update:
        update.union_by_name(arrow_schema)
    return table


def _shape(kind: Any) -> str:
    """An Iceberg type as text, without the field ids nested types carry."""
    if kind.is_primitive:
        return str(kind)
    from pyiceberg.types import ListType, MapType, StructType

    if isinstance(kind, ListType):
        return f"list<{_shape(kind.element_type)}>"
    if isinstance(kind, MapType):
        return f"map<{_shape(kind.key_type)}, {_shape(kind.value_type)}>"
    if isinstance(kind, StructType):
        return "struct<" + ", ".join(f"{f.name}: {_shape(f.field_type)}" for f in kind.fields) + ">"
    return str(kind)
