"""Meetings, their agenda items, their minutes, and how often each group meets."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from jatac.models.common import (
    CaseId,
    FieldError,
    Level,
    Line,
    Marking,
    NotPersonal,
    Record,
    Slug,
    Text,
    check_known,
    config_from,
)

MEETING_ID_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})-(?P<group>[a-z0-9][a-z0-9-]{0,39})$"
)
EVERY_RE = re.compile(r"^(?P<n>[1-9]\d?) (?P<unit>week|month)s?$")
ON_RE = re.compile(
    r"^(?P<nth>1st|2nd|3rd|4th|last) (?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
    re.IGNORECASE,
)
DAYS_BEFORE_RE = re.compile(r"^(?P<n>\d{1,2}) days? before$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Schedule(Record):
    """How often a group meets, and its deadlines (from the terms of reference).

    every: "1 week", "2 weeks", "4 weeks", "1 month", "3 months"
    from: the first meeting; later ones follow the cadence from it
    on: for monthly cadences, "2nd Tuesday" or "last Thursday" of the month
    agenda_by: "monday before" (the terms of reference) or "N days before"
    items_by: days before the meeting that agenda items are due (7)
    moved: {planned date: actual date}; cancelled: [planned dates]
    """

    every: str
    from_: date = Field(alias="from")
    on: str | None = None
    time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    agenda_by: str = "monday before"
    items_by: int = Field(default=7, ge=0, le=60)
    moved: dict[date, date] = Field(default_factory=dict)
    cancelled: list[date] = Field(default_factory=list)

    model_config = Record.model_config | {"populate_by_name": True}

    @field_validator("every")
    @classmethod
    def _every(cls, value: str) -> str:
        if not EVERY_RE.match(value.strip().lower()):
            raise ValueError(f"{value!r}: write how often as '4 weeks', '2 weeks', '1 month', '3 months'")
        return value.strip().lower()

    @field_validator("on")
    @classmethod
    def _on(cls, value: str | None) -> str | None:
        if value is not None and not ON_RE.match(value.strip()):
            raise ValueError(f"{value!r}: write it as '2nd Tuesday' or 'last Thursday'")
        return value.strip().lower() if value else None

    @field_validator("agenda_by")
    @classmethod
    def _agenda_by(cls, value: str) -> str:
        value = value.strip().lower().replace("-", " ")
        if value != "monday before" and not DAYS_BEFORE_RE.match(value):
            raise ValueError(f"{value!r}: write 'monday before' or 'N days before'")
        return value

    @model_validator(mode="after")
    def _on_needs_months(self) -> Schedule:
        if self.on and self.unit != "month":
            raise FieldError("on", "'on' (e.g. 2nd Tuesday) goes with a monthly cadence like '3 months'")
        return self

    @property
    def step(self) -> int:
        match = EVERY_RE.match(self.every)
        assert match
        return int(match["n"])

    @property
    def unit(self) -> str:
        match = EVERY_RE.match(self.every)
        assert match
        return match["unit"]


class MeetingStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class ItemKind(StrEnum):
    """Where a partner's agenda item sits on the agenda."""

    issue = "issue"
    fund = "fund"
    aob = "aob"


class AgendaItem(Record):
    id: str = Field(pattern=r"^I[1-9]\d{0,2}$")
    title: Line
    by: Slug
    kind: ItemKind = ItemKind.issue
    case: CaseId | None = None
    added_on: date
    late: bool = False  # added after the item deadline; the Chair was told
    note: Text = ""

    @field_validator("by")
    @classmethod
    def _known_agency(cls, value: str, info: ValidationInfo) -> str:
        cfg = config_from(info)
        if cfg is not None:
            check_known(value, cfg.agency_by_id, "agency")
        return value


