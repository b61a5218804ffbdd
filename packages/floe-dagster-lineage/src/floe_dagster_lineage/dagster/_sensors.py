"""Run-status sensors that turn each finished Dagster run into OpenLineage events per asset.

Why sensors: they run in the Dagster daemon, after the run, reading the run's event log. The run
itself never waits for a lineage receiver nor fails because of one; no asset code changes; it works
for every asset type, executor and launcher (in-process, multiprocess, Kubernetes jobs); and one
deployment-wide sensor can cover every code location. The events keep the times of the event log
(START at the step's start, COMPLETE at the materialization, FAIL at the step failure).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from floe_dagster_lineage._datasets import Dataset, dataset_name
from floe_dagster_lineage._emitter import LineageEmitter
from floe_dagster_lineage._facets import error_message_facet
from floe_dagster_lineage._transports import transport_from_env
from floe_dagster_lineage.dagster import _compat

logger = logging.getLogger("floe_dagster_lineage")

# run ids of the per-asset OpenLineage runs: stable for one (Dagster run, asset) pair
_RUN_NAMESPACE = uuid.UUID("6f1c4c0e-3b7a-4c51-9f55-5a8f3d6c2e10")


class LineageTranslator:
    """How Dagster assets and runs become OpenLineage jobs and datasets; subclass to change it.

    Each materialized asset is one OpenLineage job (named after the asset key, dot-joined) whose
    run is a child of the Dagster run (``parent`` facet). Its output is the asset's dataset, its
    inputs the datasets of its upstream assets.

    Args:
        dataset_namespace: The namespace of every dataset (the warehouse, e.g.
            ``duckdb:///data/warehouse.duckdb``; see the naming conventions).
        job_namespace: The namespace of the jobs.
        database: Prepended to asset keys shorter than three parts.
        schema: Prepended to one-part asset keys.

    Examples:
        >>> translator = LineageTranslator(dataset_namespace="duckdb:///w.duckdb", database="w")
        >>> translator.dataset(dg.AssetKey(["staging", "stg_customers"])).name
        'w.staging.stg_customers'
    """

    def __init__(
        self,
        *,
        dataset_namespace: str = "dagster",
        job_namespace: str = "dagster",
        database: str | None = None,
        schema: str | None = None,
    ) -> None:
        self.dataset_namespace = dataset_namespace
        self._job_namespace = job_namespace
        self.database = database
        self.schema = schema

    def dataset(self, asset_key: dg.AssetKey) -> Dataset:
        """The dataset an asset is."""
        name = dataset_name(asset_key.path, database=self.database, schema=self.schema)
        return Dataset(self.dataset_namespace, name)

    def job_name(self, asset_key: dg.AssetKey, run: Any) -> str:
        """The OpenLineage job of an asset's materialization (the key, dot-joined)."""
        return ".".join(asset_key.path)

    def job_namespace(self, run: Any) -> str:
        """The namespace of the jobs of a Dagster run."""
        return self._job_namespace


@dataclass
class _AssetRun:
    step_key: str
    started: float | None = None
    materialized: float | None = None
    failed: tuple[float, Any] | None = None
    facets: dict[str, Any] = field(default_factory=dict)


def emit_run_lineage(
    emitter: LineageEmitter,
    instance: Any,
    run: Any,
    *,
    asset_graph: Any = None,
    translator: LineageTranslator | None = None,
) -> int:
    """Emit START then COMPLETE / FAIL / ABORT for every asset a finished run set out to build.

    Args:
        emitter: Where the events go.
        instance: The ``DagsterInstance`` holding the run's event log.
        run: The finished ``DagsterRun``.
        asset_graph: The repository's asset graph, for upstream assets (no inputs without it).
        translator: Names of jobs and datasets (``LineageTranslator()`` by default).

    Returns:
        The number of events emitted (delivered or not: delivery failures are only logged).

    Examples:
        >>> emit_run_lineage(emitter, instance, result.dagster_run)  # doctest: +SKIP
        4
    """
    translator = translator or LineageTranslator()
    assets = _asset_runs(instance, run.run_id)
    namespace = translator.job_namespace(run)
    parent = (run.run_id, run.job_name, namespace)
    ended_at = _run_end(instance, run)
    count = 0
    for key, asset in assets.items():
        if asset.started is None:
            continue  # never started (skipped after an upstream failure): nothing happened
        job_name = translator.job_name(key, run)
        run_id = uuid.uuid5(_RUN_NAMESPACE, f"{run.run_id}/{key.to_user_string()}")
        common: dict[str, Any] = {
            "job_namespace": namespace,
            "run_id": run_id,
            "parent": parent,
            "inputs": [
                translator.dataset(upstream) for upstream in _compat.parent_keys(asset_graph, key)
            ],
            "outputs": [translator.dataset(key)],
        }
        emitter.emit("START", job_name, event_time=_utc(asset.started), **common)
        if asset.materialized is not None:
            emitter.emit("COMPLETE", job_name, event_time=_utc(asset.materialized), **common)
        elif asset.failed is not None:
            when, error = asset.failed
            message, stack = _error_text(error)
            facet = error_message_facet(message, stack_trace=stack, producer=emitter.producer)
            emitter.emit(
                "FAIL",
                job_name,
                event_time=_utc(when),
                run_facets={"errorMessage": facet},
                **common,
            )
        elif str(run.status.value) == "CANCELED":
            emitter.emit("ABORT", job_name, event_time=_utc(ended_at), **common)
        else:  # the step succeeded without materializing this (optional) asset
            emitter.emit("COMPLETE", job_name, event_time=_utc(ended_at), **common)
        count += 2
    return count


def _asset_runs(instance: Any, run_id: str) -> dict[dg.AssetKey, _AssetRun]:
    kinds = dg.DagsterEventType
    types = {
        kinds.ASSET_MATERIALIZATION_PLANNED,
        kinds.STEP_START,
        kinds.ASSET_MATERIALIZATION,
        kinds.STEP_FAILURE,
    }
    assets: dict[dg.AssetKey, _AssetRun] = {}
    started: dict[str, float] = {}
    failed: dict[str, tuple[float, Any]] = {}
    for record in _compat.records_for_run(instance, run_id, types):
        entry = record.event_log_entry
        event = entry.dagster_event
        kind = event.event_type
        if kind == kinds.ASSET_MATERIALIZATION_PLANNED:
            assets.setdefault(event.asset_key, _AssetRun(event.step_key))
        elif kind == kinds.STEP_START:
            started[event.step_key] = entry.timestamp
        elif kind == kinds.ASSET_MATERIALIZATION:
            asset = assets.setdefault(event.asset_key, _AssetRun(event.step_key))
            asset.materialized = entry.timestamp
        elif kind == kinds.STEP_FAILURE:
            failed[event.step_key] = (entry.timestamp, event.event_specific_data.error)
    for asset in assets.values():
        asset.started = started.get(asset.step_key)
        asset.failed = failed.get(asset.step_key)
    return assets


def _run_end(instance: Any, run: Any) -> float | None:
    record = instance.get_run_record_by_id(run.run_id)
    end = getattr(record, "end_time", None) if record is not None else None
    return float(end) if end is not None else None


def _utc(timestamp: float | None) -> Any:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, timezone.utc) if timestamp is not None else None


