"""Resource presets and Helm values: the facade's side (issue: deploy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import ResourceSpec

    from floe_orchestrator_dagster._deploy_settings import DeploySettings


def helm_values(settings: DeploySettings) -> dict[str, Any]:
    """Helm values for the floe-dagster chart."""
    raise NotImplementedError(
        "get_helm_values (Helm values for the floe-dagster chart) is not implemented yet in "
        "this version of floe-orchestrator-dagster"
    )


def resource_requirements(workload_size: str) -> ResourceSpec:
    """Kubernetes requests and limits for one workload size."""
    raise NotImplementedError(
        "get_resource_requirements (resource presets small/medium/large) is not implemented yet "
        "in this version of floe-orchestrator-dagster"
    )
