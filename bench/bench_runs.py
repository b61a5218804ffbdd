"""Runs against plain dbt, side by side (issue 14): the demo, the run overhead, compute targets.

Three tables, each figure the median of 3 fresh processes, ours and the baseline alternating:

(a) The demo: ``floe-dagster demo --dir <fresh folder>`` (copy, ``floe platform compile``,
    Definitions, materialize, summary), wall time of the whole command, against the same work
    done plainly on a fresh copy of the same demo product: the same ``floe platform compile``
    command, then one plain ``dbt build`` per compute target (the default target builds all but
    the second target's model, then the second target builds that model).
(b) Run overhead: a fresh copy of the generated 500-model product (one compute target, 2 dbt
    threads); ours = ``execute_in_process`` of the product's job (``<product>_job``) on an
    ephemeral instance with the in-process executor, timed around the call only (Definitions
    are built before, untimed: ``bench_facade.py`` measures them); plain = ``dbt build`` of the
    same project with the same target and threads, wall time of the process.
(c) 2,000 models on 1 vs 3 compute targets: our job's run time (as in (b)) on the 1-target and
    the 3-target generated products (same DAG, the layers in three bands on three DuckDB
    files), and plain dbt (one ``dbt build`` per target) beside it. "full re-parse" says whether
    a dbt log of the run holds dbt's "Unable to do partial parsing" line (ours: each dbt
    invocation's ``dbt.log`` under ``target/``; plain: ``logs/dbt.log``).

Each run starts from a fresh copy of the cached product, with the parse state that the
generator's ``dbt parse`` (baseline profile) left in ``target/``, and no DuckDB file.

Run: ``nox -s bench`` or ``uv run python bench/bench_runs.py [run_models [targets_models]]``
(default 500 2000).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generator  # bench/generator.py, found through sys.path above

RUNS = 3
PARTIAL = "Unable to do partial parsing"

JOB_CHILD = """
import json, sys, time
from pathlib import Path
import dagster as dg
from floe_dagster_core import job_name
from floe_orchestrator_dagster import DagsterOrchestratorPlugin

folder, product = Path(sys.argv[1]), sys.argv[2]
defs = DagsterOrchestratorPlugin().create_definitions(str(folder / "compiled_artifacts.json"))
job = (getattr(defs, "resolve_job_def", None) or defs.get_job_def)(job_name(product))
quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
with dg.DagsterInstance.ephemeral() as instance:
    started = time.perf_counter()
    result = job.execute_in_process(instance=instance, run_config=quiet, raise_on_error=False)
    took = time.perf_counter() - started
