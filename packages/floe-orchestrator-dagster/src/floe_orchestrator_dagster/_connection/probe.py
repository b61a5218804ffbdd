"""One probe of a Dagster webserver: ``GET /server_info`` then the GraphQL ``{ version }`` query.

The whole probe answers within its budget (10 seconds at most, FR-020), whatever the server does,
and leaves nothing running behind it:

- both requests go through one httpx client, over one connection, in the caller's thread;
- the client's transport (``transport.py``) ends every network operation at the probe's deadline,
  so that a silent server, a server dripping one byte at a time and a slow TLS handshake all end
  the probe with httpx's own timeout error, whose type and cause tell what happened;
- an answer is read up to ``MAX_ANSWER_BYTES`` (1 MiB) and no further: a Dagster webserver's is a
  few hundred bytes. The probe asks for an uncompressed answer, so that the cap holds on what it
  stores.

The token goes in the ``Authorization`` header only. User name and password in the URL are taken
out of it and sent as Basic credentials, so that no log line (httpx logs each request's URL) and
no message shows them; every message is scrubbed of all of them, in case a server echoes one.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, replace
from importlib import metadata
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import floe_orchestrator_dagster._connection.failures as failures
from floe_orchestrator_dagster._connection.server_info import (
    GRAPHQL_PATH,
    SERVER_INFO_PATH,
    VERSION_QUERY,
    NotDagsterError,
    parse_graphql_version,
    parse_server_info,
    version_warning,
)
from floe_orchestrator_dagster._connection.settings import display_url, url_problem, userinfo
from floe_orchestrator_dagster._connection.transport import (
    Deadline,
    DeadlineTransport,
    Proxy,
    environment_proxy,
)

if TYPE_CHECKING:
    import httpx

    from floe_orchestrator_dagster._connection.settings import ResolvedConnection

MAX_ANSWER_BYTES = 1024 * 1024
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


def probe(connection: ResolvedConnection, started: float | None = None) -> ProbeResult:
    """Probe the webserver of ``connection`` within ``connection.timeout_seconds`` of ``started``.

    ``started`` is a ``time.monotonic()`` time, by default now.
    """
    started = time.monotonic() if started is None else started
    budget = connection.timeout_seconds
    problem = url_problem(connection.url)
    proxy = environment_proxy(connection.url) if problem is None else None
    target = failures.Target(
        connection.url,
        connection.source,
        connection.token is not None,
        proxy.url if proxy else None,
        proxy.source if proxy else "",
    )
    if problem is not None:
        result = _failed(target, failures.invalid_url(target, problem))
    elif proxy is not None and urlsplit(proxy.url).scheme not in ("http", "https"):
        result = _failed(target, failures.unsupported_proxy(target))
    else:
        deadline = Deadline(started + budget - min(_RESERVE_SECONDS, budget * 0.05))
        result = _requests(connection, target, deadline, proxy)
    result = replace(result, elapsed_seconds=time.monotonic() - started)
    return _scrub(result, _secrets(connection.token, connection.url, proxy.url if proxy else ""))


def _requests(
    connection: ResolvedConnection,
    target: failures.Target,
    deadline: Deadline,
    proxy: Proxy | None,
) -> ProbeResult:
    import httpx

    parts = urlsplit(connection.url)  # a query or fragment in the base URL cannot be kept
    base = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}".rstrip("/")
    auth = None
    if parts.username or parts.password:  # what httpx would do with them, minus the logging
        auth = (unquote(parts.username or ""), unquote(parts.password or ""))
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "User-Agent": f"floe-orchestrator-dagster/{metadata.version('floe-orchestrator-dagster')}",
    }
    if connection.token:
        headers["Authorization"] = f"Bearer {connection.token}"
    stage = _GET_INFO
    client = httpx.Client(
        headers=headers,
        auth=auth,
        follow_redirects=False,
        timeout=connection.timeout_seconds,
        trust_env=False,  # the transport reads the proxy settings and the CA bundle itself
        transport=DeadlineTransport(deadline, proxy, tls=parts.scheme == "https"),
    )
    with client:
        try:
            answer = _fetch(client, target, stage, "GET", base + SERVER_INFO_PATH)
            if isinstance(answer, failures.Failure):
                return _failed(target, answer)
            info = parse_server_info(*answer)
            stage = _POST_QUERY
            answer = _fetch(
                client, target, stage, "POST", base + GRAPHQL_PATH, json={"query": VERSION_QUERY}
            )
            if isinstance(answer, failures.Failure):
                return _failed(target, answer)
            parse_graphql_version(*answer)
        except NotDagsterError as exc:
            return _failed(target, failures.not_dagster(target, str(exc)))
        except (httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: an impossible host name
            return _failed(target, failures.invalid_url(target, f"httpx cannot use it ({exc})"))
        except httpx.HTTPError as exc:
            budget = connection.timeout_seconds
            return _failed(target, failures.from_exception(target, stage, exc, budget))
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


def _fetch(
    client: httpx.Client,
    target: failures.Target,
    stage: str,
    method: str,
    url: str,
    **kwargs: Any,
) -> tuple[str, str] | failures.Failure:
    """The body and content type of a successful answer, or why there is none to parse."""
    with client.stream(method, url, **kwargs) as response:
        if response.status_code >= 300:
            body, _ = _read(response)  # the start is enough to quote
            return failures.http_status(
                target,
                stage,
                response.status_code,
                response.reason_phrase,
                _text(response, body),
                response.headers.get("location"),
            )
        encoding = str(response.headers.get("content-encoding", "")).strip().lower()
        if encoding not in ("", "identity"):
            raise NotDagsterError(
                f"{stage} answered with Content-Encoding {encoding!r} although the probe asked "
                "for an uncompressed answer (Accept-Encoding: identity)"
            )
        announced = _content_length(response)
        if announced is not None and announced > MAX_ANSWER_BYTES:
            return failures.too_large(target, stage, MAX_ANSWER_BYTES, announced)
        body, complete = _read(response)
        if not complete:
            return failures.too_large(target, stage, MAX_ANSWER_BYTES, None)
        return _text(response, body), str(response.headers.get("content-type", ""))


def _read(response: httpx.Response) -> tuple[bytes, bool]:
    """At most ``MAX_ANSWER_BYTES`` of the body, and whether that is all of it."""
    body = bytearray()
    for chunk in response.iter_raw():
        room = MAX_ANSWER_BYTES - len(body)
        if len(chunk) > room:
            body += chunk[:room]
            return bytes(body), False
        body += chunk
    return bytes(body), True


def _text(response: httpx.Response, body: bytes) -> str:
    return body.decode(response.encoding or "utf-8", errors="replace")


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers.get("content-length", ""))
    except ValueError:
        return None


def _failed(target: failures.Target, failure: failures.Failure) -> ProbeResult:
    return ProbeResult(
        ok=False,
        outcome=failure.outcome,
        message=failure.message,
        url=display_url(target.url),
        url_source=target.source,
    )


def _secrets(token: str | None, *urls: str) -> list[str]:
    """The texts no message may hold: the token, and the URLs' credentials in every form sent."""
    found = [token] if token else []
    for url in urls:
        credentials = userinfo(url)
        user, colon, password = credentials.partition(":")
        if colon and password:  # a user name alone is no secret
            basic = f"{unquote(user)}:{unquote(password)}".encode()
            found += [credentials, base64.b64encode(basic).decode()]
    return found


def _scrub(result: ProbeResult, secrets: list[str]) -> ProbeResult:
    """Remove the ``secrets`` from every text of ``result``, should a server have echoed one."""

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, _REDACTED)
        return text

    if not secrets:
        return result
    return replace(
        result,
        message=scrub(result.message),
        warnings=tuple(scrub(w) for w in result.warnings),
    )
