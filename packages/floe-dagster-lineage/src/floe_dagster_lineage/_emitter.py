"""The emitter: builds run events and hands them to a transport, never failing the caller's run."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from floe_dagster_lineage._events import (
    DEFAULT_PRODUCER,
    build_run_event,
    event_type_name,
    to_json,
)
from floe_dagster_lineage._transports import NoopTransport, Transport, transport_from_config

logger = logging.getLogger("floe_dagster_lineage")


class LineageEmitter:
    """Emits OpenLineage run events through one transport.

    Building an event from bad input (an unknown event type, a non-conformant facet) raises a
    ``LineageError`` before anything is sent. Delivery never raises: a transport failure is logged
    as one warning (with the reason, never a secret) and counted in ``failures``. Nothing runs
    between events, so an idle emitter costs no CPU.

    A receiver that is down would cost every event its whole time budget, so after
    ``pause_after`` failures in a row delivery pauses for ``pause_for`` seconds: events in that
    window are dropped at once (each still logged as one warning), then the next event tries
    again. A run's lineage therefore costs at most about ``pause_after`` times the transport's
    budget per ``pause_for`` seconds, however many assets it has.

    Args:
        transport: A transport object, a transport config mapping (see
            ``transport_from_config``) or None for noop.
        namespace: The default job namespace.
        producer: The producer URI written into events and completed facets.
        job_type: Default arguments of the ``jobType`` facet.
        pause_after: Consecutive delivery failures that pause delivery (0: never pause).
        pause_for: Seconds delivery stays paused.

    Examples:
        >>> from floe_dagster_lineage.testing import InMemoryTransport
        >>> memory = InMemoryTransport()
        >>> emitter = LineageEmitter(memory, namespace="floe")
        >>> run_id = emitter.emit("START", "dbt_run_customers")
        >>> memory.events[0]["eventType"], memory.events[0]["run"]["runId"] == str(run_id)
        ('START', True)
    """

    def __init__(
        self,
        transport: Transport | Mapping[str, Any] | None = None,
        *,
        namespace: str = "default",
        producer: str = DEFAULT_PRODUCER,
        job_type: Mapping[str, str] | None = None,
        pause_after: int = 3,
        pause_for: float = 60.0,
    ) -> None:
        if transport is None or isinstance(transport, Mapping):
            transport = transport_from_config(transport)
        self.transport: Transport = transport
        self.namespace = namespace
        self.producer = producer
        self.job_type = dict(job_type or {})
        self.delivered = 0
        self.failures = 0
        self.pause_after = pause_after
        self.pause_for = pause_for
        self._consecutive = 0
        self._paused_until = 0.0
        self._last_error = ""
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when events go nowhere (the noop transport)."""
        return not isinstance(self.transport, NoopTransport)

    def emit(
        self,
        event_type: Any,
        job_name: str,
        *,
        job_namespace: str | None = None,
        run_id: UUID | str | None = None,
        inputs: Iterable[Any] | None = None,
        outputs: Iterable[Any] | None = None,
        run_facets: Mapping[str, Any] | None = None,
        job_facets: Mapping[str, Any] | None = None,
        error: BaseException | str | None = None,
        parent: tuple[str, str, str] | None = None,
        nominal_time: datetime | None = None,
        event_time: datetime | None = None,
    ) -> UUID:
        """Build one run event and deliver it; returns the run id.

        Args:
            event_type: START, RUNNING, COMPLETE, ABORT, FAIL or OTHER (string or enum).
            job_name: The job's name.
            job_namespace: The job's namespace (the emitter's ``namespace`` when None).
            run_id: The run id (UUID or its string); a new UUIDv7 when None.
            inputs: Datasets read: ``Dataset``, floe ``LineageDataset``, openlineage datasets
                or dicts with namespace, name and facets.
            outputs: Datasets written.
            run_facets: Extra run facets (openlineage objects or dicts).
            job_facets: Extra job facets.
            error: For FAIL, the exception or message (the ``errorMessage`` facet).
            parent: ``(run_id, job_name, job_namespace)`` of a parent run.
            nominal_time: The run's scheduled time.
            event_time: When it happened (now when None).

        Returns:
            The run id, generated when not given.

        Raises:
            LineageError: When the event cannot be built conformant (never for delivery).

        Examples:
            >>> LineageEmitter().emit("COMPLETE", "job", run_id="3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11")
            UUID('3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11')
        """  # noqa: E501
        event = build_run_event(
            event_type,
            job_name,
            job_namespace=job_namespace or self.namespace,
            producer=self.producer,
            run_id=run_id,
            inputs=inputs,
            outputs=outputs,
            run_facets=run_facets,
            job_facets=job_facets,
            error=error,
            parent=parent,
            nominal_time=nominal_time,
            job_type=self.job_type,
            event_time=event_time,
        )
        self.send(event)
        return UUID(event.run.runId)

    def send(self, event: Any) -> bool:
        """Deliver an already built ``RunEvent``; returns whether it was delivered.

        Examples:
            >>> from floe_dagster_lineage._events import build_run_event
            >>> LineageEmitter().send(build_run_event("START", "job", job_namespace="floe"))
            True
        """
        if not self.enabled:
            return True
        started = time.monotonic()
        with self._lock:
            remaining = self._paused_until - started
            last = self._last_error
        if remaining > 0:
            reason = (
                f"delivery is paused for {remaining:.0f} s more after {self._consecutive} "
                f"failures in a row (last: {last})"
            )
            self._warn(event, reason, 0.0)
            return False
        try:
            self.transport.send(event, to_json(event))
        except Exception as error:  # noqa: BLE001 - lineage must never fail the run
            with self._lock:
                self._consecutive += 1
                self._last_error = str(error)
                if self.pause_after and self._consecutive >= self.pause_after:
                    self._paused_until = time.monotonic() + self.pause_for
            self._warn(event, str(error), time.monotonic() - started)
            return False
        with self._lock:
            self.delivered += 1
            self._consecutive = 0
            self._paused_until = 0.0
        return True

    def _warn(self, event: Any, reason: str, elapsed: float) -> None:
        with self._lock:
            self.failures += 1
            count = self.failures
        logger.warning(
            "OpenLineage %s event of job %s/%s (run %s) was not delivered by the %s "
            "transport after %.2f s: %s. The run goes on; this event is dropped "
            "(%d undelivered so far).",
            event_type_name(event.eventType),
            event.job.namespace,
            event.job.name,
            event.run.runId,
            self.transport.name,
            elapsed,
            reason,
            count,
        )

    def start(self, job_name: str, **kwargs: Any) -> UUID:
        """Emit START (see ``emit``)."""
        return self.emit("START", job_name, **kwargs)

    def running(self, job_name: str, **kwargs: Any) -> UUID:
        """Emit RUNNING (see ``emit``)."""
        return self.emit("RUNNING", job_name, **kwargs)

    def complete(self, job_name: str, **kwargs: Any) -> UUID:
        """Emit COMPLETE (see ``emit``)."""
        return self.emit("COMPLETE", job_name, **kwargs)

    def fail(self, job_name: str, **kwargs: Any) -> UUID:
        """Emit FAIL with the ``errorMessage`` facet from ``error=`` (see ``emit``)."""
        return self.emit("FAIL", job_name, **kwargs)

    def abort(self, job_name: str, **kwargs: Any) -> UUID:
        """Emit ABORT (see ``emit``)."""
        return self.emit("ABORT", job_name, **kwargs)

    def close(self) -> None:
        """Close the transport; a failure to close is logged, not raised."""
        try:
            self.transport.close()
        except Exception as error:  # noqa: BLE001 - closing must not fail a run either
            logger.warning(
                "closing the %s lineage transport failed: %s", self.transport.name, error
            )
