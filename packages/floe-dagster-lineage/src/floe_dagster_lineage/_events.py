"""Building one OpenLineage RunEvent from plain Python values."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from floe_dagster_lineage._errors import LineageError
from floe_dagster_lineage._facets import (
    _STANDARD,
    complete_facets,
    error_message_facet,
    job_type_facet,
    nominal_time_facet,
    parent_run_facet,
)

EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")
DEFAULT_PRODUCER = (
    "https://github.com/floe-dagster/floe-dagster/tree/main/packages/floe-dagster-lineage"
)


def event_type_name(event_type: Any) -> str:
    """The spec's name of an event type given as a string or an enum (``RunState.START``).

    Examples:
        >>> event_type_name("complete")
        'COMPLETE'
    """
    value = getattr(event_type, "value", event_type)
    name = str(value).upper() if isinstance(value, str) else None
    if name not in EVENT_TYPES:
        raise LineageError(
            f"Unknown OpenLineage event type {event_type!r}; use one of {', '.join(EVENT_TYPES)}."
        )
    return name


def as_uuid(run_id: UUID | str | None) -> UUID:
    """A run id as a UUID: the one given, or a new time-ordered one (UUIDv7)."""
    if run_id is None:
        from openlineage.client.uuid import generate_new_uuid

        return generate_new_uuid()
    if isinstance(run_id, UUID):
        return run_id
    try:
        return UUID(str(run_id))
    except ValueError:
        raise LineageError(
            f"`run_id` {run_id!r} is not a UUID; OpenLineage run ids are UUIDs. Pass a uuid.UUID, "
            "its string, or None to generate one."
        ) from None


def _error_facet(error: BaseException | str, producer: str) -> Any:
    if isinstance(error, BaseException):
        stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        message = str(error) or type(error).__name__
        return error_message_facet(message, stack_trace=stack, producer=producer)
    return error_message_facet(str(error), producer=producer)


def _datasets(datasets: Iterable[Any] | None, side: str, producer: str) -> list[Any]:
    from openlineage.client.event_v2 import InputDataset, OutputDataset

    kind = "input" if side == "inputs" else "output"
    built: list[Any] = []
    for index, dataset in enumerate(datasets or ()):
        if isinstance(dataset, Mapping):
            namespace, name, facets = (
                dataset.get("namespace"),
                dataset.get("name"),
                dataset.get("facets"),
            )
        else:
            namespace = getattr(dataset, "namespace", None)
            name = getattr(dataset, "name", None)
            facets = getattr(dataset, "facets", None)
        if not isinstance(namespace, str) or not namespace or not isinstance(name, str) or not name:
            raise LineageError(
                f"`{side}[{index}]` ({dataset!r}) needs a non-empty namespace and name; pass a "
                "Dataset(namespace, name, facets), a floe LineageDataset or a dict with those keys."
            )
        facets = dict(facets or {})
        side_keys = _STANDARD[kind]
        side_facets = {key: value for key, value in facets.items() if key in side_keys}
        dataset_facets = {key: value for key, value in facets.items() if key not in side_keys}
        where = f"{side}[{index}]"
        completed = complete_facets(
            dataset_facets, kind="dataset", where=f"{where}.facets", producer=producer
        )
        extra = complete_facets(side_facets, kind=kind, where=f"{where}.facets", producer=producer)
        if side == "inputs":
            built.append(InputDataset(namespace, name, facets=completed, inputFacets=extra))
        else:
            built.append(OutputDataset(namespace, name, facets=completed, outputFacets=extra))
    return built


def build_run_event(
    event_type: Any,
    job_name: str,
    *,
    job_namespace: str,
    producer: str = DEFAULT_PRODUCER,
    run_id: UUID | str | None = None,
    inputs: Iterable[Any] | None = None,
    outputs: Iterable[Any] | None = None,
    run_facets: Mapping[str, Any] | None = None,
    job_facets: Mapping[str, Any] | None = None,
    error: BaseException | str | None = None,
    parent: tuple[str, str, str] | None = None,
    nominal_time: datetime | None = None,
    job_type: Mapping[str, str] | None = None,
    event_time: datetime | None = None,
    root: tuple[str, str, str] | None = None,
) -> Any:
    """One ``openlineage.client.event_v2.RunEvent``, conformant to the official schemas.

    Args:
        event_type: START, RUNNING, COMPLETE, ABORT, FAIL or OTHER (string or enum).
        job_name: The job's name.
        job_namespace: The job's namespace.
        producer: The producer URI, written into the event and into every facet we complete.
        run_id: The run id; a new UUIDv7 when None.
        inputs: Datasets read (Dataset, floe LineageDataset, openlineage Dataset or dict).
        outputs: Datasets written.
        run_facets: Extra run facets (objects or dicts, see ``complete_facets``).
        job_facets: Extra job facets.
        error: For FAIL: the exception or message, sent as the ``errorMessage`` facet.
        parent: ``(run_id, job_name, job_namespace)`` of the parent run, sent as ``parent``.
        root: ``(run_id, job_name, job_namespace)`` of the root run (the product run), when it
            is not the parent itself; the parent is the root by default.
        nominal_time: The scheduled time, sent as ``nominalTime``.
        job_type: Arguments of ``job_type_facet`` (``job_type``, ``integration``,
            ``processing_type``); the ``jobType`` facet is always sent.
        event_time: When it happened; now (UTC) when None.

    Returns:
        The event, ready for ``openlineage.client.serde.Serde.to_json``.

    Examples:
        >>> event = build_run_event("START", "dbt_run_customers", job_namespace="floe")
        >>> event.eventType.value, event.job.name
        ('START', 'dbt_run_customers')
    """
    from openlineage.client.event_v2 import Job, Run, RunEvent, RunState

    name = event_type_name(event_type)
    if not job_name:
        raise LineageError(f"`job_name` must be a non-empty string, got {job_name!r}.")
    if not job_namespace:
        raise LineageError("`job_namespace` must be a non-empty string, e.g. 'floe'.")
    run_uuid = as_uuid(run_id)
    runs = complete_facets(run_facets, kind="run", where="run_facets", producer=producer)
    if name == "FAIL" and "errorMessage" not in runs:
        runs["errorMessage"] = _error_facet(
            error if error is not None else f"job {job_name!r} failed (no error message was given)",
            producer,
        )
    if parent is not None:
        runs.setdefault("parent", parent_run_facet(*parent, root=root, producer=producer))
    if nominal_time is not None:
        runs.setdefault("nominalTime", nominal_time_facet(nominal_time, producer=producer))
    jobs = complete_facets(job_facets, kind="job", where="job_facets", producer=producer)
    jobs.setdefault("jobType", job_type_facet(**dict(job_type or {}), producer=producer))
    when = event_time if event_time is not None else datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return RunEvent(
        eventType=RunState(name),
        eventTime=when.isoformat(),
        run=Run(runId=str(run_uuid), facets=runs),
        job=Job(namespace=job_namespace, name=job_name, facets=jobs),
        inputs=_datasets(inputs, "inputs", producer),
        outputs=_datasets(outputs, "outputs", producer),
        producer=producer,
    )


def to_json(event: Any) -> str:
    """The event serialized exactly as transports send it (openlineage's own serializer)."""
    from openlineage.client.serde import Serde

    return Serde.to_json(event)


def event_from_json(payload: str) -> Any:
    """A ``RunEvent`` rebuilt from its JSON (a spooled event), facets kept as plain dicts.

    Transports of openlineage-python read the event object (``event.job.name`` for a Kafka key,
    a transform's function...), so a replay hands them the event, not only its text; serializing
    the rebuilt event gives back the same JSON.

    Raises:
        LineageError: When the payload is not the JSON of a run event.

    Examples:
        >>> event = build_run_event("START", "job", job_namespace="floe")
        >>> to_json(event_from_json(to_json(event))) == to_json(event)
        True
    """
    import json

    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent

    try:
        data = json.loads(payload)
        event = RunEvent(
            eventType=_run_state(data["eventType"]) if data.get("eventType") else None,
            eventTime=data["eventTime"],
            run=Run(runId=data["run"]["runId"], facets=data["run"].get("facets") or {}),
            job=Job(
                namespace=data["job"]["namespace"],
                name=data["job"]["name"],
                facets=data["job"].get("facets") or {},
            ),
            inputs=[
                InputDataset(
                    item["namespace"],
                    item["name"],
                    facets=item.get("facets") or {},
                    inputFacets=item.get("inputFacets") or {},
                )
                for item in data.get("inputs") or []
            ],
            outputs=[
                OutputDataset(
                    item["namespace"],
                    item["name"],
                    facets=item.get("facets") or {},
                    outputFacets=item.get("outputFacets") or {},
                )
                for item in data.get("outputs") or []
            ],
            producer=data["producer"],
        )
        if data.get("schemaURL"):  # the spec version it was written with, kept as it was
            event.schemaURL = data["schemaURL"]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise LineageError(
            f"Not the JSON of an OpenLineage run event ({type(error).__name__}: {error}); "
            "a spool holds one run event per line, as the emitter wrote it."
        ) from None
    return event


def _run_state(name: str) -> Any:
    from openlineage.client.event_v2 import RunState

    return RunState(event_type_name(name))
