"""floe-dagster-core: Dagster assets, jobs, schedules and Definitions from CompiledArtifacts.

The names that need Dagster (``create_definitions``, ``create_assets_from_transforms``,
``FloeDbtTranslator``) load on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "AssetObserver",
    "AssetRunInfo",
    "CompiledArtifacts",
    "FloeDbtTranslator",
    "ScheduleSpec",
    "TransformGraph",
    "TransformModel",
    "__version__",
    "all_assets_job_name",
    "build_schedule_definition",
    "create_assets_from_transforms",
    "create_definitions",
    "load_artifacts",
    "validate_cron",
    "validate_timezone",
    "validate_transforms",
]

from floe_dagster_core._artifacts import (
    CompiledArtifacts,
    TransformModel,
    load_artifacts,
    validate_transforms,
)
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._observers import AssetObserver, AssetRunInfo
from floe_dagster_core._schedules import (
    ScheduleSpec,
    build_schedule_definition,
    validate_cron,
    validate_timezone,
)
from floe_dagster_core._specs import job_name as all_assets_job_name

if TYPE_CHECKING:
    from floe_dagster_core._definitions import create_definitions
    from floe_dagster_core._transform_assets import create_assets_from_transforms
    from floe_dagster_core._translator import FloeDbtTranslator

_LAZY = {
    "create_definitions": "floe_dagster_core._definitions",
    "create_assets_from_transforms": "floe_dagster_core._transform_assets",
    "FloeDbtTranslator": "floe_dagster_core._translator",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-core")
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
