"""`jatac history` tells a case's whole story: its file, its SARA package and actions, the
minutes decisions and fund requests that name it, and commits made by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import Jatac, editor

DEC = "2026-12-14"  # a coordinating meeting in the starter schedule


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


FILL_ANALYSIS = """
import sys, pathlib
from ruamel.yaml import YAML
p = pathlib.Path(sys.argv[1]); y = YAML(); doc = y.load(p.read_text())
doc["analysis"]["data"] = [
    {"agency": "police", "source": "Calls for service", "period": "Aug-Oct 2026", "figure": "42 calls"},
    {"agency": "asb-team", "source": "Complaints", "period": "Aug-Oct 2026", "figure": "17"},
]
doc["analysis"]["causes"] = [{"id": "C1", "cause": "Poor lighting at the parade"}]
with p.open("w") as f:
    y.dump(doc, f)
"""

DECIDE = """
import sys, pathlib
from ruamel.yaml import YAML
p = pathlib.Path(sys.argv[1]); y = YAML(); doc = y.load(p.read_text())
doc["items"][4]["decisions"] = [
    {"do": "action", "case": "JAT-2026-0001", "what": "Clear the overgrown hedges", "owner": "public-realm",
     "due": "2027-01-15"},
    {"do": "reject", "case": "JAT-2026-0002", "reason": "A matter for the landlord"},
]
with p.open("w") as f:
    y.dump(doc, f)
