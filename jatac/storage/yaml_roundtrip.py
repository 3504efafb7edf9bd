"""YAML text <-> data, keeping what a person wrote.

Round-trip (ruamel.yaml) so that changing one field keeps the file's comments,
key order and quoting; positions of every key and item, for errors that name
a line and column; and guards against files no case file should be.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from jatac.errors import Problem
from jatac.storage.yaml_fast import CONFLICT_MARKERS, MAX_BYTES, YamlProblem, fast_load, no_gc

__all__ = ["YamlProblem", "dump", "fast_load", "parse", "plain", "position", "set_field", "to_yaml"]

_PLAIN_TAGS = {
    None,
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a person's long lines
    y.indent(mapping=2, sequence=4, offset=2)
    # the same date object in two fields must be written twice, not as an &anchor / *alias
    # (which jatac refuses to read back, and a person would not understand)
    y.representer.ignore_aliases = lambda data: True
    # a blank to fill in reads `status:`, not `status: null`
    y.representer.add_representer(
        type(None), lambda rep, data: rep.represent_scalar("tag:yaml.org,2002:null", "")
    )
    return y


def parse(text: str, path: str) -> CommentedMap:
    """Parse one record file. Raises YamlProblem with a line and column."""

    def fail(message: str, line: int | None = None, column: int | None = None) -> YamlProblem:
        return YamlProblem(Problem(path, line, column, "", message))

    if len(text) > MAX_BYTES:
        raise fail(f"file is {len(text):,} characters; a record file is at most {MAX_BYTES:,}")
    if "\x00" in text:
        raise fail("file holds binary data (NUL bytes), not YAML text")
    for number, text_line in enumerate(text.splitlines(keepends=True), start=1):
        if text_line.startswith(CONFLICT_MARKERS) or text_line.rstrip("\n") == "=======":
            raise fail(
                "an unresolved git merge conflict (<<<<<<< / ======= / >>>>>>>); "
                "keep one side, delete the markers, then validate again",
                number,
                1,
            )
    try:
        with no_gc():  # a tree with no cycles: the collector only slows the reading
            data = _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = " ".join(str(x) for x in (e.context, e.problem) if x) or "not valid YAML"
        if "duplicate key" in message or "found duplicate key" in str(e):
            message = "a key appears twice in the same mapping; keep one"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        if "duplicate" not in message:
            message += " (text that starts with [ { : # & * ! | > ' \" % @ or ` must be in quotes)"
        raise fail(f"not valid YAML: {message}", line, column) from None
    except (YAMLError, ValueError, RecursionError) as e:
        raise fail(f"not valid YAML: {e}") from None
    if data is None:
        raise fail("file is empty")
    if not isinstance(data, CommentedMap):
        raise fail("a record file must be a mapping of field: value", 1, 1)
    _check_plain(data, path, text)
    return data


def _check_plain(doc: Any, path: str, text: str = "") -> None:
    """Refuse anchors/aliases (expansion bombs) and explicit tags (object construction)."""
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[int, int]]] = [(doc, (doc.lc.line, doc.lc.col))]
    while stack:
        node, (line, col) = stack.pop()
        if isinstance(node, CommentedMap | CommentedSeq):
            if id(node) in seen:
                raise YamlProblem(
                    Problem(
                        path,
                        line + 1,
                        col + 1,
                        "",
                        "anchors and aliases (& and *) are not allowed in case files",
                    )
                )
            seen.add(id(node))
            if isinstance(node, CommentedMap) and node.merge:
                # ruamel keeps no position for the key itself: find its line in the text
                lines = enumerate(text.splitlines(), start=1)
                at = next((n for n, t in lines if t.lstrip().startswith("<<")), None)
                message = "merge keys (<<) are not allowed in case files; write the fields out"
                raise YamlProblem(Problem(path, at or line + 1, None if at else col + 1, "", message))
            tag = getattr(node, "tag", None)
            tag_value = getattr(tag, "value", None) if tag is not None else None
            if tag_value not in _PLAIN_TAGS:
                raise YamlProblem(Problem(path, line + 1, col + 1, "", f"the tag {tag_value} is not allowed"))
            if isinstance(node, CommentedMap):
                for key in node:
                    stack.append((node[key], _pos(node.lc.value(key)) or (line, col)))
            else:
                for i, item in enumerate(node):
                    stack.append((item, _pos(node.lc.item(i)) or (line, col)))
        elif hasattr(node, "tag") and getattr(node.tag, "value", None) not in _PLAIN_TAGS:
            raise YamlProblem(
                Problem(path, line + 1, col + 1, "", f"the tag {node.tag.value} is not allowed")
            )


def _pos(raw: Any) -> tuple[int, int] | None:
    if raw is None:
        return None
    return int(raw[0]), int(raw[1])


def dump(doc: Any) -> str:
    out = StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def position(doc: Any, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the value (or key) at ``loc``, else of the nearest part above."""
    line, col = doc.lc.line, doc.lc.col
    node = doc
    for i, part in enumerate(loc):
        if isinstance(node, CommentedMap) and part in node:
            whole = isinstance(node[part], CommentedMap | CommentedSeq) or (at_key and i == len(loc) - 1)
            try:
                raw = node.lc.key(part) if whole else node.lc.value(part)
            except KeyError:  # a key a command has just set has no place in the file yet
                break
            line, col = raw[0], raw[1]
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            try:
                raw = node.lc.item(part)
            except KeyError:  # an item a command has just added has no place in the file yet
                break
            if raw is None:
                break
            line, col = raw[0], raw[1]
            node = node[part]
        else:
            break
    return line + 1, col + 1


