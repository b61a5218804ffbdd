"""Schema evolution of an exported table, on real Iceberg tables (pyiceberg's SQL catalog).

Compatible changes (new columns, widened types) evolve the table in one commit, through
floe-iceberg's ``evolve_schema`` where it can express them and pyiceberg's ``union_by_name``
where it cannot; incompatible ones are refused before anything is written, naming each column.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import IcebergExportError
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of
from floe_orchestrator_dagster._lakehouse._schema import SchemaPlan, evolve, plan_changes
from lakehouse_parts import local_lakehouse

BASE = pa.schema([("id", pa.int32()), ("name", pa.string()), ("amount", pa.decimal128(10, 2))])


@pytest.fixture
def manager(tmp_path: Path):
    from floe_iceberg.manager import IcebergTableManager

    lakehouse = lakehouse_of(
        read_artifacts(compiled_artifacts({"name": "t"}, **local_lakehouse(tmp_path)))
    )
    manager = IcebergTableManager(lakehouse.catalog, lakehouse.storage)
    manager.catalog.create_namespace(
        "shop", {"location": lakehouse.storage.get_warehouse_uri("shop")}
    )
    return manager


def table_of(manager, schema: pa.Schema = BASE):
    table = manager.catalog.create_table("shop.t", schema=schema)
    table.append(pa.Table.from_pylist([{"id": 1, "name": "a", "amount": 1}], schema=schema))
    return manager.load_table("shop.t")


def columns(table) -> dict[str, str]:
    return {field.name: str(field.field_type) for field in table.schema().fields}


def test_the_same_columns_need_no_change(manager):
    assert not plan_changes(table_of(manager).schema(), BASE, "shop.t", "t").changed


def test_a_new_column_is_added_through_floe_iceberg(manager):
    table = table_of(manager)
    wanted = BASE.append(pa.field("note", pa.string()))
    plan = plan_changes(table.schema(), wanted, "shop.t", "t")
    assert plan == SchemaPlan(added=(("note", "string"),))
    evolved = evolve(manager, table, plan, wanted)
    assert columns(manager.load_table("shop.t")) == {
        "id": "int",
        "name": "string",
        "amount": "decimal(10, 2)",
        "note": "string",
    }
    assert evolved.schema().find_field("note").optional


def test_widened_types_and_a_decimal_column_evolve_in_one_commit(manager):
    table = table_of(manager)
    wanted = pa.schema(
        [
            ("id", pa.int64()),
            ("name", pa.string()),
            ("amount", pa.decimal128(18, 2)),
            ("tax", pa.decimal128(10, 2)),
        ]
    )
    plan = plan_changes(table.schema(), wanted, "shop.t", "t")
    assert plan.widened == (("id", "int", "long"), ("amount", "decimal(10, 2)", "decimal(18, 2)"))
    assert plan.added == (("tax", "decimal(10, 2)"),)
    assert plan.describe() == (
        "added tax (decimal(10, 2)); widened id int -> long; "
        "widened amount decimal(10, 2) -> decimal(18, 2)"
    )
    schemas_before = len(table.metadata.schemas)
    evolve(manager, table, plan, wanted)
    reloaded = manager.load_table("shop.t")
    assert columns(reloaded) == {
        "id": "long",
        "name": "string",
        "amount": "decimal(18, 2)",
        "tax": "decimal(10, 2)",
    }
    assert len(reloaded.metadata.schemas) == schemas_before + 1  # one schema change


def test_a_narrower_type_the_table_holds_needs_no_change(manager):
    table = table_of(manager, pa.schema([("id", pa.int64()), ("name", pa.string())]))
    narrower = pa.schema([("id", pa.int32()), ("name", pa.large_string())])
    assert not plan_changes(table.schema(), narrower, "shop.t", "t").changed


def test_an_incompatible_type_names_the_column(manager):
    table = table_of(manager)
    wanted = pa.schema(
        [("id", pa.string()), ("name", pa.string()), ("amount", pa.decimal128(10, 2))]
    )
    with pytest.raises(IcebergExportError) as caught:
        plan_changes(table.schema(), wanted, "shop.t", "fct_orders")
    message = str(caught.value)
    assert message.startswith(
        "Model 'fct_orders' no longer fits its Iceberg table shop.t: column 'id' changed type "
        "from int (in the table) to string (in the model)."
    )
    assert "drop the table shop.t so that the next run recreates it. Nothing was written." in (
        message
    )


def test_a_dropped_column_is_refused_with_its_name(manager):
    table = table_of(manager)
    wanted = pa.schema([("id", pa.int32()), ("amount", pa.decimal128(10, 2))])
    with pytest.raises(IcebergExportError, match=r"column 'name' is in the table but no longer"):
        plan_changes(table.schema(), wanted, "shop.t", "t")


def test_every_incompatible_column_is_listed(manager):
    table = table_of(manager)
    wanted = pa.schema([("id", pa.float64()), ("name", pa.int64())])
    with pytest.raises(IcebergExportError) as caught:
        plan_changes(table.schema(), wanted, "shop.t", "t")
    message = str(caught.value)
    for part in ("column 'id' changed type", "column 'name' changed type", "column 'amount' is"):
        assert part in message


def test_a_changed_nested_type_is_incompatible(manager):
    nested = pa.schema([("id", pa.int32()), ("tags", pa.list_(pa.string()))])
    table = table_of(manager, nested)
    wanted = pa.schema([("id", pa.int32()), ("tags", pa.list_(pa.int64()))])
    with pytest.raises(IcebergExportError, match=r"'tags' changed type from list<string>"):
        plan_changes(table.schema(), wanted, "shop.t", "t")
    same = pa.schema([("id", pa.int32()), ("tags", pa.large_list(pa.string()))])
    assert not plan_changes(table.schema(), same, "shop.t", "t").changed
