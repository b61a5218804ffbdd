"""Settings of the connection to a Dagster webserver (``connection:`` in the plugin config).

Where the URL comes from, first match wins:

1. ``floe-dagster validate-connection --url URL`` (the command line only);
2. ``connection.url`` in the plugin config, when it is set there explicitly;
3. the ``FLOE_DAGSTER_URL`` environment variable;
4. the default, ``http://localhost:3000`` (what ``kubectl port-forward`` or ``dagster dev`` give).

The token follows the same order: ``connection.auth_token``, then ``FLOE_DAGSTER_AUTH_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_WEBSERVER_URL = "http://localhost:3000"
URL_ENV_VAR = "FLOE_DAGSTER_URL"
TOKEN_ENV_VAR = "FLOE_DAGSTER_AUTH_TOKEN"
MAX_TIMEOUT_SECONDS = 10.0  # FR-020: a connection check answers within 10 seconds


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webserver base URL, or None when it can."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "its scheme must be http or https"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is not a port a server listens on"
    return None


def display_url(url: str) -> str:
    """``url`` without user name, password, query or fragment: safe for messages and logs."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return url.rpartition("@")[2]
    host = parts.hostname
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


class ConnectionSettings(BaseModel):
    """Where the Dagster webserver answers, how to authenticate, and how long to wait.

    Examples:
        >>> ConnectionSettings(url="http://dagster-webserver:80", timeout_seconds=5).resolve().url
        'http://dagster-webserver:80'
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    url: str = Field(
        default=DEFAULT_WEBSERVER_URL,
        description=(
            f"Base URL of the Dagster webserver. When not set, {URL_ENV_VAR} is used if defined, "
            f"else {DEFAULT_WEBSERVER_URL}."
        ),
    )
    auth_token: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token sent to the webserver in the Authorization header; never logged. "
            f"When not set, {TOKEN_ENV_VAR} is used if defined."
        ),
    )
    timeout_seconds: float = Field(
        default=MAX_TIMEOUT_SECONDS,
        gt=0,
        le=MAX_TIMEOUT_SECONDS,
        description=(
            "Total time a connection check may take: connecting, reading and both requests "
            "together (at most 10 seconds)."
        ),
    )

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(
                f"connection.url {value!r} is not a webserver URL: {problem}. "
                f"Give the base URL of dagster-webserver, e.g. {DEFAULT_WEBSERVER_URL}"
            )
        return value

    def resolve(self, url_override: str | None = None) -> ResolvedConnection:
        """The URL and token to use, with where the URL came from (see the module docstring)."""
        if url_override is not None:
            url, source = url_override, "--url"
        elif "url" in self.model_fields_set:
            url, source = self.url, "connection.url"
        elif os.environ.get(URL_ENV_VAR, "").strip():
            url, source = os.environ[URL_ENV_VAR].strip(), URL_ENV_VAR
        else:
            url, source = self.url, "the default"
        token = self.auth_token.get_secret_value() if self.auth_token is not None else None
        if token is None:
            token = os.environ.get(TOKEN_ENV_VAR) or None
        return ResolvedConnection(
            url=url, source=source, token=token, timeout_seconds=self.timeout_seconds
        )


@dataclass(frozen=True)
class ResolvedConnection:
    """What one connection check uses; ``repr`` hides the token."""

    url: str
    source: str
    token: str | None
    timeout_seconds: float

    def __repr__(self) -> str:
        token = "None" if self.token is None else "'**********'"
        return (
            f"ResolvedConnection(url={display_url(self.url)!r}, source={self.source!r}, "
            f"token={token}, timeout_seconds={self.timeout_seconds!r})"
        )
