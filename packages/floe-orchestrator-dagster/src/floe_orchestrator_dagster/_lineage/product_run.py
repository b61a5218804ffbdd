"""The end of a product run: COMPLETE, FAIL or ABORT, from Dagster's run-status sensors.

The three sensors (success, failure, canceled) run in the Dagster daemon for every run of the
code location's jobs, so a run whose process died, or that failed before any dbt step started
(while loading, say), still closes its product run. When no dbt step of the run started, the
product run's START is sent first (a step sends it otherwise). ``close_product_run`` is the
same, called directly after an in-process run (``execute_in_process`` has no daemon).
"""

from __future__ import annotations

from typing import Any

import floe_orchestrator_dagster._lineage.facets as facets
from floe_orchestrator_dagster._lineage.observer import event_time, run_uuid

SENSOR_PREFIX = "floe_lineage_product_run"
_EVENTS = {"SUCCESS": "COMPLETE", "FAILURE": "FAIL", "CANCELED": "ABORT"}


def close_product_run(
    emitter: Any,
    product: str,
    run: Any,
    instance: Any,
    *,
    error: str | None = None,
    start_sent: bool = False,
) -> None:
    """Send the product run's terminal event (and its START when no dbt step sent it).

    Args:
        emitter: The lineage emitter.
        product: The product's name.
        run: The finished ``DagsterRun``.
        instance: The Dagster instance holding the run.
        error: The run's failure message, for FAIL.
        start_sent: The caller knows the START was sent (this process sent it).
    """
    event_type = _EVENTS.get(str(getattr(run.status, "value", run.status)))
    if event_type is None:
        return
    record = instance.get_run_record_by_id(run.run_id)
    started: Any = getattr(record, "start_time", None)
    if started is None:  # never started (failed while loading): when it was created
        created = getattr(record, "create_timestamp", None)
        started = created.timestamp() if created is not None else None
    ended = getattr(record, "end_time", None)
    run_facets = facets.product_run_facets(product, run.run_id, run.job_name)
    if not start_sent and not _a_dbt_step_started(instance, run.run_id):
        emitter.emit(
            "START",
            run.job_name,
            run_id=run_uuid(run.run_id),
            run_facets=run_facets,
            event_time=event_time(started),
        )
    emitter.emit(
        event_type,
        run.job_name,
        run_id=run_uuid(run.run_id),
        run_facets=run_facets,
        event_time=event_time(ended),
        error=(error or f"Dagster run {run.run_id} failed") if event_type == "FAIL" else None,
    )


def _a_dbt_step_started(instance: Any, run_id: str) -> bool:
    from dagster import DagsterEventType

    try:
        records = instance.all_logs(run_id, of_type=DagsterEventType.STEP_START)
    except Exception:  # noqa: BLE001 - when unsure, send START: a duplicate does no harm
        return False
    return bool(records)


def product_run_sensors(emitter: Any, product: str) -> list[Any]:
    """The run-status sensors closing every product run of the code location (see above)."""
    import dagster as dg

    def close(context: Any, error: str | None = None) -> None:
        close_product_run(emitter, product, context.dagster_run, context.instance, error=error)

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        name=f"{SENSOR_PREFIX}_success",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends the OpenLineage COMPLETE event of each successful product run.",
    )
    def _success(context: Any) -> None:
        close(context)

    @dg.run_failure_sensor(
        name=f"{SENSOR_PREFIX}_failure",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends the OpenLineage FAIL event of each failed product run.",
    )
    def _failure(context: Any) -> None:
        message = context.failure_event.message if context.failure_event else None
        close(context, message)

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.CANCELED,
        name=f"{SENSOR_PREFIX}_canceled",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends the OpenLineage ABORT event of each canceled product run.",
    )
    def _canceled(context: Any) -> None:
        close(context)

    return [_success, _failure, _canceled]
