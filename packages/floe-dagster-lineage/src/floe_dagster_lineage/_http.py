"""The HTTP transport: one bounded POST per event with the standard library, no thread, no retry.

openlineage-python's own HTTP transport retries five times with backoff through ``requests``, so a
hanging or failing receiver can hold a run for half a minute or more. Here each event gets one
attempt within a time budget (``timeout``, 5 s by default): connecting gets the whole budget, and
sending and waiting for the answer get what remains of it. A failure raises ``DeliveryError`` with
the reason; the bearer token is never part of a message, a repr or a log.

The budget holds against a receiver that answers one byte at a time, too: every read of the
answer gets only what remains of the budget, not a fresh timeout of its own. The DNS look-up takes
no timeout of its own: the emitter's send worker (``_deadline``) bounds it, with the whole send.
"""

from __future__ import annotations

import gzip
import http.client
import io
import os
import ssl
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from floe_dagster_lineage._deadline import DEFAULT_TIMEOUT, validate_timeout
from floe_dagster_lineage._errors import DeliveryError, TransportConfigError
from floe_dagster_lineage._redact import safe_url as _safe

DEFAULT_ENDPOINT = "api/v1/lineage"
_KEYS = frozenset(
    {
        "type",
        "url",
        "endpoint",
        "timeout",
        "api_key",
        "auth",
        "token_env",
        "token_file",
        "custom_headers",
        "verify",
        "compression",
        # accepted from openlineage / floe-lineage-marquez configs, meaningless here: nothing is
        # queued (drain_timeout) and there is one attempt per event (retry)
        "drain_timeout",
        "retry",
    }
)


