"""Schedules registered through ``schedule_job``: the facade's side (issue: schedules)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_dagster_core import ScheduleSpec
    from floe_orchestrator_dagster._config import DagsterPluginConfig


class ScheduleBook:
    """The schedules a plugin instance holds, one per job (a new cron replaces the old one)."""

    def add(self, job_name: str, cron: str, timezone: str) -> None:
        """Validate and record a schedule for ``job_name``."""
        raise NotImplementedError(
            "schedule_job (cron schedules with IANA time zones) is not implemented yet in this "
            "version of floe-orchestrator-dagster"
        )

    def specs_for(
        self,
        config: DagsterPluginConfig,
        artifacts: Mapping[str, Any],
        artifacts_path: Path | None,
    ) -> list[ScheduleSpec]:
        """Every schedule the Definitions must carry: the product's own and those added here."""
        return []
