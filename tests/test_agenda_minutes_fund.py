"""Issue 13, "The rules hold everywhere": minutes follow their own agenda, the wide agenda lists
its members, a fund request awaiting a decision comes onto the agenda by itself, and a request
is amended rather than withdrawn and entered again.

The starter jatac.yaml: the Coordinating Group (core) meets every 4 weeks (14 December 2026,
11 January 2027 ...); the wide JATAC quarterly on the 4th Thursday (28 January 2027).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from ruamel.yaml import YAML

from tests.conftest import Jatac, editor

CORE = "2026-12-14"
NEXT_CORE = "2027-01-11"
WIDE = "2027-01-28"
SECRET_TITLE = "Cuckooing in a block of flats"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def rendered(jatac: Jatac, *args: str, env: dict[str, str] | None = None) -> str:
    """A document's text: the file for md and html, the extracted text of every page for pdf."""
    path = Path(jatac(*args, env=env).stdout.strip())
    if path.suffix == ".pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return path.read_text(encoding="utf-8")


def headings(markdown: str) -> list[tuple[str, str]]:
    """An agenda's numbered items, as its Markdown shows them: (JAT01, title) ..."""
    return re.findall(r"(?m)^## ([A-Z]+\d{2}) (.+)$", markdown)


def section(markdown: str, title: str) -> str:
    """The text under one numbered item of an agenda in Markdown."""
    start = re.search(rf"(?m)^## [A-Z]+\d{{2}} {re.escape(title)}$", markdown)
    assert start, title
    end = re.search(r"(?m)^## [A-Z]+\d{2} ", markdown[start.end() :])
    return markdown[start.end() : start.end() + end.start() if end else len(markdown)]


def minutes_of(jatac: Jatac, meeting_id: str) -> dict:
    return YAML(typ="safe").load((jatac.root / f"minutes/{meeting_id[:4]}/{meeting_id}.yaml").read_text())


def unchanged(jatac: Jatac, args: list[str], said: str, env: dict[str, str] | None = None) -> None:
    """A refusal: exit code 1, the message, the tree byte-identical and HEAD where it was."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == 1, result.output
    assert said in " ".join(result.stderr.split()), result.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head


@pytest.fixture
def partnership(jatac: Jatac) -> Jatac:
    """Cases for both agendas, a partner's item for each meeting, and a member of the wide group only."""
    jatac("agency", "edit", "wardens", "--add-member", "Warden Supervisor", "--groups", "jatac")
    adopted = jatac.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops")
    jatac.adopt(adopted)
    jatac("action", "add", adopted, "Patrols at the parade", "--owner", "police", "--due", "2026-12-01")
    jatac.new("Groups at the underpass", category="criminal-damage")
    jatac("item", "add", CORE, "Fly-tipping behind Coffee Hall shops", "--by", "fire", env=on("2026-12-01"))
    jatac("item", "add", WIDE, "Scooter thefts at the station", "--by", "police")
    jatac("item", "add", WIDE, "Parks Trust summer events", "--by", "parks-trust", "--kind", "aob")
    return jatac


# -- minutes follow their own agenda -------------------------------------------------------------


@pytest.mark.parametrize(("day", "group"), [(WIDE, "jatac"), (CORE, "coordinating")])
def test_each_groups_minutes_hold_its_own_agendas_items_numbered_the_same(
    partnership: Jatac, day: str, group: str
) -> None:
    agenda = rendered(partnership, "agenda", day, "-f", "md", env=on(day))
    items = headings(agenda)
    assert [ref for ref, _ in items] == [f"JAT{n:02d}" for n in range(1, len(items) + 1)]
    partnership("minutes", "new", day, env=on(day))
    minutes = minutes_of(partnership, f"{day}-{group}")
    # the minutes number their items as the agenda does: the same JAT01 ... in both
    assert [(item["ref"], item["title"]) for item in minutes["items"]] == items
    # the PDF numbers them the same
    pdf = rendered(partnership, "agenda", day, "-f", "pdf", env=on(day))
    for ref, title in items:
        assert f"{ref} {title}" in pdf


