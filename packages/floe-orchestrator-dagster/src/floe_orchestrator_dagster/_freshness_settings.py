"""Settings of dbt source freshness checks (``freshness:`` in the plugin config).

Each dbt source with a ``freshness`` block becomes an asset check evaluated with ``dbt source
freshness`` (floe-dagster-core's ``_freshness``). The cron expression and time zone are checked
when the configuration is validated; floe-dagster-core is imported only then.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FreshnessSettings(BaseModel):
    """When the product's dbt source freshness checks run.

    Examples:
        >>> FreshnessSettings().evaluate
        'before_run'
        >>> FreshnessSettings(evaluate="schedule", cron="@hourly").cron
        '0 * * * *'
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    evaluate: Literal["before_run", "schedule", "sensor", "off"] = Field(
        default="before_run",
        description=(
            "before_run: in the product's job, before its dbt steps; schedule: a job of their "
            "own on freshness.cron; sensor: that job every freshness.interval_seconds; off."
        ),
    )
    blocking: bool = Field(
        default=True,
        description=(
            "With before_run, a source past its error_after threshold stops the dbt steps that "
            "read it; false only reports it."
        ),
    )
    cron: str | None = Field(
        default=None, description="Cron expression of the freshness schedule (default hourly)."
    )
    timezone: str = Field(default="UTC", description="IANA time zone of the schedule.")
    interval_seconds: int = Field(
        default=3600, ge=30, description="Seconds between two sensor-requested freshness runs."
    )

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, cron: str | None) -> str | None:
        from floe_dagster_core import validate_cron

        return None if cron is None else validate_cron(cron)

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, timezone: str) -> str:
        from floe_dagster_core import validate_timezone

        return validate_timezone(timezone)

    def source_freshness(self) -> Any:
        """floe-dagster-core's ``SourceFreshness`` for these settings."""
        from floe_dagster_core import SourceFreshness

        return SourceFreshness(
            evaluate=self.evaluate,
            blocking=self.blocking,
            cron=self.cron,
            timezone=self.timezone,
            interval_seconds=self.interval_seconds,
        )
