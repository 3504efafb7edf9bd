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
