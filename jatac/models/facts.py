"""What a listing shows of a case, worked out from its checked data (no models)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jatac.models.vocab import REVIEWED, Level


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
    return {
        "id": data["id"],
        "title": data["title"],
        "status": data["status"],
        "priority": data["priority"],
        "category": data["category"],
        "location": data["location"],
        "place": data.get("place"),
        "raised_by": data["raised_by"],
        "raised_on": data["raised_on"],
        "lead": data.get("lead"),
        "marking": data["marking"],
        "next_review": review.isoformat() if review else None,
        "review_due": bool(review and today and review < today),
        "escalated_to": escalations[-1]["to"] if escalations else None,
    }
