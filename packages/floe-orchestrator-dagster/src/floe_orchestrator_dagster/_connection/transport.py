"""An httpx transport whose every network operation ends at one deadline, in the caller's thread.

httpx timeouts apply to each socket operation: a server that sends one byte at a time restarts the
read timeout with every byte, so a request can last forever. This transport hands httpcore (the
engine under httpx) a network backend that gives every connect, TLS handshake, read and write the
time left before the deadline at most, and refuses to start one once the deadline has passed. The
request then fails with httpx's own timeout error, in the thread that made it: nothing is left
running when the call returns.

Name resolution (``getaddrinfo``) has no timeout in Python and cannot be interrupted. It runs in a
daemon thread, ``floe-dagster-probe-resolver``, that the caller waits for until the deadline. That
thread outlives the call only when the system resolver itself hangs, and then ends on the
resolver's own timeout (resolv.conf's ``timeout`` x ``attempts``). An IP address is not resolved.

Proxies come from the environment as httpx and curl read them (``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY``, ``NO_PROXY``); only ``http://`` and ``https://`` proxies are supported.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

RESOLVER_THREAD_NAME = "floe-dagster-probe-resolver"

# httpx raises an exception of the same name for each of httpcore's (as its own transport does)
_HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.ProtocolError: httpx.ProtocolError,
}


@dataclass(frozen=True)
class Proxy:
    """A proxy the environment sets for a URL, and the variable it came from."""

    url: str
    source: str


def environment_proxy(url: str) -> Proxy | None:
    """The proxy the environment sets for ``url``, or None (none set, or ``NO_PROXY`` matches)."""
    from urllib.request import getproxies_environment

    parts = urlsplit(url)
    proxies = getproxies_environment()  # HTTP_PROXY or http_proxy -> {"http": ...}
    if _bypassed(parts.hostname or "", proxies.get("no", "")):
        return None
    for key in (parts.scheme, "all"):
        if proxies.get(key):
            return Proxy(proxies[key], f"{key.upper()}_PROXY")
    return None


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names ``host``: ``*``, the host itself, or a domain it is in."""
    for entry in no_proxy.lower().split(","):
        name = entry.strip().removeprefix("*").lstrip(".")
        if name.startswith("["):  # an IPv6 address, as in a URL
            name = name[1:].partition("]")[0]
        if entry.strip() == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


class Deadline:
    """A point in ``time.monotonic()`` time after which no network operation starts."""

    def __init__(self, at: float) -> None:
        self.at = at

    def left(self, timeout: float | None, error: type[Exception]) -> float:
        """``timeout`` cut to the time left; raises ``error`` when no time is left."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("the deadline of the connection check has passed")
        return left if timeout is None else min(timeout, left)


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport over one httpcore pool whose network operations end at ``deadline``.

    ``tls``: whether the origin may be https (then the CA bundle is loaded).
    """

    def __init__(self, deadline: Deadline, proxy: Proxy | None = None, tls: bool = True) -> None:
        backend = _DeadlineBackend(deadline)
        # certifi, or SSL_CERT_FILE / SSL_CERT_DIR; loading it takes ~50 ms, so only for https
        ssl_context = httpx.create_ssl_context() if tls else None
        self._pool: httpcore.ConnectionPool
        if proxy is None:
            self._pool = httpcore.ConnectionPool(
                ssl_context=ssl_context, max_connections=1, network_backend=backend
            )
        else:
            parts = urlsplit(proxy.url)
            auth = None
            if parts.username or parts.password:
                auth = (unquote(parts.username or ""), unquote(parts.password or ""))
            self._pool = httpcore.HTTPProxy(
                proxy_url=proxy.url,
                proxy_auth=auth,
                ssl_context=ssl_context,
                max_connections=1,
                network_backend=backend,
            )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the pool, with httpcore's errors as httpx's."""
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)  # a sync pool answers with a sync stream
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Close the pool and its connection."""
        with _httpx_errors():
            self._pool.close()


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = next((_HTTPX_ERRORS[k] for k in type(exc).__mro__ if k in _HTTPX_ERRORS), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            with _httpx_errors():
                close()


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline
        self._sync = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in _resolve(host, port, self._deadline):
            left = self._deadline.left(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._sync.connect_tcp(address, port, left, local_address, socket_options)
            except httpcore.ConnectError as exc:  # e.g. refused on ::1: try 127.0.0.1 next
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None  # _resolve returns at least one address or raises
        raise failure


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._stream.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _resolve(host: str, port: int, deadline: Deadline) -> list[str]:
    """The addresses of ``host``, resolved within the deadline (see the module docstring)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    answer: list[list[str] | Exception] = []

    def resolve() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            answer.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
            answer.append(exc)

    resolver = threading.Thread(target=resolve, name=RESOLVER_THREAD_NAME, daemon=True)
    resolver.start()
    resolver.join(deadline.left(None, httpcore.ConnectTimeout))
    if not answer:
        raise httpcore.ConnectTimeout(f"resolving the host name {host!r} did not end in time")
    found = answer[0]
    if isinstance(found, UnicodeError):
        raise found
    if isinstance(found, Exception):
        error = httpcore.ConnectError(str(found))
        # the context, not only the cause, since httpcore's pool re-raises "from None"; the
        # failure messages look for the socket.gaierror in the chain
        error.__context__ = found
        raise error from found
    if not found:
        raise httpcore.ConnectError(f"the host name {host!r} has no address")
    return found
