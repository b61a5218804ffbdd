"""The lakehouse end to end on a local warehouse (issue 13).

The shop product with ``plugins.catalog`` (floe-test-lakehouse's ``sql-test``: pyiceberg's SQL
catalog on SQLite) and ``plugins.storage`` (``local-test``: a warehouse folder) in its
``manifest.yaml`` -> ``floe platform compile --generate-definitions`` -> the generated
``definitions.py`` -> runs -> every model in Iceberg, read back by pyiceberg and by DuckDB's own
Iceberg extension (loaded offline from its wheels). ``dim_calendar`` runs on a second compute
target (its own DuckDB file).

The runs follow one another on the same product (module fixtures, in order): the first through
the webserver's GraphQL API (each step in its own process, as deployed), then in-process: a
second run (same rows, new snapshots), a run where one table no longer fits its model (only that
asset fails, the others export), and a repairing run.
"""

from __future__ import annotations

import json
import runpy
import shutil
import time
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from pyiceberg.types import StringType

import dagster_server
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._demo import compile_product
from floe_orchestrator_dagster._lakehouse import IcebergNaming
from floe_orchestrator_dagster._lakehouse._naming import location_dataset
from lakehouse_parts import duckdb_iceberg, manifest_lakehouse, read_catalog
from test_code_location import LAUNCH, RUN_STATUS, WORKSPACE, graphql

pytestmark = pytest.mark.slow

SHOP = (
    Path(__file__).resolve().parents[1]
    / "packages"
    / "floe-dagster-core"
    / "tests"
    / "data"
    / "shop"
)
JOB = "shop_analytics_job"
NAMESPACE = "shop_analytics"
MODELS = {"stg_customers", "stg_orders", "fct_orders", "dim_calendar"}
GOVERNANCE = "governance:\n  snapshot_keep_last: 3\n  default_ttl_hours: 24\n"


def lakehouse_product(folder: Path, *, catalog_uri: str | None = None) -> Path:
    """The shop product on the local test lakehouse, compiled by floe with definitions.py."""
    shutil.copytree(SHOP, folder, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    (folder / "compiled_artifacts.json").unlink()
    spec = folder / "floe.yaml"
    spec.write_text(
        spec.read_text().replace(
            "  - name: dim_calendar\n", "  - name: dim_calendar\n    compute: duckdb_heavy\n"
        )
    )
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        manifest.read_text() + manifest_lakehouse(folder, catalog_uri=catalog_uri) + GOVERNANCE
    )
    (folder / "lake").mkdir()
    compile_product(folder)  # floe platform compile --generate-definitions
    return folder


def run_in_process(folder: Path, only: str | None = None) -> Any:
    """A run of the generated definitions.py (loaded as Dagster loads a python file)."""
    defs = runpy.run_path(str(folder / "definitions.py"))["defs"]
    selection = [dg.AssetKey(only)] if only else None
    with dg.DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def(JOB).execute_in_process(
            instance=instance, raise_on_error=False, asset_selection=selection
        )


def materialized(result: Any) -> dict[str, dict[str, Any]]:
    return {
        m.asset_key.to_user_string(): {k: v.value for k, v in m.metadata.items()}
        for m in (
            e.event_specific_data.materialization for e in result.get_asset_materialization_events()
        )
    }


