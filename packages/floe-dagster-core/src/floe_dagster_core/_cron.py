"""Cron expressions: the portable 5-field subset that every supported Dagster version runs.

What is accepted, and why:

- Five fields separated by spaces: minute, hour, day of month, month, day of week. Each field is
  ``*``, a number, a range ``a-b``, a list ``a,b``, or a step ``*/n`` or ``a-b/n``; months may be
  written JAN-DEC and week days SUN-SAT (any case; 0 and 7 are both Sunday).
- The aliases ``@hourly``, ``@daily``, ``@midnight``, ``@weekly``, ``@monthly``, ``@yearly`` and
  ``@annually``, normalised to their five fields (``@daily`` -> ``0 0 * * *``), so that two
  spellings of one schedule compare equal and Dagster takes its fast, DST-aware path.

What is refused, although croniter or Dagster would take some of it: seconds and years fields
(Dagster runs minute resolution only), croniter's extensions ``L``, ``W``, ``#``, ``?`` and ``H``
(not portable: floe.yaml's schedule is orchestrator-neutral, and Dagster itself refuses ``W`` and
``H``), ``a/n`` without a range, ranges that run backwards (``5-1``: cron implementations disagree
on wrapping), steps larger than their range (``*/90`` silently means "every hour" in Dagster) and
dates that never occur (``0 0 31 4 *``: Dagster refuses 30 and 31 February but would accept 31 April
and then fail when it looks for a tick). ``tests/test_cron_dagster_agreement.py`` checks that
everything accepted here is accepted and iterated by the installed Dagster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from croniter import croniter

ALIASES: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

FORMAT_HELP = (
    "A cron expression has 5 fields separated by spaces: minute (0-59), hour (0-23), "
    "day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-7 or SUN-SAT; 0 and 7 are "
    "Sunday). Each field is *, a number, a range a-b, a list a,b or a step */n or a-b/n. "
    "Example: '0 8 * * *' runs every day at 08:00, '30 6 * * MON-FRI' at 06:30 on weekdays. "
    "Also accepted: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually."
)

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# the longest each month can be (February 29 exists in leap years, and Dagster runs it then)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_EXTENSIONS = {
    "L": "'L' (last day) is a croniter extension",
    "W": "'W' (nearest weekday) is a croniter extension",
    "#": "'#' (nth weekday of the month) is a croniter extension",
    "?": "'?' (no specific value) is a Quartz extension",
    "H": "'H' (hashed value) is a Jenkins extension",
}
_NUMBER = re.compile(r"[0-9]+")  # used with fullmatch: "$" passes "5\n"


@dataclass(frozen=True)
class _Field:
    position: int
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first_name_value: int = 0

    @property
    def label(self) -> str:
        return f"field {self.position} ({self.name})"

    def describe_range(self) -> str:
        text = f"{self.low}-{self.high}"
        if self.names:
            text += f" or {self.names[0]}-{self.names[-1]}"
        return text


_FIELDS = (
    _Field(1, "minute", 0, 59),
    _Field(2, "hour", 0, 23),
    _Field(3, "day of month", 1, 31),
    _Field(4, "month", 1, 12, _MONTHS, 1),
    _Field(5, "day of week", 0, 7, _DAYS, 0),
)


class _FieldError(ValueError):
    """One field's problem, before the whole message is composed."""


def validate_cron(cron: str) -> str:
    """Return ``cron`` normalised, or raise ValueError saying which field is wrong and why.

    Normalising collapses runs of spaces and replaces an ``@`` alias by its five fields.

    Args:
        cron: A 5-field cron expression or one of the ``@hourly``-style aliases.

    Returns:
        The expression as Dagster will receive it.

    Raises:
        TypeError: ``cron`` is not a string.
        ValueError: The expression is not one Dagster can run; the message names the field at
            fault and explains the 5-field format with an example.

    Examples:
        >>> validate_cron("0  8 * * *")
        '0 8 * * *'
        >>> validate_cron("@daily")
        '0 0 * * *'
        >>> validate_cron("0 25 * * *")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Invalid cron expression '0 25 * * *': field 2 (hour) is '25', outside 0-23. ...
    """
    if not isinstance(cron, str):
        raise TypeError(
            f"A cron expression must be a string such as '0 8 * * *', got {type(cron).__name__} "
            f"{cron!r}."
        )
    text = " ".join(cron.split())
    if not text:
        _fail(cron, "it is empty")
    if text.startswith("@"):
        alias = ALIASES.get(text.lower())
        if alias is None:
            _fail(
                cron,
                f"{text!r} is not an alias Dagster can run (the aliases are {', '.join(ALIASES)})",
            )
        return alias
    parts = text.split(" ")
    if len(parts) != len(_FIELDS):
        _fail(cron, _count_problem(parts))
    values: list[set[int] | None] = []
    for field, part in zip(_FIELDS, parts, strict=True):
        try:
            values.append(_parse_field(field, part))
        except _FieldError as error:
            _fail(cron, f"{field.label} is {part!r}, {error}")
    _check_date_exists(cron, parts, values)
    text = " ".join(_collapse_single_ranges(part) for part in parts)
    if not croniter.is_valid(text):  # a safety net: the checks above should have caught it
        _fail(cron, "croniter cannot parse it")
    return text


