"""Helpers for testing code that emits lineage, the way ``structlog.testing`` helps with logs.

- ``InMemoryTransport`` keeps every event as sent (``payloads``) and parsed (``events``).
- ``capture_events(emitter)`` swaps an emitter's transport for one in memory while a block runs.
- ``FailingTransport`` fails every delivery (raises, or waits then raises) to test resilience.
- ``LineageReceiver`` is a local OpenLineage HTTP endpoint that records events and answers with
  the status (and after the delay) it is told.
- ``SchemaValidator()`` checks events against the official OpenLineage JSON Schemas shipped in
  this package (spec 2-0-2, see ``SPEC_VERSION``) and floe's own facet schemas, offline;
  ``spec_dir`` points it at another copy, ``extra_schemas`` adds custom facets' schemas.
  It needs the ``testing`` extra: ``pip install "floe-dagster-lineage[testing]"`` (``jsonschema``
  with date-time and URI format checks, and ``referencing``).

Examples:
    >>> from floe_dagster_lineage import LineageEmitter
    >>> emitter = LineageEmitter()
    >>> with capture_events(emitter) as events:
    ...     _ = emitter.emit("START", "job")
    >>> [event["eventType"] for event in events]
    ['START']
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from floe_dagster_lineage._emitter import LineageEmitter
from floe_dagster_lineage._errors import DeliveryError
from floe_dagster_lineage._receiver import LineageReceiver, ReceivedRequest
from floe_dagster_lineage._schemas import SPEC_VERSION, shipped_floe_schemas, shipped_schemas

__all__ = [
    "SPEC_VERSION",
    "FailingTransport",
    "InMemoryTransport",
    "LineageReceiver",
    "ReceivedRequest",
    "SchemaValidator",
    "capture_events",
]


class InMemoryTransport:
    """Keeps every event in memory, exactly as serialized for sending.

    Attributes:
        payloads: The JSON strings, in order.
        events: The same, parsed.

    Examples:
        >>> memory = InMemoryTransport()
        >>> memory.send(None, '{"eventType": "START"}')
        >>> memory.events
        [{'eventType': 'START'}]
    """

    name = "memory"

    def __init__(self) -> None:
        self.payloads: list[str] = []
        self._lock = threading.Lock()

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events sent so far, parsed from their JSON."""
        with self._lock:
            return [json.loads(payload) for payload in self.payloads]

    def send(self, event: Any, payload: str) -> None:
        """Record the payload."""
        with self._lock:
            self.payloads.append(payload)

    def clear(self) -> None:
        """Forget the events recorded so far."""
        with self._lock:
            self.payloads.clear()

    def close(self) -> None:
        """Nothing to release."""


class FailingTransport:
    """Fails every delivery, after waiting ``delay`` seconds (a slow receiver).

    Examples:
        >>> FailingTransport("Receiver down.").send(None, "{}")
        Traceback (most recent call last):
        ...
        floe_dagster_lineage._errors.DeliveryError: Receiver down.
    """

    name = "failing"

    def __init__(self, reason: str = "Delivery failed.", *, delay: float = 0.0) -> None:
        self.reason = reason
        self.delay = delay
        self.attempts = 0

    def send(self, event: Any, payload: str) -> None:
        """Wait ``delay`` seconds, then raise ``DeliveryError(reason)``."""
        self.attempts += 1
        if self.delay:
            time.sleep(self.delay)
        raise DeliveryError(self.reason)

    def close(self) -> None:
        """Nothing to release."""


@contextmanager
def capture_events(emitter: LineageEmitter) -> Iterator[list[dict[str, Any]]]:
    """Capture the events an emitter sends in a block (its transport is restored after).

    Yields:
        A list filled with the parsed events when the block ends.

    Examples:
        >>> emitter = LineageEmitter()
        >>> with capture_events(emitter) as events:
        ...     _ = emitter.emit("COMPLETE", "job")
        >>> events[0]["job"]["name"]
        'job'
    """
    memory = InMemoryTransport()
    previous = emitter.transport
    emitter.transport = memory
    captured: list[dict[str, Any]] = []
    try:
        yield captured
    finally:
        emitter.transport = previous
        captured.extend(memory.events)


