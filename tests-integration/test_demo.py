"""`floe-dagster demo`: the whole flow from the shipped product, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from floe_orchestrator_dagster._cli import main

MODELS = {
    "stg_customers": "duckdb",
    "stg_orders": "duckdb",
    "stg_payments": "duckdb",
    "int_order_payments": "duckdb",
    "int_customer_orders": "duckdb",
    "dim_customers": "duckdb",
    "fct_orders": "duckdb",
    "customer_revenue_by_month": "duckdb_analytics",
}


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``floe-dagster demo`` as a user runs it; each stdout line is timed as it arrives."""
    folder = tmp_path_factory.mktemp("demo") / "work"
    script = Path(sys.executable).with_name("floe-dagster")
    arrivals: list[tuple[float, str]] = []
    with subprocess.Popen(
        [str(script), "demo", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        reader = threading.Thread(
            target=lambda: arrivals.extend(
                (time.monotonic(), line.rstrip("\n")) for line in process.stdout or []
            )
        )
        reader.start()
        stderr = process.stderr.read() if process.stderr else ""
        process.wait(timeout=600)
        reader.join(timeout=60)
    done = subprocess.CompletedProcess(
        process.args, process.returncode, "\n".join(line for _, line in arrivals), stderr
    )
    done.arrivals = arrivals  # type: ignore[attr-defined]
    return done, folder


def dbt_results(folder: Path) -> list[tuple[str, str, float]]:
    """(start time, model, dbt's execution time) of every model, from dbt's own JSON logs."""
    results = []
    for log in folder.glob("target/*/dbt.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            node = event.get("data", {}).get("node_info", {})
            if event["info"]["name"] == "LogModelResult":
                results.append(
                    (node["node_started_at"], node["node_name"], event["data"]["execution_time"])
                )
    return sorted(results)


@pytest.mark.slow
def test_progress_is_live_in_dbts_order_with_dbts_times(demo_run):
    done, folder = demo_run
    assert done.returncode == 0, done.stderr[-2000:]
    arrivals = done.arrivals
    running = [
        (t, m) for t, line in arrivals for m in re.findall(r"^  \.\.\. (\w+) +running", line)
    ]
    finished = {
        m: (t, float(s))
        for t, line in arrivals
        for m, s in re.findall(r"^  ok  (\w+) +(\d+\.\d\d) s$", line)
    }
    expected = dbt_results(folder)
    assert [m for _, m in running] == [m for _, m, _ in expected]  # dbt's order
    assert set(finished) == set(MODELS)
    for _, model, seconds in expected:  # dbt's own execution time, as printed
        assert abs(finished[model][1] - seconds) <= 0.05, (model, finished[model][1], seconds)
    # live: the default target's lines are on screen while the second target's dbt still starts
    summary = next(t for t, line in arrivals if line.startswith("Product jaffle-shop:"))
    last_default = max(t for m, (t, _) in finished.items() if MODELS[m] == "duckdb")
    analytics_start = next(t for t, m in running if m == "customer_revenue_by_month")
    assert last_default < analytics_start - 0.5
    assert finished["stg_customers"][0] < summary - 1.0


@pytest.mark.slow
def test_demo_succeeds_and_prints_the_summary(demo_run):
    done, folder = demo_run
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "Product jaffle-shop: 8 assets materialized" in out
    for model, compute in MODELS.items():
        row = re.search(rf"^  {model}\s+(\S+)\s+(\d+)$", out, re.MULTILINE)
        assert row, f"no summary row for {model}:\n{out}"
        assert row.group(1) == compute
        assert int(row.group(2)) > 0
    assert "Schedule jaffle_shop_job_schedule: '0 8 * * *' in America/New_York" in out
    ticks = re.findall(
        r"^  \d{4}-\d\d-\d\d 08:00 E[SD]T\s+= \d{4}-\d\d-\d\d 1[23]:00 UTC$", out, re.M
    )
    assert len(ticks) == 3
    # the product run, 8 model runs and the test runs of the 5 tested models
    assert "Lineage events: 14 COMPLETE, 14 START" in out
    assert f"dagster dev -f {folder.resolve() / 'definitions.py'}" in out
    assert "Running with dbt" not in out  # dbt's own chatter goes to the log files


@pytest.mark.slow
def test_demo_leaves_a_compiled_product_with_lineage(demo_run):
    _, folder = demo_run
    artifacts = json.loads((folder / "compiled_artifacts.json").read_text())
    assert artifacts["metadata"]["product_name"] == "jaffle-shop"
    assert (folder / "definitions.py").read_text().count("PRODUCT_NAME = 'jaffle-shop'") == 1
    events = [
        json.loads(line) for line in (folder / "lineage" / "events.jsonl").read_text().splitlines()
    ]
    outputs = {
        e["outputs"][0]["name"] for e in events if e["eventType"] == "COMPLETE" and e["outputs"]
    }
    assert "analytics.main_marts.customer_revenue_by_month" in outputs
    assert "jaffle_shop.main_marts.fct_orders" in outputs


def test_demo_refuses_a_folder_it_did_not_create(tmp_path: Path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["demo", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a floe-dagster demo folder; pass another --dir" in result.output
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.slow
def test_the_marker_lists_every_file_the_run_created(demo_run):
    """So that the next run removes exactly these: dbt's target, logs and lineage included."""
    from floe_orchestrator_dagster._demo_folder import MARKER, scan

    _, folder = demo_run
    manifest = json.loads((folder / MARKER).read_text())
    found = scan(folder)
    assert manifest["files"] == {n: d for n, d in found.files.items() if n != MARKER}
    assert set(manifest["folders"]) == found.folders
    assert {"compiled_artifacts.json", "definitions.py", "lineage/events.jsonl"} <= set(found.files)
    assert any(name.startswith("target/") for name in found.files)
    assert not found.others
