"""``floe-dagster demo``: the whole flow on embedded DuckDB, with no service running.

Steps: copy the demo product shipped in this package to a work folder (``_demo_folder`` says
what is removed there first, and what never is); compile it with floe's
real compiler (``floe platform compile``, which also writes ``definitions.py`` through this
plugin); build the Definitions with the plugin; materialize every asset in-process on DuckDB with
a live progress line per dbt model; write OpenLineage events to a local JSON-lines file; summarise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from floe_orchestrator_dagster._demo_folder import clear_previous_demo, work_folder, write_manifest
from floe_orchestrator_dagster._errors import DemoError

LINEAGE_FILE = "lineage/events.jsonl"


@dataclass
class AssetOutcome:
    """One asset's result in the demo run."""

    model: str
    compute: str
    seconds: float = 0.0
    ok: bool | None = None
    error: str = ""


@dataclass
class DemoReport:
    """What the demo did, for the summary."""

    folder: Path
    product: str
    job: str
    assets: dict[str, AssetOutcome] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    schedules: list[tuple[str, str, str, bool]] = field(default_factory=list)
    lineage_events: Counter[str] = field(default_factory=Counter)


class ProgressObserver:
    """A ``floe_dagster_core.AssetObserver`` printing a live line when dbt starts each model and
    one when dbt finishes it, with dbt's own execution time (and dbt's message on failure).

    Core calls it the moment dbt reports a node (on its own reader thread), so the lines keep
    dbt's pace and order.
    """

    def __init__(self, report: DemoReport, echo: Callable[[str], None]) -> None:
        self._report = report
        self._echo = echo
        self._started: dict[str, float] = {}

    def started(self, info: Any) -> None:
        self._started[info.model] = time.perf_counter()
        self._report.assets[info.model] = AssetOutcome(info.model, info.compute)
        self._echo(f"  ... {info.model:<28} running on {info.compute}")

    def _finish(self, info: Any, ok: bool, error: str = "") -> None:
        outcome = self._report.assets.setdefault(info.model, AssetOutcome(info.model, info.compute))
        if info.execution_time is not None:
            outcome.seconds = float(info.execution_time)
        else:  # dbt did not say: the time between its two reports
            outcome.seconds = time.perf_counter() - self._started.get(
                info.model, time.perf_counter()
            )
        outcome.ok, outcome.error = ok, one_line(error)
        line = f"  {'ok ' if ok else 'ERR'} {info.model:<28} {outcome.seconds:6.2f} s"
        self._echo(f"{line}  {outcome.error}" if outcome.error else line)

    def succeeded(self, info: Any) -> None:
        self._finish(info, True)

    def failed(self, info: Any, error: str) -> None:
        self._finish(info, False, error)


