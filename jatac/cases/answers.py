"""Checking a new case's answers one at a time, as a person types them (interactive new-issue).

Each check returns the value to keep, or raises ``Refused`` saying what is wrong with that answer
alone, so the person is asked that question again and keeps every other answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from jatac.errors import Refused
from jatac.models.case import Issue
from jatac.models.vocab import Level
from jatac.storage.repository import Repository


@dataclass(frozen=True)
class Choice:
    id: str
    name: str


def choices(repo: Repository, field: str) -> list[Choice]:
    """What an answer may be, in the order jatac.yaml lists them: categories, localities, agencies."""
    cfg = repo.config
    if field == "category":
        return [Choice(c.id, c.name) for c in cfg.categories]
    if field == "location":
        return [Choice(loc.id, loc.name) for loc in cfg.locality_by_id.values()]
    if field == "raised_by":
        return [Choice(a.id, a.name) for a in cfg.agencies]
    if field == "priority":
        return [Choice(level.value, level.value) for level in Level]
    raise ValueError(field)


def pick(options: list[Choice], answer: str, what: str) -> str:
    """The id of the option a person meant: its number in the list, its id, or its name."""
    text = answer.strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1].id
    folded = text.casefold()
    for option in options:
        if folded in (option.id.casefold(), option.name.casefold()):
            return option.id
    raise Refused(
        f"{answer.strip()!r} is not one of the {what}",
        hint=f"Type a number from 1 to {len(options)}, or the name.",
    )


def _adapter(field: str) -> TypeAdapter[Any]:
    info = Issue.model_fields[field]
    kind: Any = Annotated[(info.annotation, *info.metadata)]  # the field's type and its checks
    return TypeAdapter(kind)


def check_text(repo: Repository, field: str, text: str) -> str:
    """A title, place or description, checked as the case file will be: its length and form,
    and that it holds nothing that looks personal (a name, a phone number, a home address)."""
    from jatac.guard.people import for_commit
    from jatac.guard.privacy import scan

    label = field.replace("_", " ")
    try:
        value = _adapter(field).validate_python(text)
    except ValidationError as e:
        raise Refused(f"the {label} {_reason(e)}") from None
    if isinstance(value, str) and value:
        findings = scan({field: value}, for_commit(repo)[0])  # the case will be committed
        if findings:
            f = findings[0]
            raise Refused(
                f"the {label} looks like it holds {f.kind}: {f.text!r}",
                hint="Describe the place or the problem, never a person or a home address.",
            )
    return str(value) if value is not None else ""


def _reason(error: ValidationError) -> str:
    kind = error.errors()[0]["type"]
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_too_long":
        return "is too long"
    return "is not a line of text: " + str(error.errors()[0]["msg"]).lower()
