"""Retry from the failed model: which of a step's assets earlier attempts already materialized.

When a dbt step fails and Dagster runs it again, the step should build only what is missing:
the model that failed and the models dbt skipped after it, never the models that succeeded.
Two kinds of "again" exist:

- **a retry of the step in the same run** (a ``RetryPolicy``; ``context.retry_number`` > 0);
- **a re-execution from failure** (the UI's "Re-execute from failure", ``ReexecutionOptions
  .from_failure``, or the run-retry daemon): a new run whose ``parent_run_id`` names the failed
  run, which executes only the steps that failed there (``step_keys_to_execute`` is set), each
  with its whole asset selection.

The record of what an earlier attempt materialized is Dagster's event log, not dbt's
``run_results.json``: the log lives in the instance's storage, which every step process and
every run pod shares, while a ``target/`` folder lives on one machine (a retry in a fresh
Kubernetes pod would not find it). A model stands when an earlier attempt materialized it and
no check of this asset definition (a dbt test) failed on it afterwards with severity ERROR: a
model whose blocking test failed is built and tested again. The chain of re-executions is
followed back as long as each parent run is one whose step did not succeed: re-executing a step
that succeeded (a selected-steps re-execution) or every step (``step_keys_to_execute`` unset)
rebuilds everything, as asked.

Each dbt invocation of a step writes its artifacts (``run_results.json``, ``dbt.log``) to a
folder named after the step, the run and the attempt (``target_path_for``), so that each
attempt's own record stays readable beside the others.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: How many re-executions back the chain of failed runs is followed.
CHAIN_LIMIT = 50


@dataclass(frozen=True)
class Standing:
    """The step's assets whose materializations from earlier attempts stand.

    Attributes:
        keys: Their asset keys.
        sources: Where they were materialized, for the step's log (e.g. ``attempt 1 of this
            run``, ``run 3f2a9c1e``), oldest first.
    """

    keys: frozenset[Any]
    sources: tuple[str, ...] = ()

    def describe(self) -> str:
        """``attempt 1 of this run`` / ``runs 3f2a9c1e and attempt 1 of this run``."""
        return " and ".join(self.sources) or "no earlier attempt"


def standing_materializations(
    context: Any, keys: Collection[Any], own_checks: Collection[Any]
) -> Standing:
    """The assets among ``keys`` that earlier attempts of this step materialized (see above).

    Args:
        context: The step's execution context.
        keys: The asset keys the step is asked to materialize.
        own_checks: The check keys of the step's asset definition (its dbt tests).
    """
    runs = list(_earlier_attempts(context))
    if not runs or not keys:
        return Standing(frozenset())
    wanted = set(keys)
    checks = set(own_checks)
    stands: dict[Any, bool] = {}
    for run_id, _ in runs:
        for key, stood in _outcomes(context.instance, run_id, wanted, checks):
            stands[key] = stood
    found = frozenset(key for key, stood in stands.items() if stood)
    return Standing(found, tuple(label for _, label in runs) if found else ())


def _earlier_attempts(context: Any) -> Iterator[tuple[str, str]]:
    """(run id, label) of the runs whose events count, oldest first."""
    run = context.run
    chain: list[tuple[str, str]] = []
    step_key = _step_key(context)
    current = run
    for _ in range(CHAIN_LIMIT):
        parent_id = current.parent_run_id
        if not parent_id or current.step_keys_to_execute is None:
            break
        parent = context.instance.get_run_by_id(parent_id)
        if parent is None or _step_succeeded(context.instance, parent_id, step_key):
            break
        chain.append((parent_id, f"run {parent_id[:8]}"))
        current = parent
    yield from reversed(chain)
    if int(context.retry_number) > 0:
        attempts = int(context.retry_number)
        which = "attempt 1" if attempts == 1 else f"attempts 1-{attempts}"
        yield run.run_id, f"{which} of this run"


def _outcomes(
    instance: Any, run_id: str, wanted: Collection[Any], checks: Collection[Any]
) -> Iterable[tuple[Any, bool]]:
    """(asset key, stands) for each materialization and failed own check of ``run_id``, in order."""
    import dagster as dg

    records = instance.all_logs(
        run_id,
        of_type={
            dg.DagsterEventType.ASSET_MATERIALIZATION,
            dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        },
    )
    for record in records:
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            if event.asset_key in wanted:
                yield event.asset_key, True
            continue
        evaluation = event.event_specific_data
        key = getattr(evaluation, "asset_check_key", None)
        if (
            key in checks
            and not evaluation.passed
            and evaluation.severity == dg.AssetCheckSeverity.ERROR
        ):
            yield evaluation.asset_key, False


def _step_succeeded(instance: Any, run_id: str, step_key: str) -> bool:
    import dagster as dg

    records = instance.all_logs(run_id, of_type={dg.DagsterEventType.STEP_SUCCESS})
    return any(record.step_key == step_key for record in records)


def _step_key(context: Any) -> str:
    return str(context.get_step_execution_context().step.key)


def target_path_for(context: Any) -> Path:
    """The dbt target folder of this attempt of the step: ``target/<step>-<run id>-attempt<n>``.

    Relative paths are relative to the dbt project, as dbt takes them; ``DBT_TARGET_PATH``
    replaces ``target`` as it does for dagster-dbt.

    Examples:
        >>> class Run:
        ...     run_id = "3f2a9c1e-0000"
        >>> class Step:
        ...     key = "dbt_duckdb"
        >>> class Context:
        ...     run = Run()
        ...     retry_number = 1
        ...     def get_step_execution_context(self):
        ...         return type("S", (), {"step": Step()})()
        >>> target_path_for(Context()).name
        'dbt_duckdb-3f2a9c1e-0000-attempt2'
    """
    base = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return (
        base / f"{_step_key(context)}-{context.run.run_id}-attempt{int(context.retry_number) + 1}"
    )


@dataclass(frozen=True)
class RetryScope:
    """What one attempt of a step builds, given what earlier attempts materialized.

    Attributes:
        standing: The earlier materializations that stand.
        kept: The names of the selected nodes that are not built again, sorted.
        rest: The names of the selected nodes this attempt builds, sorted.
    """

    standing: Standing
    kept: tuple[str, ...]
    rest: tuple[str, ...]

    @property
    def narrowed(self) -> bool:
        """Whether earlier attempts spare this one any work."""
        return bool(self.kept)

    def note(self) -> str:
        """The step's log line saying what is built again and what is not."""
        if not self.rest:
            return (
                f"retry from the failed model: every selected asset was materialized by "
                f"{self.standing.describe()}; dbt has nothing left to build"
            )
        return (
            f"retry from the failed model: {len(self.kept)} asset(s) materialized by "
            f"{self.standing.describe()} stand and are not rebuilt ({_names(self.kept)}); dbt "
            f"builds the {len(self.rest)} other(s): {_names(self.rest)}"
        )


def retry_scope(context: Any) -> RetryScope:
    """What this attempt of the running asset step builds (see the module docstring)."""
    selected = list(context.selected_asset_keys)
    standing = standing_materializations(context, selected, context.assets_def.check_keys)
    kept = sorted(key.path[-1] for key in selected if key in standing.keys)
    rest = sorted(key.path[-1] for key in selected if key not in standing.keys)
    return RetryScope(standing, tuple(kept), tuple(rest))


def _names(names: Collection[str], limit: int = 20) -> str:
    shown = ", ".join(list(names)[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
