"""What a listing shows of a case, worked out from its checked data (no models).

Which fields those are is said in the models, by marking a field ``Annotated[..., FACT]``
(kept in the index's small head: what `list` filters on and validate cross-checks) or
``Annotated[..., SHOWN]`` (a fact every listing prints as it is). `list` reads thousands
of cases without importing pydantic, so the names are also kept here, as plain tuples;
tests/test_models.py requires them to equal what the models' marks say.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jatac.models.vocab import REVIEWED, Level


class Fact:
    """Marks a field as a listing fact (see the module's notes)."""

    def __repr__(self) -> str:
        return type(self).__name__.upper()


class Shown(Fact):
    """Marks a listing fact that every listing prints as it is."""


FACT, SHOWN = Fact(), Shown()

# what the marks in jatac.models.case.Issue and jatac.models.sara.SaraPackage say, in field order
CASE_FACTS = (
    *("id", "title", "status", "priority", "risk", "marking", "category", "location", "place"),
    *("raised_by", "raised_on", "lead", "adopted_on", "reviewed_on", "reviews", "escalations"),
    *("closed_on", "links", "evidence"),
)
CASE_SHOWN = (
    *("id", "title", "status", "priority", "marking", "category", "location", "place", "raised_by"),
    *("raised_on", "lead"),
)
SARA_FACTS = ("case", "assessment")


def marked(model: Any, mark: type[Fact]) -> tuple[str, ...]:
    """The fields of a pydantic model marked ``mark`` (or a narrower mark), in field order."""
    return tuple(
        name
        for name, field in model.model_fields.items()
        if any(isinstance(meta, mark) for meta in field.metadata)
    )


def review_date(
    status: str,
    adopted_on: date | None,
    reviewed_on: date | None,
    risk_level: str,
    review_days: dict[Level, int],
    set_for: date | None = None,
) -> date | None:
    """When an open adopted case is next due for review: the date its latest review set
    (``set_for``), else its last review (or adoption) plus the days its risk level allows."""
    if status not in REVIEWED or adopted_on is None:
        return None
    if set_for is not None:
        return set_for
    last = max(d for d in (adopted_on, reviewed_on) if d is not None)
    return last + timedelta(days=review_days[Level(risk_level)])


def summary(
    data: dict[str, Any], review_days: dict[Level, int] | None = None, today: date | None = None
) -> dict[str, Any]:
    """The fields every listing shows (and ``list --format json`` prints), from a case's
    checked data or its facts (``Kind.facts``): `list` filters thousands without models."""

    def day(key: str) -> date | None:
        value = data.get(key)
        return date.fromisoformat(value) if value else None

    review = None
    if review_days and data["status"] in REVIEWED:
        level = data.get("risk") or data["priority"]
        reviews = data.get("reviews") or []  # not in the facts of an index older than reviews
        latest = max(reviews, key=lambda r: str(r["on"])) if reviews else {}
        set_for = date.fromisoformat(latest["next"]) if latest.get("next") else None
        review = review_date(
            data["status"], day("adopted_on"), day("reviewed_on"), level, review_days, set_for
        )
    escalations = data.get("escalations") or []
    row = {name: data.get(name) for name in CASE_SHOWN}
    row["next_review"] = review.isoformat() if review else None
    row["review_due"] = bool(review and today and review < today)
    row["escalated_to"] = escalations[-1]["to"] if escalations else None
    return row
