"""The Dagster orchestrator plugin for the floe data platform.

Importing this package is cheap: Dagster, dagster-dbt, OpenLineage and httpx are imported only by
the methods that need them.
"""

from __future__ import annotations

__all__ = [
    "AvailableOrchestrator",
    "DagsterOrchestratorPlugin",
    "DagsterPluginConfig",
    "FloeDagsterError",
    "IcebergExportError",
    "LakehouseError",
    "LineageBackendError",
    "ManifestError",
    "OrchestratorNotFoundError",
    "ProductLoadError",
    "__version__",
    "list_orchestrators",
    "load_orchestrator",
    "load_product_definitions",
]

from floe_orchestrator_dagster._config import DagsterPluginConfig
from floe_orchestrator_dagster._errors import (
    AvailableOrchestrator,
    FloeDagsterError,
    IcebergExportError,
    LakehouseError,
    LineageBackendError,
    ManifestError,
    OrchestratorNotFoundError,
    ProductLoadError,
)
from floe_orchestrator_dagster._plugin import DagsterOrchestratorPlugin
from floe_orchestrator_dagster._product import load_product_definitions
from floe_orchestrator_dagster._registry import list_orchestrators, load_orchestrator


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-orchestrator-dagster")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