def test_the_wide_groups_minutes_hold_none_of_the_core_groups_items(partnership: Jatac) -> None:
    partnership("minutes", "new", WIDE, env=on(WIDE))
    minutes = minutes_of(partnership, f"{WIDE}-jatac")
    titles = [item["title"] for item in minutes["items"]]
    assert titles == [
        "Welcome, introductions and apologies",
        "Minutes of the last meeting",
        "Trends: cases raised by quarter",
        "Work of the Coordinating Group",
        "Partners' items",
        "Any other business",
        "Date of the next meeting",
    ]
    text = (partnership.root / f"minutes/2027/{WIDE}-jatac.yaml").read_text()
    # what the agenda lists under an item is noted above it, to minute against
    partners = text[text.index("ref: JAT05") : text.index("ref: JAT06")]
    assert "#   Scooter thefts at the station (proposed by Police (Neighbourhood Policing))" in partners
    assert "Parks Trust summer events" in text[text.index("ref: JAT06") :]
    assert "Action log" not in text and "Adopted cases" not in text and "New issues" not in text
    partnership("minutes", "new", CORE, env=on(CORE))
    core = minutes_of(partnership, f"{CORE}-coordinating")
    assert [item["title"] for item in core["items"]][2:9] == [
        "Action log",
        "Current picture",
        "Adopted cases",
        "New issues",
        "Late items",
        "Fund requests",
        "Escalations and evaluations for closure",
    ]


# -- the wide agenda's attendance ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_the_wide_agenda_lists_the_members_of_the_wide_group(partnership: Jatac, fmt: str) -> None:
    wide = rendered(partnership, "agenda", WIDE, "-f", fmt)
    core = rendered(partnership, "agenda", CORE, "-f", fmt)
    if fmt == "md":
        attendance = section(wide, "Welcome, introductions and apologies")
        assert "- Parish Community Safety Wardens: Warden Supervisor" in attendance
        assert "- Council ASB Team: ASB Team Leader" in attendance  # the starter lists its groups
        assert "Warden Supervisor" not in section(core, "Welcome, attendance and apologies")
    else:
        flat = " ".join(wide.split())
        start, end = flat.index("JAT01 Welcome, introductions and apologies"), flat.index("JAT02 Minutes")
        attendance = flat[start:end]
        assert "Parish Community Safety Wardens Warden Supervisor" in attendance
        assert "Police (Neighbourhood Policing) Neighbourhood Inspector" in attendance
        assert "Warden Supervisor" not in core
    partnership("minutes", "new", WIDE)
    rows = minutes_of(partnership, f"{WIDE}-jatac")["attendance"]
    assert {"agency": "wardens", "role": "Warden Supervisor", "status": None} in rows


# -- a fund request awaiting a decision comes onto the agenda by itself ------------------------------


FILL_APPROVE = """import sys, pathlib
p = pathlib.Path(sys.argv[1])
p.write_text(p.read_text().replace("approve: null}", "approve: true}"))
"""


def test_a_considered_request_is_on_the_next_coordinating_agenda_until_decided(
    jatac: Jatac, tmp_path: Path
) -> None:
    case = jatac.new()
    jatac("fund", "request", case, "--amount", "1500", "--purpose", "Lighting for the garage block")
    fund = section(rendered(jatac, "agenda", CORE, "-f", "md"), "Fund requests")
    assert "FR-2026-001" not in fund and "None." in fund  # the support team has not considered it yet

    jatac("fund", "consider", "FR-2026-001", "--support", env=on("2026-11-20"))
    agenda = rendered(jatac, "agenda", CORE, "-f", "md")
    fund = section(agenda, "Fund requests")
    assert "**FR-2026-001** £1,500.00: Lighting for the garage block" in fund
    assert "supported by the support team" in fund
    assert not (jatac.root / "meetings").exists()  # no agenda item was added for it
    pdf = " ".join(rendered(jatac, "agenda", CORE, "-f", "pdf").split())
    assert "JAT08 Fund requests • FR-2026-001 £1,500.00: Lighting for the garage block" in pdf
    # the wide group's agenda has no fund item: the Coordinating Group decides
    assert "FR-2026-001" not in rendered(jatac, "agenda", WIDE, "-f", "md")

    # the minutes get the matching item with the decision ready to fill in
    jatac("minutes", "new", CORE, env=on(CORE))
    minutes = minutes_of(jatac, f"{CORE}-coordinating")
    fund_item = next(item for item in minutes["items"] if item["title"] == "Fund requests")
    assert fund_item["ref"] == "JAT08"
    assert fund_item["decisions"] == [{"do": "fund", "request": "FR-2026-001", "approve": None}]
    assert "All valid" in jatac("validate").stdout  # a draft with the decision still to fill in

    # applied blank, it is refused and nothing changes
    unchanged(
        jatac,
        ["minutes", "apply", CORE],
        "the decision on FR-2026-001 is not filled in",
        env=on(CORE),
    )
    jatac("minutes", "edit", CORE, env={**on(CORE), **editor(tmp_path, FILL_APPROVE)})
    assert "fund FR-2026-001: applied" in jatac("minutes", "apply", CORE, env=on(CORE)).stdout
    assert jatac.commits()[0] == f"FR-2026-001: approved, £1,500.00 (meeting {CORE}-coordinating)"

    # decided: not on the next agenda; the agenda of the meeting that decided it still shows it
    after = section(rendered(jatac, "agenda", NEXT_CORE, "-f", "md", env=on("2026-12-20")), "Fund requests")
    assert "FR-2026-001" not in after and "None." in after
    assert "FR-2026-001" in section(
        rendered(jatac, "agenda", CORE, "-f", "md", env=on("2026-12-20")), "Fund requests"
    )


