"""Moving a meeting (off a bank holiday, say) or cancelling one, in the group's schedule.

The schedule in jatac.yaml keeps its cadence: ``moved`` maps the date the cadence gives
to the day the meeting is held, ``cancelled`` lists the dates called off, and ``notes``
says why and on which day each was recorded. Deadlines (items due, agenda out by) are
worked out from the day a meeting is held, so they move with it; a meeting that already
has a file (partners' items) takes its file along. A meeting outside the schedule (made
with `jatac meeting new`) moves or is cancelled in its file alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.clock import today
from jatac.errors import Refused
from jatac.git.change import Change
from jatac.meetings.files import MEETING, Planned, find
from jatac.meetings.schedule import occurrences
from jatac.models.meeting import Meeting, MeetingStatus, meeting_id
from jatac.models.schedule import Schedule, ScheduleNote
from jatac.partnership.config_edits import ConfigEdit, attach_trailing, detach_trailing
from jatac.storage.problems import check_line
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, ensure, to_yaml

# the schedule's keys in the order a file has them (`from`, not the model's `from_`)
SCHEDULE_ORDER = [f.alias or name for name, f in Schedule.model_fields.items()]


@dataclass
class Rescheduled:
    before: Planned
    after: Planned | None  # None: cancelled


def _coming(repo: Repository, when: str, group_id: str | None, doing: str) -> Planned:
    planned = find(repo, when, group_id)
    if planned.day < today():
        raise Refused(f"the meeting on {planned.day} has already taken place; it is not {doing}")
    if planned.cancelled:
        raise Refused(f"the meeting on {planned.day} is cancelled")
    if (repo.root / repo.relpath(KINDS["minutes"], planned.id)).exists():
        raise Refused(f"{planned.id} already has minutes; it is not {doing}")
    return planned


def _on_schedule(planned: Planned) -> date | None:
    """The date the cadence gives the meeting, or None for a meeting outside the schedule."""
    schedule = planned.group.schedule
    if schedule is None:
        return None
    held = occurrences(schedule, planned.day, planned.day)
    return held[0].planned if held else None


def _schedule_doc(edit: ConfigEdit, group_id: str) -> CommentedMap:
    doc = edit.item("groups", group_id)
    schedule = doc.get("schedule")
    assert isinstance(schedule, CommentedMap)  # the group has a schedule: it was checked
    return schedule


def _flow(node: CommentedMap | CommentedSeq) -> CommentedMap | CommentedSeq:
    node.fa.set_flow_style()
    return node


def _note(schedule: CommentedMap, planned_on: date, reason: str | None) -> None:
    note = ScheduleNote(on=today(), reason=reason)
    notes = ensure(schedule, "notes", CommentedMap(), SCHEDULE_ORDER)
    notes[planned_on] = _flow(to_yaml(note.model_dump(exclude_none=True)))


def _meeting_file(repo: Repository, planned: Planned, change: Change, *, to: date | None) -> None:
    """Carry the meeting's file (if it has one) to its new day, or mark it cancelled."""
    if planned.record is None:
        return
    loaded = repo.open(MEETING, planned.id)
    doc = loaded.doc
    if to is None:
        doc["status"] = MeetingStatus.cancelled.value
        repo.validate_doc(MEETING, doc, loaded.relpath, planned.id)
        change.write(loaded.relpath, dump(doc), expect=loaded.text)
        return
    new_id = meeting_id(to, planned.group.id)
    doc["id"], doc["date"] = new_id, to
    if doc.get("planned_on") is None:  # its calendar event keeps its UID wherever it moves
        from jatac.storage.yaml_roundtrip import set_field

        first = planned.record.planned_on if planned.record else None
        set_field(doc, "planned_on", first or planned.planned_on, list(Meeting.model_fields))
    relpath = repo.relpath(MEETING, new_id)
    repo.validate_doc(MEETING, doc, relpath, new_id)
    change.write(relpath, dump(doc), expect=None)
    change.remove(loaded.relpath)


