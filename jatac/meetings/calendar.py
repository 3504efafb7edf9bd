"""The meeting schedule as an iCalendar file that Outlook and Google Calendar import.

What makes a subscriber's calendar trustworthy:
- times are Europe/London (with its VTIMEZONE), not floating: 10:00 is 10:00 in winter and summer;
- an event's UID is the day the meeting was first planned for, its group and the partnership,
  so a moved meeting updates its event (a higher SEQUENCE) instead of adding a second one,
  and two partnerships' events never clash;
- a cancelled meeting stays, with STATUS:CANCELLED, so calendars remove it rather than keep it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from jatac.clock import today
from jatac.meetings.files import Planned, upcoming
from jatac.storage.repository import Repository, atomic_write

TIMEZONE = "Europe/London"


def _domain(repo: Repository) -> str:
    """The partnership in every UID: its name as a slug and its case prefix."""
    cfg = repo.config
    slug = re.sub(r"[^a-z0-9]+", "-", cfg.name.casefold()).strip("-") or "partnership"
    return f"{slug}.{cfg.prefix.lower()}.jatac"


def first_planned(planned: Planned) -> date:
    """The day the meeting was first planned for: its UID does not change when it moves."""
    if planned.record is not None and planned.record.planned_on is not None:
        return planned.record.planned_on
    return planned.planned_on


def uid(repo: Repository, planned: Planned, kind: str = "") -> str:
    return f"{first_planned(planned)}-{planned.group.id}{'-' + kind if kind else ''}@{_domain(repo)}"


def _sequence(planned: Planned) -> int:
    """Each change a subscriber must take in: moved, then cancelled."""
    return int(planned.day != first_planned(planned)) + int(planned.cancelled)


def build(repo: Repository, months: int = 12) -> tuple[bytes, int]:
    """The .ics bytes and how many meetings (held or cancelled) they hold."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    london = ZoneInfo(TIMEZONE)
    cal = Calendar()
    cal.add("prodid", "-//jatac//meeting schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{repo.config.name} meetings")
    cal.add("x-wr-timezone", TIMEZONE)
    start = today()
    end = start + timedelta(days=31 * months)
    stamp = datetime.combine(start, time(0, 0), tzinfo=UTC)
    count = 0
    for planned in upcoming(repo, start, count=months * 5):
        if planned.day > end:
            continue
        count += 1
        status = "CANCELLED" if planned.cancelled else "CONFIRMED"
        sequence = _sequence(planned)
        meeting = Event()
        meeting.add("uid", uid(repo, planned))
        meeting.add("dtstamp", stamp)
        meeting.add("sequence", sequence)
        meeting.add("status", status)
        summary = planned.group.name
        if planned.cancelled:
            summary = f"Cancelled: {summary}" + (f" ({planned.why})" if planned.why else "")
        meeting.add("summary", summary)
        if planned.time:
            hour, minute = (int(x) for x in planned.time.split(":"))
            begin = datetime.combine(planned.day, time(hour, minute), tzinfo=london)
            meeting.add("dtstart", begin)
            meeting.add("dtend", begin + timedelta(hours=2))
        else:
            meeting.add("dtstart", planned.day)
            meeting.add("dtend", planned.day + timedelta(days=1))
        if planned.venue:
            meeting.add("location", planned.venue)
        meeting.add("description", _description(planned))
        cal.add_component(meeting)
        for kind, day, what in (
            ("items", planned.items_due, "Agenda items due"),
            ("agenda", planned.send_by, "Send the agenda"),
        ):
            event = Event()
            event.add("uid", uid(repo, planned, kind))
            event.add("dtstamp", stamp)
            event.add("sequence", sequence)
            event.add("status", status)
            event.add("summary", f"{what}: {planned.group.name} {planned.day}")
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    cal.add_missing_timezones()  # the VTIMEZONE of Europe/London, with its summer and winter rules
    return bytes(cal.to_ical()), count


def _description(planned: Planned) -> Any:
    if planned.cancelled:
        return "This meeting is cancelled" + (f": {planned.why}." if planned.why else ".")
    moved = f"Moved from {planned.moved_from}" + (f" ({planned.why}). " if planned.why else ". ")
    return (moved if planned.moved_from else "") + (
        f"Items due by {planned.items_due}; agenda out by {planned.send_by}."
    )


def write_calendar(repo: Repository, out: Path | None = None, months: int = 12) -> tuple[Path, int]:
    """Write the schedule to ``out`` (default build/meetings.ics); returns where, and how many meetings."""
    from jatac.render.documents import destination

    path = destination(repo, out, "meetings.ics")  # never over a record, nor out through a link
    data, count = build(repo, months)
    atomic_write(path, data)
    return path, count
