"""ScheduleSpec and build_schedule_definition: Dagster schedules with execution_timezone."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import warnings

import dagster as dg
import pytest

from floe_dagster_core import ScheduleSpec, build_schedule_definition
from floe_dagster_core._schedule_compat import daemon_schedule_snapshot


@dg.op
def _noop() -> None:
    """Nothing: the schedules under test only need a job to point at."""


@dg.job
def refresh() -> None:
    _noop()


@dg.asset
def orders() -> int:
    return 1


def test_a_spec_normalises_and_compares_by_value() -> None:
    spec = ScheduleSpec("refresh", "@daily", " Europe/London ")
    assert spec == ScheduleSpec("refresh", "0 0 * * *", "Europe/London")
    assert (spec.cron, spec.timezone, spec.enabled) == ("0 0 * * *", "Europe/London", True)
    assert spec.schedule_name == "refresh_schedule"
    assert len({spec, ScheduleSpec("refresh", "0  0 * * *", "Europe/London")}) == 1


def test_a_spec_defaults_to_utc() -> None:
    assert ScheduleSpec("refresh", "0 8 * * *").timezone == "UTC"


def test_a_spec_refuses_a_bad_cron_or_time_zone() -> None:
    with pytest.raises(ValueError, match=r"field 2 \(hour\) is '24', outside 0-23"):
        ScheduleSpec("refresh", "0 24 * * *")
    with pytest.raises(ValueError, match="did you mean 'America/New_York'"):
        ScheduleSpec("refresh", "0 8 * * *", "America/NewYork")


@pytest.mark.parametrize("name", ["", "my-job", "job name", "ünï"])
def test_a_spec_refuses_a_name_dagster_cannot_use(name: str) -> None:
    with pytest.raises(ValueError, match="only letters, digits and underscores"):
        ScheduleSpec(name, "0 8 * * *")


@pytest.mark.parametrize("target", ["name", "job", "asset_job"])
def test_the_definition_carries_cron_and_execution_timezone(target: str) -> None:
    asset_job = dg.define_asset_job("refresh", selection=[orders])
    job = {"name": "refresh", "job": refresh, "asset_job": asset_job}[target]
    spec = ScheduleSpec("refresh", "0 8 * * *", "America/New_York")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schedule = build_schedule_definition(spec, job)
    assert isinstance(schedule, dg.ScheduleDefinition)
    assert schedule.name == "refresh_schedule"
    assert schedule.job_name == "refresh"
    assert schedule.cron_schedule == "0 8 * * *"
    assert schedule.execution_timezone == "America/New_York"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING

    jobs = [asset_job] if target == "asset_job" else [refresh]
    definitions = dg.Definitions(assets=[orders], jobs=jobs, schedules=[schedule])
    snapshot = daemon_schedule_snapshot(definitions, "refresh_schedule")
    assert (snapshot.cron_schedule, snapshot.execution_timezone) == (
        "0 8 * * *",
        "America/New_York",
    )
    assert snapshot.job_name == "refresh"


def test_a_disabled_spec_gives_a_stopped_schedule() -> None:
    schedule = build_schedule_definition(
        ScheduleSpec("refresh", "0 8 * * *", "UTC", enabled=False), refresh
    )
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    definitions = dg.Definitions(jobs=[refresh], schedules=[schedule])
    # Dagster stores STOPPED as "no default status" in the snapshot the daemon reads
    assert daemon_schedule_snapshot(definitions, "refresh_schedule").default_status in (
        None,
        dg.DefaultScheduleStatus.STOPPED,
    )


def test_the_job_must_be_the_one_the_spec_names() -> None:
    spec = ScheduleSpec("other_job", "0 8 * * *")
    with pytest.raises(ValueError, match="was given the job") as caught:
        build_schedule_definition(spec, refresh)
    assert str(caught.value) == (
        "The schedule for job 'other_job' was given the job 'refresh': pass the job named "
        "'other_job' (or its name) to build_schedule_definition."
    )


def test_importing_the_schedule_modules_does_not_import_dagster() -> None:
    code = (
        "import sys; import floe_dagster_core._schedules, floe_dagster_core._schedule_compat; "
        "print('dagster' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_a_tick_asks_for_one_run_of_the_job() -> None:
    schedule = build_schedule_definition(
        ScheduleSpec("refresh", "0 8 * * *", "America/New_York"), refresh
    )
    tick = dt.datetime(2024, 3, 10, 12, tzinfo=dt.timezone.utc)  # 08:00 EDT
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        result = schedule.evaluate_tick(context)
    assert result.run_requests is not None
    assert len(result.run_requests) == 1
    assert result.run_requests[0].tags["dagster/schedule_name"] == "refresh_schedule"
