"""An issue (a case): a problem a partner agency raised, and its life.

Lifecycle (terms of reference and the Common Tasking Framework):

    proposed -> adopted | rejected | referred
    adopted  -> escalated | closed | referred
    escalated -> adopted (back from the higher group) | closed | referred
    rejected, referred -> proposed (raised again)
    closed   -> adopted (reopened)

Every change of a field a report counts (``TRACKED``) is dated in the case's
``changes``, so the case can be seen as it stood on any day (jatac/cases/as_at.py).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from jatac.models.common import (
    PERSON_REF_RE,
    SLUG_RE,
    AgencyId,
    CaseId,
    CategoryId,
    EscalationLevelId,
    FieldError,
    Level,
    Line,
    LocalityId,
    Marking,
    NotPersonal,
    Record,
    Slug,
    StateChange,
    Text,
    as_text,
    config_from,
    log_error,
)
from jatac.models.facts import FACT, SHOWN, review_date
from jatac.models.vocab import OPEN_STATUSES, Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.proposed: frozenset({Status.adopted, Status.rejected, Status.referred}),
    Status.adopted: frozenset({Status.escalated, Status.closed, Status.referred}),
    Status.escalated: frozenset({Status.adopted, Status.closed, Status.referred}),
    Status.rejected: frozenset({Status.proposed}),
    Status.referred: frozenset({Status.proposed}),
    Status.closed: frozenset({Status.adopted}),
}


def transition_error(old: Status, new: Status) -> str | None:
    """Why ``old -> new`` is not allowed, or None when it is."""
    if old == new or new in TRANSITIONS[old]:
        return None
    allowed = ", ".join(sorted(TRANSITIONS[old]))
    return f"a {old.value} case cannot become {new.value} (from {old.value}: {allowed})"


class Outcome(StrEnum):
    resolved = "resolved"
    reduced = "reduced"
    unchanged = "unchanged"
    handed_over = "handed-over"
    withdrawn = "withdrawn"


class PersonRole(StrEnum):
    victim = "victim"
    subject = "subject"
    witness = "witness"
    complainant = "complainant"
    other = "other"


class PersonLink(Record):
    ref: str = Field(pattern=PERSON_REF_RE.pattern)
    role: PersonRole = PersonRole.other


class Escalation(Record):
    """A case taken up a level: JATAC -> Performance Group -> RAG, one at a time; a level
    passed over by the chair's decision is named in ``skipped``."""

    to: EscalationLevelId
    on: date
    reason: Line
    skipped: list[EscalationLevelId] = Field(default_factory=list)


class Review(Record):
    """A review of an adopted case: when, what was found, and (if the group set one) when
    it is next due, instead of the interval its risk level gives."""

    on: date
    note: Line
    next: date | None = None

    @model_validator(mode="after")
    def _next_after(self) -> Review:
        if self.next is not None and self.next <= self.on:
            raise FieldError("next", f"the next review ({self.next}) is not after this one ({self.on})")
        return self


class Reference(Record):
    """A reference in another system (a police incident number, a council complaint ...):
    the system is one jatac.yaml declares, and the reference takes one of its forms."""

    system: Slug
    ref: Line
    note: Line | None = None


class LinkKind(StrEnum):
    related = "related"
    duplicate_of = "duplicate-of"
    superseded_by = "superseded-by"


class CaseLink(Record):
    """This case and another: related, a duplicate of it, or superseded by it."""

    case: CaseId
    how: LinkKind = LinkKind.related
    note: Line | None = None


EVIDENCE_DIGEST_RE = r"^[0-9a-f]{64}$"


def _own_name(value: str) -> str:
    found = next((c for c in "/\\" if c in value), None)
    if found:
        raise ValueError(f"holds {found!r}; it is a file's own name, never a path")
    return value


# the name a case lists an evidence file by: one line of plain text, as every one-line field
FileName = Annotated[Line, AfterValidator(_own_name)]


class Evidence(Record):
    """A file attached to the case (a photo, a letter), kept out of git's history in the
    repository's evidence folder under its content's SHA-256; the case keeps its name and digest."""

    name: FileName
    sha256: str = Field(pattern=EVIDENCE_DIGEST_RE)
    size: int = Field(ge=0)
    added_on: date
    note: Line | None = None


