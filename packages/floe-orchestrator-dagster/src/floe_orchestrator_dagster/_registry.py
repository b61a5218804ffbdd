"""Finding orchestrators through floe-core's real ``PluginRegistry``.

floe-core's ``PluginNotFoundError`` says only "Plugin not found: ORCHESTRATOR:x"; US1 scenario 3
asks for the list of valid options, so loading by name goes through :func:`load_orchestrator`,
which lists every installed orchestrator with its version when the name is unknown.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from floe_orchestrator_dagster._errors import (
    AvailableOrchestrator,
    ManifestError,
    OrchestratorNotFoundError,
)

if TYPE_CHECKING:
    from floe_core.plugin_registry import PluginRegistry
    from floe_core.plugins.orchestrator import OrchestratorPlugin


_shared: list[PluginRegistry] = []
_shared_lock = threading.Lock()


def registry() -> PluginRegistry:
    """floe-core's registry, discovered once per process and shared by every capability.

    Discovery reads every installed entry point; lineage backends, compute, catalog and storage
    plugins are all looked up in this one registry.
    """
    with _shared_lock:
        if not _shared:
            from floe_core.plugin_registry import PluginRegistry

            found = PluginRegistry()
            found.discover_all()
            _shared.append(found)
        return _shared[0]


def _registry(registry: PluginRegistry | None) -> PluginRegistry:
    from floe_core.plugin_registry import PluginRegistry

    if registry is None:
        registry = PluginRegistry()
    registry.discover_all()
    return registry


def list_orchestrators(registry: PluginRegistry | None = None) -> list[AvailableOrchestrator]:
    """Every installed orchestrator plugin with its version and API compatibility.

    Incompatible plugins are listed too (``compatible=False``), so an operator sees why one that is
    installed cannot be used.

    Examples:
        >>> [o.name for o in list_orchestrators()]
        ['dagster']
    """
    from floe_core.plugin_errors import PluginIncompatibleError
    from floe_core.plugin_types import PluginType

    registry = _registry(registry)
    found: list[AvailableOrchestrator] = []
    for name in sorted(registry.list_all().get(PluginType.ORCHESTRATOR, [])):
        try:
            plugin = registry.get(PluginType.ORCHESTRATOR, name)
        except PluginIncompatibleError as exc:
            found.append(AvailableOrchestrator(name, "?", exc.required_version, False))
            continue
        except Exception:  # noqa: BLE001 - a broken third-party plugin must not hide the others
            continue
        found.append(AvailableOrchestrator(name, plugin.version, plugin.floe_api_version, True))
    return found


def read_orchestrator_selection(manifest_path: str | Path) -> tuple[str, dict[str, Any]]:
    """Read ``plugins.orchestrator`` (type and config) from a floe ``manifest.yaml``.

    Raises:
        ManifestError: the file is missing, is not YAML, or has no orchestrator type.
    """
    path = Path(manifest_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(
            f"Manifest not found: {path}. Pass the path of the platform's manifest.yaml."
        ) from None
    except OSError as exc:
        raise ManifestError(f"Cannot read manifest {path}: {exc.strerror}.") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ManifestError(
            f"The manifest {path} is not valid YAML{where}: {problem}. Fix the syntax."
        ) from None
    plugins = document.get("plugins") if isinstance(document, Mapping) else None
    selection = plugins.get("orchestrator") if isinstance(plugins, Mapping) else None
    if isinstance(selection, str):  # the short form `orchestrator: dagster`
        return selection, {}
    kind = selection.get("type") if isinstance(selection, Mapping) else None
    if not isinstance(kind, str) or not kind:
        raise ManifestError(
            f"The manifest {path} has no plugins.orchestrator.type. Add it, e.g. "
            "`plugins: {orchestrator: {type: dagster}}`."
        )
    config = selection.get("config") if isinstance(selection, Mapping) else None
    return kind, dict(config) if isinstance(config, Mapping) else {}


def load_orchestrator(
    manifest_path: str | Path, registry: PluginRegistry | None = None
) -> OrchestratorPlugin:
    """Resolve the orchestrator a floe ``manifest.yaml`` selects, configured from its ``config``.

    Args:
        manifest_path: Path of the platform's manifest.yaml.
        registry: A floe-core registry to use; a new one that discovers entry points by default.

    Returns:
        The orchestrator plugin instance from the registry.

    Raises:
        ManifestError: the manifest cannot be read or names no orchestrator.
        OrchestratorNotFoundError: the named orchestrator is not installed; lists those that are.
        floe_core.plugin_errors.PluginConfigurationError: ``plugins.orchestrator.config`` is
            invalid for the plugin.

    Examples:
        >>> load_orchestrator("manifest.yaml").name
        'dagster'
    """
    from floe_core.plugin_errors import PluginNotFoundError
    from floe_core.plugin_types import PluginType

    kind, config = read_orchestrator_selection(manifest_path)
    registry = _registry(registry)
    try:
        plugin = registry.get(PluginType.ORCHESTRATOR, kind)
    except PluginNotFoundError:
        raise OrchestratorNotFoundError(
            kind, list_orchestrators(registry), source=str(manifest_path)
        ) from None
    if config:
        registry.configure(PluginType.ORCHESTRATOR, kind, config)  # validates and configures
    return plugin  # type: ignore[return-value]  # the registry types it as PluginMetadata
