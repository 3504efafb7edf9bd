"""One action log, in one order, wherever a partner looks (jatac/cases/action_log.py).

The starter repository, today Tuesday 1 December 2026; the Coordinating Group meets on
Monday 14 December. Two adopted cases with six open actions of three agencies (jatac.yaml
lists the ASB team before the police, the police before fire). One police action is due on
10 December: overdue at the meeting's date, not today.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from tests.conftest import Jatac

TODAY, MEETING = "2026-12-01", "2026-12-14"
NOW = {"JATAC_TODAY": TODAY}
REF = re.compile(r"JAT-\d{4}-\d{4}/A\d+")
ONE, TWO = "JAT-2026-0001", "JAT-2026-0002"
# by owner agency in jatac.yaml's order; overdue first within each, then by due date
IN_ORDER = [f"{TWO}/A2", f"{ONE}/A3", f"{ONE}/A2", f"{TWO}/A1", f"{ONE}/A1", f"{ONE}/A4"]
OVERDUE_TODAY = {f"{TWO}/A2", f"{ONE}/A2", f"{TWO}/A1"}
PATROLS = f"{ONE}/A1"  # due 10 December: overdue at the meeting, not today


@pytest.fixture
def log(jatac: Jatac) -> Jatac:
    for agency in ("police", "fire", "asb-team"):
        jatac(
            "agency", "edit", agency, "--isp-signed", "2026-04-01", "--email", f"tasking@{agency}.example.org"
        )
    one = jatac.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops")
    jatac.adopt(one)
    two = jatac.new("Graffiti on the Lime Street underpass", place="Lime Street underpass")
    jatac.adopt(two, "police", "Neighbourhood Inspector")
    for case, what, owner, due in [
        (one, "Patrols at the shops after school", "police", "2026-12-10"),
        (one, "Test purchase at the off-licences", "police", "2026-11-20"),
        (one, "Warning letters to the tenants", "asb-team", "2026-12-20"),
        (one, "Home fire safety visits", "fire", "2026-12-03"),
        (two, "Clean the underpass walls", "police", "2026-11-25"),
        (two, "Lighting survey of the underpass", "asb-team", "2026-11-28"),
    ]:
        jatac("action", "add", case, what, "--owner", owner, "--due", due)
    return jatac


class _Text(HTMLParser):
    """The text of an HTML page, as a browser shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def agenda_md(jatac: Jatac) -> str:
    return Path(jatac("agenda", MEETING, "-f", "md", env=NOW).stdout.strip().splitlines()[0]).read_text()


def agenda_pdf(jatac: Jatac) -> str:
    path = Path(jatac("agenda", MEETING, "-f", "pdf", env=NOW).stdout.strip().splitlines()[0])
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def orders(jatac: Jatac, tmp_path: Path) -> dict[str, list[str]]:
    """The order each output shows the open actions in."""
    found = {}
    found["agenda (md)"] = REF.findall(between(agenda_md(jatac), "## JAT03 Action log", "## JAT04"))
    found["agenda (pdf)"] = REF.findall(between(agenda_pdf(jatac), "Action log", "Current picture"))
    site = tmp_path / "site"
    jatac("site", "--audience", "core", "--out", str(site), env=NOW)
    found["site (agency pages)"] = [
        ref
        for agency in ("asb-team", "police", "fire")
        for ref in REF.findall(
            between(html_text(site / "agencies" / f"{agency}.html"), "Open actions", "Cases it leads")
        )
    ]
    found["site (home, overdue)"] = REF.findall(
        between(html_text(site / "index.html"), "Overdue actions", "Agencies")
    )
    shown = [
        f"{case}/{line.split()[0]}"
        for case in (ONE, TWO)
        for line in jatac("sara", "show", case, env={**NOW, "COLUMNS": "200"}).stdout.splitlines()
        if re.match(r"A\d+ ", line)
    ]
    found["sara show"] = shown
    found["action list"] = [
        r["action"] for r in json.loads(jatac("action", "list", "-f", "json", env=NOW).stdout)
    ]
    dry = jatac("send", "chase", "--dry-run", env={**NOW, "COLUMNS": "200"}).stdout
    found["chase"] = [ref for line in dry.splitlines() if "Because:" in line for ref in REF.findall(line)]
    return found


def test_every_output_shows_the_same_actions_in_the_one_order(log: Jatac, tmp_path: Path) -> None:
    found = orders(log, tmp_path)
    for output in ("agenda (md)", "agenda (pdf)", "site (agency pages)", "action list"):
        assert found[output] == IN_ORDER, output
    assert found["site (home, overdue)"] == [r for r in IN_ORDER if r in OVERDUE_TODAY]
    # one case's plan: its own open actions, in the log's order
    assert found["sara show"] == [r for r in IN_ORDER if r.startswith(ONE)] + [
        r for r in IN_ORDER if r.startswith(TWO)
    ]
    # the chase: what is overdue or due within 7 days (by 8 December), owner by owner
    assert found["chase"] == [r for r in IN_ORDER if r not in {f"{ONE}/A3", PATROLS}]


