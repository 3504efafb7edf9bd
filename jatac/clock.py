"""Today's date, in one place.

``JATAC_TODAY=YYYY-MM-DD`` fixes the date: tests use it, and so can a
coordinator entering yesterday's decisions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from jatac.errors import JatacError

_as_of: ContextVar[date | None] = ContextVar("jatac_as_of", default=None)


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Record what is done inside as done on ``day`` (decisions carried out from minutes)."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def today() -> date:
    override = _as_of.get()
    if override is not None:
        return override
    fixed = os.environ.get("JATAC_TODAY")
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise JatacError(
            f"JATAC_TODAY={fixed!r} is not a date", hint="Use the form YYYY-MM-DD, or unset it."
        ) from None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day where it is shorter:
    a review due a year after 29 February 2024 is due on 28 February 2025."""
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)
