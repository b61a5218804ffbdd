"""The emitter: builds run events and delivers them, never failing nor holding up the caller's run.

Delivery of one event, in order:

1. If earlier events wait in the spool, they are replayed first, oldest first, each within the
   deadline, stopping at the first failure; no send starts once ``replay_max_seconds`` have passed
   and at most ``replay_max_events`` are replayed. If events remain in the spool after that, the new
   event is appended behind them (order is kept) without an attempt.
2. Otherwise the event is sent, under one overall deadline (``_deadline``).
3. An event that was not delivered is appended to the spool (``_spool``), or counted as dropped
   when spooling is off, the spool is full or unusable.

So one emission takes at most ``replay_max_seconds + deadline`` (+0.2 s), and a receiver that is
down costs at most ``pause_after`` deadlines per ``pause_for`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from floe_dagster_lineage._deadline import DEFAULT_TIMEOUT, SendWorker, validate_timeout
from floe_dagster_lineage._errors import SpoolError
from floe_dagster_lineage._events import (
    DEFAULT_PRODUCER,
    build_run_event,
    event_from_json,
    event_type_name,
    to_json,
)
from floe_dagster_lineage._redact import scrub
from floe_dagster_lineage._spool import Spool
from floe_dagster_lineage._spool_path import default_spool_path, spool_destination
from floe_dagster_lineage._transports import NoopTransport, Transport, transport_from_config

logger = logging.getLogger("floe_dagster_lineage")

DEFAULT_REPLAY_MAX_EVENTS = 100
DEFAULT_REPLAY_MAX_SECONDS = 10.0


class LineageEmitter:
    """Emits OpenLineage run events through one transport, spooling what it cannot deliver.

    Building an event from bad input (an unknown event type, a non-conformant facet) raises a
    ``LineageError`` before anything is sent. Delivery never raises: a transport failure is logged
    as one warning (with the reason, never a secret), counted in ``failures`` and the event goes to
    the spool, to be replayed, in order, before the next event is sent (see the module's doc).

    Every send runs in one reused daemon worker thread, and the caller waits at most ``deadline``
    seconds for it, whatever the transport's own timeouts and retries (DNS look-ups included); an
    overrun send is abandoned, and until it ends the next sends fail at once (never more than one
    stuck send per transport). An idle emitter costs no CPU.

    A receiver that is down would cost every event its whole deadline, so after ``pause_after``
    failures in a row delivery pauses for ``pause_for`` seconds: events in that window go straight
    to the spool (each still logged as one warning), then the next event tries again.

    Counters (also as a dict, ``counters``): ``delivered`` (sent at their emission), ``replayed``
    (delivered later from the spool), ``spooled``, ``dropped`` (lost: spooling off, spool full or
    unusable), ``dropped_spool_full`` (the part of ``dropped`` refused by a full spool) and
    ``failures`` (events not delivered at their emission: ``spooled`` + ``dropped``).

    Args:
        transport: A transport object, a transport config mapping (see
            ``transport_from_config``) or None for noop.
        namespace: The default job namespace.
        producer: The producer URI written into events and completed facets.
        job_type: Default arguments of the ``jobType`` facet.
        pause_after: Consecutive delivery failures that pause delivery (0: never pause).
        pause_for: Seconds delivery stays paused.
        deadline: The overall time budget of one send, in seconds (> 0, <= 30); by default the
            transport's ``timeout`` when it has one, else 5.
        spool: Where undelivered events go: a ``Spool``, a file path, None or True for
            the default spool of the transport's destination
            (``default_spool_path(destination=spool_destination(transport))``, resolved on
            first need), False for none (dropped).
        replay_max_events: The most spooled events replayed before one new event.
        replay_max_seconds: No replay send starts after this many seconds of one emission.

    Examples:
        >>> from floe_dagster_lineage.testing import InMemoryTransport
        >>> memory = InMemoryTransport()
        >>> emitter = LineageEmitter(memory, namespace="floe", spool=False)
        >>> run_id = emitter.emit("START", "dbt_run_customers")
        >>> memory.events[0]["eventType"], memory.events[0]["run"]["runId"] == str(run_id)
        ('START', True)
        >>> emitter.counters["delivered"]
        1
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
        deadline: float | None = None,
        spool: Spool | str | Path | bool | None = None,
        replay_max_events: int = DEFAULT_REPLAY_MAX_EVENTS,
        replay_max_seconds: float = DEFAULT_REPLAY_MAX_SECONDS,
    ) -> None:
        if transport is None or isinstance(transport, Mapping):
            transport = transport_from_config(transport)
        self.transport: Transport = transport
        self.namespace = namespace
        self.producer = producer
        self.job_type = dict(job_type or {})
        budget = getattr(transport, "timeout", None) if deadline is None else deadline
        self.deadline = validate_timeout(
            DEFAULT_TIMEOUT if budget is None else budget, setting="lineage deadline"
        )
        self.delivered = 0
        self.failures = 0
        self.spooled = 0
        self.replayed = 0
        self.dropped = 0
        self.dropped_spool_full = 0
        self.pause_after = pause_after
        self.pause_for = pause_for
        self.replay_max_events = replay_max_events
        self.replay_max_seconds = replay_max_seconds
        self._spool_setting = spool
        self._spool: Spool | None = spool if isinstance(spool, Spool) else None
        self._spool_resolved = isinstance(spool, Spool) or spool is False
        if isinstance(spool, (str, Path)):
            self._spool, self._spool_resolved = Spool(spool), True
        self._worker = SendWorker(transport.name)
        self._consecutive = 0
        self._paused_until = 0.0
        self._last_error = ""
        self._lock = threading.Lock()

    @property
    def spool(self) -> Spool | None:
        """The spool undelivered events go to (resolved on first use), None when off."""
        if not self._spool_resolved:
            path = default_spool_path(destination=spool_destination(self.transport))
            self._spool = Spool(path) if path is not None else None
            self._spool_resolved = True
        return self._spool

    @property
    def counters(self) -> dict[str, int]:
        """The delivery counters, e.g. for a run's metadata.

        Examples:
            >>> sorted(LineageEmitter().counters)
            ['delivered', 'dropped', 'dropped_spool_full', 'failures', 'replayed', 'spooled']
        """
        with self._lock:
            return {
                "delivered": self.delivered,
                "dropped": self.dropped,
                "dropped_spool_full": self.dropped_spool_full,
                "failures": self.failures,
                "replayed": self.replayed,
                "spooled": self.spooled,
            }

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
        root: tuple[str, str, str] | None = None,
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
            root: ``(run_id, job_name, job_namespace)`` of the root run when not the parent.
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
            root=root,
        )
        self.send(event)
        return UUID(event.run.runId)

    def send(self, event: Any) -> bool:
        """Deliver an already built ``RunEvent``; returns whether it was delivered now.

        Examples:
            >>> from floe_dagster_lineage._events import build_run_event
            >>> LineageEmitter().send(build_run_event("START", "job", job_namespace="floe"))
            True
        """
        if not self.enabled:
            return True
        payload = to_json(event)
        started = time.monotonic()
        with self._lock:
            remaining = self._paused_until - started
            last = self._last_error
        if remaining > 0:
            reason = (
                f"delivery is paused for {remaining:.0f} s more after {self._consecutive} "
                f"failures in a row (last: {last})"
            )
            self._undelivered(event, payload, reason, 0.0)
            return False
        pending = self._replay(started)
        if pending is not None:
            reason = f"earlier events wait in the spool ({pending}), so this one queues behind them"
            self._undelivered(event, payload, reason, time.monotonic() - started)
            return False
        try:
            self._deliver(event, payload)
        except Exception as error:  # noqa: BLE001 - lineage must never fail the run
            reason = self._failed(error)
            self._undelivered(event, payload, reason, time.monotonic() - started)
            return False
        with self._lock:
            self.delivered += 1
        logger.debug(
            "OpenLineage %s event of job %s/%s (run %s) delivered by the %s transport in %.3f s",
            event_type_name(event.eventType),
            event.job.namespace,
            event.job.name,
            event.run.runId,
            self.transport.name,
            time.monotonic() - started,
        )
        return True

    def _deliver(self, event: Any, payload: str) -> None:
        transport = self.transport
        self._worker.run(lambda: transport.send(event, payload), deadline=self.deadline)
        with self._lock:
            self._consecutive = 0
            self._paused_until = 0.0

    def _failed(self, error: BaseException) -> str:
        """Count one failed attempt (pausing after too many in a row); the reason, scrubbed."""
        secrets = frozenset(getattr(self.transport, "secrets", ()) or ())
        reason = scrub(str(error) or type(error).__name__, secrets)
        with self._lock:
            self._consecutive += 1
            self._last_error = reason
            if self.pause_after and self._consecutive >= self.pause_after:
                self._paused_until = time.monotonic() + self.pause_for
        return reason

    def _replay(self, started: float) -> str | None:
        """Replay the spool first; why events remain in it, or None when it is empty."""
        try:
            spool = self.spool
            if spool is None or not spool.has_events():
                return None
        except OSError:
            return None
        errors: list[str] = []

        def send_one(payload: str) -> None:
            try:
                self._deliver(event_from_json(payload), payload)
            except Exception as error:
                errors.append(self._failed(error))
                raise

        budget = max(self.replay_max_seconds - (time.monotonic() - started), 0.0)
        try:
            summary = spool.replay(
                send_one, max_events=self.replay_max_events, max_seconds=budget, count=False
            )
        except SpoolError as error:
            logger.warning("the lineage spool was not replayed: %s", error)
            return None  # an unusable spool must not hold back the new event too
        if summary.delivered:
            with self._lock:
                self.replayed += summary.delivered
                total = self.replayed
            logger.info(
                "replayed %d spooled OpenLineage event(s) from %s through the %s transport "
                "(%d replayed so far)%s",
                summary.delivered,
                spool.path,
                self.transport.name,
                total,
                "" if summary.remaining else "; the spool is empty",
            )
        if errors:  # INFO: the new event's own warning names this reason already
            logger.info(
                "replaying the lineage spool %s stopped at an event the %s transport did not "
                "deliver: %s. It and the events after it stay in the spool, in order.",
                spool.path,
                self.transport.name,
                errors[-1].removesuffix("."),  # its own period: the sentence goes on
            )
        if not summary.remaining:
            return None
        return summary.failed or "not replayed yet"

    def _undelivered(self, event: Any, payload: str, reason: str, elapsed: float) -> None:
        """Spool an event that was not delivered (or count it dropped), with one warning."""
        outcome, full = self._keep(payload)
        with self._lock:
            self.failures += 1
            if outcome.startswith("this event is spooled"):
                self.spooled += 1
            else:
                self.dropped += 1
                self.dropped_spool_full += int(full)
            full_count = self.dropped_spool_full
            counts = f"{self.spooled} spooled, {self.dropped} dropped" + (
                f" ({full_count} by a full spool)" if full_count else ""
            )
            counts += f", {self.failures} undelivered so far"
        logger.warning(
            "OpenLineage %s event of job %s/%s (run %s) was not delivered by the %s "
            "transport after %.2f s: %s. The run goes on; %s (%s).",
            event_type_name(event.eventType),
            event.job.namespace,
            event.job.name,
            event.run.runId,
            self.transport.name,
            elapsed,
            reason.removesuffix("."),  # its own period: the sentence goes on
            outcome,
            counts,
        )

    def _keep(self, payload: str) -> tuple[str, bool]:
        """Append to the spool: what happened to the event, and whether a full spool refused it."""
        spool = self.spool
        if spool is None:
            return "this event is dropped (spooling is off)", False
        try:
            appended = spool.append(payload)
        except SpoolError as error:
            return f"this event is dropped: {str(error).removesuffix('.')}", False
        if not appended:
            return (
                f"this event is dropped: the spool {spool.path} is full ({spool.size()} bytes, "
                f"max_bytes {spool.max_bytes}; a full spool refuses the newest events and keeps "
                "the oldest)",
                True,
            )
        return f"this event is spooled to {spool.path} for a later replay", False

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
        """Close the transport and let the worker end; a failure to close is logged, not raised."""
        self._worker.close()
        try:
            self.transport.close()
        except Exception as error:  # noqa: BLE001 - closing must not fail a run either
            logger.warning(
                "closing the %s lineage transport failed: %s", self.transport.name, error
            )
