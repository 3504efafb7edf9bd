"""Meetings: the schedule of each group, meeting files, and partners' agenda items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from jatac.clock import today
from jatac.errors import NotFound, Refused
from jatac.git.change import Change
from jatac.guard.marking import require_marking, required_marking
from jatac.meetings.schedule import (
    agenda_send_by,
    called_off_for_holidays,
    items_due,
    next_occurrence,
    occurrences,
    previous_occurrence,
)
from jatac.models.config import Group
from jatac.models.meeting import AgendaItem, ItemKind, Meeting, meeting_id
from jatac.models.vocab import Marking
from jatac.storage.problems import check_new
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, ensure, set_field, to_yaml

MEETING = KINDS["meeting"]


@dataclass
class Planned:
    """A meeting as the schedule and (if it exists) its file say."""

    group: Group
    day: date
    record: Meeting | None = None
    moved_from: date | None = None
    called_off: bool = False  # cancelled in the group's schedule

    @property
    def planned_on(self) -> date:
        """The date the cadence gives this meeting (before any move)."""
        return self.moved_from or self.day

    @property
    def why(self) -> str | None:
        """Why the meeting was moved or cancelled, as the schedule records it (or the bank
        holiday the group's rule moved or cancelled it for)."""
        schedule = self.group.schedule
        note = schedule.notes.get(self.planned_on) if schedule else None
        if note and note.reason:
            return note.reason
        if schedule is not None and (self.moved_from or self.called_off):
            from jatac.meetings.schedule import holiday_rule

            rule = holiday_rule(schedule, self.planned_on)
            if rule is not None:
                return f"{rule[0]}, a bank holiday"
        return None

    @property
    def bank_holiday(self) -> str | None:
        """The bank holiday the meeting falls on (a group whose rule is "keep"), or None."""
        schedule = self.group.schedule
        if schedule is None:
            return None
        from jatac.meetings.bank_holidays import bank_holiday

        return bank_holiday(schedule.region, self.day)

    @property
    def id(self) -> str:
        return meeting_id(self.day, self.group.id)

    @property
    def send_by(self) -> date:
        return agenda_send_by(self.group.schedule, self.day)

    @property
    def items_due(self) -> date:
        return items_due(self.group.schedule, self.day)

    @property
    def venue(self) -> str | None:
        return (self.record.venue if self.record else None) or self.group.venue

    @property
    def chair(self) -> str | None:
        return (self.record.chair if self.record else None) or self.group.chair

    @property
    def time(self) -> str | None:
        if self.record and self.record.time:
            return self.record.time
        return self.group.schedule.time if self.group.schedule else None

    @property
    def cancelled(self) -> bool:
        return self.called_off or bool(self.record and self.record.status.value == "cancelled")

    def as_meeting(self) -> Meeting:
        """The meeting record, or the one its file would hold."""
        return self.record or Meeting(id=self.id, group=self.group.id, date=self.day)


def parse_day(text: str) -> date:
    from jatac.models.dates import HOW, YEARS, in_years, typed_date

    try:
        day = typed_date(text)
    except ValueError:
        raise Refused(f"{text!r} is not a date", hint=HOW[0].upper() + HOW[1:] + ".") from None
    # the schedule is worked out around a date: near year 9999 that runs past the calendar's end
    if not in_years(day.year):
        raise Refused(f"{text} is not a date jatac can plan for", hint=f"Give a date {YEARS}.")
    return day


def _group(repo: Repository, group_id: str) -> Group:
    group = repo.config.group_by_id.get(group_id)
    if group is None:
        raise Refused(f"unknown group {group_id!r}", hint="Groups: " + ", ".join(repo.config.group_by_id))
    return group


def meeting_files(repo: Repository) -> dict[str, Meeting]:
    records, _ = repo.records(MEETING)
    return {m.id: m for m in records}


def upcoming(repo: Repository, start: date, count: int = 3) -> list[Planned]:
    """The next ``count`` meetings of each group from ``start`` (files and schedule together)."""
    files = meeting_files(repo)
    found: dict[str, Planned] = {}
    for group in repo.config.groups:
        if group.schedule:
            horizon = start + timedelta(days=400 * max(1, count))
            shown = occurrences(group.schedule, start, horizon)[:count]
            for occ in shown:
                planned = Planned(group, occ.on, moved_from=occ.planned if occ.moved else None)
                found[planned.id] = planned
            # a meeting called off still shows, in its place, until the last one shown
            last = shown[-1].on if shown else horizon
            for day in [
                *group.schedule.cancelled,
                *(d for d, _ in called_off_for_holidays(group.schedule, start, last)),
            ]:
                if start <= day <= last:
                    planned = Planned(group, day, called_off=True)
                    found.setdefault(planned.id, planned)
    for meeting in files.values():
        if meeting.date >= start and meeting.group in repo.config.group_by_id:
            found.setdefault(meeting.id, Planned(repo.config.group_by_id[meeting.group], meeting.date))
            found[meeting.id].record = meeting
    return sorted(found.values(), key=lambda p: (p.day, p.group.id))


def find(repo: Repository, when: str | None, group_id: str | None = None) -> Planned:
    """A meeting by date (and group, when two meet that day), or the next one when ``when`` is None."""
    files = meeting_files(repo)
    groups = [_group(repo, group_id)] if group_id else list(repo.config.groups)
    if when is None:
        start = today()
        nexts = [p for p in upcoming(repo, start, 1) if p.group in groups and not p.cancelled]
        if not nexts:
            raise NotFound("no meeting is scheduled", hint="Add a schedule to a group in jatac.yaml.")
        return nexts[0]
    day = parse_day(when)
    matches = []
    for group in groups:
        record = files.get(meeting_id(day, group.id))
        held = occurrences(group.schedule, day, day) if group.schedule is not None else []
        if record or held:
            moved_from = held[0].planned if held and held[0].moved else None
            matches.append(Planned(group, day, record, moved_from=moved_from))
    if not matches:
        called_off = [
            g
            for g in groups
            if g.schedule and (day in g.schedule.cancelled or called_off_for_holidays(g.schedule, day, day))
        ]
        if called_off:
            why = Planned(called_off[0], day, called_off=True).why
            raise Refused(
                f"the {called_off[0].name} meeting on {day} is cancelled" + (f" ({why})" if why else ""),
                hint="`jatac meetings` shows the meetings to come.",
            )
        hint = "`jatac meetings` shows the schedule; `jatac meeting new --group G --date D` adds a meeting."
        raise NotFound(f"no meeting on {day}", hint=hint)
    if len(matches) > 1:
        raise Refused(
            f"{len(matches)} groups meet on {day}",
            hint="Say which with --group: " + ", ".join(p.group.id for p in matches),
        )
    return matches[0]


def previous(repo: Repository, planned: Planned) -> Planned | None:
    """The group's meeting before this one (a held meeting file, or the schedule's)."""
    files = [m for m in meeting_files(repo).values() if m.group == planned.group.id and m.date < planned.day]
    candidates = [Planned(planned.group, m.date, m) for m in files if m.status.value != "cancelled"]
    if planned.group.schedule:
        occ = previous_occurrence(planned.group.schedule, planned.day)
        if occ is not None and all(c.day != occ.on for c in candidates):
            candidates.append(Planned(planned.group, occ.on))
    return max(candidates, key=lambda p: p.day, default=None)


def following(repo: Repository, planned: Planned) -> date | None:
    if planned.group.schedule is None:
        return None
    occ = next_occurrence(planned.group.schedule, planned.day + timedelta(days=1))
    return occ.on if occ else None


def _write_meeting(repo: Repository, change: Change, meeting: Meeting) -> None:
    relpath = repo.relpath(MEETING, meeting.id)
    doc = to_yaml(meeting.model_dump())
    require_marking(repo, MEETING, repo.validate_doc(MEETING, doc, relpath, meeting.id), relpath, doc)
    change.write(relpath, dump(doc))


def new_meeting(
    repo: Repository,
    *,
    group_id: str,
    day: date,
    venue: str | None = None,
    chair: str | None = None,
    time: str | None = None,
    no_commit: bool = False,
) -> tuple[Meeting, bool]:
    """Create a meeting file. Returns it and whether the date is on the group's schedule."""
    group = _group(repo, group_id)
    mid = meeting_id(day, group.id)
    if (repo.root / repo.relpath(MEETING, mid)).exists():
        raise Refused(f"the meeting {mid} already exists")
    meeting = check_new(
        Meeting,
        {
            "id": mid,
            "group": group.id,
            "date": day,
            "venue": venue or group.venue,
            "chair": chair or group.chair,
            "time": time or (group.schedule.time if group.schedule else None),
        },
        repo.config,
        "new meeting",
    )
    on_schedule = group.schedule is not None and bool(occurrences(group.schedule, day, day))
    with Change(
        repo,
        command="meeting new",
        subject=f"{mid}: new meeting of {group.name}",
        no_commit=no_commit,
        trailers={"Jatac-Meeting": mid},
    ) as change:
        _write_meeting(repo, change, meeting)
    return meeting, on_schedule


def add_item(
    repo: Repository,
    when: str,
    title: str,
    *,
    by: str,
    case: str | None = None,
    kind: str = "issue",
    late: bool = False,
    group_id: str | None = None,
    note: str = "",
    no_commit: bool = False,
) -> tuple[Planned, AgendaItem]:
    """A partner's item for a meeting's agenda; after the item deadline only with ``late``."""
    planned = find(repo, when, group_id)
    now = today()
    if now > planned.day:
        raise Refused(f"the meeting on {planned.day} has already taken place")
    if planned.cancelled:
        raise Refused(f"the meeting on {planned.day} is cancelled")
    is_late = now > planned.items_due
    if is_late and not late:
        raise Refused(
            f"items for {planned.day} were due by {planned.items_due}",
            hint="Tell the Chair, then add it with --late; it shows on the agenda as a late item.",
        )
    if kind not in {k.value for k in ItemKind}:
        raise Refused(f"{kind!r} is not an item kind", hint="Kinds: " + ", ".join(k.value for k in ItemKind))
    if case is not None:
        repo.record(KINDS["case"], case)  # it must exist
    meeting = planned.as_meeting()
    item = check_new(
        AgendaItem,
        {
            "id": meeting.next_item_id(),
            "title": title,
            "by": by,
            "kind": kind,
            "case": case,
            "added_on": now,
            "late": is_late,
            "note": note,
        },
        repo.config,
        "new agenda item",
    )
    relpath = repo.relpath(MEETING, planned.id)
    # an item about an OFFICIAL-SENSITIVE case makes the meeting so (its wide agenda leaves it out)
    raise_marking = (
        meeting.marking is Marking.OFFICIAL
        and required_marking(repo, item.model_dump(mode="json")) is Marking.OFFICIAL_SENSITIVE
    )
    subject = f"{planned.id}: agenda item {item.id}" + (" (late)" if is_late else "") + f", {title}"
    trailers: dict[str, Any] = {"Jatac-Meeting": planned.id}
    with Change(
        repo,
        command="item add",
        subject=subject[:120],
        cases=[case] if case else [],
        no_commit=no_commit,
        trailers=trailers,
    ) as change:
        change.body.append(f"Proposed by {by}" + (f" for {case}" if case else "") + ".")
        if is_late:
            change.body.append(f"After the item deadline ({planned.items_due}); the Chair was told.")
        if raise_marking:
            change.body.append("marking: OFFICIAL -> OFFICIAL-SENSITIVE (the item names such a case)")
        marking = Marking.OFFICIAL_SENSITIVE if raise_marking else meeting.marking
        if planned.record is None:
            change.body.append("Meeting file created from the schedule.")
            _write_meeting(repo, change, meeting.model_copy(update={"items": [item], "marking": marking}))
        else:
            loaded = repo.open(MEETING, planned.id)
            items = ensure(loaded.doc, "items", _seq(), list(Meeting.model_fields))
            items.append(to_yaml(item.model_dump()))
            if raise_marking:
                set_field(loaded.doc, "marking", marking, list(Meeting.model_fields))
            record = repo.validate_doc(MEETING, loaded.doc, relpath, planned.id)
            require_marking(repo, MEETING, record, relpath, loaded.doc)
            change.write(relpath, dump(loaded.doc))
    return planned, item


def _seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()