def _error_text(error: Any) -> tuple[str, str | None]:
    """The innermost error of a Dagster ``SerializableErrorInfo`` (the user's, not the wrapper)."""
    if error is None:
        return "the step failed without an error message", None
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = str(getattr(error, "message", error)).strip()
    stack = "".join(getattr(error, "stack", None) or []) or None
    return message, stack


def openlineage_sensors(
    emitter: LineageEmitter | Mapping[str, Any] | None = None,
    *,
    translator: LineageTranslator | None = None,
    name: str = "openlineage",
    minimum_interval_seconds: int = 30,
    monitor_all_code_locations: bool = False,
    monitored_jobs: Sequence[Any] | None = None,
    default_status: dg.DefaultSensorStatus = dg.DefaultSensorStatus.RUNNING,
) -> list[dg.SensorDefinition]:
    """Three run-status sensors (success, failure, canceled) emitting OpenLineage per asset.

    Add them to any project's ``Definitions(sensors=...)``; they run in the Dagster daemon.

    Args:
        emitter: A ``LineageEmitter``, a transport config mapping, or None to follow
            openlineage-python's ``OPENLINEAGE_URL`` / ``OPENLINEAGE_API_KEY`` variables (noop
            when unset).
        translator: Job and dataset naming (``LineageTranslator()`` by default).
        name: Prefix of the sensors' names.
        minimum_interval_seconds: How often the daemon evaluates them.
        monitor_all_code_locations: Cover runs of every code location of the deployment.
        monitored_jobs: Only these jobs (all jobs of the code location by default).
        default_status: Running by default, so lineage flows without a toggle in the UI.

    Returns:
        The sensors ``{name}_on_success``, ``{name}_on_failure`` and ``{name}_on_canceled``.

    Examples:
        >>> defs = dg.Definitions(  # doctest: +SKIP
        ...     assets=[...], sensors=openlineage_sensors({"type": "http", "url": "http://marquez:5000"})
        ... )
    """
    if emitter is None:
        emitter = LineageEmitter(transport_from_env(os.environ), namespace="dagster")
    elif isinstance(emitter, Mapping):
        emitter = LineageEmitter(emitter, namespace="dagster")
    lineage = emitter
    translate = translator or LineageTranslator()
    statuses = {
        "success": dg.DagsterRunStatus.SUCCESS,
        "failure": dg.DagsterRunStatus.FAILURE,
        "canceled": dg.DagsterRunStatus.CANCELED,
    }
    sensors: list[dg.SensorDefinition] = []
    for suffix, status in statuses.items():

        def evaluate(context: dg.RunStatusSensorContext) -> dg.SkipReason:
            run = context.dagster_run
            try:
                count = emit_run_lineage(
                    lineage,
                    context.instance,
                    run,
                    asset_graph=_compat.asset_graph_of(context),
                    translator=translate,
                )
            except Exception as error:  # noqa: BLE001 - lineage never fails a sensor tick
                logger.warning(
                    "OpenLineage events of Dagster run %s were not emitted: %s: %s",
                    run.run_id,
                    type(error).__name__,
                    error,
                )
                return dg.SkipReason(f"lineage of run {run.run_id} failed: {error}")
            counters = lineage.counters
            return dg.SkipReason(
                f"emitted {count} OpenLineage events for run {run.run_id} (so far: "
                f"{counters['delivered']} delivered, {counters['replayed']} replayed from the "
                f"spool, {counters['spooled']} spooled, {counters['dropped']} dropped)"
            )

        sensors.append(
            dg.run_status_sensor(
                run_status=status,
                name=f"{name}_on_{suffix}",
                minimum_interval_seconds=minimum_interval_seconds,
                monitor_all_code_locations=monitor_all_code_locations,
                monitored_jobs=monitored_jobs,
                default_status=default_status,
                description=f"Emits OpenLineage events for the assets of each {suffix} run.",
            )(evaluate)
        )
    return sensors