def one_line(message: str) -> str:
    """dbt's error in one line: the first line that says what failed, whitespace collapsed.

    Examples:
        >>> one_line("Runtime Error in model a (models/a.sql)\\n  Catalog Error: no table t\\n")
        'Catalog Error: no table t'
    """
    lines = [" ".join(line.split()) for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    detail = [line for line in lines[1:] if "Error" in line or "error" in line]
    return (detail or lines)[0]


def prepare_folder(folder: Path) -> Path:
    """Put a fresh copy of the demo product in ``folder``; returns the folder, absolute.

    What a previous demo created there is removed first, and nothing else; the marker
    ``.floe-dagster-demo`` lists what this run creates (see ``_demo_folder``).

    Raises:
        DemoError: ``folder`` is a symbolic link, or holds anything the demo did not create.
    """
    folder = work_folder(folder)
    clear_previous_demo(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = resources.files("floe_orchestrator_dagster") / "demo" / "product"
    with resources.as_file(source) as path:
        shutil.copytree(path, folder, dirs_exist_ok=True)
    write_manifest(folder)
    return folder


def compile_product(folder: Path) -> Path:
    """Run ``floe platform compile`` in ``folder``; returns the artifacts path."""
    floe = Path(sys.executable).with_name("floe")
    command = [
        str(floe) if floe.exists() else "floe",
        "platform",
        "compile",
        "--spec",
        "floe.yaml",
        "--manifest",
        "manifest.yaml",
        "--output",
        "compiled_artifacts.json",
        "--skip-contracts",
        "--no-lineage-emission",
        "--generate-definitions",
    ]
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=300, check=False
        )
    except FileNotFoundError:
        raise DemoError(
            "The floe command (floe-core) is not installed: "
            "pip install 'floe-orchestrator-dagster[demo]'."
        ) from None
    artifacts = folder / "compiled_artifacts.json"
    if done.returncode != 0 or not artifacts.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DemoError(
            f"`floe platform compile` failed (exit {done.returncode}): {' | '.join(tail)}. "
            "Fix what it reports, then run the demo again."
        )
    return artifacts


def run_demo(folder: Path, echo: Callable[[str], None]) -> DemoReport:
    """The whole demo; raises DemoError on the first failed step."""
    folder = work_folder(folder)
    echo(f"1/4 copying the demo product to {folder}")
    prepare_folder(folder)
    try:
        return _run_steps(folder, echo)
    finally:  # the files of a failed or interrupted run are the demo's too
        write_manifest(folder)


def _run_steps(folder: Path, echo: Callable[[str], None]) -> DemoReport:
    """Steps 2 to 4 (compile, build, materialize) in the prepared ``folder``."""
    from floe_orchestrator_dagster._artifacts import read_artifacts
    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._definitions import create_definitions
    from floe_orchestrator_dagster._lineage import LineageGateway
    from floe_orchestrator_dagster._schedules import ScheduleBook

    echo("2/4 compiling it with floe platform compile")
    artifacts = read_artifacts(compile_product(folder))
    product = artifacts.product_name

    echo("3/4 building the Dagster Definitions with the plugin")
    lineage_file = folder / LINEAGE_FILE
    lineage_file.parent.mkdir(parents=True, exist_ok=True)
    # the platform's orchestrator config (compute targets...) applies as compiled; the demo only
    # sends lineage to its own file instead of the marquez backend the manifest names
    config = DagsterPluginConfig.model_validate(
        {
            "project_dir": folder,
            "lineage": {"transport": {"type": "file", "path": str(lineage_file)}},
        }
    )
    from floe_dagster_core import job_name

    report = DemoReport(folder=folder, product=product, job=job_name(product))
    progress = ProgressObserver(report, echo)
    gateway = LineageGateway(config.lineage)
    with _output_to(folder / "logs" / "build.log"):  # `dbt parse` talks on stdout
        defs = create_definitions(
            config,
            artifacts,
            schedules=ScheduleBook(),
            lineage=gateway,
            observers=[progress],
        )

    echo(f"4/4 materializing every asset on DuckDB (job {report.job})")
    _materialize(defs, report, gateway)
    report.rows = count_rows(folder)
    report.schedules = [
        (s.name, s.cron_schedule, s.execution_timezone or "UTC", _running(s))
        for s in defs.schedules or []
    ]
    report.lineage_events = count_events(lineage_file)
    return report


def _running(schedule: Any) -> bool:
    from dagster import DefaultScheduleStatus

    return bool(schedule.default_status == DefaultScheduleStatus.RUNNING)


@contextmanager
def _output_to(log: Path) -> Iterator[None]:
    """Send what libraries print (dbt, Dagster) to ``log``; progress lines keep the terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as sink, redirect_stdout(sink), redirect_stderr(sink):
        yield


def _materialize(defs: Any, report: DemoReport, gateway: Any) -> None:
    """Run the all-assets job in-process; dbt's and Dagster's own output go to logs/run.log.

    An in-process run has no daemon for the lineage sensors: the product run is closed here.
    """
    from dagster import DagsterInstance

    # Dagster 1.11+ wants asset jobs resolved through resolve_job_def; 1.10 has only get_job_def
    resolve = getattr(defs, "resolve_job_def", None) or defs.get_job_def
    job = resolve(report.job)
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    log = report.folder / "logs" / "run.log"
    with _output_to(log), DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, run_config=quiet, raise_on_error=False)
        gateway.close_run(result.dagster_run, instance)
    if not result.success:
        failed = [a for a in report.assets.values() if a.ok is False]
        detail = f"{failed[0].model}: {failed[0].error}" if failed else "see the Dagster log"
        raise DemoError(f"The run of {report.job} failed at {detail} (full log: {log}).")


def count_rows(folder: Path) -> dict[str, int]:
    """Rows in each dbt model's table or view, read from the DuckDB files dbt wrote."""
    import duckdb

    target = folder / "target"
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    connection = duckdb.connect()  # in memory; every database file dbt wrote attached read-only
    try:
        for database_file in sorted(target.glob("*.duckdb")):
            connection.execute(f"attach '{database_file}' as \"{database_file.stem}\" (read_only)")
        rows: dict[str, int] = {}
        for node in manifest["nodes"].values():
            if node["resource_type"] != "model":
                continue
            relation = f'"{node["database"]}"."{node["schema"]}"."{node["alias"] or node["name"]}"'
            (count,) = connection.execute(f"select count(*) from {relation}").fetchone() or (0,)
            rows[node["name"]] = int(count)
        return rows
    finally:
        connection.close()


def count_events(path: Path) -> Counter[str]:
    """OpenLineage events in a JSON-lines file, by event type."""
    counts: Counter[str] = Counter()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                counts[json.loads(line)["eventType"]] += 1
    return counts


def next_ticks(cron: str, timezone: str, count: int = 3) -> list[tuple[str, str]]:
    """The next ``count`` ticks as (local, UTC) strings."""
    from datetime import datetime
    from datetime import timezone as tz
    from zoneinfo import ZoneInfo

    from croniter import croniter

    zone = ZoneInfo(timezone)
    ticks = croniter(cron, datetime.now(zone))
    out = []
    for _ in range(count):
        local = ticks.get_next(datetime)
        out.append(
            (
                local.strftime("%Y-%m-%d %H:%M %Z"),
                local.astimezone(tz.utc).strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
    return out
