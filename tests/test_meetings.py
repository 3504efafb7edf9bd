"""Meetings end to end: items, the agenda as a PDF, minutes filled, rendered and applied, the calendar.

The starter jatac.yaml has the Coordinating Group every 4 weeks from Monday 12 January 2026,
so it meets on 16 November and 14 December 2026 and 11 January 2027.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Jatac

DEC = "2026-12-14"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


@pytest.fixture
def busy(jatac: Jatac) -> Jatac:
    """A repository with an adopted case holding an overdue action, a sensitive case, and many more."""
    adopted = jatac.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops")
    jatac.adopt(adopted)
    jatac(
        "action",
        "add",
        adopted,
        "Test purchase operation at the off-licences",
        "--owner",
        "police",
        "--due",
        "2026-12-01",
    )
    jatac(
        "action", "add", adopted, "Fit CCTV to the parade", "--owner", "council-cctv", "--due", "2027-01-20"
    )
    jatac.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE", category="drugs")
    for n in range(30):
        jatac.new(f"Repeat problem number {n} at the underpass", category="criminal-damage", priority="low")
    return jatac


def test_meetings_lists_the_schedule_with_deadlines(jatac: Jatac) -> None:
    rows = json.loads(jatac("meetings", "--format", "json", env=on("2026-11-20")).stdout)
    coordinating = [r for r in rows if r["group"] == "coordinating"]
    assert [r["date"] for r in coordinating] == ["2026-12-14", "2027-01-11", "2027-02-08"]
    assert coordinating[0]["agenda_by"] == "2026-12-07" and coordinating[0]["items_due"] == "2026-12-07"
    wide = [r["date"] for r in rows if r["group"] == "jatac"]
    assert wide[0] == "2027-01-28"  # 4th Thursday, quarterly


def test_item_deadline_and_late_items(jatac: Jatac) -> None:
    jatac("item", "add", DEC, "Fly-tipping behind Coffee Hall shops", "--by", "fire", env=on("2026-12-01"))
    refused = jatac("item", "add", DEC, "Scooter thefts", "--by", "police", env=on("2026-12-09"), ok=False)
    assert "items for 2026-12-14 were due by 2026-12-07" in refused.stderr and "--late" in refused.stderr
    jatac("item", "add", DEC, "Scooter thefts", "--by", "police", "--late", env=on("2026-12-09"))
    meeting = (jatac.root / "meetings/2026/2026-12-14-coordinating.yaml").read_text()
    assert "late: true" in meeting and meeting.count("id: I") == 2
    assert jatac.commits()[0] == "2026-12-14-coordinating: agenda item I2 (late), Scooter thefts"
    assert "Jatac-Meeting: 2026-12-14-coordinating" in jatac.git("log", "-1", "--format=%B")
    assert (
        "no meeting on 2026-12-15" in jatac("item", "add", "2026-12-15", "x", "--by", "fire", ok=False).stderr
    )
    assert (
        "unknown agency"
        in jatac("item", "add", DEC, "x", "--by", "nobody", env=on("2026-12-01"), ok=False).stderr
    )


def test_agenda_pdf_holds_the_overdue_action_the_late_item_and_the_marking_on_every_page(busy: Jatac) -> None:
    busy("item", "add", DEC, "Fly-tipping behind Coffee Hall shops", "--by", "fire", env=on("2026-12-01"))
    busy(
        "item", "add", DEC, "Scooter thefts at the station", "--by", "police", "--late", env=on("2026-12-09")
    )
    result = busy("agenda", DEC, "--format", "pdf", env=on("2026-12-09"))
    path = Path(result.stdout.strip())
    assert path == busy.root / "build/agenda-2026-12-14-coordinating.pdf"
    pages = pdf_pages(path)
    assert len(pages) >= 2
    for text in pages:
        lines = [line for line in text.splitlines() if line.strip()]
        # the header is the marking; the footer line holds it between the partnership and the page number
        assert lines[0] == "OFFICIAL-SENSITIVE", lines[:2]
        assert "OFFICIAL-SENSITIVE Page" in lines[-1], lines[-2:]
    text = "\n".join(pages)
    assert "Page 1 of" in text
    assert "Test purchase operation at the off-licences" in text and "OVERDUE 13 days" in text
    late_section = text[text.index("JAT07 Late items") : text.index("JAT08 Fund requests")]
    assert "Scooter thefts at the station" in late_section
    new_section = text[text.index("JAT06 New issues") : text.index("JAT07 Late items")]
    assert "Fly-tipping behind Coffee Hall shops" in new_section and "Scooter" not in new_section
    assert "was due out by 2026-12-07" in result.stderr  # rendered after the Monday before
    assert busy.status() == ""  # build/ is ignored: the repository stays clean


def test_agenda_with_no_date_is_the_next_scheduled_meeting_without_a_file(jatac: Jatac) -> None:
    out = jatac("agenda", "--format", "md", env=on("2026-11-20")).stdout.strip()
    assert out.endswith("agenda-2026-12-14-coordinating.md")
    text = Path(out).read_text()
    assert "Monday 14 December 2026" in text and "Monday 11 January 2027" in text
    assert not (jatac.root / "meetings").exists()


HOSTILE_TITLE = "<script>alert(1)</script> {{ 7*7 }} {% raw %} #set page(fill: red) $x^2$ *b* | ] \\"


def test_case_text_is_shown_never_run(jatac: Jatac, tmp_path: Path) -> None:
    jatac.new(HOSTILE_TITLE, place='{{ config }} #import "x.typ"')
    md = Path(jatac("agenda", DEC, "-f", "md", "--out", str(tmp_path / "a.md")).stdout.strip()).read_text()
    html = Path(
        jatac("agenda", DEC, "-f", "html", "--out", str(tmp_path / "a.html")).stdout.strip()
    ).read_text()
    pdf = "\n".join(
        pdf_pages(Path(jatac("agenda", DEC, "-f", "pdf", "--out", str(tmp_path / "a.pdf")).stdout.strip()))
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %} #set page(fill: red) $x^2$ *b*" in html
    assert "<script>" not in html and "49" not in html
    assert "\\<script\\>alert(1)\\</script\\> {{ 7\\*7 }} {% raw %}" in md
    flat = " ".join(pdf.split())
    assert "<script>alert(1)</script> {{ 7*7 }} {% raw %} #set page(fill: red) $x^2$ *b* | ] \\" in flat
    assert '{{ config }} #import "x.typ"' in flat


def test_a_repository_template_overrides_the_default_and_runs_sandboxed(jatac: Jatac, tmp_path: Path) -> None:
    (jatac.root / "templates").mkdir()
    (jatac.root / "templates/agenda.md.j2").write_text("Our own agenda for {{ date|longdate }}\n")
    out = Path(jatac("agenda", DEC, "-f", "md").stdout.strip()).read_text()
    assert out == "Our own agenda for Monday 14 December 2026\n"
    (jatac.root / "templates/agenda.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = jatac("agenda", DEC, "-f", "md", ok=False)
    assert "agenda.md.j2" in result.stderr


FILL_MINUTES = """
import sys, pathlib
from ruamel.yaml import YAML
p = pathlib.Path(sys.argv[1]); y = YAML(); doc = y.load(p.read_text())
for row in doc["attendance"]:
    row["status"] = "apologies" if row["agency"] == "fire" else "present"
