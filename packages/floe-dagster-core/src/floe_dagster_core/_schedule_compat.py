"""Dagster's own schedule tick iteration, behind one function for Dagster 1.10-1.13.

The Dagster daemon never sees a ``ScheduleDefinition``: the code server serialises it to a
``ScheduleSnap``, and the daemon's ``RemoteSchedule.execution_time_iterator`` feeds that snapshot's
``cron_schedule`` and ``execution_timezone`` to ``dagster._utils.schedules.
schedule_execution_time_iterator``. These helpers take the same two steps, so what the tests
assert about tick times is what a deployed daemon does. Both internals exist unchanged in every
supported version (checked on 1.10 to 1.13); a future rename belongs here.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from typing import Any, Protocol


class _Scheduled(Protocol):
    @property
    def cron_schedule(self) -> Any: ...

    @property
    def execution_timezone(self) -> str | None: ...


def daemon_schedule_snapshot(definitions: Any, schedule_name: str) -> Any:
    """The schedule as the daemon receives it: a ``ScheduleSnap`` after a serialisation round trip.

    Args:
        definitions: A ``dagster.Definitions`` holding the schedule and its job.
        schedule_name: The schedule's name.

    Returns:
        The deserialised ``ScheduleSnap``, with ``cron_schedule``, ``execution_timezone`` and
        ``default_status`` (None stands for STOPPED in the snapshot).

    Examples:
        >>> snap = daemon_schedule_snapshot(defs, "refresh_schedule")  # doctest: +SKIP
        >>> snap.execution_timezone  # doctest: +SKIP
        'America/New_York'
    """
    from dagster._core.remote_representation.external_data import ScheduleSnap
    from dagster._serdes import deserialize_value, serialize_value

    repository = definitions.get_repository_def()
    schedule = repository.get_schedule_def(schedule_name)
    with warnings.catch_warnings():
        # Dagster's snapshot reads its own deprecated ScheduleDefinition.environment_vars
        warnings.filterwarnings(
            "ignore", message=".*environment_vars` is deprecated", category=DeprecationWarning
        )
        snapshot = ScheduleSnap.from_def(schedule, repository)
    return deserialize_value(serialize_value(snapshot), ScheduleSnap)


def tick_times(schedule: _Scheduled, start: dt.datetime) -> Iterator[dt.datetime]:
    """The schedule's tick times at or after ``start``, as Dagster's scheduler computes them.

    Args:
        schedule: A ``ScheduleDefinition`` or a ``ScheduleSnap`` (anything with
            ``cron_schedule`` and ``execution_timezone``).
        start: A time-zone-aware instant.

    Yields:
        Aware datetimes in the schedule's execution time zone, ascending, without end.

    Examples:
        >>> import datetime as dt, itertools
        >>> start = dt.datetime(2024, 3, 9, tzinfo=dt.timezone.utc)
        >>> ticks = itertools.islice(tick_times(schedule, start), 3)  # doctest: +SKIP
    """
    from dagster._utils.schedules import schedule_execution_time_iterator

    if start.tzinfo is None:
        raise ValueError(
            f"`tick_times` needs a time-zone-aware start, got the naive {start.isoformat()}; pass "
            "e.g. datetime(2024, 3, 9, tzinfo=timezone.utc)."
        )
    yield from schedule_execution_time_iterator(
        start.timestamp(), schedule.cron_schedule, schedule.execution_timezone
    )
