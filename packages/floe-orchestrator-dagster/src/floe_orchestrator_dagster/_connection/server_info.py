"""What a Dagster webserver answers, and which Dagster versions this plugin supports.

The one place that knows the webserver's wire format, so that a change between Dagster releases is
handled here and nowhere else. Checked on dagster-webserver 1.10.21, 1.12.22 and 1.13 (the same
answers on all three)::

    GET  /server_info                    {"dagster_webserver_version": "1.12.22",
                                          "dagster_version": "1.12.22",
                                          "dagster_graphql_version": "1.12.22"}
    POST /graphql  {"query": "{ version }"}   {"data": {"version": "1.12.22"}}

``/dagit_info`` is a deprecated alias of ``/server_info``; webservers before Dagster 1.4 (``dagit``)
answered ``dagit_version`` instead of ``dagster_webserver_version``, which is still recognised so
that an old server earns a version warning rather than "not Dagster". A source checkout of Dagster
reports the version ``1!0+dev``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

SERVER_INFO_PATH = "/server_info"
GRAPHQL_PATH = "/graphql"
VERSION_QUERY = "{ version }"
SUPPORTED_RANGE = ">=1.10,<1.14"
_SUPPORTED_MIN = (1, 10)
_SUPPORTED_BELOW = (1, 14)
_RELEASE = re.compile(r"^(\d+)\.(\d+)\.")
_EXCERPT_CHARS = 160


class NotDagsterError(ValueError):
    """The server answered, but not the way a Dagster webserver does; the message says how."""


@dataclass(frozen=True)
class ServerInfo:
    """The versions a Dagster webserver reports on ``/server_info``."""

    dagster_version: str
    webserver_version: str


def excerpt(text: str) -> str:
    """The start of a response body on one line, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 3] + "..."


def _json_object(body: str, content_type: str, what: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError:
        kind = content_type.split(";")[0].strip() or "a body without a content type"
        raise NotDagsterError(
            f"{what} returned {kind} ({excerpt(body)!r}), not the JSON a Dagster webserver returns"
        ) from None
    if not isinstance(payload, dict):
        raise NotDagsterError(f"{what} returned JSON that is not an object ({excerpt(body)!r})")
    return payload


def parse_server_info(body: str, content_type: str) -> ServerInfo:
    """Read a ``/server_info`` answer; raises NotDagsterError when it is not Dagster's."""
    payload = _json_object(body, content_type, f"GET {SERVER_INFO_PATH}")
    dagster_version = payload.get("dagster_version")
    webserver_version = payload.get("dagster_webserver_version", payload.get("dagit_version"))
    if not isinstance(dagster_version, str) or not isinstance(webserver_version, str):
        keys = ", ".join(sorted(map(str, payload))) or "none"
        raise NotDagsterError(
            f"GET {SERVER_INFO_PATH} returned JSON without the dagster_version and "
            f"dagster_webserver_version fields a Dagster webserver reports (its keys: {keys})"
        )
    return ServerInfo(dagster_version=dagster_version, webserver_version=webserver_version)


def parse_graphql_version(body: str, content_type: str) -> str:
    """Read the answer to the GraphQL ``{ version }`` query; raises NotDagsterError otherwise."""
    payload = _json_object(body, content_type, f"POST {GRAPHQL_PATH}")
    data = payload.get("data")
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, str):
        return version
    errors = payload.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0].get("message", errors[0]) if isinstance(errors[0], dict) else errors[0]
        raise NotDagsterError(
            f"POST {GRAPHQL_PATH} answered the query {VERSION_QUERY} with the error {first!r}"
        )
    raise NotDagsterError(
        f"POST {GRAPHQL_PATH} answered the query {VERSION_QUERY} without data.version "
        f"({excerpt(body)!r})"
    )


def version_warning(version: str, where: str) -> str | None:
    """A warning when the Dagster ``version`` of the server at ``where`` is not supported."""
    match = _RELEASE.match(version)
    if match is None:
        return (
            f"The Dagster webserver at {where} reports the version {version!r}, which is not a "
            f"release number (a development build?): this plugin is tested with Dagster "
            f"{SUPPORTED_RANGE} only. Run a released Dagster in that range to be on tested ground."
        )
    release = (int(match[1]), int(match[2]))
    if _SUPPORTED_MIN <= release < _SUPPORTED_BELOW:
        return None
    direction = "older" if release < _SUPPORTED_MIN else "newer"
    return (
        f"The Dagster webserver at {where} runs Dagster {version}, {direction} than this plugin "
        f"supports ({SUPPORTED_RANGE}). Deploy a Dagster version in that range (the Helm chart's "
        f"default is supported), or use a floe-orchestrator-dagster release that supports "
        f"Dagster {release[0]}.{release[1]}."
    )
