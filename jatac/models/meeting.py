"""Meetings, their agenda items, their minutes, and how often each group meets."""

from __future__ import annotations

import datetime as _dt
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from jatac.models.common import (
    MEETING_ID_RE,
    AgencyId,
    CaseId,
    ClockTime,
    FieldError,
    GroupId,
    Level,
    Line,
    Marking,
    NotPersonal,
    Record,
    Text,
)


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
    id: str = Field(pattern=r"^I[1-9][0-9]{0,2}$")
    title: Line
    by: AgencyId
    kind: ItemKind = ItemKind.issue
    case: CaseId | None = None
    added_on: date
    late: bool = False  # added after the item deadline; the Chair was told
    note: Text = ""


class Paper(StrEnum):
    """What `jatac send` sends."""

    agenda = "agenda"
    minutes = "minutes"
    chase = "chase"  # each owner agency's open and overdue actions, before the meeting


class Sending(Record):
    """One sending of a meeting's paper: which, which issue, on what day, to which agencies, how.

    Kept in the meeting's file, so `git log` and the meeting itself say when the agenda went out."""

    paper: Paper
    issue: int = Field(default=1, ge=1, le=99)
    on: date
    to: list[AgencyId] = Field(min_length=1)
    via: Literal["smtp", "eml"] = "smtp"  # sent, or written as .eml files to send from Outlook
    marking: Marking = Marking.OFFICIAL


class Meeting(Record):
    id: str = Field(pattern=MEETING_ID_RE.pattern)
    group: GroupId
    date: date
    # the day the meeting was first planned for, kept when it moves: its calendar event keeps its UID
    planned_on: _dt.date | None = None
    time: ClockTime | None = None
    venue: Line | None = None
    chair: Line | None = None
    status: MeetingStatus = MeetingStatus.planned
    marking: Marking = Marking.OFFICIAL
    items: list[AgendaItem] = Field(default_factory=list)
    sent: list[Sending] = Field(default_factory=list)
    not_personal: list[NotPersonal] = Field(default_factory=list)

    def sendings(self, paper: Paper) -> list[Sending]:
        """The sendings of one paper, oldest first."""
        return [s for s in self.sent if s.paper is paper]

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
    agency: AgencyId
    role: Line | None = None
    name: Line | None = None
    status: Presence | None = None  # None: not recorded yet


class Do(StrEnum):
    """What a structured decision does to the case repository when the minutes are applied."""

    adopt = "adopt"
    action = "action"
    close = "close"
    escalate = "escalate"
    reject = "reject"
    refer = "refer"
    fund = "fund"
    review = "review"


_NEEDS: dict[Do, tuple[str, ...]] = {
    # approve is filled in at the meeting: the scaffold leaves it blank (`minutes apply` needs it)
    Do.fund: ("request",),
    Do.adopt: ("lead", "problem_manager"),
    Do.action: ("what", "owner", "due"),
    Do.close: ("outcome",),
    Do.escalate: ("to", "reason"),
    Do.reject: ("reason",),
    Do.refer: ("to", "reason"),
    Do.review: ("note",),
}


class Decision(Record):
    """A RESOLVED decision that changes a case: `jatac minutes apply` carries it out."""

    do: Do
    case: CaseId | None = None
    request: str | None = Field(default=None, pattern=r"^FR-[0-9]{4}-[0-9]{3,4}$")
    approve: bool | None = None
    lead: AgencyId | None = None
    problem_manager: Line | None = None
    risk: Level | None = None
    what: Line | None = None
    owner: AgencyId | None = None
    role: Line | None = None
    due: date | None = None
    outcome: Line | None = None
    to: Line | None = None
    reason: Line | None = None
    skip_level: bool = False  # escalate: the chair decided it goes up more than one level
    note: Line | None = None  # review: what it found
    next: date | None = None  # review: when the next is due, if the group set it

    @model_validator(mode="after")
    def _has_what_it_needs(self) -> Decision:
        if self.do is not Do.fund and self.case is None:
            raise FieldError("case", f"a '{self.do.value}' decision names its case")
        for name in _NEEDS[self.do]:
            if getattr(self, name) in (None, ""):
                raise FieldError(name, f"a '{self.do.value}' decision needs {', '.join(_NEEDS[self.do])}")
        if self.skip_level and self.do is not Do.escalate:
            raise FieldError("skip_level", "only an 'escalate' decision skips a level")
        if self.next is not None and self.do is not Do.review:
            raise FieldError("next", "only a 'review' decision sets the next review")
        return self


class MinuteItem(Record):
    ref: str = Field(pattern=r"^[A-Z]{2,8}[0-9]{2,3}$")
    title: Line
    heard: Text = ""
    resolved: list[Text] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)


class MinutesState(StrEnum):
    """Where minutes stand: written (draft), sent out to the group (circulated), agreed as a
    correct record at the group's next meeting (agreed), then closed to corrections (locked)."""

    draft = "draft"
    circulated = "circulated"
    agreed = "agreed"
    locked = "locked"


AGREED = {MinutesState.agreed, MinutesState.locked}


class Correction(Record):
    """A change to agreed minutes, agreed at a later meeting: recorded beside them, never edited in."""

    what: Text
    why: Text
    at: date  # the date of the meeting that agreed the correction


class Minutes(Record):
    meeting: str = Field(pattern=MEETING_ID_RE.pattern)
    marking: Marking = Marking.OFFICIAL
    state: MinutesState = MinutesState.draft
    circulated_on: date | None = None
    agreed_at: date | None = None  # the date of the meeting that agreed them as a correct record
    corrections: list[Correction] = Field(default_factory=list)
    chair: Line | None = None
    attendance: list[Attendance] = Field(default_factory=list)
    items: list[MinuteItem] = Field(default_factory=list)
    next_meeting: date | None = None
    not_personal: list[NotPersonal] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meeting

    @property
    def held_on(self) -> date:
        return date.fromisoformat(self.meeting[:10])

    @property
    def agreed(self) -> bool:
        return self.state in AGREED

    @model_validator(mode="after")
    def _refs_unique(self) -> Minutes:
        refs = [i.ref for i in self.items]
        if len(refs) != len(set(refs)):
            raise FieldError("items", "two minute items share a number")
        if self.agreed and self.agreed_at is None:
            raise FieldError("agreed_at", f"{self.state.value} minutes say at which meeting they were agreed")
        if not self.agreed and (self.agreed_at is not None or self.corrections):
            raise FieldError("state", "minutes not yet agreed have no agreement or corrections")
        if self.agreed_at is not None and self.agreed_at <= self.held_on:
            raise FieldError("agreed_at", "minutes are agreed at a later meeting than the one they record")
        if self.circulated_on is not None and self.circulated_on < self.held_on:
            raise FieldError("circulated_on", "minutes are circulated after the meeting they record")
        for c in self.corrections:
            if self.agreed_at is not None and c.at < self.agreed_at:
                raise FieldError("corrections", "a correction is agreed no earlier than the minutes were")
        return self
