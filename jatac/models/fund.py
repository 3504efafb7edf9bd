"""The designated JATAC fund: a ledger a year of requests, decisions and spending.

A request is first considered by the support team, then approved or refused
at JATAC; money is spent only against an approved request, and never more
than was approved. Until it is decided a request may be amended (its amount,
purpose or case), each amendment recorded with its date and what it replaced.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from jatac.models.common import (
    CASE_ID_RE,
    FUND_YEAR_RE,
    AgencyId,
    CaseId,
    FieldError,
    Line,
    Marking,
    NotPersonal,
    Record,
)

REQUEST_ID_RE = re.compile(r"^FR-(?P<year>[0-9]{4})-(?P<n>[0-9]{3,4})$")


class FundStatus(StrEnum):
    requested = "requested"
    supported = "supported"  # the support team recommends it
    not_supported = "not-supported"
    approved = "approved"
    refused = "refused"


class Advice(StrEnum):
    """The support team's view of a request, kept once the group has decided it."""

    supported = "supported"
    not_supported = "not-supported"


class Spend(Record):
    on: date
    amount: float = Field(gt=0)
    note: Line


class Amended(StrEnum):
    """What of a request an amendment may change."""

    amount = "amount"
    purpose = "purpose"
    case = "case"


class Amendment(Record):
    """One change to an undecided request: what it was before, and after."""

    on: date
    what: Amended
    before: float | Line | None = None
    after: float | Line | None = None

    @model_validator(mode="after")
    def _values_fit(self) -> Amendment:
        for name in ("before", "after"):
            value = getattr(self, name)
            if self.what is Amended.amount and not (isinstance(value, float) and value > 0):
                raise FieldError(name, "an amended amount is a number of pounds")
            if self.what is Amended.purpose and not isinstance(value, str):
                raise FieldError(name, "an amended purpose is a line of text")
            if self.what is Amended.case and value is not None and not _is_case_id(value):
                raise FieldError(name, "an amended case is a case id, or empty")
        return self


def _is_case_id(value: Any) -> bool:
    return isinstance(value, str) and CASE_ID_RE.fullmatch(value) is not None


UNDECIDED_VIEWS = frozenset({FundStatus.supported, FundStatus.not_supported})


