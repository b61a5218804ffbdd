"""NFR-001: loading the entry point and instantiating the plugin imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("dagster", "dagster_dbt", "openlineage", "httpx", "dbt")

PROBE = """
import json, sys, time
import floe_core.plugins.orchestrator  # the host has this loaded before it loads plugins
from importlib.metadata import entry_points
start = time.perf_counter()
(ep,) = [e for e in entry_points(group="floe.orchestrators") if e.name == "dagster"]
plugin = ep.load()()
elapsed = time.perf_counter() - start
top = {name.split(".")[0] for name in sys.modules}
print(json.dumps({"name": plugin.name, "elapsed": elapsed, "modules": sorted(top)}))
"""


def run_probe() -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_entry_point_load_imports_no_heavy_module():
    result = run_probe()
    assert result["name"] == "dagster"
    loaded = set(result["modules"])  # type: ignore[arg-type]
    assert loaded.isdisjoint(HEAVY), f"heavy modules imported on load: {loaded & set(HEAVY)}"


def test_probe_sees_heavy_modules_when_they_are_imported():
    """The probe itself works: importing httpx after loading shows up in sys.modules."""
    probe = PROBE.replace("elapsed = ", "import httpx\nelapsed = ")
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert "httpx" in json.loads(out.stdout.strip().splitlines()[-1])["modules"]
