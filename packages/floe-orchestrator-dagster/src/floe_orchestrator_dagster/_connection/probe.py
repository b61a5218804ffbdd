"""One probe of a Dagster webserver: ``GET /server_info`` then the GraphQL ``{ version }`` query.

The whole probe answers within its budget (10 seconds at most, FR-020), whatever the server does.
Two mechanisms keep that promise:

- every request gets httpx timeouts equal to the time left, so a refused, silent or slow server
  ends the request with httpx's own error, whose cause tells what happened;
- the requests run in a worker thread that the caller waits for no longer than the budget, because
  httpx timeouts apply per operation (a server dripping one byte at a time resets the read timeout)
  and name resolution (``getaddrinfo``) has no timeout at all. A worker left behind ends by itself
  on its own httpx timeouts; it is a daemon thread, so it never holds up the interpreter's exit.

The token goes in the ``Authorization`` header only, and is scrubbed from every message in case a
server echoes it back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from floe_orchestrator_dagster._connection import failures
from floe_orchestrator_dagster._connection.server_info import (
    GRAPHQL_PATH,
    SERVER_INFO_PATH,
    VERSION_QUERY,
    NotDagsterError,
    parse_graphql_version,
    parse_server_info,
    version_warning,
)
from floe_orchestrator_dagster._connection.settings import display_url, url_problem

if TYPE_CHECKING:
    import httpx

    from floe_orchestrator_dagster._connection.settings import ResolvedConnection

_GET_INFO = f"GET {SERVER_INFO_PATH}"
_POST_QUERY = f"POST {GRAPHQL_PATH}"
_REDACTED = "**********"
_RESERVE_SECONDS = 0.1  # kept from the budget for building the answer: the caller's 10 s are 10 s


@dataclass(frozen=True)
class ProbeResult:
    """What a probe found; ``message`` is one paragraph for an operator."""

    ok: bool
    outcome: str
    message: str
    url: str
    url_source: str
    dagster_version: str | None = None
    warnings: tuple[str, ...] = ()
    elapsed_seconds: float = 0.0


@dataclass
class _Progress:
    """What the worker thread has done so far, read by the caller if the budget runs out."""

    stage: str = _GET_INFO
    connected: bool = False
    result: ProbeResult | None = None
    error: Exception | None = field(default=None, repr=False)


def probe(connection: ResolvedConnection) -> ProbeResult:
    """Probe the webserver of ``connection`` within ``connection.timeout_seconds``."""
    started = time.monotonic()
    budget = connection.timeout_seconds
    target = failures.Target(connection.url, connection.source, connection.token is not None)
    problem = url_problem(connection.url)
    if problem is not None:
        result = _failed(target, failures.invalid_url(target, problem))
    else:
        progress = _Progress()
        deadline = started + budget - min(_RESERVE_SECONDS, budget * 0.05)
        worker = threading.Thread(
            target=_work,
            args=(connection, target, deadline, progress),
            name="floe-dagster-connection-probe",
            daemon=True,
        )
        worker.start()
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
        if progress.error is not None:
            raise progress.error  # a bug, not a connection problem: let it surface
        result = progress.result or _failed(
            target, failures.timed_out(target, progress.stage, budget, progress.connected)
        )
    return _scrub(replace(result, elapsed_seconds=time.monotonic() - started), connection.token)


def _work(
    connection: ResolvedConnection, target: failures.Target, deadline: float, progress: _Progress
) -> None:
    try:
        progress.result = _requests(connection, target, deadline, progress)
    except Exception as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
        progress.error = exc


def _requests(
    connection: ResolvedConnection, target: failures.Target, deadline: float, progress: _Progress
) -> ProbeResult:
    import httpx

    budget = connection.timeout_seconds
    headers = {
        "Accept": "application/json",
        "User-Agent": f"floe-orchestrator-dagster/{metadata.version('floe-orchestrator-dagster')}",
    }
    if connection.token:
        headers["Authorization"] = f"Bearer {connection.token}"
    parts = urlsplit(connection.url)  # a query or fragment in the base URL cannot be kept
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")

    def timeout() -> httpx.Timeout:
        return httpx.Timeout(max(0.001, deadline - time.monotonic()))

    def trace(event: str, info: object) -> None:
        """httpcore's progress events: tell "never connected" from "connected, no answer"."""
        if event == "connection.connect_tcp.complete":
            progress.connected = True

    trace_extension = {"trace": trace}

    with httpx.Client(headers=headers, follow_redirects=False) as client:
        try:
            info_response = client.get(
                base + SERVER_INFO_PATH, timeout=timeout(), extensions=trace_extension
            )
            failure = _status_failure(target, _GET_INFO, info_response)
            if failure is not None:
                return _failed(target, failure)
            info = parse_server_info(info_response.text, _content_type(info_response))
            progress.stage = _POST_QUERY
            query_response = client.post(
                base + GRAPHQL_PATH,
                json={"query": VERSION_QUERY},
                timeout=timeout(),
                extensions=trace_extension,
            )
            failure = _status_failure(target, _POST_QUERY, query_response)
            if failure is not None:
                return _failed(target, failure)
            parse_graphql_version(query_response.text, _content_type(query_response))
        except NotDagsterError as exc:
            return _failed(target, failures.not_dagster(target, str(exc)))
        except (httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: an impossible host name
            return _failed(target, failures.invalid_url(target, f"httpx cannot use it ({exc})"))
        except httpx.HTTPError as exc:
            return _failed(target, failures.from_exception(target, progress.stage, exc, budget))
    warning = version_warning(info.dagster_version, display_url(connection.url))
    return ProbeResult(
        ok=True,
        outcome="ok",
        message=(
            f"The Dagster webserver at {target.shown} answers: Dagster {info.dagster_version} "
            f"(dagster-webserver {info.webserver_version})."
        ),
        url=display_url(connection.url),
        url_source=connection.source,
        dagster_version=info.dagster_version,
        warnings=(warning,) if warning else (),
    )


def _content_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", ""))


def _status_failure(
    target: failures.Target, stage: str, response: httpx.Response
) -> failures.Failure | None:
    if response.status_code < 300:
        return None
    return failures.http_status(
        target,
        stage,
        response.status_code,
        response.reason_phrase,
        response.text,
        response.headers.get("location"),
    )


def _failed(target: failures.Target, failure: failures.Failure) -> ProbeResult:
    return ProbeResult(
        ok=False,
        outcome=failure.outcome,
        message=failure.message,
        url=display_url(target.url),
        url_source=target.source,
    )


def _scrub(result: ProbeResult, token: str | None) -> ProbeResult:
    """Remove the token from every text of ``result``, should a server have echoed it."""
    if not token:
        return result
    return replace(
        result,
        message=result.message.replace(token, _REDACTED),
        warnings=tuple(w.replace(token, _REDACTED) for w in result.warnings),
    )
