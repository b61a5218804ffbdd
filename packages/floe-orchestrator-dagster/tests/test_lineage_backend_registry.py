"""The lineage backend comes from the process's one floe-core registry (issue 14).

Discovery reads every installed entry point; it happened again on every ``create_definitions``
(a third of a warm 500-model build). The shared registry's plugin instances are shared too, so
one product's backend configuration must never reach another's.
"""

from __future__ import annotations

from typing import Any

import pytest
from floe_core.plugin_registry import PluginRegistry

from floe_orchestrator_dagster._lineage.gateway import _backend_transport_config
from floe_orchestrator_dagster._registry import registry


def test_the_backend_is_found_without_a_second_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    registry()  # the process's registry, discovered once
    discoveries: list[Any] = []
    original = PluginRegistry.discover_all

    def counting(self: PluginRegistry) -> None:
        discoveries.append(self)
        original(self)

    monkeypatch.setattr(PluginRegistry, "discover_all", counting)

    first = _backend_transport_config("marquez", {"url": "https://one.example.com"})
    second = _backend_transport_config("marquez", {"url": "https://two.example.com"})

    assert discoveries == []
    assert first["url"].startswith("https://one.example.com")
    assert second["url"].startswith("https://two.example.com")


def test_an_earlier_products_configuration_never_reaches_an_unconfigured_backend() -> None:
    configured = _backend_transport_config("marquez", {"url": "https://one.example.com"})
    default = _backend_transport_config("marquez", None)

    assert configured["url"].startswith("https://one.example.com")
    assert "one.example.com" not in default["url"]
    fresh = PluginRegistry()
    fresh.discover_all()
    from floe_core.plugin_types import PluginType

    expected = fresh.get(PluginType.LINEAGE_BACKEND, "marquez").get_transport_config()
    assert default == expected
