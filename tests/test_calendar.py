"""Calendars partners can trust: Europe/London times, a UID that survives a move, cancelled
meetings published as cancelled. The .ics is read back with the icalendar library and as text.

The starter Coordinating Group meets every 4 weeks at 10:00 from Monday 12 January 2026:
14 December 2026 (winter, GMT) ... 28 June 2027 (summer, BST).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.conftest import Jatac


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def calendar(jatac: Jatac, tmp_path: Path, months: str = "12", day: str = "2026-11-20") -> tuple[str, Any]:
    from icalendar import Calendar

    out = tmp_path / "meetings.ics"
    jatac("calendar", "--out", str(out), "--months", months, env=on(day))
    text = out.read_bytes().decode("utf-8")
    return text, Calendar.from_ical(text)


def meetings(cal: Any) -> dict[str, Any]:
    """The meeting events (not the deadlines), by UID."""
    return {
        str(e["uid"]): e
        for e in cal.walk("VEVENT")
        if not str(e["uid"]).split("@")[0].endswith(("-items", "-agenda"))
    }


def day(event: Any) -> str:
    """The day an event starts (a timed meeting's date, or an all-day date)."""
    start = event.decoded("dtstart")
    return (start.date() if hasattr(start, "date") else start).isoformat()


def test_times_are_europe_london_in_winter_and_in_summer(jatac: Jatac, tmp_path: Path) -> None:
    text, cal = calendar(jatac, tmp_path)
    assert "DTSTART;TZID=Europe/London:20261214T100000" in text.replace("\r\n", "\n")
    zones = cal.walk("VTIMEZONE")
    assert [str(z["tzid"]) for z in zones] == ["Europe/London"]
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    by_day = {day(e): e.decoded("dtstart") for e in meetings(cal).values()}
    winter, summer = by_day["2026-12-14"], by_day["2027-06-28"]
    assert (winter.hour, winter.utcoffset()) == (10, timedelta(0))  # 10:00 GMT
    assert (summer.hour, summer.utcoffset()) == (10, timedelta(hours=1))  # 10:00 BST, 09:00 UTC
    assert "TZID" not in text.split("DTSTAMP")[1].split("\n")[0]  # stamps are UTC


def test_a_moved_meeting_keeps_its_uid(jatac: Jatac, tmp_path: Path) -> None:
    _, before = calendar(jatac, tmp_path)
    uid = next(u for u, e in meetings(before).items() if day(e) == "2026-12-14")
    jatac(
        "meeting", "move", "2026-12-14", "--to", "2026-12-15", "--reason", "Room booked", env=on("2026-11-20")
    )
    _, after = calendar(jatac, tmp_path)
    moved = meetings(after)[uid]
    assert moved.decoded("dtstart").date().isoformat() == "2026-12-15"
    assert int(moved["sequence"]) > int(meetings(before)[uid]["sequence"])
    starts = [day(e) for e in meetings(after).values()]
    assert "2026-12-14" not in starts and starts.count("2026-12-15") == 1
    assert "Moved from 2026-12-14 (Room booked)" in str(moved["description"])


def test_an_extra_meeting_moved_twice_keeps_its_uid(jatac: Jatac, tmp_path: Path) -> None:
    jatac("meeting", "new", "--group", "coordinating", "--date", "2026-12-21", env=on("2026-11-20"))
    _, before = calendar(jatac, tmp_path)
    uid = next(u for u, e in meetings(before).items() if day(e) == "2026-12-21")
    jatac("meeting", "move", "2026-12-21", "--to", "2026-12-22", env=on("2026-11-20"))
    jatac("meeting", "move", "2026-12-22", "--to", "2026-12-23", env=on("2026-11-20"))
    _, after = calendar(jatac, tmp_path)
    assert meetings(after)[uid].decoded("dtstart").date().isoformat() == "2026-12-23"


def test_a_cancelled_meeting_is_published_as_cancelled(jatac: Jatac, tmp_path: Path) -> None:
    _, before = calendar(jatac, tmp_path)
    uid = next(u for u, e in meetings(before).items() if day(e) == "2026-12-14")
    jatac("meeting", "cancel", "2026-12-14", "--reason", "Christmas", env=on("2026-11-20"))
    _, after = calendar(jatac, tmp_path)
    event = meetings(after)[uid]
    assert str(event["status"]) == "CANCELLED" and "Christmas" in str(event["summary"])
    assert int(event["sequence"]) > int(meetings(before)[uid]["sequence"])
    deadlines = [e for e in after.walk("VEVENT") if str(e["uid"]).startswith("2026-12-14-coordinating-")]
    assert deadlines and all(str(e["status"]) == "CANCELLED" for e in deadlines)


def test_uids_name_the_partnership(jatac: Jatac, tmp_path: Path) -> None:
    from jatac.setup.init import init

    other = Jatac(init(tmp_path / "other", name="Other Safer Town", prefix="OST").root)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, ours = calendar(jatac, tmp_path / "a")
    _, theirs = calendar(other, tmp_path / "b")
    assert not set(meetings(ours)) & set(meetings(theirs))
    assert all(u.endswith("@test-csp.jat.jatac") for u in meetings(ours))
