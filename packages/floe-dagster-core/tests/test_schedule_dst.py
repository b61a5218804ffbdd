"""SC-007: schedules run at the right local time across daylight-saving changes.

Tick times come from Dagster's own machinery, as the daemon gets them: the ScheduleDefinition is
put in Definitions, serialised to the ScheduleSnap a code server sends, and iterated with the
iterator the daemon's RemoteSchedule uses (``_schedule_compat``). Each instant is cross-checked
with croniter.

What Dagster does at the transitions (identical on 1.10 to 1.13; these tests run on each):

- A daily "0 8 * * *" runs at 08:00 local every day; the UTC instant moves by one hour the day the
  clocks change; no day is skipped or doubled.
- A local time that does not exist on the spring-forward day (02:30 in New York on 10 March 2024)
  runs once, at the end of the gap: 03:00 local. croniter gives the same instant.
- A local time that occurs twice on the fall-back day (01:30 in New York on 3 November 2024) runs
  once for a daily schedule, at its second occurrence (01:30 EST = 06:30 UTC). croniter differs
  here: it yields both occurrences.
- An hourly schedule skips the hour that does not exist and runs the repeated hour twice, as
  croniter does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from croniter import croniter

from floe_dagster_core import ScheduleSpec, build_schedule_definition
from floe_dagster_core._schedule_compat import daemon_schedule_snapshot, tick_times

UTC = dt.timezone.utc


@dg.op
def _noop() -> None:
    """Nothing: only the schedule's tick times are under test."""


@dg.job
def refresh() -> None:
    _noop()


