"""Transports: where serialized events go. No thread, no queue, nothing running between events.

A transport is any object with a ``name``, ``send(event, payload)`` and ``close()``: ``event`` is
the openlineage ``RunEvent`` object and ``payload`` its JSON, exactly the bytes sent. ``send``
raises on failure; the emitter turns that into one warning.

Built-in: ``noop`` (the default: events are dropped silently), ``console`` (one JSON line per event
on stdout), ``file`` (JSON lines appended to a file), ``http`` (see ``_http``); any other ``type``
is handed to openlineage-python's transport factory (kafka, datadog, composite, transform,...) with
its configuration passed through as is.

Whatever the transport, the emitter runs each send under one overall deadline (``_deadline``):
the transport's ``timeout`` attribute when it has one, else 5 s. A pass-through transport's deadline
is the config's top-level ``timeout`` (validated: > 0 and <= 30 s), whatever retries it makes.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from floe_dagster_lineage._deadline import DEFAULT_TIMEOUT, validate_timeout
from floe_dagster_lineage._errors import TransportConfigError
from floe_dagster_lineage._redact import redacted, scrub, secret_values


@runtime_checkable
class Transport(Protocol):
    """Delivers one serialized event; raises when it cannot."""

    name: str

    def send(self, event: Any, payload: str) -> None:
        """Deliver one event (``payload`` is its JSON, exactly as to be sent)."""

    def close(self) -> None:
        """Release what the transport holds (sockets, files)."""


class NoopTransport:
    """Drops every event: lineage switched off, or no backend configured.

    Examples:
        >>> NoopTransport().send(None, "{}")
    """

    name = "noop"

    def send(self, event: Any, payload: str) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Nothing to release."""


class ConsoleTransport:
    """Writes each event as one JSON line to a stream (stdout by default).

    Examples:
        >>> import io
        >>> stream = io.StringIO()
        >>> ConsoleTransport(stream).send(None, '{"eventType": "START"}')
        >>> stream.getvalue()
        '{"eventType": "START"}\\n'
    """

    name = "console"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    def send(self, event: Any, payload: str) -> None:
        """Write the payload and a newline."""
        stream = self._stream or sys.stdout
        stream.write(payload + "\n")
        stream.flush()

    def close(self) -> None:
        """The stream belongs to the caller."""


