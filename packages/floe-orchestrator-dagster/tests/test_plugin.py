"""The plugin's metadata, configuration, spans, and the capabilities not delivered yet."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from floe_core.plugin_metadata import HealthState
from floe_core.plugins.orchestrator import OrchestratorPlugin
from pydantic import ValidationError

from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig


@pytest.fixture
def plugin() -> DagsterOrchestratorPlugin:
    return DagsterOrchestratorPlugin()


def test_metadata(plugin: DagsterOrchestratorPlugin):
    assert plugin.name == "dagster"
    assert plugin.version == version("floe-orchestrator-dagster")
    assert plugin.floe_api_version == "1.0"
    assert "Dagster" in plugin.description


def test_implements_every_abstract_method():
    assert not getattr(DagsterOrchestratorPlugin, "__abstractmethods__", set())
    assert issubclass(DagsterOrchestratorPlugin, OrchestratorPlugin)


def test_config_schema_defaults(plugin: DagsterOrchestratorPlugin):
    assert plugin.get_config_schema() is DagsterPluginConfig
    assert plugin.config == DagsterPluginConfig()
    assert plugin.config.connection.url == "http://localhost:3000"


def test_config_schema_forbids_unknown_keys():
    with pytest.raises(ValidationError, match=r"connection\.urll"):
        DagsterPluginConfig.model_validate({"connection": {"urll": "x"}})


def test_configure_replaces_defaults(plugin: DagsterOrchestratorPlugin):
    plugin.configure(DagsterPluginConfig.model_validate({"connection": {"url": "http://d:3000"}}))
    assert plugin.is_configured
    assert plugin.config.connection.url == "http://d:3000"


def test_health_check_reflects_the_probe_and_opens_a_span(plugin: DagsterOrchestratorPlugin, spans):
    # nothing listens on port 1 of the loopback: the probe fails fast
    plugin.configure(
        DagsterPluginConfig.model_validate({"connection": {"url": "http://127.0.0.1:1"}})
    )
    status = plugin.health_check()
    assert status.state is HealthState.UNHEALTHY
    assert "127.0.0.1 port 1" in status.message
    assert "floe.orchestrator.dagster.health_check" in spans.names()
