"""Probing a Dagster webserver: the facade's side (issue: validate_connection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from floe_core.plugin_metadata import HealthState, HealthStatus

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import ValidationResult

    from floe_orchestrator_dagster._connection_settings import ConnectionSettings


def validate_connection(settings: ConnectionSettings) -> ValidationResult:
    """Probe the Dagster webserver at ``settings.url``."""
    raise NotImplementedError(
        "validate_connection (probing a Dagster webserver) is not implemented yet in this "
        "version of floe-orchestrator-dagster"
    )


def health_check(
    settings: ConnectionSettings, version: str, timeout: float | None = None
) -> HealthStatus:
    """The plugin's health: loaded and configured (the webserver is not probed yet)."""
    return HealthStatus(
        state=HealthState.HEALTHY,
        message=f"dagster orchestrator plugin {version} loaded",
        details={"webserver_url": settings.url},
    )