def test_no_output_orders_the_agencies_on_its_own(log: Jatac, tmp_path: Path) -> None:
    """jatac.yaml lists fire first: every output follows, none keeps its own order (by name,
    by due date, longest overdue first ...)."""
    config = log.root / "jatac.yaml"
    text = config.read_text(encoding="utf-8")
    fire = re.search(r"(?ms)^  - id: fire\n.*?(?=^  - id: )", text)
    assert fire is not None
    text = text.replace(fire.group(0), "")
    text = text.replace("  - id: support-team\n", fire.group(0) + "  - id: support-team\n", 1)
    config.write_text(text, encoding="utf-8")
    log.git("commit", "-qam", "Fire first")
    fire_first = [f"{ONE}/A4", *[r for r in IN_ORDER if r != f"{ONE}/A4"]]
    found = orders(log, tmp_path)
    for output in ("agenda (md)", "agenda (pdf)", "action list"):
        assert found[output] == fire_first, output
    assert found["sara show"][:2] == [f"{ONE}/A4", f"{ONE}/A3"]
    assert found["chase"][0] == f"{ONE}/A4"
    # the home page's overdue list: by agency, not longest overdue first
    assert found["site (home, overdue)"] == [f"{TWO}/A2", f"{ONE}/A2", f"{TWO}/A1"]


def test_overdue_is_counted_to_the_meetings_date_on_the_agenda_and_to_today_elsewhere(
    log: Jatac, tmp_path: Path
) -> None:
    at_meeting = "overdue at the meeting's date, 14 December 2026"
    today = "overdue today, 1 December 2026"
    md = between(agenda_md(log), "## JAT03 Action log", "## JAT04")
    assert f"6 open actions, 5 {at_meeting}" in md
    assert re.search(rf"\| {re.escape(PATROLS)} \|.*\| \*\*OVERDUE 4 days\*\* \|", md)
    assert f"6 open actions, 5 {at_meeting}" in agenda_pdf(log)
    html = Path(log("agenda", MEETING, "-f", "html", env=NOW).stdout.strip().splitlines()[0])
    assert f"6 open actions, 5 {at_meeting}" in html_text(html)
    docx = Path(log("agenda", MEETING, "-f", "docx", env=NOW).stdout.strip().splitlines()[0])
    assert any(f"5 {at_meeting}" in p.text for p in Document(str(docx)).paragraphs)

    listed = log("action", "list", env={**NOW, "COLUMNS": "200"}).stdout
    assert listed.startswith(f"6 actions, 3 {today}")
    rows = {r["action"]: r for r in json.loads(log("action", "list", "-f", "json", env=NOW).stdout)}
    assert rows[PATROLS]["status"] == "open" and rows[PATROLS]["overdue_counted_to"] == TODAY
    assert {r for r, row in rows.items() if row["status"] == "overdue"} == OVERDUE_TODAY
    csv = log("action", "list", "-f", "csv", env=NOW).stdout
    assert "overdue_counted_to" in csv.splitlines()[0] and TODAY in csv

    shown = log("sara", "show", ONE, env={**NOW, "COLUMNS": "200"}).stdout
    assert today in shown
    assert re.search(r"(?m)^A1 .*open", shown) and re.search(r"(?m)^A2 .*OVERDUE 11d", shown)
    as_json = json.loads(log("sara", "show", ONE, "-f", "json", env=NOW).stdout)
    assert [r["action"] for r in as_json["action_log"]][:1] == [f"{ONE}/A3"]
    assert {r["overdue_counted_to"] for r in as_json["action_log"]} == {TODAY}

    site = tmp_path / "site"
    log("site", "--audience", "core", "--out", str(site), env=NOW)
    police = html_text(site / "agencies" / "police.html")
    assert today in police and "Open actions (3, 2 overdue)" in police
    assert re.search(rf"{re.escape(PATROLS)} Patrols at the shops after school 2026-12-10 open", police)
    assert today in html_text(site / "index.html") and today in html_text(site / "cases" / f"{ONE}.html")

    outbox = tmp_path / "outbox"
    log("send", "chase", "--eml", str(outbox), env={**NOW, "JATAC_SMTP_FROM": "csp@council.example.org"})
    fire = next(p for p in outbox.glob("*.eml") if "fire" in p.read_text(encoding="utf-8").lower())
    message = email.message_from_binary_file(io.BytesIO(fire.read_bytes()), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert today in text and f"- {ONE}/A4 (due 2026-12-03)" in text
