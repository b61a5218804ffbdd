"""validate_timezone: IANA names through zoneinfo + tzdata, with the closest names suggested."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator

import pytest

from floe_dagster_core import validate_timezone
from floe_dagster_core._timezone import COMMON, available_timezones, closest_timezones


@pytest.mark.parametrize(
    "name",
    ["UTC", "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
     "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Eastern", "EST"],
)  # fmt: skip
def test_iana_names_are_accepted(name: str) -> None:
    assert validate_timezone(name) == name


def test_surrounding_spaces_are_removed() -> None:
    assert validate_timezone("  Europe/London\n") == "Europe/London"


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("America/NewYork", "'America/New_York'"),
        ("america/new_york", "'America/New_York'"),
        ("New_York", "'America/New_York'"),
        ("New York", "'America/New_York'"),
        ("Sydney", "'Australia/Sydney'"),
        ("Europe/Londn", "'Europe/London'"),
        ("PST", "'America/Los_Angeles'"),
        ("utc", "'UTC'"),
        ("GMT+5", "'Etc/GMT+5'"),
    ],
)
def test_a_near_miss_gets_did_you_mean(given: str, suggested: str) -> None:
    with pytest.raises(ValueError, match=r"^Unknown time zone") as caught:
        validate_timezone(given)
    message = str(caught.value)
    assert message.startswith(f"Unknown time zone {given!r}: did you mean {suggested}")
    assert "zoneinfo.available_timezones()" in message
    assert "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones" in message


def test_the_first_suggestion_is_the_closest() -> None:
    assert closest_timezones("america/new york")[0] == "America/New_York"
    assert closest_timezones("Australia/Sidney")[0] == "Australia/Sydney"
    assert len(closest_timezones("Europe/Berln")) <= 3


@pytest.mark.parametrize("given", ["Fake/Zone", "", "localtime", "Factory"])
def test_a_name_with_no_near_miss_lists_valid_options(given: str) -> None:
    with pytest.raises(ValueError, match=r"^Unknown time zone") as caught:
        validate_timezone(given)
    message = str(caught.value)
    options = ", ".join(repr(name) for name in COMMON)
    assert f"Unknown time zone {given!r}: valid options include {options}." in message
    assert f"the full list of the {len(available_timezones())} names is" in message


@pytest.mark.parametrize("value", [None, 5])
def test_a_non_string_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="must be an IANA name such as 'America/New_York'"):
        validate_timezone(value)  # type: ignore[arg-type]  # the point of the test


def test_every_accepted_name_is_one_zoneinfo_resolves() -> None:
    names = available_timezones()
    assert len(names) > 400
    for name in names:
        zoneinfo.ZoneInfo(name)


@pytest.fixture
def without_system_zone_data() -> Iterator[None]:
    """A machine without /usr/share/zoneinfo: only the tzdata package remains."""
    zoneinfo.reset_tzpath(to=[])
    available_timezones.cache_clear()
    zoneinfo.ZoneInfo.clear_cache()
    try:
        yield
    finally:
        zoneinfo.reset_tzpath()
        available_timezones.cache_clear()
        zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.usefixtures("without_system_zone_data")
def test_the_tzdata_package_is_enough() -> None:
    assert zoneinfo.TZPATH == ()
    assert validate_timezone("America/New_York") == "America/New_York"
    assert validate_timezone("Australia/Sydney") == "Australia/Sydney"
    zone = zoneinfo.ZoneInfo("America/New_York")
    with pytest.raises(ValueError, match="did you mean 'America/New_York'"):
        validate_timezone("America/NewYork")
    assert zone.key == "America/New_York"
