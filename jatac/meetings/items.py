"""Partners' agenda items after they are added: listed, edited, withdrawn, each one commit.

An item changes only before its meeting: once the meeting has taken place its agenda is a record
of what was put to it (the minutes say what became of each item).
"""

from __future__ import annotations

from typing import Any

from jatac.clock import today
from jatac.errors import NotFound, Refused
from jatac.git.change import Change
from jatac.guard.marking import require_marking, required_marking
from jatac.meetings.files import MEETING, Planned, find
from jatac.models.meeting import AgendaItem, ItemKind, Meeting
from jatac.models.vocab import Marking
from jatac.storage.problems import check_line
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, set_field

EDITABLE = ("title", "by", "kind", "case", "note")


def items(
    repo: Repository, when: str | None, group_id: str | None = None
) -> tuple[Planned, list[AgendaItem]]:
    """A meeting's partners' items, in the order they were added (none when it has no file yet)."""
    planned = find(repo, when, group_id)
    return planned, list(planned.record.items) if planned.record else []


def _changeable(repo: Repository, when: str, ref: str, group_id: str | None) -> tuple[Planned, Any, int]:
    """The meeting (before it takes place), its file opened for a change, and the item's place."""
    planned = find(repo, when, group_id)
    if today() > planned.day:
        raise Refused(
            f"the meeting on {planned.day} has already taken place: its agenda is a record now",
            hint="What became of the item goes in the minutes: jatac minutes record.",
        )
    if planned.cancelled:
        raise Refused(f"the meeting on {planned.day} is cancelled")
    ids = [i.id for i in planned.record.items] if planned.record else []
    wanted = ref.strip().upper()
    if wanted not in ids:
        raise NotFound(
            f"the meeting {planned.id} has no item {ref!r}",
            hint=("Its items: " + ", ".join(ids))
            if ids
            else f"It has no items: jatac item add {planned.day}",
        )
    return planned, repo.open(MEETING, planned.id), ids.index(wanted)


def edit_item(
    repo: Repository,
    when: str,
    ref: str,
    changes: dict[str, Any],
    *,
    group_id: str | None = None,
    no_commit: bool = False,
) -> tuple[Planned, AgendaItem, list[str]]:
    """Change fields of an item (``changes``: title, by, kind, case, note; "" empties case or
    note). Returns the item as it now is and what changed, one line each (empty: no change)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Refused(
            f"an item has no field {', '.join(sorted(unknown))}", hint="Fields: " + ", ".join(EDITABLE)
        )
    kind = changes.get("kind")
    if kind is not None and kind not in {k.value for k in ItemKind}:
        raise Refused(f"{kind!r} is not an item kind", hint="Kinds: " + ", ".join(k.value for k in ItemKind))
    if changes.get("case"):
        repo.record(KINDS["case"], changes["case"])  # it must exist
    planned, loaded, at = _changeable(repo, when, ref, group_id)
    item_doc = loaded.doc["items"][at]
    before = AgendaItem.model_validate(dict(item_doc))
    order = list(AgendaItem.model_fields)
    said: list[str] = []
    for key, value in changes.items():
        old = getattr(before, key)
        old_text = old.value if isinstance(old, ItemKind) else (old or "")
        if value == old_text:
            continue
        set_field(item_doc, key, value, order)
        said.append(f"{key}: {old_text or '(none)'} -> {value or '(none)'}")
    if not said:
        return planned, before, []
    record: Meeting = repo.validate_doc(MEETING, loaded.doc, loaded.relpath, planned.id)
    item = record.items[at]
    raise_marking = (
        record.marking is Marking.OFFICIAL
        and required_marking(repo, item.model_dump(mode="json")) is Marking.OFFICIAL_SENSITIVE
    )
    if raise_marking:
        set_field(loaded.doc, "marking", Marking.OFFICIAL_SENSITIVE, list(Meeting.model_fields))
        record = repo.validate_doc(MEETING, loaded.doc, loaded.relpath, planned.id)
        said.append("marking: OFFICIAL -> OFFICIAL-SENSITIVE (the item names such a case)")
    require_marking(repo, MEETING, record, loaded.relpath, loaded.doc)
    cases = sorted({c for c in (before.case, item.case) if c})
    subject = f"{planned.id}: agenda item {item.id} edited, {item.title}"
    with Change(
        repo,
        command="item edit",
        subject=subject[:120],
        cases=cases,
        no_commit=no_commit,
        trailers={"Jatac-Meeting": planned.id},
    ) as change:
        change.body.extend(said)
        change.write(loaded.relpath, dump(loaded.doc), expect=loaded.text)
    return planned, item, said


def remove_item(
    repo: Repository,
    when: str,
    ref: str,
    *,
    reason: str | None = None,
    group_id: str | None = None,
    no_commit: bool = False,
) -> tuple[Planned, AgendaItem]:
    """Withdraw an item from the agenda (the partner withdrew it, or it was added by mistake);
    git keeps it, and the commit says why."""
    if reason is not None and reason.strip():  # kept in the commit: as one line of a record
        reason = check_line(reason, "item remove", "reason")
    planned, loaded, at = _changeable(repo, when, ref, group_id)
    assert planned.record is not None
    item = planned.record.items[at]
    del loaded.doc["items"][at]
    record = repo.validate_doc(MEETING, loaded.doc, loaded.relpath, planned.id)
    require_marking(repo, MEETING, record, loaded.relpath, loaded.doc)
    subject = f"{planned.id}: agenda item {item.id} withdrawn, {item.title}"
    with Change(
        repo,
        command="item remove",
        subject=subject[:120],
        cases=[item.case] if item.case else [],
        no_commit=no_commit,
        trailers={"Jatac-Meeting": planned.id},
    ) as change:
        change.body.append(f"Proposed by {item.by} on {item.added_on}.")
        if reason:
            change.body.append(f"Why: {reason.strip()}")
        change.write(loaded.relpath, dump(loaded.doc), expect=loaded.text)
    return planned, item
