"""Types shared by every record: ids, slugs, markings, levels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from jatac.models.characters import UNSAFE, UNSAFE_IN_TEXT, name_of
from jatac.models.dates import clock_time, month_day

# re-exported: the models' modules take every shared word from here
from jatac.models.ids import CASE_ID_RE as CASE_ID_RE
from jatac.models.ids import FUND_YEAR_RE as FUND_YEAR_RE
from jatac.models.ids import MEETING_ID_RE as MEETING_ID_RE
from jatac.models.ids import PERSON_REF_RE as PERSON_REF_RE
from jatac.models.ids import SLUG_RE as SLUG_RE
from jatac.models.vocab import LEVEL_ORDER as LEVEL_ORDER
from jatac.models.vocab import Level as Level
from jatac.models.vocab import Marking as Marking


def _one_line(value: str) -> str:
    # a line break in a title would forge lines of the commit message; an ESC sequence or a
    # direction override would drive the terminal that shows it
    found = UNSAFE.search(value)
    if found:
        raise ValueError(f"holds {name_of(found.group(0))}; it must be one line of plain text")
    return value


def _plain_text(value: str) -> str:
    found = UNSAFE_IN_TEXT.search(value)
    if found:
        raise ValueError(
            f"holds {name_of(found.group(0))}; text may hold line breaks and tabs, no other controls"
        )
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_plain_text)
]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_one_line)
]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_RE.pattern)]
# a time of day, 24-hour HH:MM: a meeting's and a schedule's (the calendar needs a real one)
ClockTime = Annotated[str, AfterValidator(clock_time)]


def _every_year(value: str) -> str:
    month_day(value)
    return value


# a day that comes round every year, MM-DD (the fund's year starts on it)
MonthDay = Annotated[str, AfterValidator(_every_year)]


class NotPersonal(BaseModel):
    """Text the personal data guard flags that is not personal data, and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_one_line)]
    reason: Annotated[str, StringConstraints(min_length=3, max_length=300), AfterValidator(_one_line)]


class Record(BaseModel):
    """Base of every stored record: unknown fields are errors, not silently kept."""

    # defer_build: a model's validator is built when first used, so `list`, which reads the
    # index's checked data, never pays for the models it does not touch
    # no NaN or infinity: a budget of .nan once let a fund be overspent (every comparison is false)
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=False,
        str_strip_whitespace=True,
        defer_build=True,
        allow_inf_nan=False,
    )


class FieldError(ValueError):
    """A cross-field rule broken; ``field`` says where in the file to point."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StateChange(Record):
    """One dated change of a field a report counts: ``{on: 2026-03-02, field: priority,
    from: high, to: medium}`` (no ``from``: the field was empty; no ``to``: it was emptied).
    A record keeps them in ``changes``, so it can be seen as it stood on any day."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)
    FIELDS: ClassVar[tuple[str, ...]] = ()  # the fields whose changes are dated

    on: date
    field: str
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value  # a date is kept as its text

    @model_validator(mode="after")
    def _known_field(self) -> StateChange:
        if self.field not in self.FIELDS:
            raise FieldError("field", f"{self.field!r} is not one of {', '.join(self.FIELDS)}")
        if self.from_ == self.to:
            raise FieldError("to", f"{self.field} does not change ({self.to!r})")
        for name, value in (("from", self.from_), ("to", self.to)):
            why = None if value is None else self.value_error(value)
            if why:
                raise FieldError(name, f"{self.field}: {why}")
        return self

    def value_error(self, value: str) -> str | None:
        """Why ``value`` cannot be a value of this change's field, or None."""
        return None


def log_error(
    changes: Sequence[StateChange], now: dict[str, str | None], since: date | None, how: str
) -> str | None:
    """Why a record's log of dated changes does not lead to its values ``now``, or None.

    Each entry of a field starts where the one before it left off, and the last one leaves
    the field as it is: a change made without its entry (by hand) is caught here. ``how``:
    the command that would have dated it."""
    left: dict[str, str | None] = {}
    for n, change in enumerate(changes, start=1):
        if since is not None and change.on < since:
            return f"entry {n} ({change.field}) is dated {change.on}, before {since}"
        if change.field in left and left[change.field] != change.from_:
            return (
                f"entry {n} changes {change.field} from {change.from_ or '(none)'}, but the entry "
                f"before it left it {left[change.field] or '(none)'}"
            )
        left[change.field] = change.to
    for name, value in left.items():
        if value != now.get(name):
            return (
                f"{name} is {now.get(name) or '(none)'}, but its last dated change leaves it "
                f"{value or '(none)'}: add when it changed ({{on: YYYY-MM-DD, field: {name}, "
                f"from: {value or ''}, to: {now.get(name) or ''}}}), or make the change with {how}, "
                "which dates it"
            )
    return None


def as_text(value: object) -> str | None:
    """A field's value as a change log writes it: an enum's word, a date's ISO form."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def config_from(info: ValidationInfo) -> Any:
    """The partnership config passed as validation context, or None."""
    ctx = info.context or {}
    return ctx.get("config")


def check_known(value: str | None, known: dict[str, Any], what: str) -> str | None:
    """Raise a readable ValueError when ``value`` is not one of ``known``'s keys."""
    if value is None or value in known:
        return value
    choices = ", ".join(sorted(known)) or "(none defined)"
    raise ValueError(f"unknown {what} {value!r}; jatac.yaml defines: {choices}")


def _known_in(what: str, table: str) -> AfterValidator:
    """A check that an id is defined in jatac.yaml (when the config is given as context)."""

    def check(value: str, info: ValidationInfo) -> str:
        cfg = config_from(info)
        if cfg is not None:
            check_known(value, getattr(cfg, table), what)
        return value

    return AfterValidator(check)


# ids that must be defined in jatac.yaml: the one place that rule is written
AgencyId = Annotated[Slug, _known_in("agency", "agency_by_id")]
CategoryId = Annotated[Slug, _known_in("category", "category_by_id")]
LocalityId = Annotated[Slug, _known_in("locality", "locality_by_id")]
GroupId = Annotated[Slug, _known_in("group", "group_by_id")]
EscalationLevelId = Annotated[Slug, _known_in("escalation level", "escalation_by_id")]
