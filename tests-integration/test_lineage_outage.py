"""Issue 15, durable delivery: a receiver outage for a whole run loses nothing.

The shop product's run sends lineage through floe-lineage-marquez to a local receiver that
answers 503 (or does not answer in time) for the whole run: every event goes to the spool and the
run stays within the documented bound. Then the receiver answers: ``floe-dagster lineage replay``
delivers every spooled event, in order, exactly once.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

import ol_receiver
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._cli import main

pytestmark = [pytest.mark.slow]
JOB = "shop_analytics_job"


def run_against(folder: Path, url: str, timeout: float) -> float:
    path = folder / "compiled_artifacts.json"
    artifacts = json.loads(path.read_text())
    artifacts["plugins"]["lineage_backend"] = {
        "type": "marquez",
        "version": "0.1.0",
        "config": {"url": url},
    }
    path.write_text(json.dumps(artifacts))
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"lineage": {"timeout": timeout}}))
    defs = plugin.create_definitions(str(path))  # type: ignore[arg-type]
    started = time.monotonic()
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(JOB).execute_in_process(instance=instance)
    assert result.success
    return time.monotonic() - started


def spooled(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("outage", ["503", "hang"])
def test_an_outage_for_a_whole_run_is_spooled_then_replayed_exactly_once(shop_copy, outage):
    spool = Path(os.environ["FLOE_DAGSTER_LINEAGE_SPOOL"])
    status, delay = (503, 0.0) if outage == "503" else (201, 30.0)
    with ol_receiver.running(status=status, delay=delay) as down:
        took = run_against(shop_copy, down.base_url, timeout=0.5)
    waiting = spooled(spool)
    # every event of the run: the product run's START, and START/COMPLETE of 4 models + tests
    assert len(waiting) >= 1 + 4 * 2
    assert waiting[0]["job"]["name"] == JOB
    # delivery pauses after 3 failures: at most ~3 event budgets (0.5 s) however many events
    assert took < 120, took
    with ol_receiver.running() as marquez:
        result = CliRunner().invoke(
            main, ["lineage", "replay", "--spool", str(spool), "--url", marquez.base_url]
        )
        assert result.exit_code == 0, result.output
        assert f"replayed {len(waiting)} lineage event(s) from {spool}; 0 remain." in result.output
        received = marquez.events
        marquez.assert_all_valid()
    key = [(e["eventType"], e["job"]["name"], e["run"]["runId"], e["eventTime"]) for e in waiting]
    assert [
        (e["eventType"], e["job"]["name"], e["run"]["runId"], e["eventTime"]) for e in received
    ] == key  # in order, nothing lost, nothing twice
    assert spooled(spool) == []
    with ol_receiver.running() as again:  # a second replay has nothing left to send
        result = CliRunner().invoke(
            main, ["lineage", "replay", "--spool", str(spool), "--url", again.base_url]
        )
        assert result.exit_code == 0
        assert again.events == []


def test_replay_needs_to_know_where_the_events_go(tmp_path):
    result = CliRunner().invoke(main, ["lineage", "replay", "--spool", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "Pass exactly one of --url or --artifacts to say where the events go." in result.output
