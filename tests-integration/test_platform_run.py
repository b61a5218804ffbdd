"""A real floe platform gets the right result: the compiled profiles win (issue 12).

From ``floe platform compile`` of the shop product (name ``shop-analytics``, dbt profile
``shop_analytics``, a checked-in ``profiles.yml`` pointing at other DuckDB files), every asset is
materialized through the plugin as floe loads it, and through the generated ``definitions.py``.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import ol_receiver
from floe_orchestrator_dagster import DagsterOrchestratorPlugin

pytestmark = [pytest.mark.slow]

DEFAULT_MODELS = {"stg_customers", "stg_orders", "fct_orders"}


def tables(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        names = [
            r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()
        ]
        return {n: con.sql(f'select count(*) from "{n}"').fetchall()[0][0] for n in names}


@pytest.fixture
def marquez():
    with ol_receiver.running() as receiver:
        yield receiver


def with_marquez(folder: Path, url: str) -> Path:
    path = folder / "compiled_artifacts.json"
    artifacts = json.loads(path.read_text())
    artifacts["plugins"]["lineage_backend"] = {
        "type": "marquez",
        "version": "0.1.0",
        "config": {"url": url},
    }
    path.write_text(json.dumps(artifacts))
    return path


def test_the_platforms_warehouse_gets_every_table(shop_copy, marquez, caplog):
    path = with_marquez(shop_copy, marquez.base_url)
    with caplog.at_level(logging.INFO, logger="floe_dagster_core"):
        defs = DagsterOrchestratorPlugin().create_definitions(str(path))  # type: ignore[arg-type]
    result = defs.resolve_job_def("shop_analytics_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    warehouse = tables(shop_copy / "warehouse.duckdb")
    assert set(warehouse) >= DEFAULT_MODELS
    assert warehouse["fct_orders"] == 4
    assert tables(shop_copy / "heavy.duckdb") == {"dim_calendar": 365}
    # the developer's checked-in profile was never used
    assert not (shop_copy / "local_dev.duckdb").exists()
    assert not (shop_copy / "local_heavy.duckdb").exists()
    (reason,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dbt runs")]
    assert "the compiled profile 'shop_analytics' of compiled_artifacts.json" in reason
    assert "profiles.yml is a developer's local copy and is not used" in reason
    # lineage names the platform's warehouse files
    marquez.assert_all_valid()
    outputs = {
        event["outputs"][0]["name"]: event["outputs"][0]["namespace"]
        for event in marquez.events
        if event["eventType"] == "COMPLETE" and event["outputs"]
    }
    assert outputs["warehouse.main.fct_orders"] == f"duckdb://{shop_copy / 'warehouse.duckdb'}"
    assert outputs["heavy.main.dim_calendar"] == f"duckdb://{shop_copy / 'heavy.duckdb'}"
    assert {e["job"]["namespace"] for e in marquez.events} == {"shop-analytics"}


def test_the_generated_code_location_honours_the_same_configuration(shop_copy):
    """definitions.py (floe generated it) runs on the platform's targets, in a fresh process."""
    runner = shop_copy / "run_job.py"
    runner.write_text(
        textwrap.dedent(
            """
            import runpy, sys
            import dagster as dg
            defs = runpy.run_path(sys.argv[1])["defs"]
            job = defs.resolve_job_def("shop_analytics_job")
            ok = job.execute_in_process(instance=dg.DagsterInstance.ephemeral()).success
            sys.exit(0 if ok else 1)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(runner), str(shop_copy / "definitions.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert tables(shop_copy / "heavy.duckdb") == {"dim_calendar": 365}
    assert set(tables(shop_copy / "warehouse.duckdb")) >= DEFAULT_MODELS
    assert not (shop_copy / "local_dev.duckdb").exists()