class Meeting(Record):
    id: str = Field(pattern=MEETING_ID_RE.pattern)
    group: Slug
    date: date
    time: str | None = None
    venue: Line | None = None
    chair: Line | None = None
    status: MeetingStatus = MeetingStatus.planned
    marking: Marking = Marking.OFFICIAL
    items: list[AgendaItem] = Field(default_factory=list)
    not_personal: list[NotPersonal] = Field(default_factory=list)

    @field_validator("group")
    @classmethod
    def _known_group(cls, value: str, info: ValidationInfo) -> str:
        cfg = config_from(info)
        if cfg is not None:
            check_known(value, cfg.group_by_id, "group")
        return value

    @model_validator(mode="after")
    def _id_matches(self) -> Meeting:
        expected = f"{self.date.isoformat()}-{self.group}"
        if self.id != expected:
            raise FieldError("id", f"a meeting of {self.group} on {self.date} has the id {expected}")
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise FieldError("items", "two agenda items share an id")
        return self

    def next_item_id(self) -> str:
        return f"I{max((int(i.id[1:]) for i in self.items), default=0) + 1}"


def meeting_id(day: date, group: str) -> str:
    return f"{day.isoformat()}-{group}"


# -- minutes -------------------------------------------------------------------


class Presence(StrEnum):
    present = "present"
    apologies = "apologies"
    absent = "absent"


class Attendance(Record):
    agency: Slug
    role: Line | None = None
    name: Line | None = None
    status: Presence | None = None  # None: not recorded yet

    @field_validator("agency")
    @classmethod
    def _known_agency(cls, value: str, info: ValidationInfo) -> str:
        cfg = config_from(info)
        if cfg is not None:
            check_known(value, cfg.agency_by_id, "agency")
        return value


class Do(StrEnum):
    """What a structured decision does to the case repository when the minutes are applied."""

    adopt = "adopt"
    action = "action"
    close = "close"
    escalate = "escalate"
    reject = "reject"
    refer = "refer"
    fund = "fund"


_NEEDS: dict[Do, tuple[str, ...]] = {
    Do.fund: ("request", "approve"),
    Do.adopt: ("lead", "problem_manager"),
    Do.action: ("what", "owner", "due"),
    Do.close: ("outcome",),
    Do.escalate: ("to", "reason"),
    Do.reject: ("reason",),
    Do.refer: ("to", "reason"),
}


class Decision(Record):
    """A RESOLVED decision that changes a case: `jatac minutes apply` carries it out."""

    do: Do
    case: CaseId | None = None
    request: str | None = Field(default=None, pattern=r"^FR-\d{4}-\d{3,4}$")
    approve: bool | None = None
    lead: Slug | None = None
    problem_manager: Line | None = None
    risk: Level | None = None
    what: Line | None = None
    owner: Slug | None = None
    role: Line | None = None
    due: date | None = None
    outcome: Line | None = None
    to: Line | None = None
    reason: Line | None = None

    @field_validator("lead", "owner")
    @classmethod
    def _known_agency(cls, value: str | None, info: ValidationInfo) -> str | None:
        cfg = config_from(info)
        if cfg is not None:
            check_known(value, cfg.agency_by_id, "agency")
        return value

    @model_validator(mode="after")
    def _has_what_it_needs(self) -> Decision:
        if self.do is not Do.fund and self.case is None:
            raise FieldError("case", f"a '{self.do.value}' decision names its case")
        for name in _NEEDS[self.do]:
            if getattr(self, name) in (None, ""):
                raise FieldError(name, f"a '{self.do.value}' decision needs {', '.join(_NEEDS[self.do])}")
        return self


class MinuteItem(Record):
    ref: str = Field(pattern=r"^[A-Z]{2,8}\d{2,3}$")
    title: Line
    heard: Text = ""
    resolved: list[Text] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)


class Minutes(Record):
    meeting: str = Field(pattern=MEETING_ID_RE.pattern)
    marking: Marking = Marking.OFFICIAL
    chair: Line | None = None
    attendance: list[Attendance] = Field(default_factory=list)
    items: list[MinuteItem] = Field(default_factory=list)
    next_meeting: date | None = None
    not_personal: list[NotPersonal] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meeting

    @model_validator(mode="after")
    def _refs_unique(self) -> Minutes:
        refs = [i.ref for i in self.items]
        if len(refs) != len(set(refs)):
            raise FieldError("items", "two minute items share a number")
        return self
