"""Bank holidays: a group's schedule moves a meeting off one, or cancels it, by the rule it
chooses (`bank_holidays: move | cancel | keep`), for the partnership's region.

With the Coordinating Group every 4 weeks from Monday 5 January 2026 (as the example
partnership), it would meet on Easter Monday, 29 March 2027.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Jatac


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def rule(jatac: Jatac, bank_holidays: str | None, region: str | None = None) -> None:
    path = jatac.root / "jatac.yaml"
    text = path.read_text(encoding="utf-8").replace("from: 2026-01-12", "from: 2026-01-05")
    if bank_holidays:
        text = text.replace(
            '      time: "10:00"\n', f'      time: "10:00"\n      bank_holidays: {bank_holidays}\n'
        )
    if region:
        text = text.replace("marking: OFFICIAL\n", f"marking: OFFICIAL\nregion: {region}\n", 1)
    path.write_text(text, encoding="utf-8")
    jatac.git("commit", "-qam", "The group's bank holiday rule")


def coming(jatac: Jatac) -> dict[str, dict[str, str]]:
    rows = json.loads(jatac("meetings", "-n", "8", "-f", "json", env=on("2027-02-01")).stdout)
    return {r["date"]: r for r in rows if r["group"] == "coordinating"}


def test_a_meeting_on_easter_monday_moves_to_the_next_working_day(jatac: Jatac) -> None:
    rule(jatac, "move")
    rows = coming(jatac)
    assert "2027-03-29" not in rows
    moved = rows["2027-03-30"]
    assert moved["note"] == "moved from 2027-03-29 (Easter Monday, a bank holiday)"
    assert moved["items_due"] == "2027-03-23"  # the deadlines move with it
    # the agenda is assembled for the day it moved to; the next meeting keeps the cadence
    assert "2027-04-26" in rows
    jatac("item", "add", "2027-03-30", "Graffiti on the underpass", "--by", "police", env=on("2027-03-01"))


def test_a_meeting_on_a_bank_holiday_is_cancelled_by_that_rule(jatac: Jatac, tmp_path: Path) -> None:
    from icalendar import Calendar

    rule(jatac, "cancel")
    rows = coming(jatac)
    assert rows["2027-03-29"]["note"] == "cancelled (Easter Monday, a bank holiday)"
    result = jatac("item", "add", "2027-03-29", "Graffiti", "--by", "police", ok=False, env=on("2027-03-01"))
    assert "the JATAC Coordinating Group meeting on 2027-03-29 is cancelled (Easter Monday" in result.stderr
    out = tmp_path / "m.ics"
    jatac("calendar", "--out", str(out), env=on("2027-02-01"))
    events = {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert str(events["2027-03-29-coordinating"]["status"]) == "CANCELLED"


def test_keep_leaves_it_and_says_it_is_a_bank_holiday(jatac: Jatac) -> None:
    rule(jatac, None)
    note = coming(jatac)["2027-03-29"]["note"]
    assert note.startswith("Easter Monday, a bank holiday: move it")


def test_the_partnerships_region_decides(jatac: Jatac) -> None:
    rule(jatac, "move", region="scotland")
    assert coming(jatac)["2027-03-29"]["note"] == ""  # Easter Monday is no bank holiday in Scotland


@pytest.mark.parametrize(("field", "value"), [("bank_holidays", "skip"), ("region", "wales")])
def test_an_unknown_rule_or_region_is_named(jatac: Jatac, field: str, value: str) -> None:
    path = jatac.root / "jatac.yaml"
    text = path.read_text(encoding="utf-8")
    if field == "region":
        text = text.replace("marking: OFFICIAL\n", f"marking: OFFICIAL\nregion: {value}\n", 1)
    else:
        text = text.replace('      time: "10:00"\n', f'      time: "10:00"\n      bank_holidays: {value}\n')
    path.write_text(text, encoding="utf-8")
    result = jatac("validate", ok=False)
    assert "jatac.yaml:" in result.stderr and field in result.stderr
