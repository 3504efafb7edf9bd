"""Reports on a generated repository: every figure checked against counts made independently here."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from benchmarks.generate import generate
from tests.conftest import Jatac, new_issue_args

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "repo", cases=320, seed=11)


@pytest.fixture
def big(generated: Path, tmp_path: Path) -> Jatac:
    copy = tmp_path / "repo"
    shutil.copytree(generated, copy)
    return Jatac(copy)


def raw(root: Path, folder: str) -> list[dict]:
    """The records read straight from the files with PyYAML: the independent count."""
    return [yaml.safe_load(p.read_text()) for p in sorted((root / folder).glob("*/*.yaml"))]


def within(day: object, span: tuple[date, date] = Q3) -> bool:
    return isinstance(day, date) and span[0] <= day <= span[1]


def test_performance_figures_match_the_files(big: Jatac) -> None:
    cases = raw(big.root, "issues")
    packages = raw(big.root, "sara")
    got = json.loads(big("report", "performance", "--period", "2026-Q3", "-f", "json").stdout)
    assert got["opened"] == sum(within(c["raised_on"]) for c in cases) > 10
    assert got["adopted"] == sum(within(c.get("adopted_on")) for c in cases)
    assert got["closed"] == sum(within(c.get("closed_on")) for c in cases)
    assert got["outcomes"] == dict(Counter(c["outcome"] for c in cases if within(c.get("closed_on"))))
    completed = [p for p in packages if p.get("assessment") and within(p["assessment"]["completed_on"])]
    assert got["packages_completed"] == len(completed)
    end = Q3[1]
    open_at_end = [
        a
        for p in packages
        for a in p["response"]["actions"]
        if a["set_on"] <= end and (a["status"] == "open" or a.get("done_on", end) > end)
    ]
    assert got["open_actions"] == len(open_at_end)
    assert got["overdue_actions"] == sum(a["due"] < end for a in open_at_end)
    quarters = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert got["quarters"] == quarters
    per_q = Counter(f"{c['raised_on'].year}-Q{(c['raised_on'].month - 1) // 3 + 1}" for c in cases)
    assert got["raised_by_quarter"] == [per_q[q] for q in quarters]
    bletchley = next(r for r in got["by_locality"] if r["id"] == "bletchley")
    assert bletchley["total"] == sum(
        1
        for c in cases
        if c["location"] == "bletchley" and c["raised_on"] >= date(2025, 10, 1) and c["raised_on"] <= end
    )


def test_actions_report_matches_the_files(big: Jatac) -> None:
    cases = {c["id"]: c for c in raw(big.root, "issues")}
    today = date(2026, 11, 16)
    expected: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for p in raw(big.root, "sara"):
        if cases[p["case"]]["status"] not in {"proposed", "adopted", "escalated"}:
            continue
        for a in p["response"]["actions"]:
            if a["status"] == "open":
                expected[a["owner"]] += 1
                overdue[a["owner"]] += a["due"] < today
    rows = json.loads(big("report", "actions", "-f", "json").stdout)
    assert {r["agency"]: r["open"] for r in rows} == dict(expected)
    assert {r["agency"]: r["overdue"] for r in rows} == {k: overdue[k] for k in expected}
    assert rows[0]["overdue"] == max(overdue.values())


def test_the_pdf_report_holds_its_charts_and_tables(big: Jatac) -> None:
    import sys

    path = Path(big("report", "performance", "--period", "2026-Q3").stdout.strip())
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    # the charts are drawn in the document (vector, in its font), not pasted in as pictures
    assert [img for page in reader.pages for img in page.images] == []
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Performance report for the Performance Group" in text
    assert "By locality" in text and "By category" in text
    # each chart's words are text: the legend beside the tables' rows, each quarter under its
    # columns as well as in the table, each locality beside its bar as well as in its row
    assert text.count("Raised") >= 3 and text.count("2026-Q3") >= 3
    top = raw(big.root, "issues")[0]["location"]
    name = next(
        loc["name"]
        for loc in yaml.safe_load((big.root / "jatac.yaml").read_text())["localities"]
        if loc["id"] == top
    )
    assert name in text
    fonts = {str(f.get("/BaseFont")) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("Libertinus" in f for f in fonts)
    html = Path(big("report", "performance", "--period", "2026-Q3", "-f", "html").stdout.strip()).read_text()
    assert html.count("data:image/svg+xml;base64,") == 2
    assert "matplotlib" not in sys.modules  # two charts no longer cost 168 MB and 2.5 s


def test_export_imports_back_to_the_same_cases(big: Jatac, tmp_path: Path) -> None:
    sheet = tmp_path / "cases.csv"
    big("export", str(sheet))
    from jatac.setup.init import init

    fresh = Jatac(init(tmp_path / "fresh", name="Fresh", prefix="JAT").root)
    shutil.copy(big.root / "jatac.yaml", fresh.root / "jatac.yaml")
    fresh.git("commit", "-qam", "the same partnership")
    fresh("import", str(sheet))
    before = json.loads(big("list", "--all", "-f", "json").stdout)
    after = json.loads(fresh("list", "--all", "-f", "json").stdout)
    assert after == before and len(after) == 320
    assert fresh.commits()[0] == "Imported 320 cases from cases.csv"
    big("export", str(tmp_path / "cases.xlsx"))
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "cases.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] in {"OFFICIAL", "OFFICIAL-SENSITIVE"}  # the marking, above the column names
    assert rows[1][:3] == ("id", "title", "status") and len(rows) == 322


OLD_LOG = """\
Ref,Issue,Area,Type,Raised by,Date raised,Status,Notes
,ASB at the parade,Town Centre,ASB,Police,02/03/2026,Open,Groups at night
,Fly-tipping in the lane,Town Centre,Dumping,Fire,05/03/2026,Open,Mattresses
,Graffiti on the bridge,Atlantis,ASB,Police,07/03/2026,Open,Tags
,Noise,Town Centre,ASB,Police,31/02/2026,Open,Call 07700 900123
"""
MAP = """\
columns: {Ref: id, Issue: title, Area: location, Type: category, "Raised by": raised_by,
          "Date raised": raised_on, Status: status, Notes: description}
