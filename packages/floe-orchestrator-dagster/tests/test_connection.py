"""validate_connection and health_check against local servers that fail in every way (FR-019-021).

The servers are real sockets on 127.0.0.1 (see fault_servers.py); the success path against a real
dagster-webserver is in test_connection_webserver.py.
"""

from __future__ import annotations

import logging
import time

import pytest
from floe_core.plugin_metadata import HealthState

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
import fault_servers
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._connection import (
    ConnectionSettings,
    health_check,
    validate_connection,
)

servers = fault_servers
TOKEN = "s3cr3t-T0KEN-value-42"


@pytest.fixture
def scripted():
    with servers.ScriptedServer().running() as server:
        yield server


def probe(url: str, **settings):
    started = time.monotonic()
    result = validate_connection(ConnectionSettings(url=url, **settings))
    return result, time.monotonic() - started


def closed_port_url() -> str:
    return f"http://127.0.0.1:{dagster_server.free_port()}"


# -- success and version range ------------------------------------------------------------------


def test_a_dagster_answer_is_a_success(scripted):
    result, elapsed = probe(scripted.url)
    assert result.success, result.message
    assert result.message == (
        f"The Dagster webserver at {scripted.url} (URL from connection.url) answers: "
        "Dagster 1.12.22 (dagster-webserver 1.12.22)."
    )
    assert result.errors == []
    assert result.warnings == []
    assert elapsed < 2
    assert [(r.method, r.path) for r in scripted.received] == [
        ("GET", "/server_info"),
        ("POST", "/graphql"),
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.9.3", "runs Dagster 1.9.3, older than this plugin supports (>=1.10,<1.14)"),
        ("1.14.0", "runs Dagster 1.14.0, newer than this plugin supports (>=1.10,<1.14)"),
        ("1!0+dev", "reports the version '1!0+dev', which is not a release number"),
    ],
)
def test_a_version_outside_the_range_is_a_warning(scripted, version, expected):
    scripted.replies = servers.dagster_replies(version)
    result, _ = probe(scripted.url)
    assert result.success
    assert len(result.warnings) == 1
    assert expected in result.warnings[0]
    assert result.warnings[0].startswith(f"The Dagster webserver at {scripted.url} ")
    health = health_check(ConnectionSettings(url=scripted.url), "0.1.0")
    assert health.state is HealthState.DEGRADED
    assert expected in health.message


@pytest.mark.parametrize("version", ["1.10.0", "1.11.7", "1.13.27"])
def test_supported_versions_have_no_warning(scripted, version):
    scripted.replies = servers.dagster_replies(version)
    result, _ = probe(scripted.url)
    assert result.success
    assert result.warnings == []


def test_a_trailing_slash_and_a_path_prefix_are_kept(scripted):
    scripted.replies = {
        ("GET", "/dagster/server_info"): scripted.replies[("GET", "/server_info")],
        ("POST", "/dagster/graphql"): scripted.replies[("POST", "/graphql")],
    }
    result, _ = probe(scripted.url + "/dagster/")
    assert result.success, result.message
    result, _ = probe(scripted.url + "/dagster?from=bookmark#top")
    assert result.success, result.message


# -- unreachable ----------------------------------------------------------------------------------


def test_nothing_listening_fails_fast_naming_host_and_port():
    url = closed_port_url()
    port = url.rsplit(":", 1)[1]
    result, elapsed = probe(url)
    assert not result.success
    assert elapsed < 1.0
    assert result.message.startswith(
        f"Connection refused by 127.0.0.1 port {port}: nothing listens"
    )
    assert "Check that dagster-webserver is running" in result.message
    assert f"port-forward svc/<release>-floe-dagster-webserver {port}:3000)" in result.message
    assert "connection.url in the plugin config" in result.message
    assert result.errors == [result.message]


def test_an_unknown_host_is_a_dns_failure():
    result, elapsed = probe("http://dagster-webserver.invalid:3000")
    assert not result.success
    assert elapsed < 10
    assert result.message.startswith(
        "Cannot resolve the host name 'dagster-webserver.invalid' of "
        "http://dagster-webserver.invalid:3000 (URL from connection.url): "
    )
    assert "use the webserver Service's name" in result.message


