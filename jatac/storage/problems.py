"""Turn pydantic validation errors into positioned, readable problems."""

from __future__ import annotations

from typing import Any

from jatac.errors import Problem
from jatac.storage.yaml_roundtrip import position

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


def _friendly(err: dict[str, Any], fields: list[str]) -> str:
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{given!r} is not one of {expected}"
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        return "unknown field; the fields are: " + ", ".join(fields)
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
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        cause_field = getattr((err.get("ctx") or {}).get("error"), "field", None)
        if not loc and cause_field:
            loc = (cause_field,)
        loc = base + loc
        at_key = err["type"] == "extra_forbidden"
        line, col = position(doc, loc, at_key) if doc is not None else (None, None)
        field = ".".join(str(p) for p in loc)
        here = fields_at(model, tuple(err["loc"])[:-1]) if model is not None and at_key else None
        problems.append(Problem(path, line, col, field, _friendly(err, fields if here is None else here)))
    return problems


def check_new(model: Any, data: dict[str, Any], config: Any, what: str) -> Any:
    """``data`` as a new ``model`` (a case, an action, an agenda item ...), or InvalidRecord
    naming each field wrong, as "new action  owner: unknown agency 'x'"."""
    from pydantic import ValidationError

    from jatac.errors import InvalidRecord

    try:
        return model.model_validate(data, context={"config": config})
    except ValidationError as e:
        raise InvalidRecord(from_validation(e, None, what, list(model.model_fields), model=model)) from None
