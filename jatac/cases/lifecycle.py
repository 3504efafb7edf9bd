"""Cases: raise, change, edit and list them. Every change is one commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from jatac.clock import today
from jatac.errors import InvalidRecord, Problem, Refused
from jatac.git.change import Change
from jatac.git.revision import Revision, commit_revision, date_changes, parse_edit, revise
from jatac.models.case import Issue, Status, escalation_error, transition_error
from jatac.models.dates import is_day_first, typed_date
from jatac.storage.repository import KINDS, Loaded, Repository
from jatac.storage.yaml_roundtrip import dump, position, set_field, to_yaml

CASE = KINDS["case"]
LIST_FIELDS = {"tags"}
IMMUTABLE = {"id"}
# Set with their own commands, which keep their rules and history.
STRUCTURED = {
    "escalations": "jatac escalate",
    "reviews": "jatac review",
    "changes": "jatac edit",
    "people": "jatac edit",
    "not_personal": "jatac edit",
}


def validate_new(repo: Repository, data: dict[str, Any], what: str) -> Any:
    """Validate a record being created (no file yet); problems name the field."""
    from jatac.storage.problems import check_new

    return check_new(CASE.model, data, repo.config, what)


def document(record: Any) -> Any:
    """A new file's content for ``record``: fields in model order, empty ones left out."""
    return to_yaml(record.model_dump(mode="python"))


def new_issue(
    repo: Repository,
    *,
    title: str,
    category: str,
    location: str,
    raised_by: str,
    place: str | None = None,
    priority: str = "medium",
    risk: str | None = None,
    marking: str | None = None,
    description: str = "",
    raised_on: date | None = None,
    tags: Sequence[str] = (),
    no_commit: bool = False,
) -> Issue:
    cfg = repo.config
    raised_on = raised_on or today()
    data = {
        "title": title,
        "status": Status.proposed.value,
        "priority": priority,
        "risk": risk,
        "marking": marking or cfg.marking.value,
        "category": category,
        "location": cfg.resolve_locality(location) or location,
        "place": place,
        "raised_by": raised_by,
        "raised_on": raised_on,
        "description": description,
        "tags": list(tags),
    }
    with Change(repo, command="new-issue", subject="", no_commit=no_commit) as change:
        # the number is taken with the repository locked, so two coordinators never share one
        data["id"] = case_id = repo.next_case_id(raised_on.year)
        record: Issue = validate_new(repo, {k: v for k, v in data.items() if v is not None}, "new case")
        change.subject = f"{case_id}: new case, {record.title}"
        change.cases = [case_id]
        change.body.append(
            f"Raised by {record.raised_by} on {record.raised_on}: "
            f"{record.category} at {record.location}"
            + (f" ({record.place})" if record.place else "")
            + f", priority {record.priority.value}."
        )
        change.write(repo.relpath(CASE, case_id), dump(document(record)), expect=None)
    return record


@dataclass
class Assignment:
    field: str
    raw: str


def parse_assignments(pairs: Iterable[str]) -> list[Assignment]:
    out = []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise Refused(
                f"{pair!r} is not FIELD=VALUE",
                hint="For example: jatac set JAT-2026-0001 priority=high",
            )
        if key not in CASE.fields:
            raise Refused(f"{key!r} is not a case field", hint="Case fields: " + ", ".join(CASE.fields))
        if key in IMMUTABLE:
            raise Refused("a case's id never changes", hint="Raise a new case if this one was wrong.")
        if key in STRUCTURED:
            raise Refused(f"{key} is a list of records", hint=f"Use `{STRUCTURED[key]}` or `jatac edit`.")
        if key == "reviewed_on":  # a review is a dated record with what it found, not a date alone
            raise Refused(
                "reviewed_on is the date of the latest review",
                hint='Record the review: jatac review CASE --note "what it found" [--next DATE]',
            )
        out.append(Assignment(key, raw.strip()))
    return out


def _value(assignment: Assignment) -> Any:
    if assignment.field in LIST_FIELDS:
        return [v.strip() for v in assignment.raw.split(",") if v.strip()]
    if _is_date(assignment.field) and is_day_first(assignment.raw):
        try:  # due=7/12/2026 as the person typed it; the file holds 2026-12-07
            return typed_date(assignment.raw).isoformat()
        except ValueError:
            pass  # not a day of the calendar: the check says so, with the field's position
    return assignment.raw or None


