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
