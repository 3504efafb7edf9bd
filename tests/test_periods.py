"""A report about a past period gives the same figures whenever it is made.

The Performance Group minutes the figures of each quarter: made again at the year's end
(after actions were cancelled, cases reopened, re-prioritised, escalated and handed
back), the report must say the same. Every case and action is counted as it stood at
the period's end, from the dated records in its files (jatac/cases/as_at.py).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import generate
from benchmarks.year import Year
from tests.conftest import Jatac

QUARTER_ENDS = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]


def on(day: date | str) -> dict[str, str]:
    return {"JATAC_TODAY": str(day)}


def test_a_year_through_the_cli_gives_each_quarter_the_same_figures_at_the_years_end(
    tmp_path: Path,
) -> None:
    root = tmp_path / "year"
    jatac = Jatac(root)

    def run(argv: list[str], day: date, env: dict[str, str] | None) -> str:
        return str(jatac(*argv, env={**(env or {}), **on(day)}).stdout)

    result = Year(run, root, tmp_path, cases=24, seed=3, fmt="md", reads=False).play()
    assert sorted(result.reports) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    for period, (at_its_end, *later) in result.reports.items():
        assert later == ([] if period == "2026-Q4" else [at_its_end]), period
    figures = [runs[0] for runs in result.reports.values()]
    assert sum(f["opened"] for f in figures) == 24
    assert all(f["open_actions"] for f in figures[:3]) and sum(f["closed"] for f in figures)
    assert sum(sum(f["escalations"].values()) for f in figures) and sum(f["adopted"] for f in figures)

    # the year held what used to change a past quarter's figures
    cases = [yaml.safe_load(p.read_text()) for p in sorted(root.glob("issues/*/*.yaml"))]
    actions = [
        a
        for p in sorted(root.glob("sara/*/*.yaml"))
        for a in yaml.safe_load(p.read_text())["response"]["actions"]
    ]
    logged = [(c["id"], e) for c in cases for e in c.get("changes", [])]
    assert any(e["field"] == "status" and e.get("from") == "closed" for _, e in logged)  # reopened
    assert any(e["field"] == "status" and e.get("from") == "escalated" for _, e in logged)  # handed back
    assert any(e["field"] == "priority" for _, e in logged)
    assert any(a.get("changes") for a in actions)  # a due date moved
    assert any(
        a["status"] == "cancelled" and a["set_on"] <= end < a["cancelled_on"]
        for a in actions
        for end in QUARTER_ENDS
    )  # open at a quarter's end, cancelled after it
    assert "All valid" in jatac("validate").stdout


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository written as before jatac dated changes: no `changes`, no `cancelled_on`."""
    return generate(tmp_path_factory.mktemp("gen") / "repo", cases=260, seed=5)


