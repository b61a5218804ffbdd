"""Everything validate_cron accepts is a schedule the installed Dagster accepts and runs."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import dagster as dg
import pytest
from croniter import croniter
from dagster._utils.schedules import is_valid_cron_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floe_dagster_core import ScheduleSpec, build_schedule_definition, validate_cron
from floe_dagster_core._cron import ALIASES
from floe_dagster_core._schedule_compat import tick_times

START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES = ((), (), (), ("JAN", "jul", "Dec", "FOO"), ("SUN", "mon", "Fri", "MOM"))


def _value(position: int) -> st.SearchStrategy[str]:
    low, high = _RANGES[position]
    numbers = st.integers(low - 1, high + 2).map(str)
    return st.one_of(numbers, st.sampled_from(_NAMES[position])) if _NAMES[position] else numbers


def _item(position: int) -> st.SearchStrategy[str]:
    value = _value(position)
    step = st.integers(0, 70).map(str)
    return st.one_of(
        st.just("*"),
        value,
        st.tuples(value, value).map("-".join),
        st.tuples(st.just("*"), step).map("/".join),
        st.tuples(value, value, step).map(lambda t: f"{t[0]}-{t[1]}/{t[2]}"),
        st.sampled_from(["L", "5L", "15W", "1#2", "?", "H", ""]),
    )


def _field(position: int) -> st.SearchStrategy[str]:
    return st.lists(_item(position), min_size=1, max_size=3).map(",".join)


CRONS = st.tuples(*(_field(position) for position in range(5))).map(" ".join)


def _assert_dagster_runs(cron: str) -> None:
    assert is_valid_cron_string(cron), cron
    assert croniter.is_valid(cron), cron
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Dagster's warning about */90-style steps
        schedule = build_schedule_definition(ScheduleSpec("job", cron, "Europe/Paris"), "job")
    ticks = list(itertools.islice(tick_times(schedule, START), 3))
    assert len(ticks) == 3
    assert ticks == sorted(ticks)
    assert all(croniter.match(cron, tick.replace(tzinfo=None)) for tick in ticks), (cron, ticks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CRONS)
def test_an_accepted_expression_is_one_dagster_runs(cron: str) -> None:
    try:
        normalised = validate_cron(cron)
    except ValueError as error:
        message = str(error)
    else:
        _assert_dagster_runs(normalised)
        return
    assert message.startswith(f"Invalid cron expression {cron!r}: ")


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_every_alias_runs_in_dagster(alias: str) -> None:
    _assert_dagster_runs(validate_cron(alias))


@pytest.mark.parametrize(
    "cron",
    [
        "0 8 * * *",
        "*/15 * * * *",
        "30 6 * * MON-FRI",
        "0 0 29 2 *",
        "0 9-17/2 * * 1-5",
        "0 0 * * 7",
    ],
)
def test_common_expressions_run_in_dagster(cron: str) -> None:
    _assert_dagster_runs(validate_cron(cron))


def test_leap_day_runs_only_in_leap_years() -> None:
    schedule = build_schedule_definition(ScheduleSpec("job", "0 0 29 2 *"), "job")
    ticks = list(itertools.islice(tick_times(schedule, START), 2))
    assert [tick.date() for tick in ticks] == [dt.date(2024, 2, 29), dt.date(2028, 2, 29)]


def test_dagster_itself_refuses_what_it_cannot_run() -> None:
    """The forms refused as "not a Dagster schedule" really are refused by Dagster."""
    for cron in ("0 0 8 * * *", "@reboot", "0 0 15W * *", "H * * * *", "0 0 30 2 *"):
        with pytest.raises(ValueError, match=r"^Invalid cron expression"):
            validate_cron(cron)
        with pytest.raises(dg.DagsterInvalidDefinitionError):
            dg.ScheduleDefinition(name="s", cron_schedule=cron, job_name="job")
