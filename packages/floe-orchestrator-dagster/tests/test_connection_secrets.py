"""No connection message, log line, span or CLI output shows a URL's credentials or the token.

Each case plants a password in the URL (and a token, where one is sent) and greps everything the
connection family says about it.
"""

from __future__ import annotations

import base64
import inspect
import logging

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
import fault_servers
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._cli import main
from floe_orchestrator_dagster._connection import ConnectionSettings, validate_connection
from floe_orchestrator_dagster._connection.settings import display_url, url_problem

servers = fault_servers
USER = "admin"
PASSWORD = "hunter2-Pa55word"
TOKEN = "s3cr3t-T0KEN-value-42"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
PLANTED = (PASSWORD, f"{USER}:{PASSWORD}", BASIC, TOKEN)


@pytest.fixture
def scripted():
    with servers.ScriptedServer().running() as server:
        yield server


def with_credentials(url: str, password: str = PASSWORD) -> str:
    return url.replace("://", f"://{USER}:{password}@", 1)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in PLANTED:
            assert secret not in text, f"{secret!r} shown in: {text}"


def invoke(*args: str):
    if "mix_stderr" in inspect.signature(CliRunner).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False).invoke(main, list(args))
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("url", "shown", "problem"),
    [
        (
            f"http://{USER}:{PASSWORD}@dagster:99999",
            "'http://dagster:99999'",
            "it cannot be parsed (Port out of range 0-65535)",
        ),
        (f"{USER}:{PASSWORD}@dagster:3000", "'dagster:3000'", "its scheme must be http or https"),
        (
            f"http://{USER}:{PASSWORD}/x@dagster:3000",  # a raw '/' in the password
            "'http://dagster:3000'",
            "an '@' follows its host. If it belongs to the user name or password, percent-encode "
            "it and any '/', '?' or '#' there (e.g. '@' as %40, '/' as %2F)",
        ),
    ],
)
def test_an_invalid_url_is_shown_without_its_credentials(url, shown, problem, caplog):
    with caplog.at_level(logging.DEBUG):
        result = validate_connection(ConnectionSettings(), url=url)
    assert result.message.startswith(f"{shown} (URL from --url) is not a webserver URL: {problem}.")
    cli = invoke("validate-connection", "--url", url)
    assert cli.exit_code == 2
    assert cli.stderr.startswith(f"error: {shown} (from --url) is not a webserver URL: {problem}.")
    with pytest.raises(ValidationError) as raised:
        DagsterPluginConfig.model_validate({"connection": {"url": url}})
    assert f"`connection.url` {shown} is not a webserver URL: {problem}" in str(raised.value)
    assert_no_secret(result.message, caplog.text, cli.stdout, cli.stderr, str(raised.value))


def test_url_problem_never_quotes_credentials():
    """urlsplit's own error quotes the netloc, credentials included; ours does not."""
    problem = url_problem(f"http://{USER}:{PASSWORD}@dag\uff03ster:3000")
    assert problem is not None
    assert problem.startswith("it cannot be parsed (netloc '***@dag")
    assert_no_secret(problem)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://admin:hun/ter2@dagster:3000/", "http://dagster:3000"),
        ("http://admin:a?b#c@dagster:3000", "http://dagster:3000"),
        ("http://admin@dagster", "http://dagster"),
        ("http://", "http://"),
        ("http://admin:pw@dagster:99999?token=1", "http://dagster:99999"),
    ],
)
def test_display_url_drops_everything_before_the_last_at(url, shown):
    assert display_url(url) == shown


def test_credentials_are_sent_as_basic_auth_and_logged_nowhere(scripted, caplog, spans):
    url = with_credentials(scripted.url)
    with caplog.at_level(logging.DEBUG):
        result = validate_connection(ConnectionSettings(url=url))
    assert result.success, result.message
    assert [r.headers["Authorization"] for r in scripted.received] == [f"Basic {BASIC}"] * 2
    assert "HTTP Request: GET http://127.0.0.1:" in caplog.text  # httpx logs the URL it used
    span_texts = [str(v) for span in spans.finished for v in span.attributes.values()]
    assert_no_secret(result.message, caplog.text, *span_texts)


def test_an_echoed_basic_header_is_scrubbed(scripted, caplog):
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        400, "bad header: {authorization}", "text/plain"
    )
    with caplog.at_level(logging.DEBUG):
        result = validate_connection(ConnectionSettings(url=with_credentials(scripted.url)))
    assert "'bad header: Basic **********'" in result.message
    assert_no_secret(result.message, caplog.text)


def test_failures_from_every_entry_point_hide_credentials_and_token(scripted, monkeypatch, spans):
    """Refused, DNS, HTTP errors and version warnings, through the plugin, health and the CLI."""
    monkeypatch.setenv("FLOE_DAGSTER_AUTH_TOKEN", TOKEN)
    scripted.replies = servers.dagster_replies("1.9.0")
    urls = [
        with_credentials(f"http://127.0.0.1:{dagster_server.free_port()}"),
        with_credentials("http://dagster-webserver.invalid:3000"),
        with_credentials(scripted.url + "/elsewhere"),
        with_credentials(scripted.url),
    ]
    texts: list[str] = []
    for url in urls:
        plugin = DagsterOrchestratorPlugin()
        plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": url}}))
        result = plugin.validate_connection()
        health = plugin.health_check()
        cli = invoke("validate-connection", "--url", url)
        texts += [result.message, *result.errors, *result.warnings, health.message]
        texts += [str(value) for value in health.details.values()]
        texts += [cli.stdout, cli.stderr, repr(plugin.config.connection.resolve())]
    texts += [str(v) for span in spans.finished for v in span.attributes.values()]
    assert any("older than this plugin supports" in text for text in texts)
    assert any("Connection refused" in text for text in texts)
    assert_no_secret(*texts)


def test_a_proxy_the_probe_cannot_use_is_named_without_credentials(monkeypatch):
    monkeypatch.setenv("ALL_PROXY", f"socks5://{USER}:{PASSWORD}@proxy.example:1080")
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    result = validate_connection(ConnectionSettings(url="http://dagster:3000"))
    assert not result.success
    assert result.message == (
        "ALL_PROXY sets the proxy 'socks5://proxy.example:1080' for http://dagster:3000 (URL from "
        "connection.url), but the connection check supports only http:// and https:// proxies. "
        "Set an http:// proxy in ALL_PROXY, or add the host to NO_PROXY."
    )
    assert_no_secret(result.message)


def test_proxy_credentials_are_sent_to_the_proxy_and_shown_nowhere(scripted, monkeypatch, caplog):
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", with_credentials(scripted.url))
    target = "http://dagster-webserver.invalid:3000"
    scripted.replies = {
        ("GET", f"{target}/server_info"): servers.Reply(
            407, "proxy says: {proxy-authorization}", "text/plain"
        )
    }
    with caplog.at_level(logging.DEBUG):
        result = validate_connection(ConnectionSettings(url=target))
    assert scripted.received[0].headers["Proxy-Authorization"] == f"Basic {BASIC}"
    assert result.message.startswith(
        f"The server at {target} (URL from connection.url, through the proxy {scripted.url} from "
        "HTTP_PROXY) answered GET /server_info with HTTP 407 Proxy Authentication Required: "
        "'proxy says: Basic **********'. The proxy asks for credentials: give them in its URL "
        "in HTTP_PROXY (http://user:password@host:port)."
    )
    assert_no_secret(result.message, caplog.text)