def duckdb_counts(folder: Path) -> dict[str, int]:
    """Rows of each model in the DuckDB files dbt built them in."""
    counts = {}
    for file in ("warehouse.duckdb", "heavy.duckdb"):
        if not (folder / file).exists():
            continue
        with duckdb.connect(str(folder / file), read_only=True) as db:
            for (name,) in db.sql(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall():
                if name in MODELS:
                    counts[name] = db.sql(f'select count(*) from main."{name}"').fetchone()[0]
    return counts


def catalog_of(folder: Path) -> Any:
    return read_catalog(f"sqlite:///{folder / 'catalog.db'}")


def iceberg_counts(folder: Path) -> dict[str, int]:
    catalog = catalog_of(folder)
    return {
        name: catalog.load_table(f"{NAMESPACE}.{name}").scan().to_arrow().num_rows
        for _, name in catalog.list_tables(NAMESPACE)
    }


def snapshot_counts(folder: Path) -> dict[str, int]:
    catalog = catalog_of(folder)
    return {m: len(catalog.load_table(f"{NAMESPACE}.{m}").snapshots()) for m in MODELS}


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lakehouse_product(tmp_path_factory.mktemp("lakehouse") / "shop")


@pytest.fixture(scope="module")
def first_run(product: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first run, launched through the webserver's GraphQL API."""
    with dagster_server.running_webserver(
        tmp_path_factory.mktemp("dagster"), code_file=product / "definitions.py"
    ) as server:
        deadline = time.monotonic() + 120
        while True:
            (entry,) = graphql(server.url, WORKSPACE)["workspaceOrError"]["locationEntries"]
            if entry["loadStatus"] == "LOADED" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        loaded = entry["locationOrLoadError"]
        assert loaded["__typename"] == "RepositoryLocation", (loaded, server.log_tail())
        (repository,) = loaded["repositories"]
        launched = graphql(
            server.url, LAUNCH, location=entry["name"], repository=repository["name"], job=JOB
        )["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        deadline = time.monotonic() + 300
        status = "?"
        while time.monotonic() < deadline:
            status = graphql(server.url, RUN_STATUS, runId=run_id)["runOrError"]["status"]
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(1)
        return {"status": status, "log": server.log_tail(80)}


@pytest.fixture(scope="module")
def second_run(first_run, product: Path) -> dict[str, Any]:
    before = snapshot_counts(product)
    result = run_in_process(product)
    return {"result": result, "snapshots_before": before}


@pytest.fixture(scope="module")
def broken_run(second_run, product: Path) -> dict[str, Any]:
    """stg_orders's table gets a column its model lacks: its next export cannot fit."""
    table = catalog_of(product).load_table(f"{NAMESPACE}.stg_orders")
    with table.update_schema() as update:
        update.add_column("legacy_note", StringType())
    before = {
        m: catalog_of(product).load_table(f"{NAMESPACE}.{m}").current_snapshot().snapshot_id
        for m in MODELS
    }
    return {"result": run_in_process(product), "current_before": before}


@pytest.fixture(scope="module")
def repaired_run(broken_run, product: Path) -> Any:
    catalog_of(product).drop_table(f"{NAMESPACE}.stg_orders")
    return run_in_process(product)


def test_floe_compiles_the_lakehouse_and_generates_a_code_location_that_exports(product: Path):
    artifacts = json.loads((product / "compiled_artifacts.json").read_text())
    assert artifacts["plugins"]["catalog"]["type"] == "sql-test"
    assert artifacts["plugins"]["storage"]["type"] == "local-test"
    assert artifacts["deployment"]["storage"]["warehouse"]["uri"] == (product / "lake").as_uri()
    assert artifacts["governance"]["snapshot_keep_last"] == 3
    assert "written to an Iceberg table" in (product / "definitions.py").read_text()


def test_the_first_run_puts_every_model_in_iceberg(first_run, product: Path):
    assert first_run["status"] == "SUCCESS", first_run["log"]
    assert set(iceberg_counts(product)) == MODELS
    assert iceberg_counts(product) == duckdb_counts(product)
    assert duckdb_counts(product) == {
        "stg_customers": 3,
        "stg_orders": 4,
        "fct_orders": 4,
        "dim_calendar": 365,
    }


def test_duckdb_s_iceberg_extension_reads_the_same_rows(first_run, product: Path):
    db = duckdb_iceberg()
    catalog = catalog_of(product)
    for model, count in duckdb_counts(product).items():
        location = catalog.load_table(f"{NAMESPACE}.{model}").metadata_location
        assert db.execute(f"select count(*) from iceberg_scan('{location}')").fetchone() == (count,)


def test_governance_and_floe_iceberg_properties_are_on_the_tables(first_run, product: Path):
    properties = catalog_of(product).load_table(f"{NAMESPACE}.fct_orders").properties
    assert properties["history.expire.min-snapshots-to-keep"] == "3"
    assert properties["history.expire.max-snapshot-age-ms"] == str(24 * 3600 * 1000)
    assert properties["write.format.default"] == "parquet"


def test_lineage_names_each_table_by_its_location(first_run, product: Path):
    naming = IcebergNaming(read_artifacts(product))
    catalog = catalog_of(product)
    for model in MODELS:
        location = catalog.load_table(f"{NAMESPACE}.{model}").location()
        assert naming.dataset(model) == location_dataset(location)
    assert naming.dataset("fct_orders") == ("file", f"{product / 'lake'}/{NAMESPACE}/fct_orders")


def test_a_second_run_keeps_the_rows_and_adds_snapshots(second_run, product: Path):
    result = second_run["result"]
    assert result.success
    assert iceberg_counts(product) == duckdb_counts(product)
    after = snapshot_counts(product)
    # one overwrite commit each: pyiceberg writes a delete and an append snapshot in it
    assert after == {m: n + 2 for m, n in second_run["snapshots_before"].items()}


def test_each_materialization_names_its_table_snapshot_rows_and_metadata(second_run, product):
    metadata = materialized(second_run["result"])
    catalog = catalog_of(product)
    for model in MODELS:
        table = catalog.load_table(f"{NAMESPACE}.{model}")
        assert metadata[model]["floe/iceberg_table"] == f"{NAMESPACE}.{model}"
        assert metadata[model]["floe/iceberg_snapshot_id"] == str(
            table.current_snapshot().snapshot_id
        )
        assert metadata[model]["floe/iceberg_row_count"] == duckdb_counts(product)[model]
        assert metadata[model]["floe/iceberg_metadata_location"] == table.metadata_location
    # seeds are dbt's, not models: they are not exported
    assert "floe/iceberg_table" not in metadata["raw_orders"]


def test_a_failed_export_fails_only_its_asset_and_the_others_export(broken_run, product):
    result = broken_run["result"]
    assert not result.success
    done = materialized(result)
    assert MODELS - set(done) == {"stg_orders"}
    (failure,) = [
        e.step_failure_data.user_failure_data.description for e in result.get_step_failure_events()
    ]
    assert (
        "1 model(s) were built by dbt but their export failed, so their assets are not "
        "materialized:\n- stg_orders: Model 'stg_orders' no longer fits its Iceberg table "
        "shop_analytics.stg_orders: column 'legacy_note' is in the table but no longer in the model"
    ) in failure
    catalog = catalog_of(product)
    current = {
        m: catalog.load_table(f"{NAMESPACE}.{m}").current_snapshot().snapshot_id for m in MODELS
    }
    before = broken_run["current_before"]
    assert current["stg_orders"] == before["stg_orders"]  # nothing half-written
    assert all(current[m] != before[m] for m in MODELS - {"stg_orders"})


def test_a_re_run_repairs_the_table(repaired_run, product: Path):
    assert repaired_run.success
    assert set(materialized(repaired_run)) >= MODELS
    assert iceberg_counts(product) == duckdb_counts(product)


def test_an_unreachable_catalog_loads_and_fails_only_the_runs_that_export(
    tmp_path: Path,
):
    missing = tmp_path / "no-such-folder" / "catalog.db"
    folder = lakehouse_product(tmp_path / "shop", catalog_uri=f"sqlite:///{missing}")
    defs = runpy.run_path(str(folder / "definitions.py"))["defs"]  # the code location loads
    assert defs.resolve_job_def(JOB) is not None
    result = run_in_process(folder, only="dim_calendar")
    assert not result.success
    (failure,) = [
        e.step_failure_data.user_failure_data.description for e in result.get_step_failure_events()
    ]
    assert (
        "- dim_calendar: Connecting to the 'sql-test' catalog (plugins.catalog) failed" in failure
    )
    assert "unable to open database file" in failure
    # dbt built the model; it is not materialized without its export
    assert duckdb_counts(folder) == {"dim_calendar": 365}
    assert "dim_calendar" not in materialized(result)
