"""The connection probe against servers that never answer (SC-004, FR-020; issue 16).

For each server, ``validate_connection`` with the default 10-second budget: how long it takes, and
how many threads it leaves alive right after it returns and 3 seconds later. The servers are the
test suite's (``fault_servers.py``): "hung" accepts and never sends a byte, "dripping" starts an
answer and then sends one byte every 0.2 s. Their threads are named ``fault-server...``; every
other new thread is the probe's.

Run: ``nox -s bench`` or ``uv run python bench/bench_probe.py [runs]`` (default 3; each run takes
the full 10 s budget).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "packages/floe-orchestrator-dagster/tests"))

import fault_servers  # the tests' helper module, found through sys.path above
from floe_orchestrator_dagster._connection import (
    ConnectionSettings,
    validate_connection,
)

SERVERS = {"hung": fault_servers.silent_server, "dripping": fault_servers.dripping_server}


def probe_threads(before: set[threading.Thread]) -> list[str]:
    return [
        t.name
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith("fault-server")
    ]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"## Connection probe against silent servers ({runs} runs each, 10 s budget)\n")
    print("| server | median s | min s | max s | probe threads alive after | ... 3 s later |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, server in SERVERS.items():
        times, after, later = [], [], []
        with server() as url:
            for _ in range(runs):
                before = set(threading.enumerate())
                started = time.monotonic()
                result = validate_connection(ConnectionSettings(url=url))
                times.append(time.monotonic() - started)
                assert not result.success, result.message
                after.append(len(probe_threads(before)))
                time.sleep(3)
                later.append(len(probe_threads(before)))
        print(
            f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} "
            f"| {max(after)} | {max(later)} |"
        )


if __name__ == "__main__":
    main()
