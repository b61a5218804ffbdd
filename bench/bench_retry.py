"""Retry from the failed model: a retry's wall time against the full re-run it replaces.

A generated dbt project of 500 one-row models on DuckDB (model ``i`` reads up to three of the
20 models before it); ``model_00490`` fails while a flag file exists, and an observer removes
the flag when dbt reports the failure. The product job runs under
``RetryPolicy(max_retries=1)``: attempt 1 fails at model 490 (dbt skips what reads it), attempt
2 builds only the failed model and its skipped descendants. The full re-run is what a retry
cost before (and what dagster-dbt's own retry does): the whole ``dbt build`` of the step, here
a second run of the job.

Times are the Dagster step's own (from its event log: start or restart to its end), so dbt's
start-up and parse are in every row.

Run: ``nox -s bench`` or ``uv run python bench/bench_retry.py [models]``.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

PRODUCT = "retry_bench"


def write_project(folder: Path, models: int, failing: int) -> tuple[Path, Path]:
    """The dbt project, its artifacts and the flag file that makes ``failing`` fail once."""
    from floe_dagster_core.testing import compiled_artifacts

    rng = random.Random(0)
    (folder / "models").mkdir(parents=True)
    flag = folder / "fail_once.flag"
    flag.write_text("fail once\n")
    (folder / "dbt_project.yml").write_text(
        f'name: {PRODUCT}\nversion: "1.0.0"\nconfig-version: 2\nprofile: {PRODUCT}\n'
        f"models:\n  {PRODUCT}:\n    +materialized: table\n"
    )
    transforms = []
    for i in range(models):
        name = f"model_{i:05d}"
        window = [f"model_{j:05d}" for j in range(max(0, i - 20), i)]
        parents = sorted(rng.sample(window, min(len(window), rng.randint(1, 3))))
        reads = [f"select id from {{{{ ref('{p}') }}}}" for p in parents]
        # one row per model: a union of the parents would grow exponentially down the graph
        union = " union all ".join(reads) if reads else "select range as id from range(10)"
        sql = f"select count(*) + {i} as id from ({union})"
        if i == failing:
            sql = (
                f"select id from ({sql}) where case when (select count(*) from "
                f"glob('{flag}')) > 0 then error('flag present') else true end"
            )
        (folder / "models" / f"{name}.sql").write_text(sql + "\n")
        transforms.append({"name": name, "depends_on": parents or None})
    artifacts = compiled_artifacts(
        *transforms,
        product=PRODUCT,
        dbt_profiles={
            PRODUCT: {
                "target": "dev",
                "outputs": {"dev": {"type": "duckdb", "path": "warehouse.duckdb", "threads": 1}},
            }
        },
    )
    path = folder / "compiled_artifacts.json"
    path.write_text(json.dumps(artifacts))
    return path, flag


class FlagRemover:
    """An observer removing the flag when dbt reports the failure (the fault is transient)."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def started(self, info: Any) -> None:
        pass

    def succeeded(self, info: Any) -> None:
        pass

    def failed(self, info: Any, error: str) -> None:
        self.flag.unlink(missing_ok=True)


def step_attempts(instance: Any, run_id: str) -> list[float]:
    """The wall time of each attempt of the run's one step, in seconds."""
    starts = {"STEP_START", "STEP_RESTARTED"}
    ends = {"STEP_SUCCESS", "STEP_FAILURE", "STEP_UP_FOR_RETRY"}
    times: list[float] = []
    began = None
    for record in instance.all_logs(run_id):
        kind = record.dagster_event.event_type_value if record.dagster_event else None
        if kind in starts:
            began = record.timestamp
        elif kind in ends and began is not None:
            times.append(record.timestamp - began)
            began = None
    return times


def built_models(project: Path, run_id: str, attempt: int) -> int:
    """How many models dbt ran in one attempt (its own run_results.json)."""
    path = project / "target" / f"dbt_duckdb-{run_id}-attempt{attempt}" / "run_results.json"
    results = json.loads(path.read_text())["results"]
    return sum(
        1 for r in results if r["unique_id"].startswith("model.") and r["status"] != "skipped"
    )


def main() -> None:
    import dagster as dg

    from floe_dagster_core import create_definitions

    models = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    failing = models - 10
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "product"
        artifacts, flag = write_project(project, models, failing)
        defs = create_definitions(
            artifacts,
            observers=[FlagRemover(flag)],
            retry_policy=dg.RetryPolicy(max_retries=1),
        )
        job = defs.resolve_job_def(f"{PRODUCT}_job")
        instance = dg.DagsterInstance.ephemeral()
        retried = job.execute_in_process(instance=instance, raise_on_error=False)
        assert retried.success, "the retried run should end green"
        first, retry = step_attempts(instance, retried.run_id)
        full_run = job.execute_in_process(instance=instance)
        (full,) = step_attempts(instance, full_run.run_id)
        rebuilt = built_models(project, retried.run_id, 2)
        everything = built_models(project, full_run.run_id, 1)
        first_built = built_models(project, retried.run_id, 1)

    print(
        f"## Retry from the failed model ({models} dbt models on DuckDB, model {failing} fails "
        "once)\n"
    )
    print("| attempt | models dbt ran | wall time s |")
    print("|---|---:|---:|")
    print(f"| first attempt (fails at model_{failing:05d}) | {first_built} | {first:.1f} |")
    print(f"| retry from the failed model (floe) | {rebuilt} | {retry:.1f} |")
    print(f"| full re-run (a retry before: the whole dbt build) | {everything} | {full:.1f} |")
    print(f"\nThe retry takes {retry / full:.0%} of the full re-run ({full / retry:.1f}x faster).")


if __name__ == "__main__":
    main()
