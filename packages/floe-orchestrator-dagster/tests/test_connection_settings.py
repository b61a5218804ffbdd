"""ConnectionSettings: validation, and where the URL and the token come from."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from floe_orchestrator_dagster import DagsterPluginConfig
from floe_orchestrator_dagster._connection.settings import (
    ConnectionSettings,
    display_url,
    url_problem,
)


def test_defaults():
    resolved = ConnectionSettings().resolve()
    assert (resolved.url, resolved.source) == ("http://localhost:3000", "the default")
    assert resolved.token is None
    assert resolved.timeout_seconds == 10.0


def test_the_environment_overrides_the_default(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", " http://dagster:80 ")
    resolved = ConnectionSettings().resolve()
    assert (resolved.url, resolved.source) == ("http://dagster:80", "FLOE_DAGSTER_URL")


def test_an_explicit_config_url_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", "http://from-env:3000")
    config = DagsterPluginConfig.model_validate({"connection": {"url": "http://localhost:3000"}})
    resolved = config.connection.resolve()
    assert (resolved.url, resolved.source) == ("http://localhost:3000", "connection.url")


def test_the_command_line_wins_over_everything(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", "http://from-env:3000")
    resolved = ConnectionSettings(url="http://from-config:3000").resolve("http://cli:1")
    assert (resolved.url, resolved.source) == ("http://cli:1", "--url")


def test_an_empty_environment_variable_is_ignored(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", "  ")
    assert ConnectionSettings().resolve().source == "the default"


def test_token_precedence(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_AUTH_TOKEN", "from-env")
    assert ConnectionSettings().resolve().token == "from-env"
    assert ConnectionSettings(auth_token=SecretStr("from-config")).resolve().token == "from-config"


def test_the_token_is_hidden_in_reprs():
    settings = ConnectionSettings(auth_token=SecretStr("hunter2-token"))
    assert "hunter2-token" not in repr(settings)
    assert "hunter2-token" not in repr(settings.resolve())
    assert "token='**********'" in repr(settings.resolve())
    assert "token=None" in repr(ConnectionSettings().resolve())


@pytest.mark.parametrize("timeout", [0, -1, 10.5, 60])
def test_the_timeout_is_bounded_by_10_seconds(timeout):
    with pytest.raises(ValidationError, match="timeout_seconds"):
        ConnectionSettings(timeout_seconds=timeout)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("localhost:3000", "its scheme must be http or https"),
        ("ftp://dagster", "its scheme must be http or https"),
        ("http://", "it names no host"),
        ("http://dagster:0", "port 0 is not a port a server listens on"),
        ("http://dagster:99999", "it cannot be parsed (Port out of range 0-65535)"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(url, problem):
    assert url_problem(url) == problem
    with pytest.raises(ValidationError) as raised:
        DagsterPluginConfig.model_validate({"connection": {"url": url}})
    message = str(raised.value)
    assert f"`connection.url` {url!r} is not a webserver URL: {problem}" in message
    assert "e.g. http://localhost:3000" in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pw@dagster:3000/prefix/?q=1#f", "http://dagster:3000/prefix"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("http://dagster", "http://dagster"),
        ("user:pw@nohost", "nohost"),
    ],
)
def test_display_url_drops_credentials_query_and_fragment(url, shown):
    assert display_url(url) == shown