# The fields a report counts, whose every change is dated in ``changes``: what a case was
# on a past day is worked out from them, never from git (a clone without history agrees).
TRACKED = ("status", "priority", "risk", "lead", "outcome", "category", "location")
_WORDS: dict[str, type[StrEnum]] = {"status": Status, "priority": Level, "risk": Level, "outcome": Outcome}


class CaseChange(StateChange):
    """A dated change of a case's status, priority, risk, lead, outcome, category or location."""

    FIELDS = TRACKED

    def value_error(self, value: str) -> str | None:
        if self.field in _WORDS:
            allowed = [w.value for w in _WORDS[self.field]]
            return None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}"
        return None if SLUG_RE.fullmatch(value) else f"{value!r} is not an id"


def passed_over(levels: list[str], current: str | None, to: str) -> list[str]:
    """The levels between ``current`` (None: the partnership's own group) and ``to``."""
    start = levels.index(current) + 1 if current in levels else 0
    return levels[start : levels.index(to)] if to in levels else []


def escalation_error(levels: list[str], current: str | None, step: Escalation) -> str | None:
    """Why escalating from ``current`` as ``step`` says breaks the one-level rule, or None."""
    if current in levels and step.to in levels and levels.index(step.to) <= levels.index(current):
        return f"the case is already escalated to {current}"
    between = passed_over(levels, current, step.to)
    if between and step.skipped != between:
        return (
            f"escalation goes one level at a time: the next level is {between[0]}; going "
            f"straight to {step.to} is a chair's decision, recorded as skipped: [{', '.join(between)}]"
        )
    if step.skipped and not between:
        return f"{step.to} is the next level: no level is skipped"
    return None


