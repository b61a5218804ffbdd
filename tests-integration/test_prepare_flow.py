"""``floe-dagster prepare`` on a floe-compiled product with two compute targets (issue 14).

The platform's manifest puts ``dim_calendar`` on a second DuckDB target (``duckdb_heavy``).
``prepare`` (what an image build runs) leaves a partial-parse state for each of the two targets,
resolved as a run resolves them (floe's compiled profile plus the platform's target). That a run
then parses nothing in full is shown in core (``test_parse_state.py``), with a run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_prepare_leaves_a_parse_state_for_each_target_of_the_platform(shop_copy: Path) -> None:
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

    states = shop_copy / "target" / "floe-parse"
    assert (states / "default" / "partial_parse.msgpack").is_file()
    assert (states / "duckdb_heavy" / "partial_parse.msgpack").is_file()
    logs = sorted((shop_copy / "target" / "floe-prepare").glob("*/dbt.log"))
    assert [log.parent.name for log in logs] == ["default", "duckdb_heavy"]
    assert all("shop_analytics" in log.read_text(encoding="utf-8") for log in logs)  # the profile
