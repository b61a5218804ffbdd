"""US1 scenarios 1-2 with floe-core's real PluginRegistry and entry points."""

from __future__ import annotations

import pytest
from floe_core.plugin_registry import PluginRegistry
from floe_core.plugin_types import PluginType
from floe_core.plugins.orchestrator import OrchestratorPlugin
from floe_core.version_compat import FLOE_PLUGIN_API_VERSION, is_compatible

from floe_orchestrator_dagster import DagsterOrchestratorPlugin, list_orchestrators


@pytest.fixture
def registry() -> PluginRegistry:
    registry = PluginRegistry()
    registry.discover_all()
    return registry


def test_discover_all_finds_the_entry_point(registry: PluginRegistry):
    assert "dagster" in registry.list_all()[PluginType.ORCHESTRATOR]


def test_get_returns_our_plugin(registry: PluginRegistry):
    plugin = registry.get(PluginType.ORCHESTRATOR, "dagster")
    assert isinstance(plugin, DagsterOrchestratorPlugin)
    assert isinstance(plugin, OrchestratorPlugin)
    assert registry.get(PluginType.ORCHESTRATOR, "dagster") is plugin  # cached, one instance


def test_listing_shows_name_version_and_compatibility(registry: PluginRegistry):
    (plugin,) = [p for p in registry.list(PluginType.ORCHESTRATOR) if p.name == "dagster"]
    assert plugin.version == DagsterOrchestratorPlugin().version
    assert is_compatible(plugin.floe_api_version, FLOE_PLUGIN_API_VERSION)


def test_list_orchestrators_reports_version_and_compatibility(registry: PluginRegistry):
    (ours,) = [o for o in list_orchestrators(registry) if o.name == "dagster"]
    assert ours.version == DagsterOrchestratorPlugin().version
    assert ours.floe_api_version == FLOE_PLUGIN_API_VERSION
    assert ours.compatible is True


def test_register_runs_floe_cores_compatibility_check():
    """floe-core refuses incompatible plugins at register(); ours passes."""
    registry = PluginRegistry()
    registry.register(PluginType.ORCHESTRATOR, DagsterOrchestratorPlugin())
    assert registry.get(PluginType.ORCHESTRATOR, "dagster").name == "dagster"


def test_floe_core_refuses_an_incompatible_plugin(registry: PluginRegistry):
    from floe_core.plugin_errors import PluginIncompatibleError

    class FuturePlugin(DagsterOrchestratorPlugin):
        @property
        def name(self) -> str:
            return "future"

        @property
        def floe_api_version(self) -> str:
            return "9.0"

    with pytest.raises(PluginIncompatibleError, match=r"requires API v9\.0"):
        registry.register(PluginType.ORCHESTRATOR, FuturePlugin())
