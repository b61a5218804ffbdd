"""Schedules registered through ``schedule_job``: the facade's side (issue: schedules)."""

from __future__ import annotations


class ScheduleBook:
    """The schedules a plugin instance holds, one per job (a new cron replaces the old one)."""

    def add(self, job_name: str, cron: str, timezone: str) -> None:
        """Validate and record a schedule for ``job_name``."""
        raise NotImplementedError(
            "schedule_job (cron schedules with IANA time zones) is not implemented yet in this "
            "version of floe-orchestrator-dagster"
        )
