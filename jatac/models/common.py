"""Types shared by every record: ids, slugs, markings, levels."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationInfo

# re-exported: the models' modules take every shared word from here
from jatac.ids import CASE_ID_RE as CASE_ID_RE
from jatac.ids import FUND_YEAR_RE as FUND_YEAR_RE
from jatac.ids import MEETING_ID_RE as MEETING_ID_RE
from jatac.ids import PERSON_REF_RE as PERSON_REF_RE
from jatac.ids import SLUG_RE as SLUG_RE
from jatac.inert import UNSAFE, UNSAFE_IN_TEXT, name_of
from jatac.vocab import LEVEL_ORDER as LEVEL_ORDER
from jatac.vocab import Level as Level
from jatac.vocab import Marking as Marking


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
