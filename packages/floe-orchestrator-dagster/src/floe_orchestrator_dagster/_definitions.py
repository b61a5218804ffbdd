"""Dagster Definitions and assets from CompiledArtifacts: the facade's side (issue: definitions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import TransformConfig

    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._schedules import ScheduleBook


def create_definitions(
    config: DagsterPluginConfig, artifacts: Any, *, schedules: ScheduleBook, lineage: Any
) -> Any:
    """Build ``dagster.Definitions`` from CompiledArtifacts."""
    raise NotImplementedError(
        "create_definitions (Dagster Definitions from CompiledArtifacts) is not implemented yet "
        "in this version of floe-orchestrator-dagster"
    )


def create_assets(config: DagsterPluginConfig, transforms: list[TransformConfig]) -> list[Any]:
    """Build one Dagster asset per transform."""
    raise NotImplementedError(
        "create_assets_from_transforms (Dagster assets from dbt transforms) is not implemented "
        "yet in this version of floe-orchestrator-dagster"
    )