def test_a_request_not_decided_at_a_meeting_comes_back_at_the_next(jatac: Jatac) -> None:
    jatac("fund", "request", "--amount", "300", "--purpose", "Leaflets", "--by", "police")
    jatac("fund", "consider", "FR-2026-001", "--not-support", "--note", "Duplicates council leaflets")
    for day in (CORE, NEXT_CORE):
        fund = section(rendered(jatac, "agenda", day, "-f", "md", env=on(day)), "Fund requests")
        assert "**FR-2026-001** £300.00: Leaflets" in fund and "not-supported by the support team" in fund
    # decided between meetings by the chair: no longer awaiting a decision, but listed for noting
    jatac(
        "fund",
        "decide",
        "FR-2026-001",
        "--refuse",
        "--chair-action",
        "--reason",
        "Before the holiday",
        env=on("2027-01-05"),
    )
    fund = section(rendered(jatac, "agenda", NEXT_CORE, "-f", "md", env=on("2027-01-05")), "Fund requests")
    assert "not-supported by the support team" not in fund
    assert (
        "For noting: **FR-2026-001** £300.00: Leaflets" in fund and "by the chair's action on 5 Jan" in fund
    )


# -- fund amend ------------------------------------------------------------------------------------


def test_fund_amend_changes_a_request_before_its_decision_and_is_refused_after(jatac: Jatac) -> None:
    case = jatac.new()
    jatac("fund", "request", case, "--amount", "1200", "--purpose", "Lighting")
    jatac("fund", "consider", "FR-2026-001", "--support", env=on("2026-11-18"))
    out = jatac("fund", "amend", "FR-2026-001", "--amount", "1500", env=on("2026-11-20")).stdout
    assert "FR-2026-001 amended: amount £1,200.00 -> £1,500.00" in out
    assert jatac.commits()[0] == "FR-2026-001: amended, amount £1,200.00 -> £1,500.00"
    message = jatac.git("log", "-1", "--format=%B")
    assert f"Jatac-Case: {case}" in message and "Jatac-Command: fund amend" in message
    assert jatac.status() == ""

    jatac("fund", "amend", "FR-2026-001", "--purpose", "Lighting and anti-climb paint", env=on("2026-11-21"))
    assert jatac.commits()[0] == "FR-2026-001: amended, purpose now 'Lighting and anti-climb paint'"
    ledger = YAML(typ="safe").load((jatac.root / "fund/2026/2026-27.yaml").read_text())
    request = ledger["requests"][0]
    assert request["id"] == "FR-2026-001" and request["amount"] == 1500.0 and request["status"] == "supported"
    assert [(str(a["on"]), a["what"], a["before"], a["after"]) for a in request["amendments"]] == [
        ("2026-11-20", "amount", 1200.0, 1500.0),
        ("2026-11-21", "purpose", "Lighting", "Lighting and anti-climb paint"),
    ]
    report = json.loads(jatac("report", "fund", "-f", "json").stdout)
    assert report["requests"][0]["amount"] == 1500.0

    # the agenda shows the amount asked for now, and that it was amended
    fund = section(rendered(jatac, "agenda", CORE, "-f", "md"), "Fund requests")
    assert "**FR-2026-001** £1,500.00: Lighting and anti-climb paint" in fund
    assert "amended 21 Nov 2026, first asked for £1,200.00, after the support team's view" in fund
    pdf = " ".join(rendered(jatac, "agenda", CORE, "-f", "pdf").split())
    assert "FR-2026-001 £1,500.00" in pdf and "amended 21 Nov 2026" in pdf

    jatac("fund", "decide", "FR-2026-001", "--approve", "--meeting", CORE, env=on("2026-12-14"))
    unchanged(
        jatac,
        ["fund", "amend", "FR-2026-001", "--amount", "1800"],
        "FR-2026-001 was approved on 2026-12-14: a decided request is not amended",
        env=on("2026-12-15"),
    )
    assert "jatac fund request" in jatac("fund", "amend", "FR-2026-001", "--amount", "9", ok=False).stderr


