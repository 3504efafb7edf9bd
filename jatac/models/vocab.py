"""The partnership's fixed words as plain enums: markings, levels, case statuses.

No pydantic here: listing cases and reading the index use these without loading the
models (a tenth of a second at every start). ``jatac.models`` builds on them.
"""

from __future__ import annotations

from enum import StrEnum


class Marking(StrEnum):
    """UK Government Security Classification of a record or document."""

    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"

    @classmethod
    def highest(cls, markings: list[Marking]) -> Marking:
        return cls.OFFICIAL_SENSITIVE if cls.OFFICIAL_SENSITIVE in markings else cls.OFFICIAL


class Level(StrEnum):
    """Priority or risk."""

    high = "high"
    medium = "medium"
    low = "low"


LEVEL_ORDER = {Level.high: 0, Level.medium: 1, Level.low: 2}
# the longest review interval jatac.yaml may set: a review date is worked out from it, ten years
# is far past any tasking review, and that far on is still on the calendar (a billion days once
# ended `list` in a crash)
MAX_REVIEW_DAYS = 3650


class Status(StrEnum):
    proposed = "proposed"
    adopted = "adopted"
    escalated = "escalated"
    rejected = "rejected"
    referred = "referred"
    closed = "closed"


OPEN_STATUSES = frozenset({Status.proposed, Status.adopted, Status.escalated})
OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)  # for filtering checked data
REVIEWED = frozenset({Status.adopted.value, Status.escalated.value})  # statuses with a review date
