"""Plugin load time (NFR-001): entry-point load + instantiate, each in a fresh process.

Two rows: "warm host" is what the spec measures (floe-core already imported, as it is when its
registry loads plugins); "cold process" also pays for importing floe-core itself.

Run: ``nox -s bench`` or ``uv run python bench/bench_load.py [runs]``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

PROBE = """
import json, sys, time
t0 = time.perf_counter()
{preload}
t1 = time.perf_counter()
from importlib.metadata import entry_points
(ep,) = [e for e in entry_points(group="floe.orchestrators") if e.name == "dagster"]
plugin = ep.load()()
t2 = time.perf_counter()
print(json.dumps({{"load": t2 - t1, "total": t2 - t0}}))
"""

ROWS = {
    "warm host (floe-core imported)": ("import floe_core.plugins.orchestrator", "load"),
    "cold process (floe-core + plugin)": ("", "total"),
}


def measure(preload: str, key: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(preload=preload)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(json.loads(out.stdout.strip().splitlines()[-1])[key] * 1000)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    print(f"## Plugin load time ({runs} fresh processes each; goal < 50 ms, spec limit 500 ms)\n")
    print("| scenario | median ms | p90 ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for label, (preload, key) in ROWS.items():
        times = sorted(measure(preload, key, runs))
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        print(
            f"| {label} | {statistics.median(times):.1f} | {p90:.1f} "
            f"| {times[0]:.1f} | {times[-1]:.1f} |"
        )


if __name__ == "__main__":
    main()
