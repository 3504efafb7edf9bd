"""The whole life of an adopted case, in a real git repository with a fixed clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Jatac, editor

FILL_EVALUATION = """
import sys, pathlib
from ruamel.yaml import YAML
p = pathlib.Path(sys.argv[1])
y = YAML()
doc = y.load(p.read_text())
a = doc["assessment"]
a["completed_on"] = "2026-12-20"
a["process"] = "Delivered as planned; CCTV two weeks late."
a["impact"] = "Calls about the parade fell by half."
a["objective_met"] = "met"
a["measures"][0]["before"] = 42
a["measures"][0]["after"] = 19
a["measures"][0]["after_period"] = "Dec 2026"
a["learning"] = "Involve the shop owners from the start."
a["recommendation"] = "close"
with p.open("w") as f:
    y.dump(doc, f)
"""


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def test_the_whole_life_of_a_case(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new(place="Melrose Avenue shops")
    assert "never adopted" in jatac("close", case, "--outcome", "resolved", ok=False).stderr

    jatac.adopt(case, "asb-team", "ASB Team Leader", "--risk", "high")
    assert (jatac.root / f"sara/2026/{case}.yaml").is_file()
    assert set(jatac.git("show", "--name-only", "--format=", "HEAD").split()) == {
        f"issues/2026/{case}.yaml",
        f"sara/2026/{case}.yaml",
    }

    a1 = jatac(
        "action",
        "add",
        case,
        "Patrols at the parade 6-10pm",
        "--owner",
        "police",
        "--due",
        "2026-11-20",
    ).stdout.strip()
    a2 = jatac(
        "action",
        "add",
        case,
        "Install CCTV covering the shop frontage",
        "--owner",
        "council-cctv",
        "--due",
        "2026-12-18",
    ).stdout.strip()
    a3 = jatac(
        "action",
        "add",
        case,
        "Youth outreach sessions",
        "--owner",
        "youth-service",
        "--due",
        "2027-01-15",
    ).stdout.strip()
    assert (a1, a2, a3) == (f"{case}/A1", f"{case}/A2", f"{case}/A3")

    late = json.loads(jatac("action", "list", "--overdue", "--format", "json", env=on("2026-11-25")).stdout)
    assert [r["action"] for r in late] == [a1]
    assert late[0]["days_overdue"] == 5
    assert "OVERDUE 5d" in jatac("action", "list", env=on("2026-11-25")).stdout

    jatac("action", "update", a2, "--note", "Quote received", env=on("2026-11-25"))
    jatac("action", "done", a1, "--note", "Patrols ran for three weeks", env=on("2026-11-26"))
    jatac("action", "done", a2, "--note", "Installed 12 Dec", env=on("2026-12-12"))
    jatac("action", "done", a3, "--note", "Six sessions held", env=on("2026-12-15"))
    assert jatac("action", "list", "--overdue", env=on("2026-12-15")).stdout.count(case) == 0

    refused = jatac("close", case, "--outcome", "resolved", env=on("2026-12-20"), ok=False)
    assert "has no evaluation" in refused.stderr and f"jatac evaluate {case}" in refused.stderr
    jatac("evaluate", case, env=on("2026-12-20"))
    refused = jatac("close", case, "--outcome", "resolved", env=on("2026-12-20"), ok=False)
    assert "evaluation is not complete" in refused.stderr and "process" in refused.stderr

    jatac("sara", "edit", case, env={**on("2026-12-20"), **editor(tmp_path, FILL_EVALUATION)})
    jatac("close", case, "--outcome", "resolved", env=on("2026-12-21"))
    shown = json.loads(jatac("show", case, "--format", "json").stdout)
    assert (shown["status"], shown["outcome"], shown["closed_on"]) == (
        "closed",
        "resolved",
        "2026-12-21",
    )

    log = jatac.git(
        "log",
        "--format=%s%x1f%(trailers:key=Jatac-Command,valueonly,separator=)%x1f%(trailers:key=Jatac-Case,valueonly,separator=%x2C)",
        "--reverse",
    ).splitlines()
    steps = [line.split("\x1f") for line in log][1:]
    assert [s[1] for s in steps] == [
        "new-issue",
        "adopt",
        "action add",
        "action add",
        "action add",
        "action update",
        "action done",
        "action done",
        "action done",
        "evaluate",
        "sara edit",
        "close",
    ]
    assert all(s[2] == case for s in steps)
    assert steps[1][0] == f"{case}: adopted, lead asb-team"
    assert steps[3][0] == f"{case}: action A2 for council-cctv, due 2026-12-18"
    assert steps[-1][0] == f"{case}: closed, resolved"
    assert jatac.status() == ""
    assert "All valid" in jatac("validate").stdout


@pytest.fixture
def adopted(jatac: Jatac) -> str:
    case = jatac.new()
    jatac.adopt(case)
    return case


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["action", "add", "{case}", "Do a thing", "--owner", "nobody", "--due", "2026-12-01"],
            "unknown owner agency 'nobody'",
        ),
        (
            ["action", "add", "{case}", "Do a thing", "--owner", "police", "--due", "2026-01-01"],
            "before the case was raised",
        ),
        (
            ["action", "add", "{case}", "Do a thing", "--owner", "police", "--due", "next week"],
            "is not a date",
        ),
        (["action", "done", "{case}/A1", "--note", " "], "say what was done"),
        (["action", "done", "{case}/A9", "--note", "x"], "has no action A9"),
        (["action", "done", "{case}/B1", "--note", "x"], "is not an action"),
        (
            ["adopt", "{case}", "--lead", "asb-team", "--problem-manager", "X"],
            "only a proposed case can be adopted",
        ),
        (["escalate", "{case}", "--to", "cabinet", "--reason", "x"], "unknown escalation level"),
        (["evaluate", "JAT-2026-0099"], "there is no case JAT-2026-0099"),
    ],
)
def test_bad_input_changes_nothing(jatac: Jatac, adopted: str, args: list[str], message: str) -> None:
    jatac("action", "add", adopted, "Patrols", "--owner", "police", "--due", "2026-12-01")
    before, commits = jatac.snapshot(), jatac.commits()
    result = jatac(*[a.format(case=adopted) for a in args], ok=False)
    assert message in result.output
    assert jatac.snapshot() == before and jatac.commits() == commits


def test_adopting_a_closed_case_is_refused(jatac: Jatac, adopted: str, tmp_path: Path) -> None:
    jatac("evaluate", adopted)
    jatac("sara", "edit", adopted, env=editor(tmp_path, FILL_EVALUATION))
    jatac("close", adopted, "--outcome", "reduced")
    result = jatac("adopt", adopted, "--lead", "police", "--problem-manager", "Inspector", ok=False)
    assert "is closed; only a proposed case can be adopted" in result.stderr


def test_close_refuses_while_actions_are_open(jatac: Jatac, adopted: str, tmp_path: Path) -> None:
    jatac("action", "add", adopted, "Patrols", "--owner", "police", "--due", "2026-12-01")
    jatac("evaluate", adopted)
    jatac("sara", "edit", adopted, env=editor(tmp_path, FILL_EVALUATION))
    result = jatac("close", adopted, "--outcome", "resolved", ok=False)
    assert "still has open actions: A1" in result.stderr


def test_editing_a_package_into_an_invalid_state_is_refused(
    jatac: Jatac, adopted: str, tmp_path: Path
) -> None:
    code = (
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('tactics: []', 'tactics:\\n  - tactic: Better lighting\\n    targets: [C7]'))\n"
    )
    before = jatac.snapshot()
    result = jatac("sara", "edit", adopted, env=editor(tmp_path, code), ok=False)
    assert "targets C7, not a cause in the analysis" in result.stderr
    assert f"sara/2026/{adopted}.yaml:" in result.stderr
    assert jatac.snapshot() == before


def test_escalation_goes_up_one_level_at_a_time(jatac: Jatac, adopted: str) -> None:
    jatac("escalate", adopted, "--to", "performance-group", "--reason", "No reduction after 3 months")
    again = jatac("escalate", adopted, "--to", "performance-group", "--reason", "x", ok=False)
    assert "already escalated to performance-group" in again.stderr and "next level is rag" in again.stderr
    jatac("escalate", adopted, "--to", "rag", "--reason", "Needs a strategic response")
    out = jatac("list", "--escalated").stdout
    assert adopted in out and "rag" in out
    assert jatac.commits()[0] == f"{adopted}: escalated to rag"


def test_escalation_straight_to_rag_is_refused_unless_the_chair_skips_a_level(
    jatac: Jatac, adopted: str
) -> None:
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    refused = jatac("escalate", adopted, "--to", "rag", "--reason", "Strategic", ok=False)
    assert refused.exit_code == 1
    assert "one level at a time: the next level is performance-group (Performance Group)" in refused.stderr
    assert "--skip-level" in refused.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head

    nothing_to_skip = jatac(
        "escalate", adopted, "--to", "performance-group", "--reason", "x", "--skip-level", ok=False
    )
    assert "no level is skipped" in nothing_to_skip.stderr and jatac.snapshot() == before

    out = jatac("escalate", adopted, "--to", "rag", "--reason", "Chair: city-wide risk", "--skip-level")
    assert "skipping performance-group" in out.stdout
    case = json.loads(jatac("show", adopted, "-f", "json").stdout)
    assert case["escalations"] == [
        {"to": "rag", "on": "2026-11-16", "reason": "Chair: city-wide risk", "skipped": ["performance-group"]}
    ]
    message = jatac.git("log", "-1", "--format=%B")
    assert message.startswith(f"{adopted}: escalated to rag, skipping performance-group (chair's decision)")
    assert "Skipped performance-group by the chair's decision: Chair: city-wide risk" in message


def test_an_escalation_typed_in_the_editor_keeps_the_one_level_rule(
    jatac: Jatac, adopted: str, tmp_path: Path
) -> None:
    code = (
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('status: adopted', 'status: escalated')"
        " + 'escalations:\\n  - {to: rag, on: 2026-11-16, reason: Typed by hand}\\n')"
    )
    before = jatac.snapshot()
    result = jatac("edit", adopted, env=editor(tmp_path, code), ok=False)
    assert "escalations.0: escalation goes one level at a time: the next level is performance-group" in (
        result.stderr
    )
    assert jatac.snapshot() == before


def test_cases_past_review_are_flagged(jatac: Jatac) -> None:
    case = jatac.new()
    jatac.adopt(case, "asb-team", "ASB Team Leader", "--risk", "high")
    assert "2026-11-30" in jatac("list", env=on("2026-11-29")).stdout
    late = jatac("list", env=on("2026-12-01"))
    assert "2026-11-30 DUE" in late.stdout and "1 adopted case(s) past their review date" in late.stderr
    jatac("review", case, "--note", "Calls down by a third", env=on("2026-12-01"))
    assert "DUE" not in jatac("list", env=on("2026-12-02")).stdout


def test_a_review_is_a_dated_record_and_sets_the_next_review(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new()
    jatac.adopt(case, "asb-team", "ASB Team Leader", "--risk", "high")  # review every 14 days
    out = jatac("review", case, "--note", "Calls down by a third", env=on("2026-12-01")).stdout
    assert "Next review by 2026-12-15" in out
    assert jatac.commits()[0] == f"{case}: reviewed, next review by 2026-12-15"
    jatac(
        "review",
        case,
        "--note",
        "Holding; review after the holidays",
        "--next",
        "2027-01-20",
        env=on("2026-12-10"),
    )
    data = json.loads(jatac("show", case, "-f", "json").stdout)
    assert data["reviews"] == [
        {"on": "2026-12-01", "note": "Calls down by a third", "next": None},
        {"on": "2026-12-10", "note": "Holding; review after the holidays", "next": "2027-01-20"},
    ]
    assert data["reviewed_on"] == "2026-12-10"
    rows = json.loads(jatac("list", "-f", "json", env=on("2026-12-11")).stdout)
    assert rows[0]["next_review"] == "2027-01-20"
    assert "2027-01-20" in jatac("list", env=on("2026-12-11")).stdout
    assert "Review: 2027-01-20" in jatac("sara", "show", case, env=on("2026-12-11")).stdout

    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    for args, said in (
        (["review", case, "--note", " "], "say what the review found"),
        (["review", case, "--note", "x", "--next", "2026-12-10"], "must be after this one"),
        (["review", jatac.new("Not adopted yet"), "--note", "x"], "only an adopted or escalated case"),
        (["set", case, "reviewed_on=2026-12-20"], "jatac review CASE --note"),
    ):
        head = jatac.git("rev-parse", "HEAD")
        before = jatac.snapshot()
        result = jatac(*args, env=on("2026-12-11"), ok=False)
        assert result.exit_code == 1 and said in result.stderr, result.stderr
        assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    # a hand edit that moves reviewed_on away from the latest review is caught
    code = "import sys, pathlib\np = pathlib.Path(sys.argv[1])\np.write_text(p.read_text().replace('reviewed_on: 2026-12-10', 'reviewed_on: 2026-12-12'))"
    assert (
        "not the date of the latest review (2026-12-10)"
        in jatac("edit", case, env={**editor(tmp_path, code), **on("2026-12-12")}, ok=False).stderr
    )


def test_a_review_decided_in_the_minutes_is_recorded_once(jatac: Jatac) -> None:
    case = jatac.new()
    jatac.adopt(case)
    day = "2026-12-14"
    jatac("minutes", "new", day, env=on(day))
    path = jatac.root / "minutes/2026/2026-12-14-coordinating.yaml"
    decision = f"{{do: review, case: {case}, note: Patrols working, next: 2027-02-01}}"
    path.write_text(path.read_text().replace("decisions: []", f"decisions:\n      - {decision}", 1))
    assert "1 decision(s) applied" in jatac("minutes", "apply", day, env=on("2026-12-15")).stdout
    data = json.loads(jatac("show", case, "-f", "json").stdout)
    assert data["reviews"] == [{"on": day, "note": "Patrols working", "next": "2027-02-01"}]
    assert jatac.commits()[0] == f"{case}: reviewed, next review by 2027-02-01 (meeting {day}-coordinating)"
    assert "1 already in effect" in jatac("minutes", "apply", day, env=on("2026-12-16")).stdout


def test_sara_show_says_what_each_stage_lacks(jatac: Jatac, adopted: str) -> None:
    out = jatac("sara", "show", adopted).stdout
    assert "Stage: scanning" in out
    for gap in (
        "no impact chosen",
        "no baseline",
        "no hypothesis",
        "no data from any agency",
        "no tactics",
    ):
        assert f"still lacks: {gap}" in out
    jatac("action", "add", adopted, "Patrols", "--owner", "police", "--due", "2026-12-01")
    data = json.loads(jatac("sara", "show", adopted, "--format", "json").stdout)
    assert data["stage"] == "response"
    assert "no actions in the action plan" not in data["gaps"].get("response", [])


def test_set_status_adopted_without_a_lead_points_to_adopt(jatac: Jatac) -> None:
    case = jatac.new()
    result = jatac("set", case, "status=adopted", ok=False)
    assert "jatac adopt CASE --lead AGENCY" in result.stderr


def test_sara_edit_starts_a_package_for_a_case_adopted_by_hand(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new()
    jatac("set", case, "status=adopted", "lead=police", "problem_manager=Neighbourhood Inspector")
    assert "has no SARA package" in jatac("validate", ok=False).stderr
    jatac("sara", "edit", case, env=editor(tmp_path, "pass"))
    assert (jatac.root / f"sara/2026/{case}.yaml").is_file()
    assert "All valid" in jatac("validate").stdout


def test_a_minutes_decision_to_escalate_keeps_the_one_level_rule(jatac: Jatac, adopted: str) -> None:
    day = "2026-12-14"
    jatac("minutes", "new", day, env=on(day))
    path = jatac.root / "minutes/2026/2026-12-14-coordinating.yaml"
    decision = f"{{do: escalate, case: {adopted}, to: rag, reason: City-wide risk}}"
    path.write_text(path.read_text().replace("decisions: []", f"decisions:\n      - {decision}", 1))
    refused = jatac("minutes", "apply", day, env=on(day), ok=False)
    assert "the next level is performance-group" in refused.stderr
    assert json.loads(jatac("show", adopted, "-f", "json").stdout)["status"] == "adopted"

    path.write_text(
        path.read_text().replace("reason: City-wide risk}", "reason: City-wide risk, skip_level: true}")
    )
    assert "1 decision(s) applied" in jatac("minutes", "apply", day, env=on(day)).stdout
    case = json.loads(jatac("show", adopted, "-f", "json").stdout)
    assert case["escalations"][-1]["skipped"] == ["performance-group"]
    assert (
        "skipping performance-group (chair's decision) (meeting 2026-12-14-coordinating)"
        in jatac.commits()[0]
    )
    # the minutes typed by hand were committed first, naming the case they decide about
    named = jatac.git("log", f"--grep=^Jatac-Case: {adopted}$", "--format=%s").splitlines()
    assert named.count("2026-12-14-coordinating: minutes recorded") == 2
