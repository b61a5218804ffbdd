"""``LineageObserver``: the OpenLineage events of a product run, from core's observer hooks.

Every Dagster run is one OpenLineage run of the product's job (the Dagster job, run id = the
Dagster run id): its START is sent by the first dbt step of the run in each process (event
time = the Dagster run's start, so the same START sent by two processes is one event for a
receiver that, like Marquez, de-duplicates on run id, event type and event time); its
COMPLETE / FAIL / ABORT come from the run-status sensors (``product_run``). Each dbt model is
one run of its own job (``naming.model_job``), START when dbt starts it and COMPLETE or FAIL when
dbt finishes it, timed by dbt, with ``parent`` and ``root`` pointing at the product run; a retry
of the step is a new model run (its run id includes the attempt) in the same product run. A
model's dbt tests are one run of its ``....build.test`` job, sent when the step ends.

It never raises: an event that cannot be built is one warning, and delivery is the emitter's
(bounded, spooled when the receiver is down).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

import floe_orchestrator_dagster._lineage.facets as facets
from floe_orchestrator_dagster._lineage.naming import DatasetNaming, model_job

logger = logging.getLogger("floe_dagster_lineage")

# per-attempt model run ids, stable for one (Dagster run, asset, attempt)
RUN_NAMESPACE = uuid.UUID("0b9a3b5e-8f0e-4f7e-a3a4-7c1d2e6f9a51")
_FAILED_TESTS = frozenset({"fail", "error"})


def run_uuid(value: str) -> UUID:
    """A Dagster run id as a UUID (they are UUIDs; anything else gets a stable derived one)."""
    try:
        return UUID(str(value))
    except ValueError:
        return uuid.uuid5(RUN_NAMESPACE, str(value))


def event_time(value: Any) -> datetime | None:
    """dbt's ISO timestamp or an epoch as an aware datetime (None when unknown)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class LineageObserver:
    """A floe-dagster-core observer emitting the product run's and each model's events."""

    def __init__(self, emitter: Any, naming: DatasetNaming, product: str) -> None:
        self._emitter = emitter
        self._naming = naming
        self._product = product
        self._lock = threading.Lock()
        self._product_started: set[str] = set()  # Dagster runs whose START this process sent
        self._attempts: dict[tuple[str, str], int] = {}  # (run id, compute) -> step attempt

    # -- the product run ------------------------------------------------------------------------

    def step_started(self, step: Any) -> None:
        """The first dbt step of a run in this process sends the product run's START."""
        with self._lock:
            self._attempts[(step.run_id, step.compute)] = step.attempt
            first = step.run_id not in self._product_started
            self._product_started.add(step.run_id)
        if first:
            self._guarded(
                "START",
                step.job_name,
                lambda: self._emitter.emit(
                    "START",
                    step.job_name,
                    run_id=run_uuid(step.run_id),
                    run_facets=facets.product_run_facets(self._product, step.run_id, step.job_name),
                    event_time=event_time(step.run_started_at),
                ),
            )

    def product_started_here(self, run_id: str) -> bool:
        """Whether this process sent the product run's START."""
        with self._lock:
            return run_id in self._product_started

    def step_finished(self, step: Any, success: bool) -> None:
        """One log line with the emitter's delivery counters."""
        counters = self._emitter.counters
        logger.info(
            "OpenLineage for step %s of Dagster run %s: %s",
            step.step_key,
            step.run_id,
            ", ".join(f"{count} {name}" for name, count in counters.items()),
        )

    def run_tags(self, step: Any) -> dict[str, str]:
        """The delivery counters, for the run's tags (``floe/lineage_<counter>``)."""
        return {
            f"floe/lineage_{name}": str(count) for name, count in self._emitter.counters.items()
        }

    # -- model runs -----------------------------------------------------------------------------

    def started(self, info: Any) -> None:
        """dbt started the model: START."""
        self._model_event("START", info, finished=False)

    def succeeded(self, info: Any) -> None:
        """dbt built the model: COMPLETE, with column lineage and the compiled SQL."""
        self._model_event("COMPLETE", info, finished=True)

    def failed(self, info: Any, error: str) -> None:
        """The model failed: FAIL with dbt's message in the ``errorMessage`` facet."""
        self._model_event("FAIL", info, finished=True, error=error or f"model {info.model} failed")

    def tests_finished(self, info: Any, tests: Sequence[Any]) -> None:
        """The model's dbt tests: one run of its test job (START, then COMPLETE or FAIL)."""
        if not tests:
            return
        job = self._job(lambda: model_job(info, self._naming, kind="test"), info)
        run_id = self._model_run_id(info, "test")
        failed = [t for t in tests if t.status in _FAILED_TESTS and t.severity == "error"]
        ends = [t.finished_at for t in tests if t.finished_at]
        starts = [t.started_at for t in tests if t.started_at]
        common = {
            "run_id": run_id,
            "parent": self._parent(info),
            "run_facets": facets.run_facets(info, self._product, self._attempt(info)),
            "job_facets": facets.test_job_facets(info),
        }
        for event_type, when in (
            ("START", min(starts) if starts else None),
            ("FAIL" if failed else "COMPLETE", max(ends) if ends else None),
        ):
            error = (
                f"{len(failed)} dbt test(s) of {info.model} failed: "
                + ", ".join(t.name for t in failed)
                if event_type == "FAIL"
                else None
            )
            self._guarded(
                event_type,
                job,
                lambda event_type=event_type, when=when, error=error: self._emitter.emit(
                    event_type,
                    job,
                    inputs=[facets.test_run_dataset(info, self._naming, tests)],
                    event_time=event_time(when),
                    error=error,
                    **common,
                ),
            )

    # -- helpers --------------------------------------------------------------------------------

    def _model_event(
        self, event_type: str, info: Any, *, finished: bool, error: str | None = None
    ) -> None:
        job = self._job(lambda: model_job(info, self._naming), info)

        def emit() -> Any:
            return self._emitter.emit(
                event_type,
                job,
                run_id=self._model_run_id(info, "run"),
                parent=self._parent(info),
                inputs=facets.input_datasets(info, self._naming),
                outputs=[facets.output_dataset(info, self._naming, finished=finished)],
                run_facets=facets.run_facets(info, self._product, self._attempt(info)),
                job_facets=facets.model_job_facets(info, self._naming.adapter_type(info.compute)),
                event_time=event_time(info.finished_at if finished else info.started_at),
                error=error,
            )

        self._guarded(event_type, job, emit, info)

    def _job(self, name: Any, info: Any) -> str:
        try:
            return str(name())
        except Exception:  # noqa: BLE001 - a name is never worth a lost event
            return info.asset_key.replace("/", ".") or "unknown"

    def _parent(self, info: Any) -> tuple[str, str, str]:
        return (str(run_uuid(info.run_id)), info.job_name or "floe", self._emitter.namespace)

    def _attempt(self, info: Any) -> int:
        with self._lock:
            return self._attempts.get((info.run_id, info.compute), 1)

    def _model_run_id(self, info: Any, kind: str) -> UUID:
        key = f"{info.run_id}/{info.asset_key}/{kind}/{self._attempt(info)}"
        return uuid.uuid5(RUN_NAMESPACE, key)

    def _guarded(self, event_type: str, job: str, emit: Any, info: Any = None) -> None:
        try:
            emit()
        except Exception as failure:  # noqa: BLE001 - lineage must never fail a run
            logger.warning(
                "OpenLineage %s event of job %s (Dagster run %s) was not emitted: %s: %s",
                event_type,
                job,
                getattr(info, "run_id", "?"),
                type(failure).__name__,
                failure,
            )
