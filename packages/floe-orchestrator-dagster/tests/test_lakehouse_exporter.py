"""``IcebergExporter`` on real parts: DuckDB files, pyiceberg's SQL catalog, a local warehouse.

These call the exporter the way floe-dagster-core does after dbt exits (one ``AssetRunInfo`` per
built model); the runs through Dagster and dbt are in tests-integration/test_lakehouse_*.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from floe_dagster_core import AssetRunInfo
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import IcebergExportError
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse import IcebergNaming
from floe_orchestrator_dagster._lakehouse._exporter import IcebergExporter
from floe_orchestrator_dagster._lakehouse._naming import location_dataset
from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of
from floe_orchestrator_dagster._lakehouse._source import DuckDBSource
from lakehouse_parts import duckdb_iceberg, local_lakehouse, read_catalog


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(
            "create table orders as select range as order_id, 'c' || (range % 3) as customer, "
            "(range * 1.5)::decimal(10, 2) as amount, "
            "timestamptz '2026-03-01 10:00:00+02' + range * interval 1 hour as ordered_at "
            "from range(25)"
        )
    return path


def artifacts(tmp_path: Path, **lake):
    return read_artifacts(
        compiled_artifacts(
            {"name": "orders"}, {"name": "summary"}, product="shop-analytics", **lake
        )
    )


def exporter_for(tmp_path: Path, warehouse: Path, *, catalog_uri: str | None = None):
    lake = local_lakehouse(tmp_path, catalog_uri=catalog_uri)
    lakehouse = lakehouse_of(artifacts(tmp_path, **lake))
    assert lakehouse is not None
    return IcebergExporter(lakehouse, {"duckdb": DuckDBSource("duckdb", warehouse)})


def built(model: str, run_id: str = "run-1", alias: str | None = None) -> AssetRunInfo:
    return AssetRunInfo(
        asset_key=model,
        model=model,
        upstream=(),
        run_id=run_id,
        job_name="shop_analytics_job",
        compute="duckdb",
        relation={"database": "wh", "schema": "main", "alias": alias or model},
    )


def reader(tmp_path: Path):
    return read_catalog(f"sqlite:///{tmp_path / 'catalog.db'}")


def test_a_new_table_is_created_with_its_rows_in_one_commit(tmp_path: Path, warehouse: Path):
    exporter = exporter_for(tmp_path, warehouse)
    metadata = exporter.export(built("orders"))
    table = reader(tmp_path).load_table("shop_analytics.orders")
    assert len(table.snapshots()) == 1
    assert metadata == {
        "floe/iceberg_table": "shop_analytics.orders",
        "floe/iceberg_snapshot_id": str(table.current_snapshot().snapshot_id),
        "floe/iceberg_row_count": 25,
        "floe/iceberg_metadata_location": table.metadata_location,
        "floe/iceberg_snapshots_expired": 0,
    }
    assert table.scan().to_arrow().num_rows == 25
    # where the storage plugin puts the namespace, as the lineage names it
    assert table.location() == f"{(tmp_path / 'lake').as_uri()}/shop_analytics/orders"
    naming = IcebergNaming(artifacts(tmp_path, **local_lakehouse(tmp_path)))
    assert naming.dataset("orders") == location_dataset(table.location())
    assert naming.dataset("orders") == ("file", f"{tmp_path / 'lake'}/shop_analytics/orders")
    # floe-iceberg's default table properties
    assert table.properties["write.format.default"] == "parquet"


def test_timestamps_with_a_time_zone_land_in_utc(tmp_path: Path, warehouse: Path):
    exporter_for(tmp_path, warehouse).export(built("orders"))
    table = reader(tmp_path).load_table("shop_analytics.orders")
    assert str(table.schema().find_field("ordered_at").field_type) == "timestamptz"
    first = min(table.scan().to_arrow().column("ordered_at").to_pylist())
    assert first.isoformat() == "2026-03-01T08:00:00+00:00"


def test_a_re_export_overwrites_in_one_commit_without_duplicates(tmp_path: Path, warehouse: Path):
    exporter = exporter_for(tmp_path, warehouse)
    first = exporter.export(built("orders"))
    second = exporter.export(built("orders", run_id="run-2"))
    table = reader(tmp_path).load_table("shop_analytics.orders")
    assert table.scan().to_arrow().num_rows == 25
    assert second["floe/iceberg_snapshot_id"] != first["floe/iceberg_snapshot_id"]
    assert second["floe/iceberg_metadata_location"] != first["floe/iceberg_metadata_location"]
    # pyiceberg's overwrite: one commit of a delete and an append snapshot
    assert len(table.snapshots()) == 3
    assert len(table.metadata.metadata_log) == 1  # one metadata file per commit before this one


def test_duckdb_s_own_iceberg_reader_agrees(tmp_path: Path, warehouse: Path):
    metadata = exporter_for(tmp_path, warehouse).export(built("orders"))
    db = duckdb_iceberg()
    location = metadata["floe/iceberg_metadata_location"]
    assert db.execute(f"select count(*) from iceberg_scan('{location}')").fetchone() == (25,)


def test_a_compatible_schema_change_evolves_the_table(tmp_path: Path, warehouse: Path):
    exporter = exporter_for(tmp_path, warehouse)
    exporter.export(built("orders"))
    with duckdb.connect(str(warehouse)) as db:
        db.execute("alter table orders add column note varchar default 'n'")
        db.execute("alter table orders alter amount type decimal(18, 2)")
    metadata = exporter.export(built("orders", run_id="run-2"))
    assert metadata["floe/iceberg_schema_change"] == (
        "added note (string); widened amount decimal(10, 2) -> decimal(18, 2)"
    )
    table = reader(tmp_path).load_table("shop_analytics.orders")
    assert str(table.schema().find_field("amount").field_type) == "decimal(18, 2)"
    assert set(table.scan().to_arrow().column("note").to_pylist()) == {"n"}


def test_an_incompatible_change_fails_naming_the_column_and_writes_nothing(
    tmp_path: Path, warehouse: Path
):
    exporter = exporter_for(tmp_path, warehouse)
    before = exporter.export(built("orders"))
    with duckdb.connect(str(warehouse)) as db:
        db.execute("alter table orders alter customer type integer using length(customer)")
    with pytest.raises(IcebergExportError) as caught:
        exporter.export(built("orders", run_id="run-2"))
    assert "column 'customer' changed type from string (in the table) to int" in str(caught.value)
    table = reader(tmp_path).load_table("shop_analytics.orders")
    assert str(table.current_snapshot().snapshot_id) == before["floe/iceberg_snapshot_id"]


def test_a_missing_relation_fails_with_duckdb_s_message(tmp_path: Path, warehouse: Path):
    with pytest.raises(IcebergExportError) as caught:
        exporter_for(tmp_path, warehouse).export(built("summary"))
    message = str(caught.value)
    assert message.startswith(
        f"""Reading model 'summary' ("wh"."main"."summary") from the DuckDB file {warehouse}"""
    )
    assert "Table with name summary does not exist" in message
    assert message.endswith("(CatalogException). Nothing was written to Iceberg.")


def test_a_view_over_an_attached_file_is_read_through_the_attachment(
    tmp_path: Path, warehouse: Path
):
    analytics = tmp_path / "analytics.duckdb"
    with duckdb.connect(str(analytics)) as db:
        db.execute(f"attach '{warehouse}' as shop (read_only)")
        db.execute(
            "create view summary as select customer, count(*) as n from shop.orders group by 1"
        )
    lakehouse = exporter_for(tmp_path, warehouse).lakehouse
    exporter = IcebergExporter(
        lakehouse, {"analytics": DuckDBSource("analytics", analytics, ((warehouse, "shop"),))}
    )
    info = AssetRunInfo(
        asset_key="summary",
        model="summary",
        upstream=(),
        run_id="run-1",
        job_name="j",
        compute="analytics",
        relation={"database": "analytics", "schema": "main", "alias": "summary"},
    )
    assert exporter.export(info)["floe/iceberg_row_count"] == 3


def test_an_unreachable_catalog_fails_the_run_s_exports_and_a_re_run_repairs(
    tmp_path: Path, warehouse: Path
):
    missing = tmp_path / "not-yet" / "catalog.db"
    exporter = exporter_for(tmp_path, warehouse, catalog_uri=f"sqlite:///{missing}")
    with pytest.raises(IcebergExportError) as first:
        exporter.export(built("orders"))
    message = str(first.value)
    assert message.startswith(
        "Connecting to the 'sql-test' catalog (plugins.catalog) failed, so "
        "shop_analytics.orders and the run's other models were not written: "
    )
    assert "unable to open database file" in message
    assert "(OperationalError)" in message
    # the run's next model is refused at once, with the same cause
    with duckdb.connect(str(warehouse)) as db:
        db.execute("create table summary as select 1 as n")
    with pytest.raises(IcebergExportError) as second:
        exporter.export(built("summary"))
    assert "unable to open database file" in str(second.value)
    # once the catalog answers, the next run writes
    missing.parent.mkdir()
    assert exporter.export(built("orders", run_id="run-2"))["floe/iceberg_row_count"] == 25


def test_a_model_on_an_unknown_compute_target_is_refused(tmp_path: Path, warehouse: Path):
    info = AssetRunInfo("orders", "orders", (), "run-1", "j", compute="elsewhere")
    with pytest.raises(IcebergExportError, match=r"compute target 'elsewhere', which has no"):
        exporter_for(tmp_path, warehouse).export(info)


def test_a_step_reads_its_file_once_and_frees_it_when_it_ends(tmp_path: Path, warehouse: Path):
    from floe_dagster_core import StepInfo

    with duckdb.connect(str(warehouse)) as db:
        db.execute("create table summary as select 1 as n")
    exporter = exporter_for(tmp_path, warehouse)
    step = StepInfo("run-1", "j", "dbt_duckdb", "duckdb", ("orders", "summary"))
    exporter.step_started(step)
    exporter.export(built("orders"))
    exporter.export(built("summary"))
    # the step's exports hold the file open (read-only): nothing may write it meanwhile
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        duckdb.connect(str(warehouse))
    exporter.step_finished(step, True)
    # the step is over: the next dbt step can write the file again
    with duckdb.connect(str(warehouse)) as db:
        assert db.execute("select count(*) from summary").fetchone() == (1,)


def test_an_empty_model_is_an_empty_table_and_empties_it_again(tmp_path: Path, warehouse: Path):
    with duckdb.connect(str(warehouse)) as db:
        db.execute("create table summary as select 1 as n where false")
    exporter = exporter_for(tmp_path, warehouse)
    assert exporter.export(built("summary"))["floe/iceberg_row_count"] == 0
    assert reader(tmp_path).load_table("shop_analytics.summary").scan().to_arrow().num_rows == 0
    with duckdb.connect(str(warehouse)) as db:
        db.execute("insert into summary values (1), (2)")
    assert exporter.export(built("summary", run_id="run-2"))["floe/iceberg_row_count"] == 2
    with duckdb.connect(str(warehouse)) as db:
        db.execute("delete from summary")
    metadata = exporter.export(built("summary", run_id="run-3"))
    table = reader(tmp_path).load_table("shop_analytics.summary")
    assert table.scan().to_arrow().num_rows == metadata["floe/iceberg_row_count"] == 0
    assert metadata["floe/iceberg_snapshot_id"] == str(table.current_snapshot().snapshot_id)