def _fail(cron: str, problem: str) -> NoReturn:
    raise ValueError(f"Invalid cron expression {cron!r}: {problem}. {FORMAT_HELP}")


def _collapse_single_ranges(part: str) -> str:
    """``0-0`` becomes ``0``: Dagster mistakes a range ending at 0 for an out-of-range step."""
    items = []
    for item in part.split(","):
        start, dash, end = item.partition("-")
        items.append(start if dash and "/" not in item and start.upper() == end.upper() else item)
    return ",".join(items)


def _count_problem(parts: list[str]) -> str:
    count = len(parts)
    noun = "field" if count == 1 else "fields"
    # repr, not quotes: a raw lone surrogate in a message breaks pydantic, which must encode it
    shown = " ".join(repr(part) for part in parts)
    problem = f"it has {count} {noun} ({shown}) where 5 are needed"
    if count in (6, 7):
        problem += "; seconds and years fields are not supported, Dagster runs minute resolution"
    return problem


def _parse_field(field: _Field, part: str) -> set[int] | None:
    """The values ``part`` selects, or None for ``*`` (every value)."""
    if part == "*":
        return None
    selected: set[int] = set()
    for item in part.split(","):
        if not item:
            raise _FieldError("which has an empty list item; separate values with single commas")
        extension = _extension(item)
        if extension:
            fix = "; write * instead" if "?" in item else ""
            raise _FieldError(f"but {extension}, not accepted so that schedules stay portable{fix}")
        selected |= _parse_item(field, item)
    return selected


def _extension(item: str) -> str | None:
    """The non-standard cron extension ``item`` uses, if any."""
    base = item.partition("/")[0].upper()
    if "#" in item:
        return _EXTENSIONS["#"]
    if "?" in item:
        return _EXTENSIONS["?"]
    if base == "H" or base.startswith("H("):
        return _EXTENSIONS["H"]
    if re.fullmatch(r"[0-9]*W|LW", base):
        return _EXTENSIONS["W"]
    if re.fullmatch(r"[0-9]*L|L-[0-9]+", base) or base.endswith("-L"):
        return _EXTENSIONS["L"]
    return None


def _parse_item(field: _Field, item: str) -> set[int]:
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not _NUMBER.fullmatch(step_text) or int(step_text) == 0:
            raise _FieldError(f"whose step {step_text!r} must be a whole number of at least 1")
        step = int(step_text)
    if base == "*":
        low, high = field.low, field.high
    elif "-" in base:
        start_text, _, end_text = base.partition("-")
        low, high = _value(field, start_text), _value(field, end_text)
        if low > high:
            raise _FieldError(
                f"whose range {base} runs backwards; write it low-high, and to wrap around list "
                f"both parts, e.g. '{start_text}-{min(field.high, 6)},{field.low}-{end_text}'"
            )
    else:
        low = high = _value(field, base)
        if slash:
            raise _FieldError(
                f"but a step needs * or a range before the slash; write "
                f"'{base}-{field.high}/{step}'"
            )
    if slash and step > high - low:
        raise _FieldError(
            f"whose step {step} is larger than the range {low}-{high}, so it would only ever "
            f"match {low}; list the values instead, or split the schedule"
        )
    return set(range(low, high + 1, step))


def _value(field: _Field, text: str) -> int:
    if _NUMBER.fullmatch(text):
        number = int(text)
        if not field.low <= number <= field.high:
            raise _FieldError(f"outside {field.describe_range()}")
        return number
    if text.upper() in field.names:
        return field.names.index(text.upper()) + field.first_name_value
    if field.names:
        raise _FieldError(
            f"where {text!r} is neither a number nor a name ({field.describe_range()})"
        )
    raise _FieldError(f"where {text!r} is not a number ({field.describe_range()})")


def _check_date_exists(cron: str, parts: list[str], values: list[set[int] | None]) -> None:
    days, months, weekdays = values[2], values[3], values[4]
    if days is None or weekdays is not None:
        # with a day-of-week restriction cron runs on either match, so some day always exists
        return
    for month in months if months is not None else range(1, 13):
        if any(day <= _DAYS_IN_MONTH[month - 1] for day in days):
            return
    _fail(
        cron,
        f"field 3 (day of month) is {parts[2]!r} and field 4 (month) is {parts[3]!r}, a date "
        "that never occurs, so the schedule would never run",
    )