def to_yaml(value: Any) -> Any:
    """A model value as ruamel should write it: enums as text, long text as a block."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return LiteralScalarString(value.rstrip() + "\n") if "\n" in value.strip() else value
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            if not _empty(v):
                m[to_yaml(k)] = to_yaml(v)
        return m
    if isinstance(value, list | tuple):
        s = CommentedSeq()
        s.extend(to_yaml(v) for v in value)
        return s
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def set_field(doc: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Set (or, for an empty value, remove) ``key``, inserting new keys in model order."""
    if _empty(value):
        doc.pop(key, None)
        return
    new = to_yaml(value)
    insert(doc, key, new, order)


def insert(doc: CommentedMap, key: str, new: Any, order: Sequence[str]) -> None:
    """Put ``new`` (already YAML-ready, may be empty) at ``key``, new keys in model order."""
    if key in doc:
        old = doc[key]
        # keep the person's quoting / block style when the text did not change
        if isinstance(old, str) and isinstance(new, str) and old.rstrip("\n") == new.rstrip("\n"):
            return
        doc[key] = new
        return
    rank = {name: i for i, name in enumerate(order)}
    target = rank.get(key, len(order))
    index = len(doc)
    for i, existing in enumerate(doc):
        if rank.get(existing, len(order)) > target:
            index = i
            break
    doc.insert(index, key, new)


def ensure(doc: CommentedMap, key: str, empty: CommentedMap | CommentedSeq, order: Sequence[str]) -> Any:
    """The mapping or list at ``key``, created empty (in model order) when missing or blank."""
    if not isinstance(doc.get(key), type(empty)):
        if key in doc:
            del doc[key]
        insert(doc, key, empty, order)
    return doc[key]


def form(fields: Sequence[tuple[str, Any, str]]) -> CommentedMap:
    """A mapping to fill in: every key present (blank where unknown), each with a hint comment."""
    m = CommentedMap()
    for key, value, hint in fields:
        m[key] = to_yaml(value) if value not in (None, "") else value
        if hint:
            m.yaml_add_eol_comment(hint, key)
    return m


def plain(value: Any) -> Any:
    """ruamel's commented containers and scalar strings as plain Python."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value