@pytest.mark.slow
def test_a_server_that_never_answers_times_out_within_10_seconds():
    """SC-004: the one test that waits for the full 10-second budget."""
    with servers.silent_server() as url:
        result, elapsed = probe(url)
    assert elapsed <= 10.5
    assert elapsed >= 9.0  # it did wait: the bound is the budget, not an early give-up
    assert not result.success
    assert result.message == (
        f"The Dagster webserver at {url} (URL from connection.url) accepted the connection but "
        "did not answer GET /server_info within 10 s. The webserver may be hung or overloaded "
        "(check its logs and CPU), or a service other than dagster-webserver holds that port."
    )


def test_the_budget_holds_against_a_server_that_drips_bytes():
    """httpx read timeouts restart with every byte; the overall deadline does not."""
    with servers.dripping_server() as url:
        result, elapsed = probe(url, timeout_seconds=1)
    assert 0.9 <= elapsed < 1.5
    assert not result.success
    assert "did not answer GET /server_info within 1 s" in result.message


def test_health_check_honours_a_short_timeout():
    with servers.silent_server() as url:
        started = time.monotonic()
        health = health_check(ConnectionSettings(url=url), "0.1.0", timeout=0.5)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0
    assert health.state is HealthState.UNHEALTHY
    assert "within 0.5 s" in health.message
    assert health.details["outcome"] == "timeout"


# -- answers that are not a Dagster webserver -----------------------------------------------------


def test_http_5xx_names_status_and_body(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        503, "<html><body>\n  upstream connect error  </body></html>", "text/html"
    )
    result, _ = probe(scripted.url)
    assert not result.success
    assert result.message == (
        f"The server at {scripted.url} (URL from connection.url) answered GET /server_info with "
        "HTTP 503 Service Unavailable: '<html><body> upstream connect error </body></html>'. "
        "The webserver, or a proxy in front of it, failed: check dagster-webserver's logs (a "
        "502, 503 or 504 from an ingress often means its backend is down)."
    )


def test_http_404_hints_at_the_path_prefix(scripted):
    result, _ = probe(scripted.url + "/elsewhere")
    assert not result.success
    assert "answered GET /server_info with HTTP 404 Not Found: 'Not Found'" in result.message
    assert "includes its --path-prefix" in result.message


def test_http_401_without_a_token_says_how_to_set_one(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(401, "", "text/plain")
    result, _ = probe(scripted.url)
    assert "HTTP 401 Unauthorized. It asks for credentials" in result.message
    assert "connection.auth_token in the plugin config or FLOE_DAGSTER_AUTH_TOKEN" in result.message


def test_a_redirect_is_not_followed(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        302, "", "text/plain", {"location": "https://login.example.invalid/oauth?state=xyz"}
    )
    result, _ = probe(scripted.url)
    assert not result.success
    assert "HTTP 302 Found. It redirects to https://login.example.invalid/oauth:" in result.message
    assert "xyz" not in result.message


def test_other_4xx_codes_point_at_the_url(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(418, "teapot", "text/plain")
    result, _ = probe(scripted.url)
    assert "HTTP 418 I'm a Teapot: 'teapot'. Check the URL and any proxy" in result.message


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            ("<!doctype html><title>Grafana</title>", "text/html; charset=utf-8"),
            "GET /server_info returned text/html ('<!doctype html><title>Grafana</title>'), "
            "not the JSON a Dagster webserver returns",
        ),
        (
            ('{"status": "ok"}', "application/json"),
            "GET /server_info returned JSON without the dagster_version and "
            "dagster_webserver_version fields a Dagster webserver reports (its keys: status)",
        ),
        (('["x"]', "application/json"), "GET /server_info returned JSON that is not an object"),
    ],
)
def test_a_server_that_is_not_dagster(scripted, reply, reason):
    scripted.replies[("GET", "/server_info")] = servers.Reply(200, reply[0], reply[1])
    result, _ = probe(scripted.url)
    assert not result.success
    assert result.message.startswith(
        f"The server at {scripted.url} (URL from connection.url) answered, but it is not a "
        f"Dagster webserver: {reason}"
    )
    assert result.message.endswith(
        "Check that the URL points at dagster-webserver (port 3000 by default, also behind the "
        "floe-dagster chart's Service), not another service; set it in connection.url in the "
        "plugin config."
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '{"errors": [{"message": "Cannot query field"}]}',
            "POST /graphql answered the query { version } with the error 'Cannot query field'",
        ),
        ('{"data": {}}', "POST /graphql answered the query { version } without data.version"),
    ],
)
def test_a_graphql_endpoint_without_version_is_not_dagster(scripted, body, reason):
    scripted.replies[("POST", "/graphql")] = servers.Reply(200, body)
    result, _ = probe(scripted.url)
    assert not result.success
    assert reason in result.message


