"""Today's date, in one place.

``JATAC_TODAY=YYYY-MM-DD`` fixes the date: tests use it, and so can a
coordinator entering yesterday's decisions.
"""

from __future__ import annotations

import os
from datetime import date

from jatac.errors import JatacError


def today() -> date:
    fixed = os.environ.get("JATAC_TODAY")
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise JatacError(
            f"JATAC_TODAY={fixed!r} is not a date", hint="Use the form YYYY-MM-DD, or unset it."
        ) from None