def dagster_ticks(cron: str, zone: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The ticks in [start, end) of a floe schedule, as the Dagster daemon computes them."""
    schedule = build_schedule_definition(ScheduleSpec("refresh", cron, zone), refresh)
    snapshot = daemon_schedule_snapshot(
        dg.Definitions(jobs=[refresh], schedules=[schedule]), schedule.name
    )
    assert snapshot.execution_timezone == zone
    return list(itertools.takewhile(lambda tick: tick < end, tick_times(snapshot, start)))


def croniter_ticks(cron: str, zone: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    # croniter's first tick is strictly after its start: begin one second earlier
    ticks = croniter(cron, start.astimezone(ZoneInfo(zone)) - dt.timedelta(seconds=1))
    return list(itertools.takewhile(lambda tick: tick < end, _next_ticks(ticks)))


def _next_ticks(ticks: croniter) -> Iterator[dt.datetime]:
    while True:
        yield ticks.get_next(dt.datetime)


def local(zone: str, *fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=ZoneInfo(zone))  # type: ignore[misc]  # y, m, d, h, min


def utc_times(ticks: list[dt.datetime]) -> list[str]:
    return [tick.astimezone(UTC).strftime("%m-%d %H:%M") for tick in ticks]


def instants(ticks: list[dt.datetime]) -> list[float]:
    return [tick.timestamp() for tick in ticks]


# zone, spring-forward day, fall-back day (2024), UTC hour of 08:00 local in winter and summer
ZONES = [
    ("America/New_York", dt.date(2024, 3, 10), dt.date(2024, 11, 3), 13, 12),
    ("Europe/London", dt.date(2024, 3, 31), dt.date(2024, 10, 27), 8, 7),
    # southern hemisphere: summer time from October to April; 08:00 AEDT is 21:00 UTC the day before
    ("Australia/Sydney", dt.date(2024, 10, 6), dt.date(2024, 4, 7), 22, 21),
]


@pytest.mark.parametrize(("zone", "spring", "fall", "winter_hour", "summer_hour"), ZONES)
def test_a_daily_schedule_runs_at_local_time_all_year(
    zone: str, spring: dt.date, fall: dt.date, winter_hour: int, summer_hour: int
) -> None:
    start, end = local(zone, 2024, 1, 1), local(zone, 2025, 1, 1)
    ticks = dagster_ticks("0 8 * * *", zone, start, end)

    # every tick is 08:00 local, one per day, no day skipped or doubled
    assert all(tick.astimezone(ZoneInfo(zone)).time() == dt.time(8, 0) for tick in ticks)
    days = [tick.astimezone(ZoneInfo(zone)).date() for tick in ticks]
    assert days == [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)]

    # the UTC instant moves by one hour exactly on the days the clocks change
    utc_hour = {day: tick.astimezone(UTC).hour for day, tick in zip(days, ticks, strict=True)}
    changes = [day for prev, day in itertools.pairwise(days) if utc_hour[day] != utc_hour[prev]]
    assert changes == sorted([spring, fall])
    assert utc_hour[spring - dt.timedelta(days=1)] == winter_hour
    assert utc_hour[spring] == summer_hour
    assert utc_hour[fall - dt.timedelta(days=1)] == summer_hour
    assert utc_hour[fall] == winter_hour

    assert instants(ticks) == instants(croniter_ticks("0 8 * * *", zone, start, end))


def test_sc007_new_york_8am_across_both_transitions() -> None:
    """The spec's example: 08:00 in New York is 13:00 UTC in winter and 12:00 UTC in summer."""
    zone = "America/New_York"
    march = dagster_ticks("0 8 * * *", zone, local(zone, 2024, 3, 8), local(zone, 2024, 3, 13))
    assert utc_times(march) == [
        "03-08 13:00", "03-09 13:00", "03-10 12:00", "03-11 12:00", "03-12 12:00",
    ]  # fmt: skip
    november = dagster_ticks("0 8 * * *", zone, local(zone, 2024, 11, 1), local(zone, 2024, 11, 6))
    assert utc_times(november) == [
        "11-01 12:00", "11-02 12:00", "11-03 13:00", "11-04 13:00", "11-05 13:00",
    ]  # fmt: skip
    assert [tick.hour for tick in march + november] == [8] * 10


def test_a_time_in_the_spring_forward_gap_runs_once_at_the_end_of_the_gap() -> None:
    zone = "America/New_York"
    start, end = local(zone, 2024, 3, 9), local(zone, 2024, 3, 12)
    ticks = dagster_ticks("30 2 * * *", zone, start, end)
    assert [tick.isoformat() for tick in ticks] == [
        "2024-03-09T02:30:00-05:00",
        "2024-03-10T03:00:00-04:00",  # 02:30 does not exist that day: 03:00 EDT, 07:00 UTC
        "2024-03-11T02:30:00-04:00",
    ]
    assert instants(ticks) == instants(croniter_ticks("30 2 * * *", zone, start, end))


@pytest.mark.parametrize(
    ("zone", "cron", "day", "expected"),
    [
        ("Europe/London", "30 1 * * *", (2024, 3, 31), "2024-03-31T02:00:00+01:00"),
        ("Australia/Sydney", "30 2 * * *", (2024, 10, 6), "2024-10-06T03:00:00+11:00"),
    ],
)
def test_the_gap_rule_holds_in_other_zones(
    zone: str, cron: str, day: tuple[int, int, int], expected: str
) -> None:
    start = local(zone, *day)
    ticks = dagster_ticks(cron, zone, start, start + dt.timedelta(days=1))
    assert [tick.isoformat() for tick in ticks] == [expected]
    croniter_day = croniter_ticks(cron, zone, start, start + dt.timedelta(days=1))
    assert instants(ticks) == instants(croniter_day)


@pytest.mark.parametrize(
    ("zone", "cron", "day", "second_occurrence"),
    [
        ("America/New_York", "30 1 * * *", (2024, 11, 3), "2024-11-03T01:30:00-05:00"),
        ("Europe/London", "30 1 * * *", (2024, 10, 27), "2024-10-27T01:30:00+00:00"),
        ("Australia/Sydney", "30 2 * * *", (2024, 4, 7), "2024-04-07T02:30:00+10:00"),
    ],
)
def test_a_repeated_time_runs_once_on_the_fall_back_day(
    zone: str, cron: str, day: tuple[int, int, int], second_occurrence: str
) -> None:
    start = local(zone, *day)
    end = start + dt.timedelta(days=1)
    ticks = dagster_ticks(cron, zone, start, end)
    assert [tick.isoformat() for tick in ticks] == [second_occurrence]
    # croniter runs it at both occurrences; Dagster keeps the second one
    both = croniter_ticks(cron, zone, start, end)
    assert len(both) == 2
    assert both[1].timestamp() == ticks[0].timestamp()
    assert both[1].timestamp() - both[0].timestamp() == 3600


def test_an_hourly_schedule_skips_the_missing_hour_and_repeats_the_doubled_one() -> None:
    zone = "America/New_York"
    spring_start, fall_start = local(zone, 2024, 3, 10), local(zone, 2024, 11, 3)
    spring = dagster_ticks("30 * * * *", zone, spring_start, local(zone, 2024, 3, 11))
    fall = dagster_ticks("30 * * * *", zone, fall_start, local(zone, 2024, 11, 4))
    assert len(spring) == 23
    assert [tick.hour for tick in spring[:3]] == [0, 1, 3]
    assert len(fall) == 25
    assert [(tick.hour, tick.utcoffset()) for tick in fall[1:3]] == [
        (1, dt.timedelta(hours=-4)),
        (1, dt.timedelta(hours=-5)),
    ]
    # an hour apart in real time, all day long
    for ticks in (spring, fall):
        assert {b - a for a, b in itertools.pairwise(instants(ticks))} == {3600.0}
    assert instants(spring) == instants(
        croniter_ticks("30 * * * *", zone, spring_start, local(zone, 2024, 3, 11))
    )
    assert instants(fall) == instants(
        croniter_ticks("30 * * * *", zone, fall_start, local(zone, 2024, 11, 4))
    )
