"""What changed between two versions of a record, in the words a person reads.

A field is named by its path in the file (``response.actions[A2].status``): an item
of a list whose items have ids (actions, causes, requests) by its id, an item of one
without (data, measures, updates, decisions) by its place, counting from 1. A list
that was filled in says what was added (``analysis.data: 2 added``,
``analysis.causes[C1] added: Poor lighting``), not ``[] -> (none)``.

Plain Python only: `history` uses it and must not load the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# the field that says what an item is, in the order they are looked for
_GIST_KEYS = ("what", "cause", "tactic", "title", "note", "purpose", "reason", "measure", "figure")
_KEYS = ("id", "ref")  # what names an item of a list
_GIST_LENGTH = 60


@dataclass(frozen=True)
class FieldChange:
    """One change: a field changed, or items added to or removed from a list.

    ``before``/``after``: the values (None when absent); for items added to or removed
    from a list without ids, the list of those items, and ``count`` how many.
    """

    field: str
    before: Any
    after: Any
    kind: str = "changed"  # changed, added, removed
    count: int = 1

    @property
    def multiline(self) -> bool:
        return any(isinstance(v, str) and "\n" in v.strip() for v in (self.before, self.after))

    def text(self) -> str:
        """The change as a line: ``status: proposed -> adopted``, ``analysis.data: 2 added``."""
        if self.kind == "changed":
            if self.multiline:
                return f"{self.field}: changed"
            return f"{self.field}: {shown(self.before)} -> {shown(self.after)}"
        items = self.after if self.kind == "added" else self.before
        if isinstance(items, list):  # items of a list without ids, or plain values
            what = f"{self.field}: {self.count} {self.kind}"
            return f"{what}: {gist(items[0])}" if self.count == 1 else what
        return f"{self.field} {self.kind}: {gist(items)}"

    def short(self) -> str:
        """The change in a commit subject: the line, without long text."""
        if self.kind == "changed":
            if self.multiline:
                return f"{self.field} changed"
            return f"{self.field} {shown(self.before)} -> {shown(self.after)}"
        items = self.after if self.kind == "added" else self.before
        if isinstance(items, list):
            return f"{self.field}: {self.count} {self.kind}"
        return f"{self.field} {self.kind}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "change": self.kind,
            "before": self.before,
            "after": self.after,
            "text": self.text(),
        }


def told(changes: list[FieldChange]) -> list[FieldChange]:
    """The changes a person reads: a record's log of dated changes (``changes``, of a case or
    an action) repeats the field changes beside it, so it is left out unless nothing else
    changed (an entry mended by hand)."""
    rest = [c for c in changes if not _is_log(c.field)]
    return rest or changes


def _is_log(field: str) -> bool:
    return field == "changes" or field.startswith("changes[") or ".changes" in field


def shown(value: Any) -> str:
    """A value in a line of text: (none) for nothing, a list as its items."""
    if _empty(value):
        return "(none)"
    if isinstance(value, list):
        return ", ".join(gist(v) for v in value)
    return str(value)


def gist(item: Any) -> str:
    """An item of a list in a few words: its text field, else its values."""
    if isinstance(item, dict):
        text = next((item[k] for k in _GIST_KEYS if isinstance(item.get(k), str) and item[k].strip()), None)
        if text is None:
            values = (v for k, v in item.items() if k not in _KEYS and not _empty(v) and _scalar(v))
            text = ", ".join(str(v) for v in values)
    else:
        text = str(item)
    text = " ".join(str(text).split())
    return text if len(text) <= _GIST_LENGTH else text[: _GIST_LENGTH - 3] + "..."


def diff(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every change from ``old`` to ``new`` (a record's plain data), in the file's order.

    An empty value (none, "", [], {}) is the same as an absent one.
    """
    if _empty(old) and _empty(new):
        return []
    if _mapping(old) and _mapping(new):
        before, after = old or {}, new or {}
        changes: list[FieldChange] = []
        for key in dict.fromkeys([*before, *after]):
            changes += diff(before.get(key), after.get(key), f"{path}.{key}" if path else str(key))
        return changes
    if _sequence(old) and _sequence(new):
        before, after = list(old or []), list(new or [])
        if _records(before) and _records(after):
            key = next((k for k in _KEYS if _keyed(before, k) and _keyed(after, k)), None)
            return _by_key(before, after, path, key) if key else _by_place(before, after, path)
        return _values(before, after, path)
    if old == new:
        return []
    return [FieldChange(path, None if _empty(old) else old, None if _empty(new) else new)]


def _by_key(
    before: list[dict[str, Any]], after: list[dict[str, Any]], path: str, key: str
) -> list[FieldChange]:
    old = {item[key]: item for item in before}
    new = {item[key]: item for item in after}
    changes: list[FieldChange] = []
    for name in dict.fromkeys([*old, *new]):
        label = f"{path}[{name}]"
        if name not in old:
            changes.append(FieldChange(label, None, new[name], "added"))
        elif name not in new:
            changes.append(FieldChange(label, old[name], None, "removed"))
        else:
            changes += diff(old[name], new[name], label)
    return changes


def _by_place(before: list[Any], after: list[Any], path: str) -> list[FieldChange]:
    """Items without ids: those kept are matched as they stand (an item inserted at the top
    is one added, not every item after it changed); the rest pair up by place."""
    import json
    from difflib import SequenceMatcher

    def key(item: Any) -> str:
        return json.dumps(item, sort_keys=True, default=str)

    matcher = SequenceMatcher(None, [key(i) for i in before], [key(i) for i in after], autojunk=False)
    changes: list[FieldChange] = []
    added: list[Any] = []
    removed: list[Any] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            changes += diff(before[i1 + k], after[j1 + k], f"{path}[{j1 + k + 1}]")
        added += after[j1 + paired : j2]
        removed += before[i1 + paired : i2]
    if added:
        changes.append(FieldChange(path, None, added, "added", len(added)))
    if removed:
        changes.append(FieldChange(path, removed, None, "removed", len(removed)))
    return changes


def _values(before: list[Any], after: list[Any], path: str) -> list[FieldChange]:
    """A list of plain values (tags, locations, hypotheses)."""
    if before == after:
        return []
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    if added and not removed:
        return [FieldChange(path, None, added, "added", len(added))]
    if removed and not added:
        return [FieldChange(path, removed, None, "removed", len(removed))]
    return [FieldChange(path, before or None, after or None)]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _mapping(value: Any) -> bool:
    return isinstance(value, dict) or _empty(value)


def _sequence(value: Any) -> bool:
    return isinstance(value, list) or _empty(value)


def _records(items: list[Any]) -> bool:
    return all(isinstance(i, dict) for i in items)


def _keyed(items: list[dict[str, Any]], key: str) -> bool:
    """Whether every item has its own name under ``key`` (an empty list has every kind)."""
    names = [i.get(key) for i in items]
    return all(isinstance(n, str) and n for n in names) and len(set(names)) == len(names)
