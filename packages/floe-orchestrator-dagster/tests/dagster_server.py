"""A real ``dagster-webserver`` subprocess for tests, on a free port with a tmp DAGSTER_HOME.

Reusable by any test (this package's or tests-integration/): this folder is on pytest's
``pythonpath`` (pyproject.toml), so ``import dagster_server`` works; then
``with dagster_server.running_webserver(tmp_dir) as server: ... server.url ...``, typically in a
session-scoped fixture (starting a webserver costs 5 to 10 seconds). The webserver runs with the
interpreter that runs the tests (``python -m dagster_webserver``), so each nox venv tests its own
Dagster. It is stopped, with its code server, when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

# a cold start imports Dagster and dbt and parses the project: on two busy cores (two test
# workers, each with dbt subprocesses) that took more than 90 s in CI. The wait ends at the first
# answer, so a long limit costs nothing when the server is quick.
STARTUP_TIMEOUT_SECONDS = 240.0
_CODE_LOCATION = """\
import dagster as dg


@dg.asset
def ping() -> int:
    return 1


defs = dg.Definitions(assets=[ping])
"""
# Runs launched through the API start at once (the default coordinator queues them for a daemon
# that tests do not run).
_INSTANCE_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
"""


@dataclass(frozen=True)
class DagsterWebserver:
    """A running webserver: its base URL, its process and its log file."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        """The end of the webserver's output, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(home: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DAGSTER_", "FLOE_", "OPENLINEAGE_"))
    }
    env["DAGSTER_HOME"] = str(home)
    env["PYTHONWARNINGS"] = "ignore"  # the server's own deprecation noise is not under test
    return env


def _wait_until_ready(server: DagsterWebserver, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"dagster-webserver exited with code {server.process.returncode} before it "
                f"answered:\n{server.log_tail()}"
            )
        try:
            response = httpx.get(f"{server.url}/server_info", timeout=2.0)
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        time.sleep(0.2)
    raise RuntimeError(
        f"dagster-webserver did not answer {server.url}/server_info within {timeout:g} s "
        f"({last}):\n{server.log_tail()}"
    )


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the webserver and everything it started (its code server), by process group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the webserver and its code server, gracefully
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # the group is the webserver's own (start_new_session): only its children can remain
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_webserver(
    workdir: Path,
    startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
    code_file: Path | None = None,
) -> Iterator[DagsterWebserver]:
    """Start ``dagster-webserver`` on a free loopback port and stop it when the block ends.

    ``code_file`` is the code location to serve (``--python-file``); by default a tiny one with
    a single asset is written to ``workdir``.
    """
    home = workdir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(_INSTANCE_YAML)
    if code_file is None:
        code = workdir / "definitions.py"
        code.write_text(_CODE_LOCATION)
    else:
        code = code_file
    log = workdir / "webserver.log"
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "dagster_webserver",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--python-file",
        str(code),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=_environment(home),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = DagsterWebserver(url=f"http://127.0.0.1:{port}", port=port, process=process, log=log)
    try:
        _wait_until_ready(server, startup_timeout)
        yield server
    finally:
        stop_process_group(process)