"""


def _story(jatac: Jatac, tmp_path: Path) -> str:
    """One case through a year's worth of steps, with another case's steps in between."""
    case = jatac.new("ASB at Melrose Avenue shops")
    other = jatac.new("Noise from a private flat")
    jatac.adopt(case)
    out = jatac("sara", "edit", case, env=editor(tmp_path, FILL_ANALYSIS)).stdout
    assert "analysis.data: 2 added" in out and "analysis.causes[C1] added: Poor lighting" in out
    for what, owner, due in (
        ("Patrols at the parade 6-10pm", "police", "2026-11-30"),
        ("Install CCTV covering the shop frontage", "council-cctv", "2026-12-18"),
        ("Youth outreach sessions", "youth-service", "2027-01-15"),
    ):
        jatac("action", "add", case, what, "--owner", owner, "--due", due)
    jatac("action", "update", f"{case}/A1", "--note", "Two patrols a night", env=on("2026-11-20"))
    jatac("action", "done", f"{case}/A2", "--note", "Installed 12 Dec", env=on("2026-12-12"))
    jatac("minutes", "new", DEC, env=on(DEC))
    jatac("minutes", "edit", DEC, env={**on(DEC), "EDITOR": f"{sys.executable} {tmp_path / 'decide.py'}"})
    jatac("minutes", "apply", DEC, env=on(DEC))
    jatac("fund", "request", case, "--amount", "1500", "--purpose", "Lighting", env=on("2026-12-15"))
    jatac("fund", "consider", "FR-2026-001", "--support", env=on("2026-12-16"))
    # a hand edit, committed with git alone: no trailer names the case
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(path.read_text().replace("priority: high", "priority: medium"))
    jatac.git("commit", "-qam", "Priority lowered at the chair's request")
    assert other == "JAT-2026-0002"
    return case


def test_history_tells_the_whole_story_in_time_order(jatac: Jatac, tmp_path: Path) -> None:
    (tmp_path / "decide.py").write_text(DECIDE)
    case = _story(jatac, tmp_path)
    entries = json.loads(jatac("history", case, "--format", "json").stdout)
    subjects = [e["subject"] for e in entries]
    assert subjects == [
        f"{case}: new case, ASB at Melrose Avenue shops",
        f"{case}: adopted, lead asb-team",
        f"{case}: analysis.data: 2 added, analysis.causes[C1] added",
        f"{case}: action A1 for police, due 2026-11-30",
        f"{case}: action A2 for council-cctv, due 2026-12-18",
        f"{case}: action A3 for youth-service, due 2027-01-15",
        f"{case}: action A1 updated",
        f"{case}: action A2 done",
        "2026-12-14-coordinating: minutes updated, items[JAT05].decisions: 2 added",
        f"{case}: action A4 for public-realm, due 2027-01-15 (meeting 2026-12-14-coordinating)",
        f"FR-2026-001: fund request £1,500.00 by support-team for {case}",
        "FR-2026-001: supported by the support team",
        "Priority lowered at the chair's request",
    ]
    # nothing of the other case's own steps
    assert not any("JAT-2026-0002:" in s for s in subjects)

    by_subject = {e["subject"]: e for e in entries}

    def changes(subject: str) -> list[tuple[str, str]]:
        return [(c["record"], c["text"]) for c in by_subject[subject]["changes"]]

    adopted = by_subject[f"{case}: adopted, lead asb-team"]
    assert [r["record"] for r in adopted["records"]] == ["case", "SARA package"]
    assert ("case", "status: proposed -> adopted") in changes(f"{case}: adopted, lead asb-team")
    assert ("SARA package", "response.actions[A2].status: open -> done") in changes(f"{case}: action A2 done")
    assert ("SARA package", "response.actions[A1].updates: 1 added: Two patrols a night") in changes(
        f"{case}: action A1 updated"
    )
    # of the shared minutes and fund ledger, only what names this case
    minutes = changes("2026-12-14-coordinating: minutes updated, items[JAT05].decisions: 2 added")
    assert minutes == [
        (
            "minutes 2026-12-14-coordinating",
            "items[JAT05].decisions: 1 added: Clear the overgrown hedges",
        )
    ]
    assert by_subject[
        f"{case}: action A4 for public-realm, due 2027-01-15 (meeting 2026-12-14-coordinating)"
    ]["meeting"] == ("2026-12-14-coordinating")
    assert changes("FR-2026-001: supported by the support team") == [
        ("fund ledger 2026-27", "requests[FR-2026-001].status: requested -> supported"),
        ("fund ledger 2026-27", "requests[FR-2026-001].considered_on: (none) -> 2026-12-16"),
    ]
    assert changes("Priority lowered at the chair's request") == [("case", "priority: high -> medium")]

    text = jatac("history", case).stdout
    positions = [text.index(subject) for subject in subjects]
    assert positions == sorted(positions)
    assert "  SARA package\n    response.actions[A2].status: open -> done" in text
    assert "  minutes 2026-12-14-coordinating\n    items[JAT05].decisions: 1 added" in text
    assert "  fund ledger 2026-27\n    requests[FR-2026-001].status: requested -> supported" in text


def test_every_jatac_commit_about_a_case_names_it(jatac: Jatac, tmp_path: Path) -> None:
    """What history relies on: the trailer is on every commit that changes something of a
    case (its file, package, minutes decisions, fund requests)."""
    (tmp_path / "decide.py").write_text(DECIDE)
    case = _story(jatac, tmp_path)
    named = jatac.git("log", f"--grep=^Jatac-Case: {case}$", "--format=%s").splitlines()
    everything = jatac.git("log", "--format=%s").splitlines()
    for subject in everything:
        if case in subject or subject.startswith(("FR-2026-001", "2026-12-14-coordinating: minutes updated")):
            assert subject in named, subject
    # the other case's decision in the same minutes names it too
    assert "2026-12-14-coordinating: minutes updated, items[JAT05].decisions: 2 added" in jatac.git(
        "log", "--grep=^Jatac-Case: JAT-2026-0002$", "--format=%s"
    )


def test_history_follows_a_past_that_was_rewritten(jatac: Jatac, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commits kept for history are HEAD's: a reset takes them away, new ones are added."""
    case = jatac.new()
    jatac("set", case, "priority=low")
    assert len(json.loads(jatac("history", case, "-f", "json").stdout)) == 2
    jatac.git("reset", "-q", "--hard", "HEAD~1")
    assert len(json.loads(jatac("history", case, "-f", "json").stdout)) == 1
    jatac("set", case, "priority=medium")
    rows = json.loads(jatac("history", case, "-f", "json").stdout)
    assert [c["text"] for c in rows[-1]["changes"]] == ["priority: high -> medium"]
    # the same story without the kept index
    monkeypatch.setattr("jatac.storage.index.ENABLED", False)
    again = json.loads(jatac("history", case, "-f", "json").stdout)
    assert again == rows


def test_history_of_a_case_repository_inside_a_larger_git_repository(tmp_path: Path) -> None:
    import subprocess

    from jatac.setup.init import init

    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=outer, check=True)
    jatac = Jatac(init(outer / "csp", name="Test CSP", prefix="JAT").root)
    case = jatac.new()
    jatac.adopt(case)
    jatac("action", "add", case, "Patrols", "--owner", "police", "--due", "2026-12-01")
    entries = json.loads(jatac("history", case, "-f", "json").stdout)
    assert [e["records"][-1]["path"] for e in entries] == [
        f"issues/2026/{case}.yaml",
        f"sara/2026/{case}.yaml",
        f"sara/2026/{case}.yaml",
    ]
    assert "response.actions[A1] added: Patrols" in [c["text"] for c in entries[-1]["changes"]]
