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

from jatac.models.vocab import REVIEWED, Level, Marking, Status


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

# what each fact holds in checked data (JSON): the index's sealed head is read as facts only
# if each has its shape, so a head of another shape (jatac's own bug, or forged with the
# user's key) is read past, as if absent, rather than met by `list` as a KeyError
_TEXT, _MAYBE = (str,), (str, type(None))


class _Records(frozenset[str]):
    """A list of records (reviews, escalations ...), each holding these keys."""


_WORDS = {
    "status": frozenset(s.value for s in Status),
    "priority": frozenset(v.value for v in Level),
    "risk": frozenset(v.value for v in Level) | {None},
    "marking": frozenset(m.value for m in Marking),
}
_DAYS = ("raised_on", "adopted_on", "reviewed_on", "closed_on")
CASE_SHAPES: dict[str, Any] = {
    **dict.fromkeys(("id", "title", "category", "location", "raised_by", "raised_on"), _TEXT),
    **dict.fromkeys(("place", "lead", "adopted_on", "reviewed_on", "closed_on"), _MAYBE),
    "reviews": _Records(("on", "note", "next")),
    "escalations": _Records(("to", "on", "reason", "skipped")),
    "links": _Records(("case", "how", "note")),
    "evidence": _Records(("name", "sha256", "size", "added_on", "note")),
    **_WORDS,
}
SARA_SHAPES: dict[str, Any] = {"case": _TEXT, "assessment": (dict, type(None))}


def facts_fit(facts: Any, shapes: dict[str, Any]) -> bool:
    """Whether ``facts`` (a record's facts or checked data) holds every fact in its shape.
    Run on every entry `list` reads: a few microseconds each."""
    if not isinstance(facts, dict) or not shapes.keys() <= facts.keys():
        return False
    for name, shape in shapes.items():
        value = facts[name]
        if isinstance(shape, _Records):
            if type(value) is not list:
                return False
            for item in value:
                if type(item) is not dict or not item.keys() >= shape:
                    return False
        elif isinstance(shape, frozenset):
            if value not in shape:
                return False
        elif not isinstance(value, shape):
            return False
    for name in _DAYS:
        day = facts.get(name) if name in shapes else None
        if day is not None and not (len(day) == 10 and _is_day(day)):
            return False
    return True


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
