"""Dates as a person types them: ISO (2026-12-07), or the UK's day first (7/12/2026).

Files and every data output (JSON, CSV, YAML) hold ISO dates only; the day-first form is
accepted where a person types a date (an option, a meeting's date, `set due=...`).
"""

from __future__ import annotations

import re
from datetime import date

# day/month/year with a four-digit year: 7/12/2026, 07/12/2026, 7.12.2026, 7-12-2026
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
HOW = "write it as YYYY-MM-DD (2026-12-07) or day/month/year (7/12/2026)"
# the years jatac plans and reports for: a schedule, a quarter or a year's figures are
# worked out with dates around the one given, and near year 1 or 9999 they run off the calendar
FIRST_YEAR, LAST_YEAR = 1900, 2999
YEARS = f"between {FIRST_YEAR} and {LAST_YEAR}"
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")


def in_years(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def clock_time(text: str) -> str:
    """A time of day as a meeting holds it, 24-hour HH:MM (09:30); ValueError saying so."""
    text = text.strip()
    if not _CLOCK.fullmatch(text):
        raise ValueError(f"{text!r} is not a time of day; write it as HH:MM, 24-hour (09:30, 14:00)")
    return text


def month_day(text: str) -> tuple[int, int]:
    """(month, day) of a day that comes round every year (MM-DD: 04-01); ValueError if some
    year has no such day (02-30, 04-31, and 02-29, which three years in four lack)."""
    match = _MONTH_DAY.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError
        month, day = int(match[1]), int(match[2])
        date(2001, month, day)  # not a leap year: every year must have the day
    except ValueError:
        raise ValueError(
            f"{text!r} is not a day every year has; write it as MM-DD (04-01 for 1 April)"
        ) from None
    return month, day


def is_day_first(text: str) -> bool:
    return _DAY_FIRST.fullmatch(text.strip()) is not None


def typed_date(text: str) -> date:
    """The date ``text`` names; ValueError (saying both forms) if it names none.

    Never month first: in the UK 7/12/2026 is the 7th of December, and 12/13/2026 is no date."""
    text = text.strip()
    match = _DAY_FIRST.fullmatch(text)
    try:
        if match:
            day, _, month, year = match.groups()
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date; {HOW}")
