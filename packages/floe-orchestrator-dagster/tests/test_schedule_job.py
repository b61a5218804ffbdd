"""US5: ``schedule_job`` validates cron and time zone, is idempotent, and opens its span."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from opentelemetry.trace import StatusCode

from floe_dagster_core import ScheduleSpec, build_schedule_definition
from floe_dagster_core._schedule_compat import tick_times
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._artifacts import read_artifacts

NEW_YORK = ZoneInfo("America/New_York")
NO_SCHEDULE = read_artifacts(compiled_artifacts({"name": "a"}))


@pytest.fixture
def plugin() -> DagsterOrchestratorPlugin:
    return DagsterOrchestratorPlugin()


def scheduled(plugin: DagsterOrchestratorPlugin) -> list[ScheduleSpec]:
    return plugin._schedules.specs_for(plugin.config, NO_SCHEDULE)


def test_us5_1_a_valid_cron_and_time_zone_create_a_schedule_with_the_right_timing(
    plugin: DagsterOrchestratorPlugin,
) -> None:
    assert plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York") is None

    assert scheduled(plugin) == [ScheduleSpec("daily_refresh", "0 8 * * *", "America/New_York")]
    schedule = build_schedule_definition(scheduled(plugin)[0], "daily_refresh")
    assert schedule.cron_schedule == "0 8 * * *"
    assert schedule.execution_timezone == "America/New_York"
    start = dt.datetime(2024, 3, 8, tzinfo=NEW_YORK)
    ticks = list(itertools.islice(tick_times(schedule, start), 4))
    assert [tick.astimezone(NEW_YORK).isoformat() for tick in ticks] == [
        "2024-03-08T08:00:00-05:00",
        "2024-03-09T08:00:00-05:00",
        "2024-03-10T08:00:00-04:00",
        "2024-03-11T08:00:00-04:00",
    ]


def test_us5_2_an_invalid_cron_explains_the_valid_format(
    plugin: DagsterOrchestratorPlugin,
) -> None:
    with pytest.raises(ValueError, match=r"^Invalid cron expression 'invalid'") as caught:
        plugin.schedule_job("daily_refresh", "invalid", "America/New_York")
    message = str(caught.value)
    assert "it has 1 field ('invalid') where 5 are needed" in message
    assert (
        "A cron expression has 5 fields separated by spaces: minute (0-59), hour (0-23), "
        "day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-7 or SUN-SAT"
    ) in message
    assert "Example: '0 8 * * *' runs every day at 08:00" in message
    assert scheduled(plugin) == []


def test_us5_2_the_message_names_the_wrong_field(plugin: DagsterOrchestratorPlugin) -> None:
    with pytest.raises(ValueError, match=r"field 2 \(hour\) is '24', outside 0-23"):
        plugin.schedule_job("daily_refresh", "0 24 * * *", "UTC")


def test_us5_3_an_invalid_time_zone_lists_valid_options(plugin: DagsterOrchestratorPlugin) -> None:
    with pytest.raises(ValueError, match=r"^Unknown time zone 'Fake/Zone'") as caught:
        plugin.schedule_job("daily_refresh", "0 8 * * *", "Fake/Zone")
    message = str(caught.value)
    assert (
        "valid options include 'UTC', 'America/New_York', 'Europe/London', 'Asia/Tokyo', "
        "'Australia/Sydney'."
    ) in message
    assert "zoneinfo.available_timezones()" in message
    assert "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones" in message
    assert scheduled(plugin) == []


def test_us5_3_a_near_miss_gets_did_you_mean(plugin: DagsterOrchestratorPlugin) -> None:
    with pytest.raises(ValueError, match="did you mean 'America/New_York'\\?"):
        plugin.schedule_job("daily_refresh", "0 8 * * *", "America/NewYork")


def test_a_job_name_dagster_cannot_use_is_refused(plugin: DagsterOrchestratorPlugin) -> None:
    with pytest.raises(ValueError, match="Cannot schedule job 'daily-refresh'"):
        plugin.schedule_job("daily-refresh", "0 8 * * *", "UTC")


def test_the_same_call_twice_leaves_one_schedule(plugin: DagsterOrchestratorPlugin) -> None:
    plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York")
    plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York")
    assert len(scheduled(plugin)) == 1


def test_a_new_cron_for_the_same_job_replaces_it(plugin: DagsterOrchestratorPlugin) -> None:
    plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York")
    plugin.schedule_job("hourly_sync", "@hourly", "UTC")
    plugin.schedule_job("daily_refresh", "30 6 * * MON-FRI", "Europe/London")
    assert scheduled(plugin) == [
        ScheduleSpec("daily_refresh", "30 6 * * MON-FRI", "Europe/London"),
        ScheduleSpec("hourly_sync", "0 * * * *", "UTC"),
    ]


def test_a_failed_call_keeps_the_previous_schedule(plugin: DagsterOrchestratorPlugin) -> None:
    plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York")
    with pytest.raises(ValueError, match="Invalid cron expression"):
        plugin.schedule_job("daily_refresh", "0 8 * *", "America/New_York")
    assert scheduled(plugin) == [ScheduleSpec("daily_refresh", "0 8 * * *", "America/New_York")]


def test_schedule_job_opens_its_span(plugin: DagsterOrchestratorPlugin, spans) -> None:
    plugin.schedule_job("daily_refresh", "0 8 * * *", "America/New_York")
    span = spans.named("floe.orchestrator.dagster.schedule_job")
    assert span.attributes is not None
    assert span.attributes["job_name"] == "daily_refresh"
    assert span.status.status_code != StatusCode.ERROR


def test_a_refused_schedule_is_recorded_on_the_span(
    plugin: DagsterOrchestratorPlugin, spans
) -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        plugin.schedule_job("daily_refresh", "0 8 * * *", "Fake/Zone")
    span = spans.named("floe.orchestrator.dagster.schedule_job")
    assert span.status.status_code == StatusCode.ERROR
    assert [event.name for event in span.events] == ["exception"]


def test_the_plugin_config_schedule_is_validated_where_it_is_written() -> None:
    with pytest.raises(ValueError, match=r"schedule\.cron\n.*field 2 \(hour\) is '25'"):
        DagsterPluginConfig.model_validate({"schedule": {"cron": "0 25 * * *"}})
    with pytest.raises(ValueError, match=r"schedule\.timezone\n.*did you mean 'Europe/London'"):
        DagsterPluginConfig.model_validate({"schedule": {"cron": "@daily", "timezone": "London"}})
    config = DagsterPluginConfig.model_validate({"schedule": {"cron": "@daily"}})
    assert config.schedule.cron == "0 0 * * *"
