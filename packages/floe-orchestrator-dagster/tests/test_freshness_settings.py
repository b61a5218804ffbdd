"""``freshness:`` in the plugin config: validated, and handed to core as ``SourceFreshness``."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from floe_dagster_core import SourceFreshness
from floe_orchestrator_dagster import DagsterPluginConfig
from floe_orchestrator_dagster._freshness_settings import FreshnessSettings


def test_by_default_freshness_is_checked_before_each_run():
    assert DagsterPluginConfig().freshness.source_freshness() == SourceFreshness()


def test_a_schedule_with_its_cron_and_time_zone():
    settings = FreshnessSettings(evaluate="schedule", cron="@daily", timezone="Europe/Paris")
    assert settings.source_freshness() == SourceFreshness(
        evaluate="schedule", cron="0 0 * * *", timezone="Europe/Paris"
    )


def test_a_bad_cron_or_mode_is_refused():
    with pytest.raises(ValidationError, match="cron"):
        FreshnessSettings(evaluate="schedule", cron="every hour")
    with pytest.raises(ValidationError, match="'before_run', 'schedule', 'sensor' or 'off'"):
        FreshnessSettings.model_validate({"evaluate": "hourly"})
    with pytest.raises(ValidationError, match="greater than or equal to 30"):
        FreshnessSettings(evaluate="sensor", interval_seconds=5)