def test_graphql_http_errors_are_reported_with_their_stage(scripted):
    scripted.replies[("POST", "/graphql")] = servers.Reply(500, "boom", "text/plain")
    result, _ = probe(scripted.url)
    assert "answered POST /graphql with HTTP 500 Internal Server Error: 'boom'" in result.message


# -- TLS ------------------------------------------------------------------------------------------


def test_https_to_a_plain_http_port_says_use_http(scripted):
    url = scripted.url.replace("http://", "https://")
    result, _ = probe(url)
    assert not result.success
    assert result.message.startswith(
        f"TLS handshake with 127.0.0.1 port {scripted.server_address[1]} failed"
    )
    assert "does not speak TLS: use an http:// URL in connection.url" in result.message


@pytest.fixture
def certificates(tmp_path):
    return servers.make_certificates(tmp_path)


@pytest.fixture
def tls_server(certificates):
    with servers.ScriptedServer(tls=certificates.server_context()).running() as server:
        yield server


def test_an_untrusted_certificate_says_how_to_trust_it(tls_server):
    result, _ = probe(tls_server.url)
    assert not result.success
    assert "certificate verify failed" in result.message
    assert (
        "If it is signed by a private CA, point SSL_CERT_FILE at that CA's bundle" in result.message
    )


def test_trusting_the_ca_as_advised_succeeds(tls_server, certificates, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca))
    result, _ = probe(tls_server.url)
    assert result.success, result.message


def test_plain_http_to_a_tls_port_says_use_https(tls_server):
    result, _ = probe(tls_server.url.replace("https://", "http://"))
    assert not result.success
    assert "closed the connection without an HTTP answer to GET /server_info" in result.message
    assert "If it serves TLS use an https:// URL" in result.message


# -- the token ------------------------------------------------------------------------------------


