"""jatac.yaml: the partnership, its agencies, places, categories and groups."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator, model_validator

from jatac.models.common import Level, Line, Marking, MonthDay, Record, Slug
from jatac.models.dates import month_day
from jatac.models.places import Place, locality_and_within, resolve_locality
from jatac.models.schedule import Schedule
from jatac.models.vocab import MAX_REVIEW_DAYS


class Member(Record):
    """Someone who represents an agency at the table (a role, optionally a name)."""

    role: Line
    name: Line | None = None
    can_commit_resources: bool = False
    groups: list[Slug] = Field(default_factory=list)


# one address, no display name, no spaces: what a mail server takes in an RCPT TO
MAILBOX_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)+$"
)


class Agency(Record):
    id: Slug
    name: Line
    isp_signed: date | None = None
    isp_review: date | None = None
    # the agency's functional mailbox (a team inbox), where its papers are sent; never a person's own
    email: str | None = Field(default=None, max_length=254)
    members: list[Member] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _mailbox(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not MAILBOX_RE.match(value):
            raise ValueError(f"{value!r} is not one e-mail address (write it as team@agency.gov.uk)")
        return value

    def members_of(self, group_id: str) -> list[Member]:
        """Who represents this agency at a group: the members who name it in their ``groups``.

        Fail-closed: a member with no groups sits on none (papers of an OFFICIAL-SENSITIVE
        group must never reach an agency because nobody said where its member sits)."""
        return [m for m in self.members if group_id in m.groups]

    def members_without_groups(self) -> list[Member]:
        return [m for m in self.members if not m.groups]


class Retention(Record):
    """How long records are kept before review or deletion (data protection)."""

    closed_years: int = Field(default=6, ge=1, le=100)
    rejected_years: int = Field(default=2, ge=1, le=100)
    minutes_years: int = Field(default=6, ge=1, le=100)


class Fund(Record):
    """The designated JATAC fund, revised annually."""

    budget: float = Field(default=0, ge=0, le=1_000_000_000)
    budgets: dict[str, float] = Field(default_factory=dict)  # a year's own budget: {"2026-27": 12000}
    year_starts: MonthDay = "04-01"

    @field_validator("budgets")
    @classmethod
    def _years_and_pounds(cls, budgets: dict[str, float]) -> dict[str, float]:
        # a budget keyed "2026/27" or "2026-28" would be silently ignored, the default used instead
        for year, amount in budgets.items():
            match = re.fullmatch(r"(?P<year>[0-9]{4})-(?P<next>[0-9]{2})", year)
            if match is None or (int(match["year"]) + 1) % 100 != int(match["next"]):
                raise ValueError(f"{year!r} is not a financial year: write it as 2026-27")
            if not 0 <= amount <= 1_000_000_000:
                raise ValueError(f"the {year} budget of {amount} is not a number of pounds from 0")
        return budgets

    def budget_for(self, year: str) -> float:
        return self.budgets.get(year, self.budget)

    @property
    def first_day(self) -> tuple[int, int]:
        """(month, day) the financial year starts on."""
        return month_day(self.year_starts)


class CaseReview(Record):
    """The ASB case review threshold: this many reports in this many months."""

    reports: int = Field(default=3, ge=1)
    months: int = Field(default=6, ge=1, le=60)


class LocalityKind(StrEnum):
    ward = "ward"
    parish = "parish"
    estate = "estate"
    area = "area"


class Locality(Record):
    id: Slug
    name: Line
    kind: LocalityKind = LocalityKind.ward
    within: Slug | None = None


class Category(Record):
    id: Slug
    name: Line


class Audience(StrEnum):
    core = "core"
    wide = "wide"


class Group(Record):
    """A meeting group: the 4-weekly Coordinating Group, the quarterly wide JATAC."""

    id: Slug
    name: Line
    audience: Audience = Audience.core
    chair: Line | None = None
    venue: Line | None = None
    schedule: Schedule | None = None


REFERENCE_PLACES = {"#": "[0-9]", "@": "[A-Za-z]", "?": "[A-Za-z0-9]"}


class ReferenceSystem(Record):
    """Another system whose references a case can carry (police incident and crime numbers,
    a council complaint, a housing case), and the forms its references take: ``#`` a digit,
    ``@`` a letter, ``?`` either, anything else as written (``TVP-######-##``). Forms, not
    patterns: a reference is checked in one pass, whatever jatac.yaml holds."""

    id: Slug
    name: Line
    formats: list[Line] = Field(min_length=1)

    def matches(self, ref: str) -> bool:
        return any(_form_re(form).fullmatch(ref) for form in self.formats)

    def describe(self) -> str:
        return " or ".join(self.formats) + " (# a digit, @ a letter, ? either)"


def _form_re(form: str) -> re.Pattern[str]:
    return re.compile("".join(REFERENCE_PLACES.get(ch) or re.escape(ch) for ch in form), re.IGNORECASE)


class EscalationLevel(Record):
    id: Slug
    name: Line


DEFAULT_REVIEW_DAYS = {Level.high: 14, Level.medium: 28, Level.low: 56}


def _unique(
    items: list[Agency] | list[Locality] | list[Category] | list[Group] | list[ReferenceSystem], what: str
) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} appears twice")
        seen.add(item.id)


class PartnershipConfig(Record):
    name: Line
    prefix: str = Field(pattern=r"^[A-Z]{2,8}$")
    marking: Marking = Marking.OFFICIAL
    # whose bank holidays the schedules skip (a group's `bank_holidays: move` or `cancel`)
    region: Literal["england-and-wales", "scotland", "northern-ireland"] = "england-and-wales"
    agencies: list[Agency] = Field(min_length=1)
    localities: list[Locality] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    groups: list[Group] = Field(default_factory=list)
    escalation: list[EscalationLevel] = Field(
        default_factory=lambda: [
            EscalationLevel(id="performance-group", name="Performance Group"),
            EscalationLevel(id="rag", name="Responsible Authorities Group"),
        ]
    )
    review_days: dict[Level, int] = Field(default_factory=lambda: dict(DEFAULT_REVIEW_DAYS))
    isp_review_months: int = Field(default=12, ge=1, le=120)
    retention: Retention = Field(default_factory=Retention)
    fund: Fund = Field(default_factory=Fund)
    case_review: CaseReview = Field(default_factory=CaseReview)
    # other systems' references a case may carry (police, council, housing ...)
    systems: list[ReferenceSystem] = Field(default_factory=list)

    @field_validator("review_days")
    @classmethod
    def _all_levels(cls, value: dict[Level, int]) -> dict[Level, int]:
        merged = dict(DEFAULT_REVIEW_DAYS)
        merged.update(value)
        for level, days in merged.items():
            if not 1 <= days <= MAX_REVIEW_DAYS:
                raise ValueError(
                    f"{level}: a review interval is from 1 to {MAX_REVIEW_DAYS} days (ten years), not {days}"
                )
        return merged

    @model_validator(mode="after")
    def _ids_unique_and_linked(self) -> PartnershipConfig:
        _unique(self.agencies, "agency")
        _unique(self.localities, "locality")
        _unique(self.categories, "category")
        _unique(self.groups, "group")
        _unique(self.systems, "reference system")
        for loc in self.localities:
            if loc.within is not None and loc.within not in self.locality_by_id:
                raise ValueError(f"locality {loc.id!r} is within unknown locality {loc.within!r}")
        for group in self.groups:
            if group.schedule is not None:
                group.schedule._region = self.region
        for agency in self.agencies:
            for member in agency.members:
                unknown = [g for g in member.groups if g not in self.group_by_id]
                if unknown:
                    raise ValueError(
                        f"agency {agency.id!r}: {member.role} sits on unknown group {unknown[0]!r}"
                    )
        return self

    @cached_property
    def agency_by_id(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}

    @cached_property
    def locality_by_id(self) -> dict[str, Locality]:
        return {loc.id: loc for loc in self.localities}

    @cached_property
    def category_by_id(self) -> dict[str, Category]:
        return {c.id: c for c in self.categories}

    @cached_property
    def group_by_id(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    @cached_property
    def system_by_id(self) -> dict[str, ReferenceSystem]:
        return {s.id: s for s in self.systems}

    @cached_property
    def escalation_by_id(self) -> dict[str, EscalationLevel]:
        return {e.id: e for e in self.escalation}

    @cached_property
    def places(self) -> list[Place]:
        """Each locality as (id, name, the locality it is within): the plain form the rules
        below share with the settings `list` reads without the models."""
        return [(loc.id, loc.name, loc.within) for loc in self.localities]

    def locality_and_within(self, locality_id: str) -> set[str]:
        """A locality and every estate or area inside it (a ward takes in its estates)."""
        return locality_and_within(self.places, locality_id)

    def resolve_locality(self, text: str) -> str | None:
        """A locality id from its id or its name (any case); None if unknown."""
        return resolve_locality(self.places, text)