class Issue(Record):
    """One case in the issue log. Field order here is the order in the file."""

    id: Annotated[CaseId, SHOWN]
    title: Annotated[Line, SHOWN]
    status: Annotated[Status, SHOWN] = Status.proposed
    priority: Annotated[Level, SHOWN] = Level.medium
    risk: Annotated[Level | None, FACT] = None
    marking: Annotated[Marking, SHOWN] = Marking.OFFICIAL
    category: Annotated[CategoryId, SHOWN]
    location: Annotated[LocalityId, SHOWN]
    place: Annotated[Line | None, SHOWN] = None
    raised_by: Annotated[AgencyId, SHOWN]
    raised_on: Annotated[date, SHOWN]
    description: Text = ""
    lead: Annotated[AgencyId | None, SHOWN] = None
    problem_manager: Line | None = None
    adopted_on: Annotated[date | None, FACT] = None
    reviewed_on: Annotated[date | None, FACT] = None  # the latest review's date
    reviews: Annotated[list[Review], FACT] = Field(default_factory=list)
    referred_to: Line | None = None
    decision_note: Text | None = None
    escalations: Annotated[list[Escalation], FACT] = Field(default_factory=list)
    closed_on: Annotated[date | None, FACT] = None
    outcome: Outcome | None = None
    tags: list[Slug] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    links: Annotated[list[CaseLink], FACT] = Field(default_factory=list)
    evidence: Annotated[list[Evidence], FACT] = Field(default_factory=list)
    # people (victims, subjects, witnesses) only by pseudonym; their details stay in the
    # restricted store, never in git. Personal: left out of wide-audience documents.
    people: list[PersonLink] = Field(default_factory=list)
    not_personal: list[NotPersonal] = Field(default_factory=list)
    # every change of a TRACKED field, dated (jatac writes them; see jatac/cases/as_at.py)
    changes: list[CaseChange] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def risk_level(self) -> Level:
        return self.risk or self.priority

    @property
    def latest_review(self) -> Review | None:
        return max(self.reviews, key=lambda r: r.on) if self.reviews else None

    def next_review(self, review_days: dict[Level, int]) -> date | None:
        """When an open adopted case is next due for review: the date its latest review set,
        else its last review (or adoption) and the interval of its risk level."""
        latest = self.latest_review
        return review_date(
            self.status,
            self.adopted_on,
            self.reviewed_on,
            self.risk_level,
            review_days,
            latest.next if latest else None,
        )

    def tracked(self) -> dict[str, str | None]:
        """The TRACKED fields' values as the log writes them."""
        return {name: as_text(getattr(self, name)) for name in TRACKED}

    @property
    def escalated_to(self) -> str | None:
        return self.escalations[-1].to if self.escalations else None

    @property
    def year(self) -> int:
        return int(self.id.split("-")[1])

    @field_validator("id")
    @classmethod
    def _prefix_matches(cls, value: str, info: ValidationInfo) -> str:
        cfg = config_from(info)
        if cfg is not None and not value.startswith(cfg.prefix + "-"):
            raise ValueError(f"case ids in this repository start with {cfg.prefix}-")
        return value

    @field_validator("references")
    @classmethod
    def _references_known(cls, value: list[Reference], info: ValidationInfo) -> list[Reference]:
        cfg = config_from(info)
        seen: set[tuple[str, str]] = set()
        for ref in value:
            if (ref.system, ref.ref.upper()) in seen:
                raise ValueError(f"{ref.system} {ref.ref} appears twice")
            seen.add((ref.system, ref.ref.upper()))
            if cfg is None:
                continue
            system = cfg.system_by_id.get(ref.system)
            if system is None:
                known = ", ".join(cfg.system_by_id) or "none yet (add them under systems: in jatac.yaml)"
                raise ValueError(f"unknown reference system {ref.system!r}; jatac.yaml defines: {known}")
            if not system.matches(ref.ref):
                raise ValueError(f"{ref.ref!r} is not a {system.name}: they look like {system.describe()}")
        return value

    @model_validator(mode="after")
    def _links_and_evidence(self) -> Issue:
        linked: set[str] = set()
        for link in self.links:
            if link.case == self.id:
                raise FieldError("links", f"{self.id} cannot be linked to itself")
            if link.case in linked:
                raise FieldError("links", f"{link.case} is linked twice")
            linked.add(link.case)
        ends = [link.case for link in self.links if link.how is not LinkKind.related]
        if len(ends) > 1:
            raise FieldError("links", "a case is a duplicate of, or superseded by, one case at most")
        names: set[str] = set()
        for item in self.evidence:
            if item.name in names:
                raise FieldError("evidence", f"two files are named {item.name!r}")
            names.add(item.name)
        return self

    @model_validator(mode="after")
    def _dates_in_order(self) -> Issue:
        if self.raised_on.year != self.year:
            raise FieldError(
                "raised_on",
                f"{self.raised_on} is not in {self.year}, the year in the id {self.id}",
            )
        later: list[tuple[str, date | None]] = [
            ("adopted_on", self.adopted_on),
            ("reviewed_on", self.reviewed_on),
            ("closed_on", self.closed_on),
        ]
        later += [(f"escalations {e.to}", e.on) for e in self.escalations]
        later += [("reviews", r.on) for r in self.reviews]
        for name, when in later:
            if when is not None and when < self.raised_on:
                raise FieldError(name.split()[0], f"{when} is before raised_on {self.raised_on}")
        latest = self.latest_review
        if latest is not None and self.reviewed_on != latest.on:
            raise FieldError(
                "reviewed_on",
                f"is {self.reviewed_on or 'empty'}, not the date of the latest review ({latest.on}); "
                "`jatac review CASE --note ...` records a review and keeps the two together",
            )
        if self.adopted_on and self.closed_on and self.closed_on < self.adopted_on:
            raise FieldError("closed_on", f"{self.closed_on} is before adopted_on {self.adopted_on}")
        if self.status is Status.closed and (self.closed_on is None or self.outcome is None):
            missing = "outcome" if self.outcome is None else "closed_on"
            raise FieldError(missing, "a closed case needs closed_on and an outcome")
        if self.status in {Status.adopted, Status.escalated}:
            for name in ("lead", "problem_manager", "adopted_on"):
                if not getattr(self, name):
                    raise FieldError(
                        name,
                        f"an {self.status.value} case needs a lead agency, a problem manager "
                        "and adopted_on (jatac adopt CASE --lead AGENCY --problem-manager ROLE)",
                    )
        if self.status is Status.escalated and not self.escalations:
            raise FieldError("escalations", "an escalated case needs an escalation (to, on, reason)")
        if self.status is Status.referred and not self.referred_to:
            raise FieldError("referred_to", "a referred case says who it was referred to")
        if self.status is not Status.closed and self.outcome is not None:
            raise FieldError("outcome", f"a {self.status.value} case has no outcome yet; remove it")
        why = log_error(self.changes, self.tracked(), self.raised_on, "`jatac set` or `jatac edit`")
        if why:
            raise FieldError("changes", why)
        return self