def move(
    repo: Repository,
    when: str,
    to: date,
    *,
    reason: str | None = None,
    group_id: str | None = None,
    no_commit: bool = False,
) -> Rescheduled:
    planned = _coming(repo, when, group_id, "moved")
    group = planned.group
    if to == planned.day:
        raise Refused(f"the meeting is already on {to}")
    if to < today():
        raise Refused(f"{to} has passed; a meeting is moved to a day to come")
    clash = (group.schedule is not None and occurrences(group.schedule, to, to)) or (
        repo.root / repo.relpath(MEETING, meeting_id(to, group.id))
    ).exists()
    if clash:
        raise Refused(f"the {group.name} already meets on {to}")
    reason = check_line(reason, "meeting move", "reason") if reason and reason.strip() else None
    cadence_day = _on_schedule(planned)
    after = Planned(group, to, moved_from=cadence_day if cadence_day != to else None)
    subject = f"{group.name}: meeting of {planned.day} moved to {to}" + (f" ({reason})" if reason else "")
    body = [
        f"Items due by {after.items_due}, the agenda out by {after.send_by} (were {planned.items_due} "
        f"and {planned.send_by})."
    ]
    trailers: dict[str, str | Sequence[str]] = {"Jatac-Meeting": [planned.id, after.id]}
    if cadence_day is None:  # outside the schedule: the meeting's file is all there is
        with Change(
            repo, command="meeting move", subject=subject, trailers=trailers, no_commit=no_commit
        ) as c:
            c.body.extend(body)
            _meeting_file(repo, planned, c, to=to)
        return Rescheduled(planned, after)
    edit = ConfigEdit.read(repo)
    group_doc = edit.item("groups", group.id)
    trailing = detach_trailing(group_doc)
    schedule = _schedule_doc(edit, group.id)
    moved = ensure(schedule, "moved", CommentedMap(), SCHEDULE_ORDER)
    if not moved:  # a new one reads {2026-05-25: 2026-05-26}; one a person wrote keeps its style
        _flow(moved)
    if to == cadence_day:
        moved.pop(cadence_day, None)  # back on the cadence's own day
    else:
        moved[cadence_day] = to
    if not moved:
        schedule.pop("moved")
    _note(schedule, cadence_day, reason)
    attach_trailing(group_doc, trailing)
    config = edit.commit(
        command="meeting move",
        subject=subject,
        body=body,
        trailers=trailers,
        also=lambda change: _meeting_file(repo, planned, change, to=to),
        no_commit=no_commit,
    )
    after.group = config.group_by_id[group.id]
    return Rescheduled(planned, after)


def cancel(
    repo: Repository, when: str, *, reason: str, group_id: str | None = None, no_commit: bool = False
) -> Rescheduled:
    if not reason.strip():
        raise Refused("say why the meeting is cancelled", hint='For example: --reason "Christmas"')
    reason = check_line(reason, "meeting cancel", "reason")  # as the schedule's note will hold it
    planned = _coming(repo, when, group_id, "cancelled")
    group = planned.group
    subject = f"{group.name}: meeting of {planned.day} cancelled ({reason})"
    trailers: dict[str, str | Sequence[str]] = {"Jatac-Meeting": planned.id}
    cadence_day = _on_schedule(planned)
    if cadence_day is None:
        with Change(
            repo, command="meeting cancel", subject=subject, trailers=trailers, no_commit=no_commit
        ) as change:
            _meeting_file(repo, planned, change, to=None)
        return Rescheduled(planned, None)
    edit = ConfigEdit.read(repo)
    group_doc = edit.item("groups", group.id)
    trailing = detach_trailing(group_doc)
    schedule = _schedule_doc(edit, group.id)
    cancelled = ensure(schedule, "cancelled", CommentedSeq(), SCHEDULE_ORDER)
    if not cancelled:
        _flow(cancelled)
    cancelled.append(cadence_day)
    _note(schedule, cadence_day, reason)
    attach_trailing(group_doc, trailing)
    edit.commit(
        command="meeting cancel",
        subject=subject,
        trailers=trailers,
        also=lambda change: _meeting_file(repo, planned, change, to=None),
        no_commit=no_commit,
    )
    return Rescheduled(planned, None)


def set_meeting_venue(
    repo: Repository, when: str, venue: str, *, group_id: str | None = None, no_commit: bool = False
) -> Meeting:
    """One meeting's venue, in its file (made from the schedule if it has none yet)."""
    venue = venue.strip()
    if not venue:
        raise Refused("say where the meeting is", hint='For example: "Fire Station, Training Room"')
    planned = _coming(repo, when, group_id, "changed")
    relpath = repo.relpath(MEETING, planned.id)
    with Change(
        repo,
        command="venue set",
        subject=f"{planned.id}: meets at {venue}",
        trailers={"Jatac-Meeting": planned.id},
        no_commit=no_commit,
    ) as change:
        if planned.record is None:
            meeting = planned.as_meeting().model_copy(update={"venue": venue})
            doc = to_yaml(meeting.model_dump())
            text = None
        else:
            loaded = repo.open(MEETING, planned.id)
            doc, text = loaded.doc, loaded.text
            if planned.record.venue == venue:
                raise Refused(f"{planned.id} already meets at {venue}")
            from jatac.storage.yaml_roundtrip import set_field

            set_field(doc, "venue", venue, list(Meeting.model_fields))
        meeting = repo.validate_doc(MEETING, doc, relpath, planned.id)
        change.body.append(f"venue: {planned.venue or '(none)'} -> {venue}")
        change.write(relpath, dump(doc), expect=text)
    return meeting
