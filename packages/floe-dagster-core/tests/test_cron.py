"""validate_cron: the accepted forms, their normalisation, and messages that say what to fix."""

from __future__ import annotations

import pytest

from floe_dagster_core import validate_cron
from floe_dagster_core._cron import ALIASES, FORMAT_HELP

ACCEPTED = [
    ("0 8 * * *", "0 8 * * *"),
    ("  0   8 * *   * ", "0 8 * * *"),
    ("*/15 * * * *", "*/15 * * * *"),
    ("0 */4 * * *", "0 */4 * * *"),
    ("30 6 * * MON-FRI", "30 6 * * MON-FRI"),
    ("30 6 * * mon-fri", "30 6 * * mon-fri"),
    ("0 0 1,15 * *", "0 0 1,15 * *"),
    ("0 9-17/2 * * 1-5", "0 9-17/2 * * 1-5"),
    ("0 0 1 JAN,JUL *", "0 0 1 JAN,JUL *"),
    ("0 8 * JUL THU", "0 8 * JUL THU"),
    ("0 0 * * 7", "0 0 * * 7"),
    ("0 0 29 2 *", "0 0 29 2 *"),
    ("0 0 31 4 1", "0 0 31 4 1"),  # day-of-week makes it run on Mondays of April
    ("59 23 31 12 *", "59 23 31 12 *"),
    ("0-59/59 * * * *", "0-59/59 * * * *"),
    ("0 0-0 * * 1-1,3", "0 0 * * 1,3"),
]


@pytest.mark.parametrize(("cron", "normalised"), ACCEPTED)
def test_accepted_expressions_are_normalised(cron: str, normalised: str) -> None:
    assert validate_cron(cron) == normalised


@pytest.mark.parametrize(("alias", "fields"), sorted(ALIASES.items()))
def test_aliases_become_their_five_fields(alias: str, fields: str) -> None:
    assert validate_cron(alias) == fields
    assert validate_cron(alias.upper()) == fields


def test_normalising_is_idempotent() -> None:
    for cron, _ in ACCEPTED:
        once = validate_cron(cron)
        assert validate_cron(once) == once


REFUSED = [
    # (expression, the words the message must contain)
    ("invalid", "it has 1 field ('invalid') where 5 are needed"),
    ("0 8 * *", "it has 4 fields ('0' '8' '*' '*') where 5 are needed"),
    ("0 0 8 * * *", "seconds and years fields are not supported"),
    ("", "it is empty"),
    ("60 8 * * *", "field 1 (minute) is '60', outside 0-59"),
    ("0 25 * * *", "field 2 (hour) is '25', outside 0-23"),
    ("0 8 0 * *", "field 3 (day of month) is '0', outside 1-31"),
    ("0 8 * 13 *", "field 4 (month) is '13', outside 1-12 or JAN-DEC"),
    ("0 8 * * 8", "field 5 (day of week) is '8', outside 0-7 or SUN-SAT"),
    ("0 8 * * MOM", "'MOM' is neither a number nor a name (0-7 or SUN-SAT)"),
    ("0 8 * FOO *", "'FOO' is neither a number nor a name (1-12 or JAN-DEC)"),
    ("x 8 * * *", "field 1 (minute) is 'x', where 'x' is not a number (0-59)"),
    ("\u0663 8 * * *", "is not a number (0-59)"),
    ("0 8 * * 5-1", "range 5-1 runs backwards"),
    ("0 8 * * 5-1", "'5-6,0-1'"),
    ("*/90 * * * *", "step 90 is larger than the range 0-59, so it would only ever match 0"),
    ("0 */24 * * *", "step 24 is larger than the range 0-23"),
    ("*/0 * * * *", "step '0' must be a whole number of at least 1"),
    ("5/15 * * * *", "write '5-59/15'"),
    ("0 8 1,,2 * *", "empty list item"),
    ("0 0 L * *", "'L' (last day) is a croniter extension"),
    ("0 0 1-L * *", "'L' (last day) is a croniter extension"),
    ("0 0 * * 5L", "'L' (last day) is a croniter extension"),
    ("0 0 15W * *", "'W' (nearest weekday) is a croniter extension"),
    ("0 0 * * 1#2", "'#' (nth weekday of the month) is a croniter extension"),
    ("0 0 ? * *", "'?' (no specific value) is a Quartz extension"),
    ("0 0 ? * *", "write * instead"),
    ("H * * * *", "'H' (hashed value) is a Jenkins extension"),
    ("0 0 31 4 *", "a date that never occurs, so the schedule would never run"),
    ("0 0 30 2 *", "field 3 (day of month) is '30' and field 4 (month) is '2'"),
    ("0 0 31 2,4,6 *", "a date that never occurs"),
    ("@reboot", "'@reboot' is not an alias Dagster can run"),
]


@pytest.mark.parametrize(("cron", "expected"), REFUSED)
def test_refused_expressions_say_what_is_wrong(cron: str, expected: str) -> None:
    with pytest.raises(ValueError, match=r"^Invalid cron expression") as caught:
        validate_cron(cron)
    message = str(caught.value)
    assert message.startswith(f"Invalid cron expression {cron!r}: ")
    assert expected in message
    # every message teaches the format, with an example
    assert message.endswith(FORMAT_HELP)
    assert "5 fields separated by spaces" in message
    assert "Example: '0 8 * * *' runs every day at 08:00" in message


def test_the_spec_invalid_example_explains_the_format() -> None:
    """US5 scenario 2, at the core level: 'invalid' is refused with the 5-field format."""
    with pytest.raises(ValueError, match=r"minute \(0-59\), hour \(0-23\), day of month"):
        validate_cron("invalid")


@pytest.mark.parametrize("value", [None, 8, ["0", "8", "*", "*", "*"]])
def test_a_non_string_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="must be a string such as '0 8 \\* \\* \\*'"):
        validate_cron(value)  # type: ignore[arg-type]  # the point of the test
