"""Materializing a real product emits lineage per asset: START then COMPLETE, or FAIL (US6, FR-016).

The shop product of floe-dagster-core's tests (a real dbt-duckdb project compiled by floe) with
one model deliberately broken and Marquez as its lineage backend, built by the plugin's
``create_definitions`` (which wires the lineage observers in), run in-process; the events go
through the real floe-lineage-marquez backend to a local receiver and are checked against the
official OpenLineage schemas.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from floe_dagster_lineage.testing import LineageReceiver
from floe_orchestrator_dagster import DagsterOrchestratorPlugin

pytestmark = [
    pytest.mark.slow,
    # dagster-dbt's own call inside dbt.cli(context=...), on the Dagster versions that deprecate it
    # sqlglot (imported by dagster-dbt) warns about its own Rust tokenizer in some locked versions
]
ROOT = Path(__file__).resolve().parents[3]
SHOP = ROOT / "packages" / "floe-dagster-core" / "tests" / "data" / "shop"
BROKEN = "select * from {{ ref('stg_orders') }} join no_such_table using (customer_id)\n"


@pytest.fixture(scope="module")
def broken_product_run(tmp_path_factory, schema_validator):
    project = tmp_path_factory.mktemp("lineage") / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    (project / "models" / "marts" / "fct_orders.sql").write_text(BROKEN)
    with LineageReceiver() as marquez:
        path = project / "compiled_artifacts.json"
        artifacts = json.loads(path.read_text())
        artifacts["plugins"]["lineage_backend"] = {
            "type": "marquez",
            "version": "0.1.0",
            "config": {"url": marquez.base_url, "environment": "test"},
        }
        path.write_text(json.dumps(artifacts))
        defs = DagsterOrchestratorPlugin().create_definitions(str(path))
        result = defs.resolve_job_def("shop_analytics_job").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    return project, result, marquez, schema_validator


def _by_job(receiver: LineageReceiver) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for event in receiver.events:
        grouped.setdefault(event["job"]["name"], []).append(event["eventType"])
    return grouped


@pytest.mark.compat
def test_each_asset_gets_start_then_complete_and_the_broken_one_fail(broken_product_run):
    _, result, marquez, validator = broken_product_run
    assert not result.success
    for request in marquez.requests:
        validator.assert_valid(request.body)
    models = {
        job.split(".")[-3]: types for job, types in _by_job(marquez).items() if job.endswith(".run")
    }
    assert models == {
        "stg_customers": ["START", "COMPLETE"],
        "stg_orders": ["START", "COMPLETE"],
        "dim_calendar": ["START", "COMPLETE"],
        "fct_orders": ["START", "FAIL"],
    }
    # the product run opened with the first step (an in-process run has no daemon to close it)
    assert _by_job(marquez)["shop_analytics_job"] == ["START"]


def test_the_fail_event_carries_dbts_error(broken_product_run):
    _, _, marquez, _ = broken_product_run
    (fail,) = [e for e in marquez.events if e["eventType"] == "FAIL"]
    error = fail["run"]["facets"]["errorMessage"]
    assert "no_such_table" in error["message"]
    assert error["programmingLanguage"] == "PYTHON"


def test_datasets_are_the_duckdb_tables_dbt_wrote(broken_product_run):
    project, _, marquez, _ = broken_product_run
    namespace = f"duckdb://{(project / 'warehouse.duckdb').resolve().as_posix()}"
    (complete,) = [
        e
        for e in marquez.events
        if e["eventType"] == "COMPLETE" and e["job"]["name"].endswith(".stg_orders.build.run")
    ]
    (output,) = complete["outputs"]
    assert output["namespace"] == namespace
    assert output["name"].split(".")[0] == "warehouse"
    assert output["name"].endswith(".stg_orders")
    (fail,) = [e for e in marquez.events if e["eventType"] == "FAIL"]
    # the broken SQL reads stg_orders alone, as dbt parsed it
    assert [d["name"].split(".")[-1] for d in fail["inputs"]] == ["stg_orders"]
    assert fail["inputs"][0]["name"] == output["name"]  # upstream named as it named itself
