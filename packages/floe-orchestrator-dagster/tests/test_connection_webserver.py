"""SC-004 success: validate_connection, health_check and the CLI against a real dagster-webserver.

One webserver per module (it takes 5 to 10 s to start), run by the interpreter that runs the tests,
so each Dagster of the nox matrix is checked against its own webserver.
"""

from __future__ import annotations

import inspect
import time
from importlib.metadata import version

import httpx
import pytest
from click.testing import CliRunner
from floe_core.plugin_metadata import HealthState

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._cli import main
from floe_orchestrator_dagster._connection import ConnectionSettings, validate_connection
from floe_orchestrator_dagster._connection.server_info import (
    parse_graphql_version,
    parse_server_info,
)

pytestmark = pytest.mark.slow
DAGSTER = version("dagster")


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    with dagster_server.running_webserver(tmp_path_factory.mktemp("dagster")) as server:
        yield server


def test_the_wire_format_is_what_server_info_expects(webserver):
    """Guards _connection/server_info.py: what this Dagster's webserver actually answers."""
    info = httpx.get(f"{webserver.url}/server_info", timeout=5)
    parsed = parse_server_info(info.text, info.headers["content-type"])
    assert parsed.dagster_version == DAGSTER
    assert parsed.webserver_version == version("dagster-webserver")
    query = httpx.post(f"{webserver.url}/graphql", json={"query": "{ version }"}, timeout=5)
    assert parse_graphql_version(query.text, query.headers["content-type"]) == DAGSTER


def test_a_running_webserver_validates_within_10_seconds(webserver):
    started = time.monotonic()
    result = validate_connection(ConnectionSettings(url=webserver.url))
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert result.success, result.message
    assert result.message == (
        f"The Dagster webserver at {webserver.url} (URL from connection.url) answers: "
        f"Dagster {DAGSTER} (dagster-webserver {version('dagster-webserver')})."
    )
    assert result.warnings == []
    assert result.errors == []


def test_the_plugin_validates_and_is_healthy(webserver, spans):
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": webserver.url}}))
    assert plugin.validate_connection().success
    health = plugin.health_check()
    assert health.state is HealthState.HEALTHY
    assert health.details["dagster_version"] == DAGSTER
    span = spans.named("floe.orchestrator.dagster.validate_connection")
    assert span.attributes["floe.dagster.probe.outcome"] == "ok"
    assert span.attributes["floe.dagster.version"] == DAGSTER
    assert span.attributes["floe.dagster.probe.elapsed_ms"] < 10_000


def _runner() -> CliRunner:
    if "mix_stderr" in inspect.signature(CliRunner).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False)
    return CliRunner()


def test_cli_exits_0_with_the_url_option(webserver):
    result = _runner().invoke(main, ["validate-connection", "--url", webserver.url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"The Dagster webserver at {webserver.url} (URL from --url) answers: Dagster {DAGSTER} "
        f"(dagster-webserver {version('dagster-webserver')}).\n"
    )
    assert result.stderr == ""


def test_cli_reads_the_url_from_the_environment(webserver, monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", webserver.url)
    result = _runner().invoke(main, ["validate-connection"])
    assert result.exit_code == 0, result.stderr
    assert f"{webserver.url} (URL from FLOE_DAGSTER_URL) answers" in result.stdout
