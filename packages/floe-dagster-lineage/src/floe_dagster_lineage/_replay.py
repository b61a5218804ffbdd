"""Draining a spool on demand (``floe-dagster lineage replay``), outside any run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from floe_dagster_lineage._deadline import DEFAULT_TIMEOUT, SendWorker, validate_timeout
from floe_dagster_lineage._errors import DeliveryError, LineageError, TransportConfigError
from floe_dagster_lineage._events import event_from_json
from floe_dagster_lineage._redact import scrub
from floe_dagster_lineage._spool import Spool, SpoolSummary
from floe_dagster_lineage._spool_path import SPOOL_ENV, default_spool_path, spool_destination
from floe_dagster_lineage._transports import NoopTransport, Transport, transport_from_config


def replay_spool(
    path: str | Path | Spool | None = None,
    *,
    transport: Transport | Mapping[str, Any],
    deadline: float | None = None,
    max_events: int | None = None,
    max_seconds: float | None = None,
) -> SpoolSummary:
    """Deliver every spooled event, oldest first, each within the deadline; stop at a failure.

    Delivered events leave the spool; the one that failed and all after it stay, in order, for
    the next replay. Events keep their ids and ``eventTime``, so one the receiver took already is
    de-duplicated there.

    Args:
        path: The spool file (or ``Spool``); when None, the default spool of this transport's
            destination (``default_spool_path(destination=spool_destination(transport))``), the
            one an emitter with the same transport config spools to.
        transport: Where to deliver: a transport or a transport config (``transport_from_config``).
        deadline: The time budget of each event (the transport's ``timeout`` by default, else 5 s).
        max_events: Stop after this many events (all when None).
        max_seconds: Start no send after this many seconds (no bound when None).

    Returns:
        The summary: delivered, remaining and why the replay stopped (``str()`` prints a line).

    Raises:
        TransportConfigError: For an invalid transport config, a noop transport (replaying into
            it would discard the spool), an invalid deadline or spooling switched off.
        SpoolError: When the spool cannot be locked in time, read or rewritten.

    Examples:
        >>> import tempfile, pathlib
        >>> from floe_dagster_lineage.testing import InMemoryTransport
        >>> spool = Spool(pathlib.Path(tempfile.mkdtemp()) / "spool.jsonl")
        >>> print(replay_spool(spool, transport=InMemoryTransport()))  # doctest: +ELLIPSIS
        replayed 0 lineage event(s) from .../spool.jsonl; 0 remain.
    """
    if isinstance(transport, Mapping):
        transport = transport_from_config(transport)
    if isinstance(transport, NoopTransport):
        raise TransportConfigError(
            "Replaying the lineage spool into the noop transport would discard its events; "
            "configure a transport that delivers (http, file, console, kafka, ...)."
        )
    spool = _spool(path, spool_destination(transport))
    budget = getattr(transport, "timeout", None) if deadline is None else deadline
    seconds = validate_timeout(DEFAULT_TIMEOUT if budget is None else budget, setting="deadline")
    worker = SendWorker(transport.name)
    secrets = frozenset(getattr(transport, "secrets", ()) or ())
    chosen = transport

    def send(payload: str) -> None:
        event = event_from_json(payload)
        try:
            worker.run(lambda: chosen.send(event, payload), deadline=seconds)
        except Exception as error:  # noqa: BLE001 - re-raised, scrubbed of secrets
            reason = scrub(str(error) or type(error).__name__, secrets)
            if not isinstance(error, LineageError):  # a third-party text: wrapped in the style
                reason = (
                    f"The {chosen.name} transport cannot deliver the event ({reason}). Check its "
                    "receiver and configuration, then replay again."
                )
            raise DeliveryError(reason) from None

    try:
        return spool.replay(send, max_events=max_events, max_seconds=max_seconds)
    finally:
        worker.close()


def _spool(path: str | Path | Spool | None, destination: str) -> Spool:
    if isinstance(path, Spool):
        return path
    if path is not None:
        return Spool(path)
    default = default_spool_path(destination=destination)
    if default is None:
        raise TransportConfigError(
            f"Lineage spooling is switched off ({SPOOL_ENV}=off), so there is no spool to "
            "replay; pass the spool's path (--spool PATH)."
        )
    return Spool(default)
