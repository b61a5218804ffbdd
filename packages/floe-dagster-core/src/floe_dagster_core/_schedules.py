"""Cron schedules in IANA time zones: validation and Dagster ScheduleDefinitions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScheduleSpec:
    """A validated schedule for one job.

    Attributes:
        job_name: The Dagster job the schedule runs.
        cron: A cron expression Dagster can run.
        timezone: An IANA time zone name.
        enabled: False gives a schedule whose default status is stopped.
    """

    job_name: str
    cron: str
    timezone: str = "UTC"
    enabled: bool = True


def build_schedule_definition(spec: ScheduleSpec, job: Any) -> Any:
    """The ``dagster.ScheduleDefinition`` for ``spec`` targeting ``job``."""
    raise NotImplementedError(
        "schedules (cron schedules with IANA time zones) are not implemented yet in this "
        "version of floe-dagster-core"
    )


def validate_cron(cron: str) -> str:
    """Return ``cron`` normalised, or raise ValueError explaining the 5-field format."""
    raise NotImplementedError("cron validation is not implemented yet in floe-dagster-core")


def validate_timezone(timezone: str) -> str:
    """Return ``timezone`` if it is an IANA name, or raise ValueError with the closest names."""
    raise NotImplementedError("time zone validation is not implemented yet in floe-dagster-core")
