"""Errors raised by the floe-dagster facade.

Hierarchy::

    FloeDagsterError                    base of everything this package raises on purpose
    ├── ManifestError (ValueError)      a manifest.yaml that cannot be read or lacks a field
    ├── OrchestratorNotFoundError       the manifest names an orchestrator that is not installed
    │   (LookupError)
    ├── LineageBackendError (ValueError)  the lineage backend is not installed or misconfigured
    ├── ProductLoadError (ValueError)   a product folder without usable compiled artifacts
    ├── LakehouseError (ValueError)     the catalog or storage plugin of the Iceberg export is not
    │                                   installed or misconfigured (raised when Definitions load)
    ├── IcebergExportError              one model's Iceberg export failed (fails that asset)
    │   (RuntimeError)
    ├── QualityPluginError (ValueError) quality checks declared, but no usable quality plugin
    └── DemoError (RuntimeError)        a step of `floe-dagster demo` failed

Every message names the file or value at fault and ends with what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FloeDagsterError(Exception):
    """Base class of the errors this package raises on purpose."""


class ManifestError(FloeDagsterError, ValueError):
    """A floe ``manifest.yaml`` that is missing, is not valid YAML, or lacks a required field."""


@dataclass(frozen=True)
class AvailableOrchestrator:
    """One installed orchestrator plugin, as listed in errors and by ``floe-dagster plugins``."""

    name: str
    version: str
    floe_api_version: str
    compatible: bool


class OrchestratorNotFoundError(FloeDagsterError, LookupError):
    """The requested orchestrator is not installed; the message lists the ones that are."""

    def __init__(
        self, requested: str, available: Sequence[AvailableOrchestrator], source: str = ""
    ) -> None:
        self.requested = requested
        self.available = tuple(available)
        where = f" (plugins.orchestrator.type in {source})" if source else ""
        if self.available:
            options = ", ".join(f"{o.name} {o.version}" for o in self.available)
            fix = f"Valid options: {options}. Set plugins.orchestrator.type to one of them"
        else:
            fix = "No orchestrator plugin is installed. Install one, e.g. floe-orchestrator-dagster"
        super().__init__(f"Unknown orchestrator {requested!r}{where}. {fix}.")


class LineageBackendError(FloeDagsterError, ValueError):
    """The configured lineage backend is not installed or its configuration is invalid."""


class ProductLoadError(FloeDagsterError, ValueError):
    """A product folder without usable compiled artifacts, or for another product."""


class LakehouseError(FloeDagsterError, ValueError):
    """The Iceberg export cannot be set up: a plugin is missing, misconfigured or unsupported."""


class IcebergExportError(FloeDagsterError, RuntimeError):
    """One model's Iceberg export failed; the message names the table and the cause."""


class QualityPluginError(FloeDagsterError, ValueError):
    """A product declares quality checks that no configured, installed quality plugin can run."""


class DemoError(FloeDagsterError, RuntimeError):
    """A step of the demo failed; the message says which and why."""
