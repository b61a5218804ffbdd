"""floe-dagster-core: Dagster assets, jobs, schedules and Definitions from CompiledArtifacts."""

from __future__ import annotations

__all__ = [
    "AssetObserver",
    "AssetRunInfo",
    "ScheduleSpec",
    "__version__",
    "build_schedule_definition",
    "validate_cron",
    "validate_timezone",
]

from floe_dagster_core._observers import AssetObserver, AssetRunInfo
from floe_dagster_core._schedules import (
    ScheduleSpec,
    build_schedule_definition,
    validate_cron,
    validate_timezone,
)


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-core")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