def test_the_token_is_a_header_and_never_in_messages_logs_or_spans(scripted, caplog, spans):
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        400, "bad header: {authorization}", "text/plain"
    )
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(
        DagsterPluginConfig.model_validate(
            {"connection": {"url": scripted.url, "auth_token": TOKEN}}
        )
    )
    with caplog.at_level(logging.DEBUG):
        result = plugin.validate_connection()
    assert scripted.received[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert not result.success
    assert "'bad header: Bearer **********'" in result.message  # the server echoed it: scrubbed
    texts = [result.message, *result.errors, *result.warnings, caplog.text]
    texts += [str(value) for span in spans.finished for value in span.attributes.values()]
    texts.append(repr(plugin.config.connection.resolve()))
    assert caplog.records, "the probe logs its outcome"
    assert all(TOKEN not in text for text in texts)


def test_a_rejected_token_is_named_as_such(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(403, "forbidden", "text/plain")
    result, _ = probe(scripted.url, auth_token=TOKEN)
    assert "HTTP 403 Forbidden: 'forbidden'. The token sent was rejected" in result.message
    assert TOKEN not in result.message


def test_the_token_can_come_from_the_environment(scripted, monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_AUTH_TOKEN", TOKEN)
    result, _ = probe(scripted.url)
    assert result.success
    assert scripted.received[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_credentials_in_the_url_are_not_repeated(scripted):
    url = scripted.url.replace("http://", "http://admin:hunter2@")
    scripted.replies[("GET", "/server_info")] = servers.Reply(500, "", "text/plain")
    result, _ = probe(url)
    assert "hunter2" not in result.message
    assert "admin" not in result.message
    assert f"The server at {scripted.url} (URL from connection.url)" in result.message


# -- spans and the plugin -------------------------------------------------------------------------


def test_validate_connection_span_carries_the_outcome(spans):
    url = closed_port_url()
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": url}}))
    result = plugin.validate_connection()
    assert not result.success
    span = spans.named("floe.orchestrator.dagster.validate_connection")
    assert span.attributes["floe.dagster.webserver.url"] == url
    assert span.attributes["floe.dagster.webserver.url_source"] == "connection.url"
    assert span.attributes["floe.dagster.probe.outcome"] == "refused"
    assert span.attributes["floe.dagster.probe.timeout_s"] == 10.0
    assert span.status.status_code.name == "ERROR"
    assert span.status.description == "refused"


def test_a_successful_span_names_the_version(scripted, spans):
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": scripted.url}}))
    assert plugin.validate_connection().success
    span = spans.named("floe.orchestrator.dagster.validate_connection")
    assert span.attributes["floe.dagster.version"] == "1.12.22"
    assert span.attributes["floe.dagster.probe.outcome"] == "ok"
    assert span.status.status_code.name == "UNSET"


def test_health_check_reflects_the_probe(scripted, spans):
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": scripted.url}}))
    health = plugin.health_check()
    assert health.state is HealthState.HEALTHY
    assert health.message.startswith(f"dagster orchestrator plugin {plugin.version}: ")
    assert health.details["dagster_version"] == "1.12.22"
    assert health.details["webserver_url"] == scripted.url
    span = spans.named("floe.orchestrator.dagster.health_check")
    assert span.attributes["floe.dagster.probe.timeout_s"] == 5.0


def test_health_check_is_unhealthy_when_nothing_listens():
    url = closed_port_url()
    health = health_check(ConnectionSettings(url=url), "0.1.0")
    assert health.state is HealthState.UNHEALTHY
    assert health.message.startswith("dagster orchestrator plugin 0.1.0: Connection refused by")
    assert health.details["outcome"] == "refused"


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_health_check_rejects_a_nonsense_timeout(timeout):
    with pytest.raises(ValueError, match=r"positive number of seconds, got -?[01]"):
        health_check(ConnectionSettings(), "0.1.0", timeout=timeout)


def test_an_invalid_url_from_the_environment_is_a_failure(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", "dagster:3000")
    result = validate_connection(ConnectionSettings())
    assert not result.success
    assert result.message == (
        "'dagster:3000' (URL from FLOE_DAGSTER_URL) is not a webserver URL: its scheme must be "
        "http or https. Give the base URL of dagster-webserver in FLOE_DAGSTER_URL, e.g. "
        "http://localhost:3000."
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://exa\x00mple", "Invalid non-printable ASCII character in URL"),
        ("http://" + "a" * 70 + ".invalid", "label empty or too long"),
    ],
)
def test_a_url_httpx_cannot_use_is_a_failure_not_a_crash(url, problem):
    result, _ = probe(url)
    assert not result.success
    assert (
        "(URL from connection.url) is not a webserver URL: httpx cannot use it (" in result.message
    )
    assert problem in result.message


def test_a_bug_inside_the_probe_surfaces_as_an_exception(monkeypatch):
    """Only connection problems become results; a programming error is not hidden as one."""
    from floe_orchestrator_dagster._connection import probe as probe_module

    def broken(*args):
        raise RuntimeError("bug in the probe")

    monkeypatch.setattr(probe_module, "_requests", broken)
    with pytest.raises(RuntimeError, match="bug in the probe"):
        validate_connection(ConnectionSettings(url=closed_port_url()))