print("BENCH " + json.dumps({"run": took, "ok": result.success}))
"""


def run(command: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Wall time of a command (which must succeed), and its output."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {done.stdout[-3000:]}{done.stderr[-3000:]}")
    return took, done.stdout + done.stderr


def reparsed(logs: list[Path]) -> bool:
    return any(PARTIAL in log.read_text(errors="replace") for log in logs)


def plain_builds(folder: Path) -> bool:
    """One plain ``dbt build`` per compute target; whether dbt said it re-parsed in full."""
    for args in generator.baseline_builds(folder):
        done = generator.dbt(folder, "build", *args)
        if done.returncode != 0:
            raise RuntimeError(f"dbt build {args[:2]} failed: {done.stdout[-3000:]}")
    return reparsed([folder / "logs" / "dbt.log"])


def our_job(folder: Path) -> tuple[float, bool]:
    """Our job's run time on ``folder``; whether a dbt log of the run says it re-parsed.

    ``floe-dagster prepare`` runs first, untimed: it is the image-build step of a deployment
    (one ``dbt parse`` per dbt target), not part of a run.
    """
    run([generator.executable("floe-dagster"), "prepare", str(folder / "compiled_artifacts.json")])
    _, out = run([sys.executable, "-c", JOB_CHILD, str(folder), generator.PRODUCT])
    line = next(line for line in reversed(out.splitlines()) if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    if not result["ok"]:
        raise RuntimeError(f"our job failed on {folder}: {out[-3000:]}")
    return result["run"], reparsed(sorted((folder / "target").glob("*/dbt.log")))


def in_fresh_copy(source: Path, work: Callable[[Path], object]) -> object:
    with tempfile.TemporaryDirectory(prefix="floe-bench-run-") as tmp:
        return work(generator.fresh_copy(source, Path(tmp)))


def demo_copy(parent: Path) -> Path:
    """A copy of the demo product shipped in the facade, as ``floe-dagster demo`` copies it."""
    from importlib import resources

    folder = parent / "jaffle-shop"
    source = resources.files("floe_orchestrator_dagster") / "demo" / "product"
    with resources.as_file(source) as path:
        shutil.copytree(path, folder)
    return folder


def demo_ours() -> float:
    with tempfile.TemporaryDirectory(prefix="floe-bench-demo-") as tmp:
        took, _ = run([generator.executable("floe-dagster"), "demo", "--dir", f"{tmp}/demo"])
        return took


def demo_plain() -> float:
    with tempfile.TemporaryDirectory(prefix="floe-bench-demo-") as tmp:
        folder = demo_copy(Path(tmp))
        started = time.perf_counter()
        generator.write_baseline_profiles(folder, generator.floe_compile(folder))
        plain_builds(folder)
        return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values)


def table_demo() -> None:
    ours, plain = [], []
    for _ in range(RUNS):
        ours.append(demo_ours())
        plain.append(demo_plain())
    print("### (a) The demo (8 models, 2 compute targets)\n")
    print("| row | ours s | plain s | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| `floe-dagster demo` vs `floe platform compile` + one `dbt build` per target "
        f"| {median(ours):.1f} | {median(plain):.1f} | {median(ours) / median(plain):.2f}x |\n",
        flush=True,
    )


def table_overhead(models: int) -> None:
    source = generator.product(models)
    ours, plain, ours_parse, plain_parse = [], [], [], []
    for _ in range(RUNS):
        took, parse = in_fresh_copy(source, our_job)  # type: ignore[misc]
        ours.append(took)
        ours_parse.append(parse)
        started = time.perf_counter()
        plain_parse.append(in_fresh_copy(source, plain_builds))
        plain.append(time.perf_counter() - started)
    print(
        f"### (b) Run overhead ({models:,} models, 1 compute target, {generator.THREADS} threads)\n"
    )
    print("| row | ours s | plain `dbt build` s | ratio | full re-parse, ours / plain |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| materialize the product's job vs plain `dbt build` | {median(ours):.1f} "
        f"| {median(plain):.1f} | {median(ours) / median(plain):.2f}x "
        f"| {yes(ours_parse)} / {yes(plain_parse)} |\n",
        flush=True,
    )


def yes(flags: list[bool]) -> str:
    return "yes" if all(flags) else "no" if not any(flags) else f"{sum(flags)} of {len(flags)}"


def table_targets(models: int) -> None:
    rows = {}
    for targets in (1, 3):
        source = generator.product(models, targets)
        ours, plain, ours_parse, plain_parse = [], [], [], []
        for _ in range(RUNS):
            took, parse = in_fresh_copy(source, our_job)  # type: ignore[misc]
            ours.append(took)
            ours_parse.append(parse)
            started = time.perf_counter()
            plain_parse.append(in_fresh_copy(source, plain_builds))
            plain.append(time.perf_counter() - started)
        rows[targets] = (median(ours), median(plain), yes(ours_parse), yes(plain_parse))
    print(f"### (c) Run with 1 vs 3 compute targets ({models:,} models)\n")
    print(
        "| compute targets | ours s | plain dbt s (one `dbt build` per target) | ratio "
        "| full re-parse, ours / plain |"
    )
    print("|---:|---:|---:|---:|---|")
    for targets, (ours_s, plain_s, ours_p, plain_p) in rows.items():
        print(
            f"| {targets} | {ours_s:.1f} | {plain_s:.1f} | {ours_s / plain_s:.2f}x "
            f"| {ours_p} / {plain_p} |"
        )
    print(
        f"\nOurs, 3 targets / 1 target: {rows[3][0] / rows[1][0]:.2f}x; plain: "
        f"{rows[3][1] / rows[1][1]:.2f}x.\n",
        flush=True,
    )


def main() -> None:
    from importlib.metadata import version

    args = [int(a) for a in sys.argv[1:]]
    run_models = args[0] if args else 500
    targets_models = args[1] if len(args) > 1 else 2_000
    names = ["dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "floe-core"]
    print(f"## Runs vs plain dbt ({', '.join(f'{n} {version(n)}' for n in names)})\n")
    print(
        "Median of 3 fresh processes each; ratio = ours / plain. Goals: demo ≤ 2x (aim 1.5x), "
        "run overhead ≤ 1.25x, no full dbt re-parse at run time with several targets.\n"
    )
    table_demo()
    table_overhead(run_models)
    table_targets(targets_models)
    print(
        "Notes: lineage goes to a marquez backend at a closed local port (`generator.py`): "
        "each event is refused at once, delivery pauses after 3 failures, the spool is off and "
        "an attempt is bounded to 0.5 s, so emission costs event building and one warning per "
        "event, never network waits. The demo writes lineage to its own file, as it ships."
    )


if __name__ == "__main__":
    main()
