"""US1 scenario 3: loading the orchestrator a manifest selects, with errors that list options."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from floe_core.plugin_errors import PluginConfigurationError
from floe_core.schemas.manifest import PlatformManifest

from floe_orchestrator_dagster import (
    DagsterOrchestratorPlugin,
    ManifestError,
    OrchestratorNotFoundError,
    load_orchestrator,
)


def test_fixture_is_a_real_floe_manifest(manifest_path: Path):
    manifest = PlatformManifest.model_validate(yaml.safe_load(manifest_path.read_text()))
    assert manifest.plugins.orchestrator is not None
    assert manifest.plugins.orchestrator.type == "dagster"


def test_loads_dagster_from_manifest(manifest_path: Path):
    plugin = load_orchestrator(manifest_path)
    assert isinstance(plugin, DagsterOrchestratorPlugin)
    assert plugin.is_configured is False


def test_manifest_config_configures_the_plugin(write_manifest):
    path = write_manifest(
        "  orchestrator:\n    type: dagster\n    config:\n"
        "      connection:\n        url: http://dagster.example:3000\n"
    )
    plugin = load_orchestrator(path)
    assert isinstance(plugin, DagsterOrchestratorPlugin)
    assert plugin.config.connection.url == "http://dagster.example:3000"


def test_invalid_config_names_the_field(write_manifest):
    path = write_manifest("  orchestrator:\n    type: dagster\n    config:\n      bogus_key: 1\n")
    with pytest.raises(PluginConfigurationError) as info:
        load_orchestrator(path)
    assert "bogus_key" in str(info.value.errors)


def test_unknown_orchestrator_lists_available_with_versions(write_manifest):
    path = write_manifest("  orchestrator:\n    type: airflow\n")
    with pytest.raises(OrchestratorNotFoundError) as info:
        load_orchestrator(path)
    version = DagsterOrchestratorPlugin().version
    message = str(info.value)
    assert "Unknown orchestrator 'airflow'" in message
    assert f"Valid options: dagster {version}" in message
    assert str(path) in message
    assert [o.name for o in info.value.available] == ["dagster"]


def test_short_form_orchestrator_string(write_manifest):
    path = write_manifest("  orchestrator: dagster\n")
    assert load_orchestrator(path).name == "dagster"


def test_missing_manifest(tmp_path: Path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ManifestError, match=r"Manifest not found: .*nope\.yaml"):
        load_orchestrator(missing)


def test_invalid_yaml_names_line(tmp_path: Path):
    path = tmp_path / "manifest.yaml"
    path.write_text("plugins:\n  orchestrator: [dagster\n")
    with pytest.raises(ManifestError, match=r"is not valid YAML at line \d+, column \d+"):
        load_orchestrator(path)


def test_manifest_without_orchestrator_explains_the_fix(write_manifest):
    path = write_manifest("")
    with pytest.raises(ManifestError) as info:
        load_orchestrator(path)
    assert "has no plugins.orchestrator.type" in str(info.value)
    assert "type: dagster" in str(info.value)


def test_not_found_error_without_any_orchestrator():
    error = OrchestratorNotFoundError("airflow", [])
    assert "No orchestrator plugin is installed" in str(error)
