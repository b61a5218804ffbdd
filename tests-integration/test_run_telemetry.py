"""Runs export their dbt steps as spans to the artifacts' OTLP collector (issue 12).

Each run goes in a fresh process, as Dagster runs do, so that floe-core's telemetry initialisation
sets up OpenTelemetry from the artifacts alone. The collector is a local OTLP/HTTP receiver that
decodes what it gets with opentelemetry-proto.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from floe_orchestrator_dagster._telemetry import (
    EXPORT_TIMEOUT,
    FLUSH_TIMEOUT,
    MODEL_SPAN,
    STEP_SPAN,
)
from otlp_receiver import OtlpReceiver

pytestmark = [pytest.mark.slow]
RUNNER = textwrap.dedent(
    """
    import sys
    import dagster as dg
    from floe_orchestrator_dagster import DagsterOrchestratorPlugin
    defs = DagsterOrchestratorPlugin().create_definitions(sys.argv[1])
    job = defs.resolve_job_def("shop_analytics_job")
    ok = job.execute_in_process(instance=dg.DagsterInstance.ephemeral()).success
    sys.exit(0 if ok else 1)
    """
)


def run_with_collector(folder: Path, endpoint: str, protocol: str = "http") -> float:
    """Point the artifacts' telemetry at ``endpoint``, run the job in a new process; seconds."""
    path = folder / "compiled_artifacts.json"
    artifacts = json.loads(path.read_text())
    telemetry = artifacts["observability"]["telemetry"]
    telemetry.update(enabled=True, otlp_endpoint=endpoint, otlp_protocol=protocol)
    telemetry["batch_processor"]["schedule_delay_millis"] = 200
    path.write_text(json.dumps(artifacts))
    (folder / "runner.py").write_text(RUNNER)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(folder / "runner.py"), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return took


def test_each_dbt_step_reaches_the_collector_with_the_products_service_name(shop_copy):
    with OtlpReceiver() as collector:
        run_with_collector(shop_copy, collector.traces_url)
    steps = [s for s in collector.spans if s[1] == STEP_SPAN]
    models = [s for s in collector.spans if s[1] == MODEL_SPAN]
    assert {service for service, _, _ in collector.spans} == {"shop-analytics"}
    assert sorted(attrs["floe.compute"] for _, _, attrs in steps) == ["duckdb", "duckdb_heavy"]
    assert {attrs["floe.dbt.model"] for _, _, attrs in models} == {
        "stg_customers",
        "stg_orders",
        "fct_orders",
        "dim_calendar",
    }
    assert all(attrs["floe.dbt.status"] == "success" for _, _, attrs in models)


def test_no_collector_leaves_the_run_unharmed_and_quick(shop_copy, tmp_path):
    """Nothing listens: one quick probe, the run succeeds; a hung one costs at most the bound."""
    import shutil

    absent = run_with_collector(shop_copy, "http://127.0.0.1:9/v1/traces")
    hung_copy = tmp_path / "hung"
    shutil.copytree(shop_copy, hung_copy, ignore=shutil.ignore_patterns("*.duckdb", "target"))
    shutil.copytree(shop_copy / "target", hung_copy / "target")
    with OtlpReceiver(hang=True) as collector:
        hung = run_with_collector(hung_copy, collector.traces_url)
    assert collector.requests >= 1
    # two dbt steps, each flush bounded, plus the exporter's bound at process exit, and slack
    # for the run itself varying between the two processes on a loaded machine
    assert hung - absent < 2 * FLUSH_TIMEOUT + EXPORT_TIMEOUT + 10
