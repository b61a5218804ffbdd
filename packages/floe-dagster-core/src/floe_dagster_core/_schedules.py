"""Cron schedules in IANA time zones: validated specs and the Dagster ScheduleDefinitions they give.

``ScheduleSpec`` validates itself, so a spec that exists is one Dagster can run: its cron is the
portable 5-field subset of ``_cron`` and its time zone an IANA name of ``_timezone``. Dagster is
imported only when a definition is built, never at import time.

Daylight-saving time is Dagster's to handle, through ``execution_timezone``: a schedule says
"08:00 in America/New_York" and Dagster turns it into 12:00 UTC in summer and 13:00 UTC in winter.
``tests/test_schedule_dst.py`` pins down what each supported Dagster version does at the
transitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from floe_dagster_core._cron import validate_cron
from floe_dagster_core._timezone import validate_timezone

if TYPE_CHECKING:
    import dagster

__all__ = ["ScheduleSpec", "build_schedule_definition", "validate_cron", "validate_timezone"]

# Dagster's rule for names of jobs, schedules and assets (dagster._core.definitions.utils)
_DAGSTER_NAME = re.compile(r"[A-Za-z0-9_]+")  # used with fullmatch: "$" passes "job\n"
SCHEDULE_SUFFIX = "_schedule"


@dataclass(frozen=True)
class ScheduleSpec:
    """A validated schedule for one job.

    The cron expression and the time zone are validated and normalised on creation
    (``@daily`` becomes ``0 0 * * *``), so that two spellings of one schedule compare equal.

    Attributes:
        job_name: The Dagster job the schedule runs.
        cron: A cron expression Dagster can run.
        timezone: An IANA time zone name.
        enabled: False gives a schedule whose default status is stopped.

    Raises:
        ValueError: The job name, the cron expression or the time zone is invalid; the message
            says which and how to fix it.

    Examples:
        >>> spec = ScheduleSpec("daily_refresh", "@daily", "Europe/London")
        >>> spec.cron, spec.timezone, spec.schedule_name
        ('0 0 * * *', 'Europe/London', 'daily_refresh_schedule')
    """

    job_name: str
    cron: str
    timezone: str = "UTC"
    enabled: bool = True

    def __post_init__(self) -> None:
        job_name: object = self.job_name  # typed str, but specs are also built from raw YAML
        if not isinstance(job_name, str) or not _DAGSTER_NAME.fullmatch(job_name):
            raise ValueError(
                f"Cannot schedule job {self.job_name!r}: a Dagster job name has only letters, "
                "digits and underscores (e.g. 'customer_360'). Use the name of a job in the "
                "Definitions."
            )
        # the dataclass is frozen to keep specs hashable; normalising on creation is the one write
        object.__setattr__(self, "cron", validate_cron(self.cron))
        object.__setattr__(self, "timezone", validate_timezone(self.timezone))
        object.__setattr__(self, "enabled", bool(self.enabled))

    @property
    def schedule_name(self) -> str:
        """The Dagster schedule's name: the job's name followed by ``_schedule``."""
        return f"{self.job_name}{SCHEDULE_SUFFIX}"


def build_schedule_definition(spec: ScheduleSpec, job: Any) -> dagster.ScheduleDefinition:
    """The ``dagster.ScheduleDefinition`` for ``spec`` targeting ``job``.

    Args:
        spec: The validated schedule.
        job: The job to run: a job definition (``JobDefinition`` or the unresolved job of
            ``define_asset_job``) or its name, resolved when the Definitions load.

    Returns:
        A schedule named ``<job_name>_schedule`` with ``spec.cron`` as its cron schedule and
        ``spec.timezone`` as its ``execution_timezone``; its default status is RUNNING, or
        STOPPED when ``spec.enabled`` is False.

    Raises:
        ValueError: ``job`` is not the job ``spec`` names.

    Examples:
        >>> import dagster as dg
        >>> spec = ScheduleSpec("refresh", "0 8 * * *", "America/New_York")
        >>> schedule = build_schedule_definition(spec, "refresh")
        >>> (schedule.name, schedule.cron_schedule, schedule.execution_timezone)
        ('refresh_schedule', '0 8 * * *', 'America/New_York')
        >>> schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        True
    """
    import dagster as dg

    job_name = job if isinstance(job, str) else getattr(job, "name", None)
    if job_name != spec.job_name:
        raise ValueError(
            f"The schedule for job {spec.job_name!r} was given the job {job_name!r}: pass the "
            f"job named {spec.job_name!r} (or its name) to build_schedule_definition."
        )
    status = dg.DefaultScheduleStatus.RUNNING if spec.enabled else dg.DefaultScheduleStatus.STOPPED
    settings: dict[str, Any] = {
        "name": spec.schedule_name,
        "cron_schedule": spec.cron,
        "execution_timezone": spec.timezone,
        "default_status": status,
        "description": f"Runs {spec.job_name} at '{spec.cron}' in {spec.timezone} (floe).",
    }
    if isinstance(job, str):
        return dg.ScheduleDefinition(job_name=job, **settings)
    return dg.ScheduleDefinition(job=job, **settings)