class FundRequest(Record):
    id: str = Field(pattern=REQUEST_ID_RE.pattern)
    case: CaseId | None = None
    amount: float = Field(gt=0, le=10_000_000)
    purpose: Line
    by: AgencyId
    # OFFICIAL-SENSITIVE when it names such a case: see jatac/guard/marking.py
    marking: Marking = Marking.OFFICIAL
    requested_on: date
    status: FundStatus = FundStatus.requested
    considered_on: date | None = None
    consideration: Line | None = None
    decided_on: date | None = None
    meeting: Line | None = None
    decision_note: Line | None = None
    # decided between meetings by the chair: why it could not wait (noted at the next meeting)
    chair_action: Line | None = None
    # the support team's view, kept when the decision replaces it in ``status``
    advice: Advice | None = None
    # approved although the support team did not support it: why
    against_advice: Line | None = None
    spends: list[Spend] = Field(default_factory=list)
    amendments: list[Amendment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _flow(self) -> FundRequest:
        if self.status is not FundStatus.requested and self.considered_on is None:
            raise FieldError(
                "considered_on", "a request is considered by the support team before anything else"
            )
        if self.status in {FundStatus.approved, FundStatus.refused} and self.decided_on is None:
            raise FieldError("decided_on", "an approved or refused request says when it was decided")
        if self.spends and self.status is not FundStatus.approved:
            raise FieldError("spends", "money is spent only against an approved request")
        if self.spent > self.amount + 0.005:
            raise FieldError(
                "spends", f"£{self.spent:,.2f} spent is more than the £{self.amount:,.2f} approved"
            )
        if self.advice is not None and self.status in UNDECIDED_VIEWS and self.status.value != self.advice:
            raise FieldError("advice", f"the support team's view is {self.status.value}, not {self.advice}")
        if self.status not in {FundStatus.approved, FundStatus.refused}:
            for name in ("chair_action", "against_advice"):
                if getattr(self, name) is not None:
                    raise FieldError(name, "only a decided request says how it was decided")
        if self.chair_action is not None and self.meeting is not None:
            raise FieldError(
                "chair_action", "a request is decided at a meeting or by the chair's action, not both"
            )
        self._check_amendments()
        return self

    def _check_amendments(self) -> None:
        last: dict[Amended, Amendment] = {}
        for n, a in enumerate(self.amendments):
            if a.on < self.requested_on or (self.decided_on is not None and a.on > self.decided_on):
                raise FieldError(
                    f"amendments.{n}.on", "a request is amended after it is made and before it is decided"
                )
            last[a.what] = a
        for what, a in last.items():
            now = getattr(self, what.value)
            same = abs(now - a.after) < 0.005 if what is Amended.amount else now == a.after
            if not same:
                raise FieldError(
                    f"amendments.{self.amendments.index(a)}.after",
                    f"the last amendment of the {what.value} says {a.after}, but the request says {now}",
                )

    @property
    def amended_on(self) -> date | None:
        """The day of the latest amendment, if it was amended."""
        return self.amendments[-1].on if self.amendments else None

    @property
    def first_amount(self) -> float:
        """The amount first asked for, before any amendment."""
        first = next((a for a in self.amendments if a.what is Amended.amount), None)
        return float(first.before) if first is not None and first.before is not None else self.amount

    def as_at(self, day: date) -> FundRequest:
        """The request as it stood on ``day``: amendments made after it undone."""
        later = [a for a in self.amendments if a.on > day]
        if not later:
            return self
        values: dict[str, Any] = {}
        for a in reversed(later):
            values[a.what.value] = a.before
        kept = [a for a in self.amendments if a.on <= day]
        return self.model_copy(update={**values, "amendments": kept})

    @property
    def spent(self) -> float:
        return round(sum(s.amount for s in self.spends), 2)

    @property
    def committed(self) -> float:
        return self.amount if self.status is FundStatus.approved else 0.0


class FundLedger(Record):
    """One financial year's requests; the budget itself is in jatac.yaml (fund.budget)."""

    year: str = Field(pattern=FUND_YEAR_RE.pattern)
    requests: list[FundRequest] = Field(default_factory=list)
    not_personal: list[NotPersonal] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.year

    @model_validator(mode="after")
    def _ids_unique(self) -> FundLedger:
        ids = [r.id for r in self.requests]
        if len(ids) != len(set(ids)):
            raise FieldError("requests", "two requests share an id")
        return self

    def request(self, request_id: str) -> FundRequest | None:
        return next((r for r in self.requests if r.id == request_id), None)

    @property
    def approved(self) -> float:
        return round(sum(r.committed for r in self.requests), 2)

    @property
    def spent(self) -> float:
        return round(sum(r.spent for r in self.requests), 2)


# -- the ledger's rules across requests and settings: `jatac validate` reports them -----------------
# (not refusals when the file is read: a ledger an older jatac wrote, decided without a meeting,
# still reads, and the fund report still shows what it says)

_DECIDED = frozenset({FundStatus.approved, FundStatus.refused})


def ledger_problems(
    ledger: FundLedger, budget: float, groups: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """What no fund command could have written: (where, what is wrong) for each. ``budget``:
    the year's budget in jatac.yaml; ``groups``: the groups a meeting may be of."""
    from jatac.models.common import MEETING_ID_RE

    found: list[tuple[tuple[str | int, ...], str]] = []
    if ledger.approved > budget + 0.005:
        found.append(
            (
                ("requests",),
                f"£{ledger.approved:,.2f} is approved, more than the {ledger.year} budget of £{budget:,.2f} "
                "(fund in jatac.yaml)",
            )
        )
    start = int(ledger.year[:4])
    for n, r in enumerate(ledger.requests):
        at: tuple[str | int, ...] = ("requests", n)
        match = REQUEST_ID_RE.fullmatch(r.id)
        if match is not None and int(match["year"]) != start:
            found.append(((*at, "id"), f"{r.id} is numbered for another year than the {ledger.year} fund"))
        if r.considered_on is not None and r.considered_on < r.requested_on:
            found.append(((*at, "considered_on"), f"{r.id} was considered before it was asked for"))
        if r.status not in _DECIDED:
            for name in ("decided_on", "meeting", "decision_note"):
                if getattr(r, name) is not None:
                    found.append(((*at, name), f"{r.id} is {r.status.value}: it has no decision yet"))
            continue
        if r.decided_on is not None and r.considered_on is not None and r.decided_on < r.considered_on:
            found.append(((*at, "decided_on"), f"{r.id} was decided before the support team considered it"))
        if r.meeting is None and r.chair_action is None:
            found.append(
                (
                    (*at, "status"),
                    f"{r.id} is {r.status.value} but names neither the meeting that decided it nor a "
                    "chair's action (chair_action: why it could not wait)",
                )
            )
        elif r.meeting is not None:
            held = MEETING_ID_RE.fullmatch(r.meeting)
            if held is None or held["group"] not in groups:
                found.append(
                    (
                        (*at, "meeting"),
                        f"{r.meeting!r} is not a meeting: a meeting's id, e.g. 2026-12-14-coordinating",
                    )
                )
            elif r.decided_on is not None and _day(r.meeting) > r.decided_on:
                found.append(
                    (
                        (*at, "meeting"),
                        f"{r.id} was decided on {r.decided_on}, "
                        f"before the meeting of {r.meeting[:10]} took place",
                    )
                )
            elif r.decided_on is not None and _day(r.meeting) != r.decided_on:
                # `fund decide --meeting` and `minutes apply` date a decision the meeting's day
                found.append(
                    (
                        (*at, "decided_on"),
                        f"{r.id} was decided at the meeting of {r.meeting[:10]} but is dated {r.decided_on}: "
                        "a meeting's decision is dated the meeting's day",
                    )
                )
        if r.status is FundStatus.approved and r.advice is Advice.not_supported and r.against_advice is None:
            found.append(
                (
                    (*at, "against_advice"),
                    f"{r.id} was approved against the support team's advice with no reason recorded",
                )
            )
        for k, s in enumerate(r.spends):
            if r.decided_on is not None and s.on < r.decided_on:
                found.append(((*at, "spends", k, "on"), f"money spent on {s.on}, before {r.id} was approved"))
    return found


def _day(meeting_id: str) -> date:
    try:
        return date.fromisoformat(meeting_id[:10])
    except ValueError:
        return date.max
