"""Changing a stored record: check the new document, say what changed, write it into a Change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from jatac.change import Change
from jatac.errors import InvalidRecord
from jatac.record_diff import diff
from jatac.store import Kind, Loaded, Repository
from jatac.yamlfile import YamlProblem, dump, parse


@dataclass
class Revision:
    """A record's next state, checked and described, not yet written."""

    loaded: Loaded
    record: Any
    text: str
    phrase: str
    body: list[str]

    @property
    def changed(self) -> bool:
        # a checkout with CRLF line endings (Windows) is unchanged by a write that keeps them
        return self.text != self.loaded.text.replace("\r\n", "\n")

    def write(self, change: Change) -> None:
        if self.changed:
            change.body.extend(self.body)
            change.write(self.loaded.relpath, self.text, expect=self.loaded.text or None)


def describe(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, list[str]]:
    """A short phrase for the commit subject and one body line per change: a field changed
    (``status: proposed -> adopted``), or what was added to a list (``analysis.data: 2 added``)."""
    changes = diff(old, new)
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
    from jatac.consistency import require_marking

    record = repo.validate_doc(kind, doc, loaded.relpath, expect_id=record_id, case=case)
    require_marking(repo, kind, record, loaded.relpath, doc)  # never marked below what it names
    before = loaded.record.model_dump(mode="json", exclude_none=True) if loaded.record else {}
    phrase, body = describe(before, record.model_dump(mode="json", exclude_none=True))
    if loaded.record is None:
        phrase, body = "new file", [f"{loaded.relpath} created"]
    text = dump(doc)
    if text != loaded.text.replace("\r\n", "\n") and not body:
        phrase, body = "layout changed", ["layout or comments changed; no field changed"]
    return Revision(loaded, record, text, phrase, body)


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
