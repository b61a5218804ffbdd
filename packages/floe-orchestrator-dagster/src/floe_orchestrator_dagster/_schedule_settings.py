"""Settings of the product's schedule (``schedule:`` in the plugin config).

The cron expression and the time zone are checked when the configuration is validated, so a typo
in manifest.yaml is reported with its location before anything is built. floe-dagster-core, which
holds the checks, is imported only then: loading the plugin stays cheap.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ScheduleSettings(BaseModel):
    """The data product's own schedule, when the plugin config sets it.

    Examples:
        >>> ScheduleSettings(cron="@daily", timezone="Europe/London").cron
        '0 0 * * *'
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    cron: str | None = Field(default=None, description="Cron expression, e.g. '0 8 * * *'.")
    timezone: str = Field(default="UTC", description="IANA time zone, e.g. 'America/New_York'.")
    enabled: bool = Field(default=True, description="False gives a schedule that starts stopped.")

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
