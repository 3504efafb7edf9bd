"""Turn pydantic validation errors into positioned, readable problems."""

from __future__ import annotations

from typing import Any

from jatac.errors import Problem

# past this many in one file the rest are counted, not listed: 45,000 unknown keys would
# otherwise print 45,000 lines, each positioned at a cost
MAX_PROBLEMS = 20
# what a message quotes of the value it refuses: a 900 KB value is not echoed back
MAX_SHOWN = 80

_PATTERN_WORDS = {
    "^[a-z0-9][a-z0-9-]{0,39}$": "must be a short id of lower-case letters, digits and hyphens",
    "^[A-Z]{2,8}$": "must be 2 to 8 capital letters",
}

_TYPE_WORDS = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping",
    "model": "a mapping",
}


def shown(value: Any) -> str:
    """``repr(value)``, cut short (saying how long it was) when it would flood the message."""
    if isinstance(value, str | bytes) and len(value) > MAX_SHOWN:
        return f"{value[:MAX_SHOWN]!r}... ({len(value):,} characters)"
    if isinstance(value, dict | list | tuple | set):
        if len(value) > 5:
            return f"a {'mapping' if isinstance(value, dict) else 'list'} of {len(value):,} items"
        text = repr(value)
        return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}... ({len(text):,} characters)"
    return repr(value)


class _Shown:
    """A refused value as a message shows it (``{given!r}`` in the messages below)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return shown(self.value)


def unknown_field(fields: list[str]) -> str:
    return "unknown field; the fields are: " + ", ".join(fields)


def _friendly(err: dict[str, Any], fields: list[str]) -> str:
    kind = err["type"]
    given = _Shown(err.get("input"))
    ctx = err.get("ctx") or {}
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{given!r} is not one of {expected}"
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        return unknown_field(fields)
    if kind in {
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "date_from_datetime_inexact",
    }:
        return f"{given!r} is not a date; write it as YYYY-MM-DD"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern in _PATTERN_WORDS:
            return f"{given!r} {_PATTERN_WORDS[pattern]}"
        if "[A-Z]{2,8}-" in pattern:
            return f"{given!r} is not a case id like JAT-2026-0001"
        return f"{given!r} is not in the expected form"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind.split("_")[0] in _TYPE_WORDS and kind.endswith(("_type", "_parsing")):
        return f"{given!r} should be {_TYPE_WORDS[kind.split('_')[0]]}"
    return str(err["msg"])


def fields_at(model: Any, loc: tuple[str | int, ...]) -> list[str] | None:
    """The fields of the part of ``model`` at ``loc`` (an agency's member: role, name ...),
    or None when ``loc`` does not lead to a part with fields of its own."""
    import typing

    from pydantic import BaseModel

    part: Any = model
    for key in loc:
        if isinstance(key, int):
            continue  # an entry of a list: the list's part
        info = getattr(part, "model_fields", {}).get(key) if isinstance(part, type) else None
        if info is None:
            return None
        part = info.annotation
        # list[Member], Schedule | None, dict[date, ScheduleNote]: the part inside
        while not (isinstance(part, type) and issubclass(part, BaseModel)):
            inner = [a for a in typing.get_args(part) if a is not type(None)]
            if not inner:
                return None
            part = inner[-1]
    return list(part.model_fields) if isinstance(part, type) and issubclass(part, BaseModel) else None


def from_validation(
    exc: Any, doc: Any, path: str, fields: list[str], base: tuple[str | int, ...] = (), model: Any = None
) -> list[Problem]:
    """Problems for a pydantic ValidationError raised on ``doc`` (read from ``path``);
    ``model``, when given, names the fields of the part an unknown field is found in."""
    problems = []
    errors = exc.errors(include_url=False)
    for err in errors[:MAX_PROBLEMS]:
        loc = tuple(err["loc"])
        cause_field = getattr((err.get("ctx") or {}).get("error"), "field", None)
        if not loc and cause_field:
            loc = (cause_field,)
        loc = base + loc
        at_key = err["type"] == "extra_forbidden"
        line, col = position_in(doc, loc, at_key) if doc is not None else (None, None)
        field = ".".join(str(p) for p in loc)
        field = field if len(field) <= MAX_SHOWN else field[:MAX_SHOWN] + "..."
        here = fields_at(model, tuple(err["loc"])[:-1]) if model is not None and at_key else None
        problems.append(Problem(path, line, col, field, _friendly(err, fields if here is None else here)))
    if len(errors) > MAX_PROBLEMS:
        more = len(errors) - MAX_PROBLEMS
        problems.append(Problem(path, None, None, "", f"and {more:,} more problems; fix these first"))
    return problems


def position_in(doc: Any, loc: tuple[str | int, ...], at_key: bool) -> tuple[int, int]:
    """Where ``loc`` is in ``doc``: a round-trip document, or libyaml's node tree (fast_read)."""
    if hasattr(doc, "lc"):
        from jatac.storage.yaml_roundtrip import position

        return position(doc, loc, at_key)
    from jatac.storage.yaml_fast import node_position

    return node_position(doc, loc, at_key)


def check_new(model: Any, data: dict[str, Any], config: Any, what: str) -> Any:
    """``data`` as a new ``model`` (a case, an action, an agenda item ...), or InvalidRecord
    naming each field wrong, as "new action  owner: unknown agency 'x'"."""
    from pydantic import ValidationError

    from jatac.errors import InvalidRecord

    try:
        return model.model_validate(data, context={"config": config})
    except ValidationError as e:
        raise InvalidRecord(from_validation(e, None, what, list(model.model_fields), model=model)) from None


def check_line(value: str, what: str, field: str) -> str:
    """``value`` as every one-line field of a record takes it (stripped), or InvalidRecord
    worded as ``check_new`` words it ("meeting cancel  reason: holds U+0085 ..."): for text a
    command keeps in a commit or a settings file rather than in a record's field."""
    from pydantic import TypeAdapter, ValidationError

    from jatac.errors import InvalidRecord
    from jatac.models.common import Line

    try:
        return str(TypeAdapter(Line).validate_python(value))
    except ValidationError as e:
        raise InvalidRecord(from_validation(e, None, what, [], base=(field,))) from None
