"""Changing a stored record: check the new document, say what changed, write it into a Change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from jatac.clock import today
from jatac.errors import InvalidRecord
from jatac.git.change import Change
from jatac.storage.diff import diff, told
from jatac.storage.repository import Kind, Loaded, Repository
from jatac.storage.yaml_roundtrip import YamlProblem, dump, insert, parse


@dataclass
class Revision:
    """A record's next state, checked and described, not yet written."""

    loaded: Loaded
    record: Any
    text: str
    phrase: str
    body: list[str]
    data: Any = None  # the text's content as plain data (what reading it back gives)

    @property
    def changed(self) -> bool:
        # a checkout with CRLF line endings (Windows) is unchanged by a write that keeps them
        return self.text != self.loaded.text.replace("\r\n", "\n")

    def write(self, change: Change) -> None:
        if self.changed:
            change.body.extend(self.body)
            change.write(self.loaded.relpath, self.text, expect=self.loaded.text or None, data=self.data)


def describe(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, list[str]]:
    """A short phrase for the commit subject and one body line per change: a field changed
    (``status: proposed -> adopted``), or what was added to a list (``analysis.data: 2 added``)."""
    changes = told(diff(old, new))
    body = [c.text() for c in changes]
    short = [c.short() for c in changes]
    # status first: it is what a reader of `git log --oneline` looks for
    short.sort(key=lambda text: not text.startswith("status "))
    phrase = ""
    for i, item in enumerate(short):
        candidate = f"{phrase}, {item}" if phrase else item
        if phrase and len(candidate) > 60:
            phrase += f" (+{len(short) - i} more)"
            break
        phrase = candidate
    return phrase, body


def revise(repo: Repository, loaded: Loaded, doc: Any, case: Any = None) -> Revision:
    """Validate ``doc`` as the next state of ``loaded`` and describe the change."""
    kind: Kind = loaded.kind
    record_id = PurePosixPath(loaded.relpath).stem
    from jatac.guard.marking import require_marking

    record = repo.validate_doc(kind, doc, loaded.relpath, expect_id=record_id, case=case)
    require_marking(repo, kind, record, loaded.relpath, doc)  # never marked below what it names
    before = loaded.record.model_dump(mode="json", exclude_none=True) if loaded.record else {}
    phrase, body = describe(before, record.model_dump(mode="json", exclude_none=True))
    if loaded.record is None:
        phrase, body = "new file", [f"{loaded.relpath} created"]
    text = dump(doc)
    if text != loaded.text.replace("\r\n", "\n") and not body:
        phrase, body = "layout changed", ["layout or comments changed; no field changed"]
    from jatac.storage.yaml_roundtrip import plain

    return Revision(loaded, record, text, phrase, body, plain(doc))


def date_changes(
    node: Any,
    before: dict[str, str | None],
    model: Any,
    order: Sequence[str],
    earlier: Sequence[dict[str, Any]] = (),
) -> None:
    """Date today, in ``node``'s ``changes``, each field of ``before`` (its values as last
    saved) whose value in ``node`` (the record's next state, a round-trip document) differs
    from where its log leaves it. The one way a record's log of dated changes is written.

    An entry the person wrote themselves (a change dated in the past) is kept as written;
    a value the field cannot take is left to the field's own check. ``earlier``: entries
    to write first into a record that has none (its inferred history)."""
    from ruamel.yaml.comments import CommentedSeq

    log = node.get("changes")
    log = log if isinstance(log, CommentedSeq) and log else None
    left: dict[str, str | None] = {}  # each field's value as the log leaves it
    for entry in log or []:
        if isinstance(entry, dict) and isinstance(entry.get("field"), str):
            left[entry["field"]] = _text(entry.get("to"))
    fresh = []
    for name, was in before.items():
        now, known = _text(node.get(name)), left.get(name, was)
        if now != known and (now is None or model.model_construct(field=name).value_error(now) is None):
            fresh.append({"on": today(), "field": name, "from": known, "to": now})
    if not fresh:
        return
    if log is None:
        log = CommentedSeq()
        for entry in earlier:
            log.append(log_entry(entry))
        node.pop("changes", None)
        insert(node, "changes", log, order)
    for entry in fresh:
        log.append(log_entry(entry))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def log_entry(entry: dict[str, Any]) -> Any:
    """A log entry on one line: ``- {on: 2026-03-02, field: priority, from: high, to: medium}``."""
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap()
    for key in ("on", "field", "from", "to"):
        value = entry.get(key)
        if isinstance(value, str) and (key == "on" or (key != "field" and entry["field"] == "due")):
            value = date.fromisoformat(value)  # written as a date, as the field itself is
        if value is not None:
            item[key] = value
    item.fa.set_flow_style()
    return item


def parse_edit(loaded: Loaded, text: str) -> Loaded:
    """The text a person edited, parsed as the next version of ``loaded`` (same file)."""
    try:
        doc = parse(text, loaded.relpath)
    except YamlProblem as e:
        raise InvalidRecord([e.problem]) from None
    return Loaded(loaded.kind, loaded.relpath, loaded.text, doc, loaded.record)


def commit_revision(
    repo: Repository,
    revision: Revision,
    *,
    command: str,
    subject: str | None = None,
    no_commit: bool = False,
    trailers: dict[str, Any] | None = None,
    meeting: str | None = None,
) -> Revision:
    """Write and commit one record's revision (nothing when it did not change)."""
    if not revision.changed:
        return revision
    record_id = revision.record.id
    with Change(
        repo,
        command=command,
        subject=subject or f"{record_id}: {revision.phrase}",
        no_commit=no_commit,
        # each kind names its records with its own trailer (Jatac-Case, Jatac-Meeting ...)
        trailers={revision.loaded.kind.trailer: record_id, **(trailers or {})},
        meeting=meeting,
    ) as change:
        revision.write(change)
    return revision
