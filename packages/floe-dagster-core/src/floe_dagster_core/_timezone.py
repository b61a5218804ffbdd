"""IANA time zone names: validation with suggestions of the closest valid names.

The names are those of ``zoneinfo.available_timezones()``: the system's zone data when the machine
has it, and the ``tzdata`` package (a dependency) otherwise, so that a slim container without
/usr/share/zoneinfo validates the same names. Dagster resolves ``execution_timezone`` with
``zoneinfo.ZoneInfo`` too, so every name accepted here is one Dagster can run.
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo

FULL_LIST = (
    "zoneinfo.available_timezones() in Python, or "
    "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones"
)
COMMON = ("UTC", "America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Sydney")

# entries of the zone folders that are not time zones a schedule should name
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})

# abbreviations people write for a zone; those that are themselves IANA names (EST, MST, HST,
# CET, ...) are valid and never reach this table
_ABBREVIATIONS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MDT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "EDT": "America/New_York",
    "AKST": "America/Anchorage",
    "BST": "Europe/London",
    "CEST": "Europe/Paris",
    "EEST": "Europe/Athens",
    "IST": "Asia/Kolkata",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}


@functools.lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    """Every IANA time zone name this machine can resolve (cached; about 600 names)."""
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES


def validate_timezone(timezone: str) -> str:
    """Return ``timezone`` if it is an IANA name, or raise ValueError with the closest names.

    Names are case-sensitive, as they are on Linux and in Dagster. Surrounding spaces are removed.

    Args:
        timezone: An IANA time zone name such as ``America/New_York``.

    Returns:
        The name, stripped of surrounding spaces.

    Raises:
        TypeError: ``timezone`` is not a string.
        ValueError: The name is not an IANA time zone; the message suggests the closest valid
            names and says where the full list is.

    Examples:
        >>> validate_timezone("America/New_York")
        'America/New_York'
        >>> validate_timezone("America/NewYork")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Unknown time zone 'America/NewYork': did you mean 'America/New_York'? ...
    """
    if not isinstance(timezone, str):
        raise TypeError(
            f"A time zone must be an IANA name such as 'America/New_York', got "
            f"{type(timezone).__name__} {timezone!r}."
        )
    name = timezone.strip()
    names = available_timezones()
    if name in names:
        return name
    if not names:
        raise ValueError(
            f"Cannot check the time zone {timezone!r}: this machine has no time zone data. "
            "Install the tzdata package (pip install tzdata)."
        )
    suggestions = closest_timezones(name)
    if suggestions:
        quoted = [repr(option) for option in suggestions]
        options = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        hint = f"did you mean {options}?"
    else:
        hint = "valid options include " + ", ".join(repr(option) for option in COMMON) + "."
    raise ValueError(
        f"Unknown time zone {timezone!r}: {hint} Time zones are IANA names, case-sensitive, "
        f"written Area/City; the full list of the {len(names)} names is {FULL_LIST}."
    )


def closest_timezones(name: str, limit: int = 3) -> list[str]:
    """The valid names closest to ``name``, best first (at most ``limit``).

    Examples:
        >>> closest_timezones("america/new york")
        ['America/New_York']
        >>> closest_timezones("PST")
        ['America/Los_Angeles']
    """
    names = available_timezones()
    by_lower: dict[str, str] = {}
    for valid in sorted(names):
        by_lower.setdefault(valid.lower(), valid)
    wanted = "_".join(name.split()).lower()
    found: list[str] = []

    def add(candidates: list[str]) -> None:
        for candidate in candidates:
            if candidate not in found:
                found.append(candidate)

    if wanted in by_lower:
        add([by_lower[wanted]])
    if name.strip().upper() in _ABBREVIATIONS:
        add([_ABBREVIATIONS[name.strip().upper()]])
    city = wanted.rsplit("/", 1)[-1]
    add(sorted(valid for valid in names if valid.lower().rsplit("/", 1)[-1] == city))
    add([by_lower[m] for m in difflib.get_close_matches(wanted, by_lower, n=limit, cutoff=0.75)])
    if len(found) < limit and city:
        by_city: dict[str, list[str]] = {}
        for valid in sorted(names):
            if "/" in valid:
                by_city.setdefault(valid.lower().rsplit("/", 1)[-1], []).append(valid)
        for match in difflib.get_close_matches(city, by_city, n=limit, cutoff=0.8):
            add(by_city[match])
    return found[:limit]
