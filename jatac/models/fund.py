"""The designated JATAC fund: a ledger a year of requests, decisions and spending.

A request is first considered by the support team, then approved or refused
at JATAC; money is spent only against an approved request, and never more
than was approved.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from jatac.models.common import (
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


class FundRequest(Record):
    id: str = Field(pattern=REQUEST_ID_RE.pattern)
    case: CaseId | None = None
    amount: float = Field(gt=0, le=10_000_000)
    purpose: Line
    by: AgencyId
    # OFFICIAL-SENSITIVE when it names such a case: see jatac/consistency.py
    marking: Marking = Marking.OFFICIAL
    requested_on: date
    status: FundStatus = FundStatus.requested
    considered_on: date | None = None
    consideration: Line | None = None
    decided_on: date | None = None
    meeting: Line | None = None
    decision_note: Line | None = None
    spends: list[Spend] = Field(default_factory=list)

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
        return self

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