class SchemaValidator:
    """Validates events against the official OpenLineage JSON Schemas, offline.

    The core schema checks the event; every facet is then checked against the schema its
    ``_schemaURL`` names (the core schema alone only checks facets' ``_producer``/``_schemaURL``).
    Schemas resolve only from the local files: an unknown URL is an error, never a download.

    Args:
        spec_dir: A folder holding ``OpenLineage.json`` and ``facets/*.json``. By default, the
            schemas shipped in this package (``schemas/openlineage``, spec ``SPEC_VERSION``).
        extra_schemas: More folders whose ``*.json`` files (at any depth) are registered by their
            ``$id``: custom facets' schemas.
        floe_schemas: Also register floe's own facet schemas (``schemas/floe``, e.g. the
            ``floe_dagster`` run facet), so that events carrying them validate.

    Raises:
        FileNotFoundError: When ``spec_dir`` does not hold ``OpenLineage.json``.
        ImportError: When ``jsonschema`` or ``referencing`` is missing (the ``testing`` extra).
        ValueError: When a schema file has no ``$id``.

    Examples:
        >>> from floe_dagster_lineage import build_run_event, to_json
        >>> event = build_run_event("START", "job", job_namespace="floe", producer="https://x.y/z")
        >>> SchemaValidator().errors(to_json(event))
        []
    """

    def __init__(
        self,
        spec_dir: str | Path | None = None,
        *,
        extra_schemas: Iterable[str | Path] = (),
        floe_schemas: bool = True,
    ) -> None:
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:  # pragma: no cover - exercised in the wheel session, not here
            raise ImportError(
                "SchemaValidator needs jsonschema and referencing: "
                '`pip install "floe-dagster-lineage[testing]"`.'
            ) from None

        with _schema_folder(spec_dir) as folder, _floe_folder(floe_schemas) as floe:
            self.spec_dir = folder
            core = folder / "OpenLineage.json"
            if not core.is_file():
                raise FileNotFoundError(
                    f"No OpenLineage.json in {folder}. Pass the folder holding the official "
                    "OpenLineage schemas (OpenLineage.json and facets/*.json, from the OpenLineage "
                    "repository's spec/ folder), or no spec_dir to use the shipped ones."
                )
            paths = [core, *sorted((folder / "facets").glob("*.json"))]
            for extra in [*([floe] if floe is not None else []), *map(Path, extra_schemas)]:
                paths.extend(sorted(extra.rglob("*.json")))
            resources = []
            for path in paths:
                contents = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(contents, dict) or "$id" not in contents:
                    raise ValueError(
                        f"Schema {path} has no '$id'; give it the URL its facets name in "
                        "'_schemaURL' (without the '#/$defs/...' part)."
                    )
                resource = Resource.from_contents(contents, default_specification=DRAFT202012)
                resources.append((contents["$id"], resource))
        self.schema_ids = frozenset(url for url, _ in resources)
        self.registry: Any = Registry().with_resources(resources)

    def errors(self, event: dict[str, Any] | str) -> list[str]:
        """Every way the event (a dict or its JSON) departs from the schemas; [] when valid."""
        if isinstance(event, str):
            event = json.loads(event)
        assert isinstance(event, dict)
        problems: list[str] = []
        self._check(str(event.get("schemaURL", "")), event, "event", problems)
        for where, facet in _facets(event):
            url = facet.get("_schemaURL") if isinstance(facet, dict) else None
            if not url:
                problems.append(f"{where}: facet has no _schemaURL")
                continue
            self._check(url, facet, where, problems)
        return problems

    def assert_valid(self, event: dict[str, Any] | str) -> None:
        """Raise ``AssertionError`` listing every schema error of the event."""
        problems = self.errors(event)
        assert not problems, "event does not conform to the OpenLineage schemas:\n" + "\n".join(
            problems
        )

    def _check(self, url: str, instance: Any, where: str, problems: list[str]) -> None:
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # test dependency without stubs

        document = url.split("#", 1)[0]
        if document not in self.schema_ids:
            problems.append(f"{where}: schema {url!r} is not among the local schemas")
            return
        validator = Draft202012Validator(
            {"$ref": url},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        try:
            problems.extend(
                f"{where}: {error.message} (at {'/'.join(map(str, error.absolute_path)) or '/'})"
                for error in validator.iter_errors(instance)
            )
        except Exception as error:  # noqa: BLE001 - an unresolvable $ref is a finding, not a crash
            problems.append(f"{where}: cannot resolve {url}: {error!r}")


@contextmanager
def _schema_folder(spec_dir: str | Path | None) -> Iterator[Path]:
    """``spec_dir``, or the shipped schemas as a real folder (even from a zipped install)."""
    if spec_dir is not None:
        yield Path(spec_dir)
        return
    with resources.as_file(shipped_schemas()) as folder:
        yield Path(folder)


@contextmanager
def _floe_folder(wanted: bool) -> Iterator[Path | None]:
    """floe's shipped facet schemas as a real folder, or None when not wanted."""
    if not wanted:
        yield None
        return
    with resources.as_file(shipped_floe_schemas()) as folder:
        yield Path(folder)


def _facets(event: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, facet in (event.get("run", {}).get("facets") or {}).items():
        yield f"run.facets.{key}", facet
    for key, facet in (event.get("job", {}).get("facets") or {}).items():
        yield f"job.facets.{key}", facet
    for side, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for index, dataset in enumerate(event.get(side) or []):
            for bucket in ("facets", extra):
                for key, facet in (dataset.get(bucket) or {}).items():
                    yield f"{side}[{index}].{bucket}.{key}", facet