def test_fund_amend_to_another_case_names_both_in_the_commit(jatac: Jatac) -> None:
    first, second = jatac.new(), jatac.new("Graffiti on the bridge", category="criminal-damage")
    jatac("fund", "request", first, "--amount", "400", "--purpose", "Paint")
    jatac("fund", "amend", "FR-2026-001", "--case", second, "--amount", "450")
    assert jatac.commits()[0] == f"FR-2026-001: amended, amount £400.00 -> £450.00, case {first} -> {second}"
    message = jatac.git("log", "-1", "--format=%B")
    assert f"Jatac-Case: {first}" in message and f"Jatac-Case: {second}" in message
    for case in (first, second):  # part of both cases' stories
        assert "FR-2026-001: amended" in jatac("history", case).stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["fund", "amend", "FR-2026-001"], "say what to amend"),
        (
            ["fund", "amend", "FR-2026-001", "--amount", "500"],
            "FR-2026-001 already says so: nothing to amend",
        ),
        (["fund", "amend", "FR-2026-001", "--purpose", " Paint "], "nothing to amend"),
        (["fund", "amend", "FR-2026-009", "--amount", "10"], "there is no fund request FR-2026-009"),
        (["fund", "amend", "FR-2026-001", "--case", "JAT-2026-0099"], "there is no case JAT-2026-0099"),
        (["fund", "amend", "FR-2026-001", "--amount", "nan"], "is not a number of pounds"),
        (
            ["fund", "amend", "FR-2026-001", "--amount", "-5"],
            "amended FR-2026-001 amount: Input should be greater",
        ),
        (["fund", "amend", "FR-2026-001", "--purpose", ""], "amended FR-2026-001 purpose: must not be empty"),
    ],
)
def test_fund_amend_refusals_change_nothing(jatac: Jatac, args: list[str], said: str) -> None:
    jatac("fund", "request", jatac.new(), "--amount", "500", "--purpose", "Paint")
    unchanged(jatac, args, said)


def test_an_amendment_the_request_does_not_bear_out_is_a_problem(jatac: Jatac) -> None:
    jatac("fund", "request", jatac.new(), "--amount", "500", "--purpose", "Paint")
    jatac("fund", "amend", "FR-2026-001", "--amount", "600")
    ledger = jatac.root / "fund/2026/2026-27.yaml"
    ledger.write_text(ledger.read_text().replace("amount: 600.0", "amount: 900.0", 1))
    result = jatac("validate", ok=False)
    assert "the last amendment of the amount says 600.0, but the request says 900.0" in result.output


# -- withheld from a wide document like any other mention --------------------------------------------


@pytest.fixture
def sensitive(jatac: Jatac) -> Jatac:
    """FR-2026-001 for an OFFICIAL case amended to be about the sensitive one; FR-2026-002 for the
    sensitive case, amended; FR-2026-003 for an OFFICIAL case whose purpose now names it."""
    secret = jatac.new(SECRET_TITLE, marking="OFFICIAL-SENSITIVE", category="drugs")
    parade = jatac.new("Shop parade ASB")
    jatac("fund", "request", parade, "--amount", "200", "--purpose", "Signs at the parade")
    jatac("fund", "request", secret, "--amount", "500", "--purpose", "Target hardening at the flats")
    jatac("fund", "request", parade, "--amount", "80", "--purpose", "Leaflets at the parade")
    for n in (1, 2, 3):
        jatac("fund", "consider", f"FR-2026-00{n}", "--support")
    jatac("fund", "amend", "FR-2026-001", "--case", secret, env=on("2026-11-20"))
    jatac("fund", "amend", "FR-2026-002", "--amount", "650", env=on("2026-11-20"))
    jatac("fund", "amend", "FR-2026-003", "--purpose", f"Leaflets, as for {secret}", env=on("2026-11-20"))
    return jatac