values:
  category: {ASB: asb, Dumping: fly-tipping}
  raised_by: {Police: police, Fire: fire}
  status: {Open: proposed}
dates: "%d/%m/%Y"
"""


def test_an_import_with_bad_rows_is_refused_whole(jatac: Jatac, tmp_path: Path) -> None:
    log, mapping = tmp_path / "old-log.csv", tmp_path / "map.yaml"
    log.write_text(OLD_LOG)
    mapping.write_text(MAP)
    before = jatac.snapshot()
    result = jatac("import", str(log), "--map", str(mapping), ok=False)
    assert "old-log.csv row 4  location: unknown locality 'Atlantis'" in result.stderr
    assert "old-log.csv row 5  raised_on: '31/02/2026' is not a date" in result.stderr
    assert "row 5  description: looks like a UK phone number" in result.stderr
    assert "row 2" not in result.stderr and "Nothing was imported" in result.stderr
    assert jatac.snapshot() == before and len(jatac.commits()) == 1
    log.write_text("\n".join(OLD_LOG.splitlines()[:3]) + "\n")
    jatac("import", str(log), "--map", str(mapping))
    rows = json.loads(jatac("list", "-f", "json").stdout)
    assert [(r["id"], r["category"], r["raised_on"]) for r in rows] == [
        ("JAT-2026-0001", "asb", "2026-03-02"),
        ("JAT-2026-0002", "fly-tipping", "2026-03-05"),
    ]


def test_triggers_and_hotspots(jatac: Jatac) -> None:
    for day in ("2026-07-01", "2026-09-10", "2026-11-02"):
        jatac.new("Groups at the parade", place="Melrose Avenue shops", env={"JATAC_TODAY": day})
    jatac.new("Old one", place="Station Square", env={"JATAC_TODAY": "2026-01-05"})
    jatac.new("Once", place="Station Square", env={"JATAC_TODAY": "2026-10-05"})
    rows = json.loads(jatac("report", "triggers", "-f", "json").stdout)
    assert [(r["kind"], r["what"], r["reports"]) for r in rows] == [
        ("place", "Melrose Avenue shops, Town Centre", 3)
    ]
    spots = json.loads(jatac("report", "hotspots", "--recurring", "3", "-f", "json").stdout)
    assert [(s["locality"], s["quarters_with_cases"]) for s in spots] == [("town-centre", 3)]
    warn = jatac(*new_issue_args("Again")).stderr
    assert "JAT-2026-0001 is also open at town-centre for asb" in warn


def test_the_fund_from_request_to_spend(jatac: Jatac) -> None:
    config = jatac.root / "jatac.yaml"
    config.write_text(config.read_text().replace("fund:\n  budget: 10000", "fund:\n  budget: 2000"))
    jatac.git("commit", "-qam", "budget")
    case = jatac.new()
    fr1 = jatac("fund", "request", case, "--amount", "1500", "--purpose", "Lighting").stdout.strip()
    fr2 = jatac(
        "fund", "request", "--amount", "800", "--purpose", "Diversionary activity", "--by", "youth-service"
    ).stdout.strip()
    assert (fr1, fr2) == ("FR-2026-001", "FR-2026-002")
    assert (
        "has not been considered by the support team"
        in jatac("fund", "decide", fr1, "--approve", ok=False).stderr
    )
    jatac("fund", "consider", fr1, "--support")
    jatac("fund", "consider", fr2, "--support")
    jatac("fund", "decide", fr1, "--approve", "--meeting", "2026-11-16-coordinating")
    refused = jatac("fund", "decide", fr2, "--approve", "--meeting", "2026-11-16", ok=False)
    assert "would overspend the 2026-27 fund: £500.00 is left" in refused.stderr
    jatac("fund", "decide", fr2, "--refuse", "--meeting", "2026-11-16")
    assert (
        "more than the £1,500.00 approved"
        in jatac("fund", "spend", fr1, "--amount", "1600", "--note", "x", ok=False).stderr
    )
    assert (
        "only against an approved request"
        in jatac("fund", "spend", fr2, "--amount", "10", "--note", "x", ok=False).stderr
    )
    jatac("fund", "spend", fr1, "--amount", "1320", "--note", "invoice 88")
    report = json.loads(jatac("report", "fund", "--year", "2026-27", "-f", "json").stdout)
    assert (report["budget"], report["approved"], report["spent"], report["balance"]) == (
        2000,
        1500,
        1320,
        500,
    )
    assert [r["status"] for r in report["requests"]] == ["approved", "refused"]
    assert jatac.commits()[0] == f"{fr1}: £1,320.00 spent, invoice 88"
    assert "Jatac-Fund: 2026-27" in jatac.git("log", "-1", "--format=%B")
    assert "All valid" in jatac("validate").stdout


def test_attendance_from_the_minutes(jatac: Jatac) -> None:
    jatac("minutes", "new", "2026-11-16", env={"JATAC_TODAY": "2026-11-16"})
    path = jatac.root / "minutes/2026/2026-11-16-coordinating.yaml"
    text = path.read_text()
    text = text.replace("role: ASB Team Leader\n    status:", "role: ASB Team Leader\n    status: present", 1)
    text = text.replace(
        "role: Neighbourhood Inspector\n    status:",
        "role: Neighbourhood Inspector\n    status: apologies",
        1,
    )
    path.write_text(text)
    rows = {
        r["agency"]: r
        for r in json.loads(jatac("report", "attendance", "--since", "2026-01-01", "-f", "json").stdout)
    }
    assert (rows["asb-team"]["present"], rows["asb-team"]["rate"]) == (1, 100)
    assert (rows["police"]["apologies"], rows["police"]["rate"]) == (1, 0)
    assert rows["fire"]["rate"] is None  # not recorded


def test_a_file_that_is_not_a_spreadsheet_is_refused(jatac: Jatac, tmp_path: Path) -> None:
    fake = tmp_path / "log.xlsx"
    fake.write_text("not a workbook")
    result = jatac("import", str(fake), ok=False)
    assert "log.xlsx cannot be read as a spreadsheet" in result.stderr


@pytest.mark.parametrize(
    ("when", "audience"), [("2026-12-07", "core"), ("2026-12-07", "wide"), ("2027-01-21", "wide")]
)
def test_the_agenda_reads_only_current_cases_yet_says_the_same(
    big: Jatac, monkeypatch: pytest.MonkeyPatch, when: str, audience: str
) -> None:
    """The agenda builds models only for open cases and those changed lately (speed at 10,000
    cases); built from every case instead, each document must come out the same."""
    from jatac.meetings import agenda

    def render(name: str) -> str:
        path = big.root / "build" / f"{name}.md"
        big("agenda", when, "-f", "md", "--audience", audience, "-o", str(path))
        return path.read_text()

    narrowed = render("narrowed")
    monkeypatch.setattr(agenda, "_current", lambda case, since: True)
    every = render("every")
    assert every == narrowed
    assert "JAT-" in every or "2026-Q4" in every  # cases, or the wide group's trends


def test_the_wide_groups_trends_count_every_case_raised_in_their_quarters(jatac: Jatac) -> None:
    """Even one raised on the first day of the oldest quarter and settled long before the
    last meeting (the agenda builds no model for it)."""
    first = jatac.new("Raised on New Year's Day", env={"JATAC_TODAY": "2026-01-01"})
    jatac("set", first, "status=rejected", "decision_note=Not a partnership matter")
    jatac.new("Raised in September", env={"JATAC_TODAY": "2026-09-01"})
    path = jatac.root / "build" / "wide.md"
    jatac("agenda", "2026-10-22", "-f", "md", "-o", str(path), env={"JATAC_TODAY": "2026-10-12"})
    text = path.read_text()
    assert "| Cases | 2026-Q1 | 2026-Q2 | 2026-Q3 | 2026-Q4 |" in text
    assert "| Raised | 1 | 0 | 1 | 0 |" in text


def test_a_january_fund_request_is_numbered_by_its_financial_year_and_says_so(jatac: Jatac) -> None:
    case = jatac.new()
    result = jatac(
        "fund", "request", case, "--amount", "300", "--purpose", "Signs", env={"JATAC_TODAY": "2027-01-15"}
    )
    assert result.stdout.strip() == "FR-2026-001"  # January 2027 is in the 2026-27 fund
    assert (
        "FR-2026-001 is in the 2026-27 fund (the year from 1 April 2026): requests are numbered by financial year."
        in result.stderr
    )
    assert f"Jatac-Case: {case}" in jatac.git("log", "-1", "--format=%B")
