"""``floe-dagster prepare`` on a floe-compiled product with two compute targets (issue 14).

The platform's manifest puts ``dim_calendar`` on a second DuckDB target (``duckdb_heavy``). After
``prepare`` (what an image build runs), the product's first run parses nothing in full on either
target: no dbt log of it holds dbt's "Unable to do partial parsing" line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from floe_orchestrator_dagster import DagsterOrchestratorPlugin

pytestmark = pytest.mark.slow

FULL_PARSE = "Unable to do partial parsing"


def test_after_prepare_the_first_run_parses_nothing_in_full(shop_copy: Path) -> None:
    floe_dagster = Path(sys.executable).parent / "floe-dagster"
    done = subprocess.run(
        [str(floe_dagster), "prepare", str(shop_copy / "compiled_artifacts.json")],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("dbt target default (compute duckdb): parsed in ")
    assert lines[1].startswith("dbt target duckdb_heavy (compute duckdb_heavy): parsed in ")
    assert (shop_copy / "target" / "manifest.json").is_file()

    defs = DagsterOrchestratorPlugin().create_definitions(
        str(shop_copy / "compiled_artifacts.json")
    )  # type: ignore[arg-type]
    result = defs.resolve_job_def("shop_analytics_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )

    assert result.success
    logs = list((shop_copy / "target").glob("dbt_*-attempt1/dbt.log"))
    assert len(logs) == 2, logs
    for log in logs:
        assert FULL_PARSE not in log.read_text(encoding="utf-8"), log
