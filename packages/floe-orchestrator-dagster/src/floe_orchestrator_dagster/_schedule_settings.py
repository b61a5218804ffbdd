"""Settings of the product's schedule (``schedule:`` in the plugin config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ScheduleSettings(BaseModel):
    """The data product's own schedule, when the plugin config sets it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str | None = Field(default=None, description="Cron expression, e.g. '0 8 * * *'.")
    timezone: str = Field(default="UTC", description="IANA time zone, e.g. 'America/New_York'.")
    enabled: bool = Field(default=True, description="False gives a schedule that starts stopped.")
