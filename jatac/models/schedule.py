"""How often a meeting group meets, and its deadlines: part of jatac.yaml."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from jatac.models.common import ClockTime, FieldError, Line, Record

EVERY_RE = re.compile(r"^(?P<n>[1-9][0-9]?) (?P<unit>week|month)s?$")
ON_RE = re.compile(
    r"^(?P<nth>1st|2nd|3rd|4th|last) (?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
    re.IGNORECASE,
)
DAYS_BEFORE_RE = re.compile(r"^(?P<n>[0-9]{1,2}) days? before$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class ScheduleNote(Record):
    """Why a planned meeting was moved or cancelled, and the day that was recorded."""

    on: date
    reason: Line | None = None


class Schedule(Record):
    """How often a group meets, and its deadlines (from the terms of reference).

    every: "1 week", "2 weeks", "4 weeks", "1 month", "3 months"
    from: the first meeting; later ones follow the cadence from it
    on: for monthly cadences, "2nd Tuesday" or "last Thursday" of the month
    agenda_by: "monday before" (the terms of reference) or "N days before"
    items_by: days before the meeting that agenda items are due (7)
    moved: {planned date: actual date}; cancelled: [planned dates]
    notes: {planned date: {on, reason}}: why a meeting was moved or cancelled, and when
    (written by `jatac meeting move` and `jatac meeting cancel`)
    bank_holidays: a meeting falling on a bank holiday of the partnership's region:
    "move" (to the next working day), "cancel", or "keep" (it stays; the default, so dates
    already given out do not change by themselves)
    """

    every: str
    from_: date = Field(alias="from")
    on: str | None = None
    time: ClockTime | None = None
    agenda_by: str = "monday before"
    items_by: int = Field(default=7, ge=0, le=60)
    moved: dict[date, date] = Field(default_factory=dict)
    cancelled: list[date] = Field(default_factory=list)
    notes: dict[date, ScheduleNote] = Field(default_factory=dict)
    bank_holidays: Literal["keep", "move", "cancel"] = "keep"
    # the partnership's region (jatac.yaml's `region`), given by the settings that hold this schedule
    _region: str = PrivateAttr(default="england-and-wales")

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
    def region(self) -> str:
        return self._region

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