class FileTransport:
    """Appends each event as one JSON line to a file (opened per event: no handle kept open).

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lineage.jsonl"
        >>> FileTransport(path).send(None, "{}")
        >>> path.read_text()
        '{}\\n'
    """

    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.destination = str(self.path.absolute())
        self._lock = threading.Lock()

    def send(self, event: Any, payload: str) -> None:
        """Append the payload as one line (whole lines even with concurrent emitters)."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(payload + "\n")

    def close(self) -> None:
        """Nothing held between events."""


class OpenLineageTransport:
    """Adapts an openlineage-python transport (``emit(event)``) to this package's protocol.

    Args:
        transport: The openlineage-python transport.
        timeout: The overall deadline of one event, whatever the transport's own retries
            (the emitter enforces it); > 0 and <= 30 s.
        secrets: Values of its configuration to mask in any message that quotes them (the
            emitter scrubs delivery errors with them).
        destination: What it delivers to, without secrets (names the default spool file).

    Examples:
        >>> from openlineage.client.transport.noop import NoopTransport as OLNoop, NoopConfig
        >>> OpenLineageTransport(OLNoop(NoopConfig()), timeout=2).timeout
        2.0
    """

    def __init__(
        self,
        transport: Any,
        *,
        timeout: Any = DEFAULT_TIMEOUT,
        secrets: frozenset[str] = frozenset(),
        destination: str | None = None,
    ) -> None:
        self.transport = transport
        self.name = str(getattr(transport, "kind", None) or type(transport).__name__)
        self.timeout = validate_timeout(timeout, setting=f"lineage transport {self.name!r} timeout")
        self.secrets = secrets
        self.destination = destination

    def __repr__(self) -> str:
        return f"OpenLineageTransport(name={self.name!r}, timeout={self.timeout:g})"

    def send(self, event: Any, payload: str) -> None:
        """Hand the event object to the wrapped transport."""
        self.transport.emit(event)

    def close(self) -> None:
        """Close the wrapped transport."""
        close = getattr(self.transport, "close", None)
        if close is not None:
            close()


def transport_from_config(config: Mapping[str, Any] | None) -> Transport:
    """The transport a configuration describes (openlineage-python's ``transport:`` format).

    Args:
        config: ``{"type": "noop" | "console" | "file" | "http" | <openlineage type>, ...}``;
            None or ``{}`` means noop. ``file`` takes ``path`` (or openlineage's
            ``log_file_path``); ``http`` is described in ``HttpTransport.from_config``.

    Returns:
        The transport.

    Raises:
        TransportConfigError: For a missing ``type``, a ``file`` without a path, an invalid
            ``http`` configuration or a type openlineage-python does not know.

    Examples:
        >>> transport_from_config(None).name
        'noop'
        >>> transport_from_config({"type": "file", "path": "lineage.jsonl"}).name
        'file'
    """
    if not config:
        return NoopTransport()
    kind = config.get("type")
    if not kind:
        raise TransportConfigError(
            f"Lineage transport config {_redacted(config)} has no 'type'; set type to one of "
            "noop, console, file, http or another openlineage-python transport type."
        )
    if kind == "noop":
        return NoopTransport()
    if kind == "console":
        return ConsoleTransport()
    if kind == "file":
        path = config.get("path") or config.get("log_file_path")
        if not path:
            raise TransportConfigError(
                "Lineage transport 'file' needs 'path' (the JSON lines file to append events "
                "to), e.g. {'type': 'file', 'path': 'lineage.jsonl'}."
            )
        return FileTransport(path)
    if kind == "http":
        from floe_dagster_lineage._http import HttpTransport

        return HttpTransport.from_config(config)
    return _openlineage_transport(config)


def _openlineage_transport(config: Mapping[str, Any]) -> Transport:
    from openlineage.client.transport import get_default_factory

    kind = config.get("type")
    timeout = validate_timeout(
        config.get("timeout", DEFAULT_TIMEOUT), setting=f"lineage transport {kind!r} timeout"
    )
    try:
        transport = get_default_factory().create(dict(config))
    except Exception as error:  # noqa: BLE001 - any factory failure is a config problem
        # "from None": the cause's own message may quote the configuration, secrets and all
        reason = scrub(str(error), secret_values(config))
        raise TransportConfigError(
            f"`openlineage-python` cannot build a {kind!r} transport from {_redacted(config)}: "
            f"{reason}. Check the type (noop, console, file, http, kafka, datadog, composite, "
            "transform, ...) and that transport's options."
        ) from None
    return OpenLineageTransport(
        transport,
        timeout=timeout,
        secrets=frozenset(secret_values(config)),
        # the timeout is left out: a replay with another budget still finds the same spool
        destination=json.dumps(
            redacted({k: v for k, v in config.items() if k != "timeout"}),
            sort_keys=True,
            default=str,
        ),
    )


def transport_from_env(environ: Mapping[str, str]) -> Transport:
    """The transport openlineage-python's environment variables describe, else noop.

    ``OPENLINEAGE_DISABLED=true`` means noop; ``OPENLINEAGE_URL`` (with optional
    ``OPENLINEAGE_ENDPOINT`` and ``OPENLINEAGE_API_KEY``) means the HTTP transport; nothing set
    means noop.

    Examples:
        >>> transport_from_env({"OPENLINEAGE_URL": "http://marquez:5000"}).url
        'http://marquez:5000/api/v1/lineage'
        >>> transport_from_env({}).name
        'noop'
    """
    if environ.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true":
        return NoopTransport()
    url = environ.get("OPENLINEAGE_URL")
    if not url:
        return NoopTransport()
    config: dict[str, Any] = {"type": "http", "url": url}
    if environ.get("OPENLINEAGE_ENDPOINT"):
        config["endpoint"] = environ["OPENLINEAGE_ENDPOINT"]
    if environ.get("OPENLINEAGE_API_KEY"):
        config["api_key"] = environ["OPENLINEAGE_API_KEY"]
    return transport_from_config(config)


def _redacted(config: Mapping[str, Any]) -> dict[str, Any]:
    """The config safe to print: secret-like keys masked at any depth, URLs without user info."""
    safe: dict[str, Any] = redacted(config)
    return safe