class Secret:
    """A string that never shows itself in a repr, a str or a log line.

    Examples:
        >>> Secret("s3cr3t")
        Secret('***')
        >>> Secret("s3cr3t").reveal()
        's3cr3t'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value (only for the Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class HttpTransport:
    """POSTs each event to an OpenLineage HTTP endpoint (``/api/v1/lineage``).

    Args:
        url: The full endpoint URL (e.g. ``http://marquez:5000/api/v1/lineage``).
        timeout: The time budget of one event, in seconds (> 0 and <= 30).
        token: The bearer token, if the receiver wants one.
        headers: Extra headers.
        verify: Verify TLS certificates (https).
        gzip_body: Compress the body with gzip.

    Examples:
        >>> HttpTransport("http://localhost:5000/api/v1/lineage", token=Secret("t"))
        HttpTransport(url='http://localhost:5000/api/v1/lineage', timeout=5.0, token=Secret('***'))
    """

    name = "http"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        token: Secret | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool = True,
        gzip_body: bool = False,
    ) -> None:
        try:
            parts = urlsplit(url)
            _ = parts.port  # a port that is not a number raises here, not at the first send
            valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise TransportConfigError(
                f"Lineage transport 'http' needs an http(s) URL with a host, got {_safe(url)!r}; "
                "e.g. 'http://marquez:5000/api/v1/lineage'."
            )
        self.url = url
        self.destination = _safe(url)  # names the default spool: no secret in it
        self.timeout = validate_timeout(timeout, setting="lineage transport 'http' timeout")
        self.token = token
        self.headers = dict(headers or {})
        self.verify = verify
        self.gzip_body = gzip_body

    def __repr__(self) -> str:
        url = _safe(self.url)
        return f"HttpTransport(url={url!r}, timeout={self.timeout}, token={self.token!r})"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HttpTransport:
        """Build from openlineage-python's ``http`` config or floe's ``get_transport_config()``.

        Keys: ``url`` (required); ``endpoint`` (joined to ``url``; when absent, ``api/v1/lineage``
        is appended only to a URL without a path, so floe-lineage-marquez's URL, which already
        ends with it, is used as is); ``timeout``; the bearer token from ``api_key``,
        ``auth: {type: api_key, apiKey: ...}``, ``token_env`` (an environment variable's name) or
        ``token_file`` (a mounted secret file); ``custom_headers``; ``verify``;
        ``compression: gzip``.

        Examples:
            >>> HttpTransport.from_config({"type": "http", "url": "http://marquez:5000"}).url
            'http://marquez:5000/api/v1/lineage'
        """
        unknown = sorted(set(config) - _KEYS)
        if unknown:
            raise TransportConfigError(
                f"Lineage transport 'http' does not know the key(s) {', '.join(unknown)}; "
                f"valid keys: {', '.join(sorted(_KEYS))}."
            )
        url = config.get("url")
        if not isinstance(url, str) or not url:
            raise TransportConfigError(
                "Lineage transport 'http' needs 'url', e.g. "
                "{'type': 'http', 'url': 'http://marquez:5000'}."
            )
        endpoint = config.get("endpoint")
        if endpoint is not None:
            url = urljoin(url.rstrip("/") + "/", str(endpoint).lstrip("/"))
        elif urlsplit(url).path in {"", "/"}:
            url = url.rstrip("/") + "/" + DEFAULT_ENDPOINT
        compression = config.get("compression")
        if compression not in (None, "gzip"):
            raise TransportConfigError(
                f"Lineage transport 'http' compression must be 'gzip' or absent, got "
                f"{compression!r}."
            )
        return cls(
            url,
            timeout=DEFAULT_TIMEOUT if config.get("timeout") is None else config["timeout"],
            token=_token(config),
            headers=config.get("custom_headers") or {},
            verify=bool(config.get("verify", True)),
            gzip_body=compression == "gzip",
        )

    def send(self, event: Any, payload: str) -> None:
        """POST one event; raise ``DeliveryError`` unless the receiver answers 2xx in time."""
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(self.url)
        body = payload.encode("utf-8")
        headers = {"Content-Type": "application/json", **self.headers}
        if self.gzip_body:
            body = gzip.compress(body, compresslevel=3)
            headers["Content-Encoding"] = "gzip"
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token.reveal()}"
        connection = self._connection(parts.scheme, parts.hostname or "", parts.port)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.connect()
            connection.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            connection.request("POST", path, body=body, headers=headers)
            response = http.client.HTTPResponse(
                _DeadlineSocket(connection.sock, deadline),  # type: ignore[arg-type]  # duck-typed
                method="POST",
            )
            response.begin()
            status, reason = response.status, response.reason
            detail = response.read(300).decode("utf-8", "replace").strip()
        except TimeoutError:
            raise DeliveryError(
                f"`{_safe(self.url)}` did not answer within {self.timeout:g} s."
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise DeliveryError(
                f"Cannot POST to {_safe(self.url)} ({error}). Check that the lineage receiver "
                "is running and reachable at that URL."
            ) from None
        finally:
            connection.close()
        if not 200 <= status < 300:
            answer = f"{status} {reason}".strip() + (f" ({detail})" if detail else "")
            raise DeliveryError(
                f"`{_safe(self.url)}` answered HTTP {answer}. Check the URL, the token and the "
                "receiver's log."
            )

    def _connection(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        if scheme == "https":
            context = ssl.create_default_context()
            if not self.verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def close(self) -> None:
        """Nothing is kept open between events."""


class _DeadlineReader(io.RawIOBase):
    """Reads a socket, each read limited to what remains until the deadline."""

    def __init__(self, sock: Any, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the time budget of the event is spent")
        self._sock.settimeout(remaining)
        received: int = self._sock.recv_into(buffer)
        return received


class _DeadlineSocket:
    """What ``http.client.HTTPResponse`` needs of a socket: ``makefile``, deadline-bound."""

    def __init__(self, sock: Any, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


def _token(config: Mapping[str, Any]) -> Secret | None:
    auth = config.get("auth") or {}
    if auth and auth.get("type", "api_key") != "api_key":
        raise TransportConfigError(
            f"Lineage transport 'http' supports auth type 'api_key' (a bearer token), got "
            f"{auth.get('type')!r}; for other token providers use openlineage-python's transport "
            "through a 'composite' or 'transform' config."
        )
    value = config.get("api_key") or auth.get("apiKey") or auth.get("api_key")
    if value:
        return Secret(str(value))
    if config.get("token_env"):
        name = str(config["token_env"])
        if not os.environ.get(name):
            raise TransportConfigError(
                f"Lineage transport 'http' reads its bearer token from environment variable "
                f"{name!r}, which is not set; set it (e.g. from a Kubernetes secret) or remove "
                "'token_env'."
            )
        return Secret(os.environ[name])
    if config.get("token_file"):
        path = Path(str(config["token_file"]))
        try:
            return Secret(path.read_text(encoding="utf-8").strip())
        except OSError as error:
            raise TransportConfigError(
                f"Lineage transport 'http' cannot read its bearer token file {path}: "
                f"{error.strerror}; mount the secret there or fix 'token_file'."
            ) from None
    return None
