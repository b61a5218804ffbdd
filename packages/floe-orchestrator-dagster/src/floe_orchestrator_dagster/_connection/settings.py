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
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEFAULT_WEBSERVER_URL = "http://localhost:3000"
URL_ENV_VAR = "FLOE_DAGSTER_URL"
TOKEN_ENV_VAR = "FLOE_DAGSTER_AUTH_TOKEN"
MAX_TIMEOUT_SECONDS = 10.0  # FR-020: a connection check answers within 10 seconds


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webserver base URL, or None when it can; never shows credentials."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # the message may quote the URL's netloc, credentials included
        credentials = userinfo(url)
        said = str(exc).replace(credentials, "***") if credentials else str(exc)
        return f"it cannot be parsed ({said})"
    if parts.scheme not in ("http", "https"):
        return "its scheme must be http or https"
    if "@" in parts.path + parts.query + parts.fragment:
        return (
            "an '@' follows its host. If it belongs to the user name or password, percent-encode "
            "it and any '/', '?' or '#' there (e.g. '@' as %40, '/' as %2F)"
        )
    if not parts.hostname:
        return "it names no host"
    try:
        port = parts.port
    except ValueError as exc:  # about the port alone: the credentials are before the '@'
        return f"it cannot be parsed ({exc})"
    if port == 0:
        return "port 0 is not a port a server listens on"
    return None


def userinfo(url: str) -> str:
    """The user name and password of ``url`` as typed (all before its last ``@``), or ``""``.

    Examples:
        >>> userinfo("http://admin:s3cret@dagster:3000")
        'admin:s3cret'
    """
    rest = url.partition("://")[2] if "://" in url else url
    credentials, at, _ = rest.rpartition("@")
    return credentials if at else ""


def display_url(url: str) -> str:
    """``url`` without user name, password, query or fragment: safe for messages and logs.

    Everything up to the URL's last ``@`` goes, not only what ``urlsplit`` reads as credentials,
    so that a password typed with a raw ``/``, ``?`` or ``#`` never shows. A URL that cannot be
    parsed is otherwise shown as typed, so that the message can say what is wrong with it.

    Examples:
        >>> display_url("http://admin:s3cret@dagster:3000/prefix/?q=1")
        'http://dagster:3000/prefix'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    shown = scheme + sep + rest.rpartition("@")[2]
    for mark in "?#":
        shown = shown.partition(mark)[0]
    try:
        parts = urlsplit(shown)
        port = parts.port
    except ValueError:
        return shown
    if not parts.scheme or not parts.hostname:
        return shown
    host = parts.hostname
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


class ConnectionSettings(BaseModel):
    """Where the Dagster webserver answers, how to authenticate, and how long to wait.

    Examples:
        >>> ConnectionSettings(url="http://dagster-webserver:80", timeout_seconds=5).resolve().url
        'http://dagster-webserver:80'
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    # hide_input_in_errors: no input shows in the error text, when this model is validated alone
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, hide_input_in_errors=True
    )

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

    @model_validator(mode="before")
    @classmethod
    def _hide_a_bad_url(cls, data: Any) -> Any:
        """Swap a bad URL for a stand-in that shows without credentials in pydantic's error text.

        pydantic prints each error's input; an enclosing model's ``hide_input_in_errors`` decides
        whether it does, not this one's, so the stand-in is what gets printed.
        """
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            problem = url_problem(data["url"])
            if problem is not None:
                return {**data, "url": _RedactedUrl(display_url(data["url"]), problem)}
        return data

    @field_validator("url", mode="before")
    @classmethod
    def _check_url(cls, value: object) -> object:
        if isinstance(value, _RedactedUrl):
            raise ValueError(
                f"`connection.url` {value.shown!r} is not a webserver URL: {value.problem}. "
                f"Give the base URL of dagster-webserver, e.g. {DEFAULT_WEBSERVER_URL}."
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
class _RedactedUrl:
    """A URL that failed validation: how it may be shown, and what is wrong with it."""

    shown: str
    problem: str

    def __repr__(self) -> str:
        return repr(self.shown)


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
