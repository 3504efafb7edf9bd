"""Two coordinators, two clones, one bare shared repository: sync, renumbering, conflicts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jatac.setup.init import init
from tests.conftest import Jatac


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Jatac, Jatac]:
    first = init(tmp_path / "alice", name="Test CSP", prefix="JAT").root
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(first, "remote", "add", "origin", str(bare))
    git(first, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(bare), str(tmp_path / "bob"))
    return Jatac(first), Jatac(tmp_path / "bob")


def test_sync_pulls_pushes_and_says_what_came_in(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new("Fly-tipping in the lane")
    assert "1 went out" in alice("sync").stdout
    out = bob("sync").stdout
    assert f"new case {case}: Fly-tipping in the lane" in out and "1 change(s) came in" in out
    bob("set", case, "status=rejected", "decision_note=Private land")
    bob("sync")
    assert f"{case}: proposed -> rejected" in alice("sync").stdout
    assert alice.git("rev-parse", "HEAD") == bob.git("rev-parse", "HEAD")


def test_the_same_id_raised_offline_on_two_clones_is_renumbered(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    a = alice.new("Graffiti at the underpass")
    b = bob.new("Needles in the play area", category="drugs")
    assert a == b == "JAT-2026-0001"
    alice("action", "list")  # nothing
    bob.adopt(b, "police", "Neighbourhood Inspector")
    bob("item", "add", "2026-12-14", "Needles update", "--by", "police", "--case", b)
    alice("sync")
    out = bob("sync").stdout
    assert "Your case JAT-2026-0001 is now JAT-2026-0002" in out
    cases = {c["id"]: c["title"] for c in json.loads(bob("list", "--all", "-f", "json").stdout)}
    assert cases == {
        "JAT-2026-0001": "Graffiti at the underpass",
        "JAT-2026-0002": "Needles in the play area",
    }
    assert (bob.root / "sara/2026/JAT-2026-0002.yaml").is_file() and not (
        bob.root / "sara/2026/JAT-2026-0001.yaml"
    ).exists()
    meeting = (bob.root / "meetings/2026/2026-12-14-coordinating.yaml").read_text()
    assert "case: JAT-2026-0002" in meeting
    log = bob.git("log", "--format=%s")
    assert "JAT-2026-0001: renumbered JAT-2026-0002, the number was taken on the shared repository" in log
    assert "All valid" in bob("validate").stdout
    alice("sync")
    assert json.loads(alice("list", "--all", "-f", "json").stdout) == json.loads(
        bob("list", "--all", "-f", "json").stdout
    )


def test_edits_to_different_fields_merge_without_a_conflict(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new(description="Groups at night.")
    alice("sync")
    bob("sync")
    alice("set", case, "priority=low")
    bob("set", case, "place=Station Square")
    alice("sync")
    bob("sync")
    shown = json.loads(bob("show", case, "-f", "json").stdout)
    assert (shown["priority"], shown["place"]) == ("low", "Station Square")


def test_a_real_conflict_is_shown_by_field_and_resolved(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new()
    alice("sync")
    bob("sync")
    alice("set", case, "priority=low", "title=ASB at the parade (Alice)")
    bob("set", case, "priority=medium", "title=ASB at the parade (Bob)")
    alice("sync")
    stuck = bob("sync", ok=False)
    assert stuck.exit_code == 4 and "jatac conflicts" in stuck.stderr
    shown = bob("conflicts").stdout
    assert f"{case}  priority:\n    mine:   medium\n    theirs: low" in shown
    assert "title" in shown
    assert "still to settle" in bob("sync", ok=False).stderr
    assert "choose mine or theirs" in bob("resolve", case, "--take", "both", ok=False).stderr
    assert "NAME=mine" in bob("resolve", case, "--take", "theirs", "--field", "priority", ok=False).stderr
    assert "choose mine or theirs" in bob("resolve", "JAT-2026-0099", "--take", "both", ok=False).stderr
    bob("resolve", case, "--take", "theirs", "--field", "priority=mine")
    bob("sync")
    result = json.loads(bob("show", case, "-f", "json").stdout)
    assert (result["priority"], result["title"]) == ("medium", "ASB at the parade (Alice)")
    assert "All valid" in bob("validate").stdout and bob.status() == ""
    alice("sync")
    assert json.loads(alice("show", case, "-f", "json").stdout)["priority"] == "medium"


def test_sync_without_a_remote_or_with_uncommitted_work(tmp_path: Path) -> None:
    lone = Jatac(init(tmp_path / "lone", name="X", prefix="JAT").root)
    assert "no shared remote" in lone("sync", ok=False).stderr
    (lone.root / "jatac.yaml").write_text((lone.root / "jatac.yaml").read_text() + "\n")
    assert "not yet committed" in lone("sync", ok=False).stderr


def test_changes_dated_on_both_clones_are_all_kept(pair: tuple[Jatac, Jatac]) -> None:
    """Each coordinator's dated change goes into the case's log; settling keeps both entries."""
    alice, bob = pair
    case = alice.new()
    alice("sync")
    bob("sync")
    alice("set", case, "priority=low", env={"JATAC_TODAY": "2026-11-17"})
    bob("set", case, "lead=asb-team", env={"JATAC_TODAY": "2026-11-18"})
    alice("sync")
    stuck = bob("sync", ok=False)
    assert stuck.exit_code == 4
    shown = bob("conflicts").stdout
    assert "changes:\n    mine:   1 dated change(s), kept\n    theirs: 1 dated change(s), kept" in shown
    assert "priority" not in shown and "lead" not in shown  # each changed on one side only
    bob("resolve", case, "--take", "mine")
    bob("sync")
    alice("sync")
    for who in (alice, bob):
        data = json.loads(who("show", case, "-f", "json").stdout)
        assert (data["priority"], data["lead"]) == ("low", "asb-team")
        assert "All valid" in who("validate").stdout
    text = (bob.root / f"issues/2026/{case}.yaml").read_text()
    assert "field: priority, from: high, to: low" in text and "field: lead, to: asb-team" in text