def test_a_repository_from_before_dated_changes_keeps_its_past_figures(
    generated: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(generated, copy)
    jatac = Jatac(copy)

    def report(period: str, day: date | str) -> dict:
        return json.loads(
            jatac("report", "performance", "--period", period, "-f", "json", env=on(day)).stdout
        )

    periods = ["2026-Q1", "2026-Q2", "2026-Q3"]
    before = {p: report(p, end) for p, end in zip(periods, QUARTER_ENDS, strict=True)}
    assert before["2026-Q3"]["open_actions"] and before["2026-Q2"]["closed"]

    cases = {
        c["id"]: c for c in (yaml.safe_load(p.read_text()) for p in sorted(copy.glob("issues/*/*.yaml")))
    }
    packages = {
        p["case"]: p for p in (yaml.safe_load(f.read_text()) for f in sorted(copy.glob("sara/*/*.yaml")))
    }
    autumn = on("2026-11-18")
    # a case closed in Q2, reopened; its evaluation stands, so it closes again with another outcome
    reopened = next(
        i
        for i, c in cases.items()
        if c["status"] == "closed" and "2026-04" <= str(c["closed_on"]) < "2026-07"
    )
    jatac("set", reopened, "status=adopted", env=autumn)
    jatac("close", reopened, "--outcome", "unchanged", env=on("2026-11-19"))
    # actions open at the end of Q3: one cancelled, one done, one moved to a later due date
    open_q3 = [
        f"{case_id}/{a['id']}"
        for case_id, p in packages.items()
        if cases[case_id]["status"] == "adopted"
        for a in p["response"]["actions"]
        if a["status"] == "open" and a["set_on"] <= QUARTER_ENDS[2]
    ]
    jatac("action", "cancel", open_q3[0], "--note", "No longer needed", env=autumn)
    jatac("action", "done", open_q3[1], "--note", "Done late", env=autumn)
    jatac("action", "update", open_q3[2], "--due", "2027-01-31", "--owner", "fire", env=autumn)
    # an adopted case of Q2 re-prioritised, re-risked, given a new lead and a new locality; escalated
    # and handed back; another referred elsewhere
    moved = next(
        i
        for i, c in cases.items()
        if c["status"] == "adopted" and "2026-04" <= str(c["raised_on"]) < "2026-07"
    )
    place = "woughton" if cases[moved]["location"] != "woughton" else "beanhill"
    kind = "drugs" if cases[moved]["category"] != "drugs" else "asb"
    jatac(
        "set",
        moved,
        "priority=low",
        "risk=high",
        "lead=fire",
        f"location={place}",
        f"category={kind}",
        env=autumn,
    )
    jatac("escalate", moved, "--to", "performance-group", "--reason", "No change", env=autumn)
    jatac("set", moved, "status=adopted", env=on("2026-11-20"))
    referred = next(
        i
        for i, c in cases.items()
        if c["status"] == "adopted" and i != moved and str(c["raised_on"]) < "2026-10"
    )
    jatac(
        "set",
        referred,
        "status=referred",
        "referred_to=Housing association",
        "decision_note=Theirs",
        env=autumn,
    )

    after = {p: report(p, "2026-12-31") for p in periods}
    assert after == before
    assert "All valid" in jatac("validate").stdout
    text = (copy / f"issues/{reopened[4:8]}/{reopened}.yaml").read_text()
    # its history was inferred from its dates and written in before the change was added
    assert "field: status, from: proposed, to: adopted}" in text and "from: closed, to: adopted}" in text


def test_an_edit_by_hand_is_dated_and_an_undated_change_is_named(jatac: Jatac, tmp_path: Path) -> None:
    from tests.conftest import editor

    case = jatac.new(env=on("2026-02-02"))
    jatac.adopt(case)
    path = jatac.root / f"issues/2026/{case}.yaml"
    lower = "import sys, pathlib; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('priority: high', 'priority: low'))"
    jatac("edit", case, env={**editor(tmp_path, lower), **on("2026-11-20")})
    assert "  - {on: 2026-11-20, field: priority, from: high, to: low}\n" in path.read_text()

    # the same change made outside jatac, committed with git: validate names it and says how to date it
    path.write_text(path.read_text().replace("priority: low", "priority: medium"))
    jatac.git("commit", "-qam", "by hand")
    problems = jatac("validate", ok=False).stdout + jatac("validate", ok=False).stderr
    assert f"issues/2026/{case}.yaml" in problems
    assert "priority is medium, but its last dated change leaves it low" in problems
    assert "{on: YYYY-MM-DD, field: priority, from: low, to: medium}" in problems


def test_an_action_is_never_removed_and_a_finished_one_stays_finished(jatac: Jatac, tmp_path: Path) -> None:
    from tests.conftest import editor

    case = jatac.new()
    jatac.adopt(case)
    jatac("action", "add", case, "Patrols", "--owner", "police", "--due", "2026-12-01")
    jatac("action", "add", case, "Letters", "--owner", "housing", "--due", "2026-12-01")
    jatac("action", "done", f"{case}/A1", "--note", "Patrols done")
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    reopen = "import sys, pathlib; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('status: done', 'status: open').replace('done_on: 2026-11-16', ''))"
    refused = jatac("sara", "edit", case, env=editor(tmp_path, reopen), ok=False)
    assert "action A1 was done on 2026-11-16 and stays so; add a new action" in refused.stderr
    drop = (
        "import sys, pathlib, yaml; p = pathlib.Path(sys.argv[1]); d = yaml.safe_load(p.read_text()); "
        "d['response']['actions'].pop(); p.write_text(yaml.safe_dump(d))"
    )
    refused = jatac("sara", "edit", case, env=editor(tmp_path, drop, "drop.py"), ok=False)
    assert "action A2 is gone: an action is never removed; cancel it" in refused.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head

    # moving a due date by hand is dated, as `action update` dates it
    later = "import sys, pathlib; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('due: 2026-12-01', 'due: 2027-01-15', 2))"
    jatac("sara", "edit", case, env={**editor(tmp_path, later, "later.py"), **on("2026-11-20")})
    text = (jatac.root / f"sara/2026/{case}.yaml").read_text()
    assert text.count("- {on: 2026-11-20, field: due, from: 2026-12-01, to: 2027-01-15}") == 2
