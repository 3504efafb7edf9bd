"""Bank holidays of the partnership's region, from the maintained ``holidays`` library.

The library imports every country it knows (a third of a second or more), so a year's
dates are kept in the person's cache folder (``~/.cache/jatac/bank-holidays.json``) and
asked for again after a month: a bank holiday announced later (a coronation) is picked up.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import cache
from pathlib import Path

REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
FRESH_DAYS = 30


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jatac" / "bank-holidays.json"


def _from_library(region: str, year: int) -> dict[str, str]:
    from holidays import country_holidays

    found = country_holidays("GB", subdiv=REGIONS[region], years=year)
    return {day.isoformat(): str(name) for day, name in sorted(found.items())}


@cache
def _year(region: str, year: int) -> dict[date, str]:
    path = _cache_file()
    key = f"{region}/{year}"
    stored: dict[str, dict[str, object]] = {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        entry = stored[key]
        made = date.fromisoformat(str(entry["made"]))
        if 0 <= (date.today() - made).days <= FRESH_DAYS:
            days = entry["days"]
            assert isinstance(days, dict)
            return {date.fromisoformat(d): str(n) for d, n in days.items()}
    except (OSError, ValueError, KeyError, TypeError, AssertionError, AttributeError):
        pass  # no cache yet, an old one, or a damaged one: asked of the library again
    days = _from_library(region, year)
    stored = stored if isinstance(stored, dict) else {}
    stored[key] = {"made": date.today().isoformat(), "days": days}
    try:
        from jatac.storage.fs import atomic_write

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(stored, indent=1, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written costs only time
    return {date.fromisoformat(d): n for d, n in days.items()}


def bank_holiday(region: str, day: date) -> str | None:
    """The bank holiday on ``day`` in ``region`` (e.g. "Easter Monday"), or None."""
    return _year(region, day.year).get(day)


def working_day_after(region: str, day: date) -> date:
    """The next day after ``day`` that is neither a weekend nor a bank holiday."""
    from datetime import timedelta

    after = day + timedelta(days=1)
    while after.weekday() >= 5 or bank_holiday(region, after):
        after += timedelta(days=1)
    return after