items = {item["title"]: item for item in doc["items"]}
new = items["New issues"]
new["heard"] = "The police described groups gathering at the underpass."
new["resolved"] = ["That the case be adopted with the ASB team as lead."]
new["decisions"] = [
    {"do": "adopt", "case": "JAT-2026-0002", "lead": "asb-team", "problem_manager": "ASB Team Leader"},
    {"do": "action", "case": "JAT-2026-0002", "what": "Increase patrols", "owner": "police", "due": "2027-01-08"},
    {"do": "reject", "case": "JAT-2026-0003", "reason": "A private landlord matter"},
]
doc["items"][4]["decisions"] = [{"do": "escalate", "case": "JAT-2026-0001", "to": "performance-group", "reason": "No reduction"}]
with p.open("w") as f:
    y.dump(doc, f)
"""


def test_minutes_scaffolded_filled_rendered_and_applied_once(jatac: Jatac, tmp_path: Path) -> None:
    first = jatac.new("ASB at Melrose Avenue shops")
    jatac.adopt(first)
    jatac.new("Groups at the underpass", category="criminal-damage")
    jatac.new("Noise from a private flat")
    jatac("item", "add", DEC, "Fly-tipping behind Coffee Hall shops", "--by", "fire", env=on("2026-12-01"))

    jatac("minutes", "new", DEC, env=on(DEC))
    text = (jatac.root / "minutes/2026/2026-12-14-coordinating.yaml").read_text()
    assert "ref: JAT01" in text and "title: Welcome, attendance and apologies" in text
    assert "agency: asb-team" in text and "role: ASB Team Leader" in text
    new_issues = text[text.index("ref: JAT06") : text.index("ref: JAT07")]
    assert "title: New issues" in new_issues  # numbered as the agenda numbers it
    assert "#   JAT-2026-0002 Groups at the underpass" in new_issues  # what the agenda lists under it
    assert "#   Fly-tipping behind Coffee Hall shops (proposed by Fire and Rescue Service)" in new_issues
    assert "status: held" in (jatac.root / "meetings/2026/2026-12-14-coordinating.yaml").read_text()

    script = tmp_path / "fill.py"
    script.write_text(FILL_MINUTES)
    jatac("minutes", "edit", DEC, env={**on(DEC), "EDITOR": f"{sys.executable} {script}"})

    pdf = "\n".join(pdf_pages(Path(jatac("minutes", "render", DEC, env=on(DEC)).stdout.strip())))
    assert (
        "JAT06" in pdf and "RESOLVED" in pdf and "That the case be adopted with the ASB team as lead." in pdf
    )
    assert "Apologies:" in pdf and "Buckinghamshire" not in pdf  # agency names come from jatac.yaml

    before = len(jatac.commits())
    out = jatac("minutes", "apply", DEC, env=on("2026-12-15")).stdout
    assert "4 decision(s) applied" in out
    log = jatac.git("log", f"-{len(jatac.commits()) - before}", "--format=%s%n%b")
    assert log.count("Jatac-Meeting: 2026-12-14-coordinating") == 4
    assert "JAT-2026-0002: adopted, lead asb-team (meeting 2026-12-14-coordinating)" in log
    case2 = json.loads(jatac("show", "JAT-2026-0002", "-f", "json").stdout)
    assert case2["status"] == "adopted" and case2["adopted_on"] == DEC  # dated the day of the meeting
    assert json.loads(jatac("show", "JAT-2026-0003", "-f", "json").stdout)["status"] == "rejected"
    assert json.loads(jatac("show", first, "-f", "json").stdout)["status"] == "escalated"
    actions = json.loads(jatac("action", "list", "--case", "JAT-2026-0002", "-f", "json").stdout)
    assert actions[0]["meeting"] == "2026-12-14-coordinating"

    commits = jatac.commits()
    again = jatac("minutes", "apply", DEC, env=on("2026-12-16")).stdout
    assert "0 decision(s) applied, 4 already in effect" in again
    assert jatac.commits() == commits and jatac.status() == ""
    assert "All valid" in jatac("validate").stdout


def test_minutes_apply_refuses_unknown_cases_and_applies_nothing(jatac: Jatac) -> None:
    jatac.new()
    jatac("minutes", "new", DEC, env=on(DEC))
    path = jatac.root / "minutes/2026/2026-12-14-coordinating.yaml"
    path.write_text(
        path.read_text().replace(
            "decisions: []",
            "decisions:\n      - {do: adopt, case: JAT-2026-0001, lead: asb-team, problem_manager: X}\n"
            "      - {do: close, case: JAT-2026-0099, outcome: resolved}",
            2,
        )
    )
    commits = jatac.commits()
    result = jatac("minutes", "apply", DEC, ok=False)
    assert "there is no case JAT-2026-0099" in result.stderr and "Nothing was applied" in result.stderr
    assert jatac.commits() == commits
    path.write_text(path.read_text().replace("lead: asb-team", "lead: nobody"))
    assert "unknown agency 'nobody'" in jatac("minutes", "apply", DEC, ok=False).stderr


def test_calendar_parses_back(jatac: Jatac, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "meetings.ics"
    jatac("calendar", "--out", str(out), "--months", "3", env=on("2026-11-20"))
    cal = Calendar.from_ical(out.read_bytes())
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    meeting = events["2026-12-14-coordinating"]
    assert meeting.decoded("dtstart").isoformat() == "2026-12-14T10:00:00+00:00"
    assert str(events["2026-12-14-coordinating-agenda"]["summary"]).startswith("Send the agenda")
    assert events["2026-12-14-coordinating-items"].decoded("dtstart").isoformat() == "2026-12-07"
    assert "2027-01-28-jatac" in events and "2027-03-08-coordinating" not in events