def test_an_amendment_naming_a_sensitive_case_marks_the_request(sensitive: Jatac) -> None:
    ledger = YAML(typ="safe").load((sensitive.root / "fund/2026/2026-27.yaml").read_text())
    assert [r["marking"] for r in ledger["requests"]] == ["OFFICIAL-SENSITIVE"] * 3
    assert "All valid" in sensitive("validate").stdout


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("agenda", CORE, "--audience", "wide"), id="core-group-for-the-wide-audience"),
        pytest.param(("agenda", WIDE), id="wide-group"),
    ],
)
def test_an_amended_request_about_a_sensitive_case_is_not_in_a_wide_agenda(
    sensitive: Jatac, command: tuple[str, ...], fmt: str
) -> None:
    text = rendered(sensitive, *command, "-f", fmt)
    flat = " ".join(text.split())
    assert "JAT-2026-0001" not in flat and SECRET_TITLE not in flat
    for withheld in ("FR-2026-00", "Signs at the parade", "Target hardening", "650", "Leaflets"):
        assert withheld not in flat
    if command[1] == CORE:
        # every request marked OFFICIAL-SENSITIVE is withheld whole, as the case is, and counted
        assert "4 items withheld from this version" in flat
    # an OFFICIAL document: the only OFFICIAL-SENSITIVE in it is the note of what was withheld
    assert "OFFICIAL-SENSITIVE" not in flat.replace("(OFFICIAL-SENSITIVE: for the core group only)", "")


def test_the_core_agenda_shows_the_amended_requests_and_is_marked_by_them(sensitive: Jatac) -> None:
    text = rendered(sensitive, "agenda", CORE, "-f", "md")
    fund = section(text, "Fund requests")
    assert "**FR-2026-001** £200.00: Signs at the parade" in fund and "JAT-2026-0001" in fund
    assert "**FR-2026-002** £650.00" in fund and "first asked for £500.00" in fund
    assert text.startswith("**OFFICIAL-SENSITIVE**")
    sensitive("minutes", "new", CORE, env=on(CORE))
    minutes = minutes_of(sensitive, f"{CORE}-coordinating")
    assert minutes["marking"] == "OFFICIAL-SENSITIVE"
    fund_item = next(item for item in minutes["items"] if item["title"] == "Fund requests")
    assert [d["request"] for d in fund_item["decisions"]] == ["FR-2026-001", "FR-2026-002", "FR-2026-003"]


def test_the_wide_group_minutes_name_no_fund_request(sensitive: Jatac) -> None:
    sensitive("minutes", "new", WIDE)
    text = (sensitive.root / f"minutes/2027/{WIDE}-jatac.yaml").read_text()
    text = text[text.index("meeting:") :]  # after the header's examples
    for named in ("FR-2026-001", "FR-2026-002", "FR-2026-003", "JAT-2026-0001"):
        assert named not in text


def test_a_request_marked_sensitive_by_hand_is_withheld_from_the_wide_audience(jatac: Jatac) -> None:
    jatac("fund", "request", "--amount", "90", "--purpose", "Covert camera", "--by", "police")
    jatac("fund", "request", "--amount", "40", "--purpose", "Litter picks", "--by", "wardens")
    ledger = jatac.root / "fund/2026/2026-27.yaml"
    ledger.write_text(ledger.read_text().replace("marking: OFFICIAL", "marking: OFFICIAL-SENSITIVE", 1))
    jatac.git("commit", "-qam", "The covert camera is OFFICIAL-SENSITIVE")
    jatac("fund", "consider", "FR-2026-001", "--support")
    jatac("fund", "consider", "FR-2026-002", "--support")
    core = rendered(jatac, "agenda", CORE, "-f", "md")
    assert "Covert camera" in core and core.startswith("**OFFICIAL-SENSITIVE**")
    wide = rendered(jatac, "agenda", CORE, "--audience", "wide", "-f", "md")
    assert "Covert camera" not in wide and "FR-2026-001" not in wide
    assert "**FR-2026-002** £40.00: Litter picks" in wide
    assert wide.startswith("**OFFICIAL**") and "1 item withheld from this version" in wide


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_meeting_date_at_the_calendars_end_is_refused(jatac: Jatac, day: str) -> None:
    # found by the fuzz test over every command: the schedule ran past the year 9999 (exit 70)
    for args in (["agenda", day], ["minutes", "new", day], ["item", "add", day, "x", "--by", "fire"]):
        unchanged(jatac, args, "is not a date jatac can plan for")