def _is_date(name: str) -> bool:
    import typing

    annotation = CASE.model.model_fields[name].annotation
    return annotation is date or date in typing.get_args(annotation)


def _follow_status(doc: Any, old: Status, new: Status) -> None:
    """Dates that go with a status change, when the person did not give them."""
    order = CASE.fields
    if new is Status.adopted and not doc.get("adopted_on"):
        set_field(doc, "adopted_on", today(), order)
    if new is Status.closed and not doc.get("closed_on"):
        set_field(doc, "closed_on", today(), order)
    if old is Status.closed and new is not Status.closed:
        set_field(doc, "closed_on", None, order)
        set_field(doc, "outcome", None, order)


def revise_case(repo: Repository, loaded: Loaded, doc: Any) -> Revision:
    """The case's next state from ``doc``, held to the lifecycle."""
    old: Issue = loaded.record
    raw = str(doc.get("status", ""))
    if raw in {s.value for s in Status} and raw != old.status.value:
        new = Status(raw)
        why = transition_error(old.status, new)
        if why:
            line, col = position(doc, ("status",))
            raise InvalidRecord(
                [Problem(loaded.relpath, line, col, "status", why)],
                hint="The lifecycle commands (adopt, escalate, close) say what each step needs.",
            )
        _follow_status(doc, old.status, new)
    _date_changes(doc, old)
    revision = revise(repo, loaded, doc)
    _check_new_escalations(repo, loaded, old, revision.record)
    return revision


def _date_changes(doc: Any, old: Issue) -> None:
    """Date today, in the case's ``changes``, every change of a tracked field (whatever made
    it: a lifecycle command, `set`, a minutes decision or an edit by hand). A case written
    before jatac kept them gets its inferred history first (jatac/cases/as_at.py), so what a report
    said of a past period stays true."""
    from jatac.cases.as_at import inferred
    from jatac.models.case import CaseChange

    earlier = [] if old.changes else [c.model_dump(mode="json") for c in inferred(old)]
    date_changes(doc, old.tracked(), CaseChange, CASE.fields, earlier)


def _check_new_escalations(repo: Repository, loaded: Loaded, old: Issue, new: Issue) -> None:
    """Escalations added (by any command, or in an editor) go one level at a time, or name
    the levels the chair decided to skip."""
    if new.escalations[: len(old.escalations)] != old.escalations:
        return  # an old entry was corrected by hand: not a new step
    levels = [e.id for e in repo.config.escalation]
    current = old.escalated_to if old.status is Status.escalated else None
    for n, step in enumerate(new.escalations[len(old.escalations) :], start=len(old.escalations)):
        why = escalation_error(levels, current, step)
        if why:
            line, col = position(loaded.doc, ("escalations", n))
            raise InvalidRecord(
                [Problem(loaded.relpath, line, col, f"escalations.{n}", why)],
                hint="`jatac escalate CASE --to LEVEL --reason ...` takes a case up a level.",
            )
        current = step.to


def set_fields(
    repo: Repository,
    case_id: str,
    pairs: Sequence[str],
    *,
    no_commit: bool = False,
    meeting: str | None = None,
) -> list[str]:
    assignments = parse_assignments(pairs)
    if not assignments:
        raise Refused("nothing to set", hint="For example: jatac set JAT-2026-0001 priority=high")
    loaded = repo.open(CASE, case_id)
    doc = loaded.doc
    for a in assignments:
        set_field(doc, a.field, _value(a), CASE.fields)
    revision = revise_case(repo, loaded, doc)
    # write back the checked values (dates as dates, names normalised), the rest as typed;
    # checked again only if that changed what was typed (priority=low is already as checked)
    typed = [doc.get(a.field) for a in assignments]
    for a in assignments:
        set_field(doc, a.field, getattr(revision.record, a.field), CASE.fields)
    if any(
        type(doc.get(a.field)) is not type(was) or doc.get(a.field) != was
        for a, was in zip(assignments, typed, strict=True)
    ):
        revision = revise_case(repo, loaded, doc)
    commit_revision(repo, revision, command="set", no_commit=no_commit, meeting=meeting)
    return revision.body if revision.changed else []


def apply_edit(repo: Repository, case_id: str, text: str, *, no_commit: bool = False) -> list[str]:
    """Take the text a person edited as the case's new file: validated, then committed."""
    edited = parse_edit(repo.open(CASE, case_id), text)
    revision = revise_case(repo, edited, edited.doc)
    commit_revision(repo, revision, command="edit", no_commit=no_commit)
    return revision.body if revision.changed else []
