"""Why a probe of a Dagster webserver failed, told so that an operator knows what to do (FR-021).

Each failure has an ``outcome`` (a short machine-readable kind, also put on the trace span) and a
message that names the URL, where that URL came from, what went wrong and the fix. httpx is only
imported by the caller: this module reads exceptions through their types' names and their causes.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from floe_orchestrator_dagster._connection.server_info import excerpt
from floe_orchestrator_dagster._connection.settings import (
    DEFAULT_WEBSERVER_URL,
    TOKEN_ENV_VAR,
    URL_ENV_VAR,
    display_url,
)

_SETTING_HINT = {
    "--url": "--url",
    "connection.url": "connection.url in the plugin config",
    URL_ENV_VAR: URL_ENV_VAR,
}


@dataclass(frozen=True)
class Target:
    """The webserver a probe talks to, as messages name it."""

    url: str
    source: str
    has_token: bool = False
    proxy: str | None = None
    proxy_source: str = ""

    @property
    def shown(self) -> str:
        """The URL without credentials, where it came from, and the proxy if there is one."""
        via = ""
        if self.proxy is not None:
            via = f", through the proxy {display_url(self.proxy)} from {self.proxy_source}"
        return f"{display_url(self.url)} (URL from {self.source}{via})"

    @property
    def host(self) -> str:
        """The host name or address the probe connects to: the proxy's, if there is one."""
        return urlsplit(self.proxy or self.url).hostname or ""

    @property
    def port(self) -> int:
        """The port the probe connects to, explicit or the scheme's default."""
        parts = urlsplit(self.proxy or self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def setting(self) -> str:
        """Where to change the URL."""
        return _SETTING_HINT.get(self.source, f"connection.url or {URL_ENV_VAR}")


@dataclass(frozen=True)
class Failure:
    """A failed probe: its kind and its message."""

    outcome: str
    message: str


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from (httpx -> httpcore -> OSError)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    return next((e for e in _causes(exc) if isinstance(e, kind)), None)


def invalid_url(target: Target, problem: str) -> Failure:
    """The URL cannot be probed at all."""
    return Failure(
        "invalid_url",
        f"{display_url(target.url)!r} (URL from {target.source}) is not a webserver URL: "
        f"{problem}. Give the base URL of dagster-webserver in {target.setting}, e.g. "
        f"{DEFAULT_WEBSERVER_URL}.",
    )


def unsupported_proxy(target: Target) -> Failure:
    """The environment sets a proxy the probe cannot use."""
    proxy = display_url(target.proxy or "")
    return Failure(
        "proxy",
        f"{target.proxy_source} sets the proxy {proxy!r} for {display_url(target.url)} (URL from "
        f"{target.source}), but the connection check supports only http:// and https:// proxies. "
        f"Set an http:// proxy in {target.proxy_source}, or add the host to NO_PROXY.",
    )


def too_large(target: Target, stage: str, cap: int, announced: int | None) -> Failure:
    """The answer is larger than any a Dagster webserver gives."""
    if announced is None:
        detail = "the probe stopped reading there"
    else:
        detail = f"Content-Length: {announced} bytes"
    return Failure(
        "too_large",
        f"The server at {target.shown} answered {stage} with more than {cap // 1024 // 1024} MiB "
        f"({detail}), where a Dagster webserver answers a few hundred bytes. Check that the URL "
        f"points at dagster-webserver, not another service; set it in {target.setting}.",
    )


def timed_out(target: Target, stage: str, budget: float, connected: bool) -> Failure:
    """No answer within the budget."""
    if connected:
        detail = (
            f"accepted the connection but did not answer {stage} within {budget:g} s. The "
            "webserver may be hung or overloaded (check its logs and CPU), or a service other "
            "than dagster-webserver holds that port"
        )
    else:
        detail = (
            f"did not complete {stage} within {budget:g} s (name resolution and connecting "
            f"to {target.host} port {target.port}). The host may be down or a firewall may drop "
            "the traffic: check the host, the port and the network path to it"
        )
    return Failure("timeout", f"The Dagster webserver at {target.shown} {detail}.")


def from_exception(target: Target, stage: str, exc: Exception, budget: float) -> Failure:
    """Classify an exception raised by httpx while doing ``stage``."""
    kind = type(exc).__name__
    if kind in ("ConnectTimeout", "PoolTimeout"):
        return timed_out(target, stage, budget, connected=False)
    if kind in ("ReadTimeout", "WriteTimeout"):
        return timed_out(target, stage, budget, connected=True)
    tls = _find(exc, ssl.SSLError)
    if tls is not None:
        return _tls(target, tls)
    dns = _find(exc, socket.gaierror)
    if dns is not None:
        return Failure(
            "dns",
            f"Cannot resolve the host name {target.host!r} of {target.shown}: {dns.args[-1]}. "
            "Check the name for typos; inside Kubernetes use the webserver Service's name "
            "(<release>-floe-dagster-webserver.<namespace>), from a workstation port-forward "
            f"it and use http://localhost:3000. Set the right URL in {target.setting}.",
        )
    if _find(exc, ConnectionRefusedError) is not None:
        return Failure(
            "refused",
            f"Connection refused by {target.host} port {target.port}: nothing listens at "
            f"{target.shown}. Check that dagster-webserver is running and listening on that "
            "port, or restart your port-forward (kubectl -n <namespace> port-forward "
            f"svc/<release>-floe-dagster-webserver {target.port}:3000); or set the right URL in "
            f"{target.setting}.",
        )
    if kind == "RemoteProtocolError":
        said = str(exc).rstrip(".")
        return Failure(
            "protocol",
            f"The server at {target.shown} closed the connection without an HTTP answer to "
            f"{stage} ({said}). If it serves TLS use an https:// URL; otherwise check that "
            "dagster-webserver, not another service, listens on that port.",
        )
    return Failure(
        "error",
        f"Probing the Dagster webserver at {target.shown} failed during {stage}: {kind}: {exc}. "
        f"Check the URL in {target.setting} and that dagster-webserver runs there.",
    )


def _tls(target: Target, exc: BaseException) -> Failure:
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = f"certificate verify failed: {exc.verify_message}"
    else:  # e.g. WRONG_VERSION_NUMBER -> "wrong version number"
        reason = str(getattr(exc, "reason", None) or exc).replace("_", " ").lower()
    text = f"{reason} {exc}".lower()
    if isinstance(exc, ssl.SSLCertVerificationError) or "certificate" in text:
        fix = (
            "The server's certificate is not trusted. If it is signed by a private CA, point "
            "SSL_CERT_FILE at that CA's bundle; check that the URL's host name is one the "
            "certificate names"
        )
    elif "wrong version" in text or "record layer" in text or "http request" in text:
        fix = (
            f"The server at port {target.port} does not speak TLS: use an http:// URL "
            f"in {target.setting}"
        )
    else:
        fix = "Check that the server's TLS setup is valid and the URL's scheme and port are right"
    return Failure(
        "tls",
        f"TLS handshake with {target.host} port {target.port} failed for {target.shown}: "
        f"{reason}. {fix}.",
    )


def http_status(
    target: Target, stage: str, status: int, phrase: str, body: str, location: str | None
) -> Failure:
    """The server answered with a redirect or an HTTP error."""
    if 300 <= status < 400:
        goes = display_url(location) if location else "nowhere"
        fix = (
            f"It redirects to {goes}: a login page or proxy may sit in front of the webserver. "
            "Point the URL at the webserver itself, or use the URL it redirects to if that is "
            "the webserver"
        )
    elif status in (401, 403):
        fix = (
            "The token sent was rejected: check that it is valid, unexpired and allowed to "
            "read the webserver"
            if target.has_token
            else "It asks for credentials: set connection.auth_token in the plugin config or "
            f"{TOKEN_ENV_VAR}"
        )
    elif status == 407:
        fix = (
            f"The proxy asks for credentials: give them in its URL in {target.proxy_source} "
            "(http://user:password@host:port)"
            if target.proxy
            else "A proxy asks for credentials: set them in HTTP_PROXY or HTTPS_PROXY"
        )
    elif status == 404:
        fix = (
            "There is no Dagster webserver at that path: check that the URL points at "
            "dagster-webserver and includes its --path-prefix, if it has one"
        )
    elif status >= 500:
        fix = (
            "The webserver, or a proxy in front of it, failed: check dagster-webserver's logs "
            "(a 502, 503 or 504 from an ingress often means its backend is down)"
        )
    else:
        fix = "Check the URL and any proxy in front of the webserver"
    said = f": {excerpt(body)!r}" if body.strip() else ""
    return Failure(
        "http_status",
        f"The server at {target.shown} answered {stage} with HTTP {status} {phrase}{said}. {fix}.",
    )


def not_dagster(target: Target, reason: str) -> Failure:
    """The server answered, but it is not a Dagster webserver."""
    return Failure(
        "not_dagster",
        f"The server at {target.shown} answered, but it is not a Dagster webserver: {reason}. "
        "Check that the URL points at dagster-webserver (port 3000 by default, also behind the "
        f"floe-dagster chart's Service), not another service; set it in {target.setting}.",
    )
