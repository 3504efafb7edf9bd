"""The meeting schedule as an iCalendar file that Outlook and Google Calendar import."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from jatac.clock import today
from jatac.meetings.files import upcoming
from jatac.storage.repository import Repository, atomic_write


def build(repo: Repository, months: int = 12) -> tuple[bytes, int]:
    """The .ics bytes and how many meetings they hold."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//jatac//meeting schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{repo.config.name} meetings")
    start = today()
    end = start + timedelta(days=31 * months)
    stamp = datetime.combine(start, time(0, 0))
    count = 0
    for planned in upcoming(repo, start, count=months * 5):
        if planned.day > end or planned.cancelled:
            continue
        count += 1
        meeting = Event()
        meeting.add("uid", f"{planned.id}@jatac")
        meeting.add("dtstamp", stamp)
        meeting.add("summary", f"{planned.group.name}")
        if planned.time:
            hour, minute = (int(x) for x in planned.time.split(":"))
            begin = datetime.combine(planned.day, time(hour, minute))
            meeting.add("dtstart", begin)
            meeting.add("dtend", begin + timedelta(hours=2))
        else:
            meeting.add("dtstart", planned.day)
        if planned.venue:
            meeting.add("location", planned.venue)
        meeting.add("description", f"Items due by {planned.items_due}; agenda out by {planned.send_by}.")
        cal.add_component(meeting)
        for kind, day, summary in (
            ("items", planned.items_due, f"Agenda items due: {planned.group.name} {planned.day}"),
            ("agenda", planned.send_by, f"Send the agenda: {planned.group.name} {planned.day}"),
        ):
            event = Event()
            event.add("uid", f"{planned.id}-{kind}@jatac")
            event.add("dtstamp", stamp)
            event.add("summary", summary)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return bytes(cal.to_ical()), count


def write_calendar(repo: Repository, out: Path, months: int = 12) -> int:
    from jatac.render.documents import destination

    path = destination(repo, out, "meetings.ics")  # never over a record, nor out through a link
    data, count = build(repo, months)
    atomic_write(path, data)
    return count
