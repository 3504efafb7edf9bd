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


def _run_hint(cwd: Path, command: str) -> None:
    """A command exactly as jatac printed it, in the shell."""
    done = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"


def test_an_untracked_file_that_is_no_record_does_not_stop_a_sync(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new("Fly-tipping in the lane")
    alice("sync")
    notes = bob.root / "Agenda notes.docx"
    notes.write_bytes(b"PK\x03\x04 a partner's notes")
    out = bob("sync")
    assert f"new case {case}" in out.stdout
    assert notes.read_bytes() == b"PK\x03\x04 a partner's notes"
    assert '?? "Agenda notes.docx"' in bob.status()


def test_sync_says_what_it_is_doing_on_stderr(pair: tuple[Jatac, Jatac]) -> None:
    alice, _ = pair
    alice.new()
    out = alice("sync")
    assert "Fetching from " in out.stderr and "shared.git" in out.stderr
    assert "Sending 1 change(s) to origin/main ..." in out.stderr
    assert "Fetching" not in out.stdout  # a script reading stdout gets only the result


@pytest.mark.parametrize("route", ["stash", "commit"])
def test_the_hint_for_uncommitted_work_works_as_printed(pair: tuple[Jatac, Jatac], route: str) -> None:
    alice, bob = pair
    case = alice.new("Fly-tipping in the lane")
    alice("sync")
    path = bob.root / "jatac.yaml"
    path.write_text(path.read_text() + "# a note typed by hand\n")
    stray = bob.root / "issues" / "2026" / "JAT-2026-0077.yaml"  # an untracked record
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("id: JAT-2026-0077\n")
    before, head = bob.snapshot(), bob.git("rev-parse", "HEAD")
    refused = bob("sync", ok=False)
    assert refused.exit_code == 1 and "not yet committed" in refused.stderr
    assert "jatac.yaml" in refused.stderr and "issues/2026/JAT-2026-0077.yaml" in refused.stderr
    assert bob.snapshot() == before and bob.git("rev-parse", "HEAD") == head
    hint = " ".join(refused.stderr.split())
    if route == "commit":
        command = 'git add -A && git commit -m "Edited by hand"'
        assert command in hint
        stray.unlink()  # not a valid case: a person would fix it before committing
        _run_hint(bob.root, command)
        assert f"new case {case}" in bob("sync").stdout
        assert "# a note typed by hand" in path.read_text()
    else:
        assert "git stash --include-untracked" in hint and "git stash pop" in hint
        _run_hint(bob.root, "git stash --include-untracked")
        assert f"new case {case}" in bob("sync").stdout
        _run_hint(bob.root, "git stash pop")
        assert stray.exists() and "# a note typed by hand" in path.read_text()


def test_the_hint_without_a_remote_works_as_printed(tmp_path: Path) -> None:
    lone = Jatac(init(tmp_path / "lone", name="X", prefix="JAT").root)
    refused = lone("sync", ok=False)
    hint = " ".join(refused.stderr.split())
    command = "git remote add origin ADDRESS && git push -u origin main"
    assert command in hint
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    _run_hint(lone.root, command.replace("ADDRESS", str(bare)))
    lone.new()
    assert "1 went out" in lone("sync").stdout


def test_an_untracked_file_where_one_comes_in_is_named_and_the_hint_works(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    (alice.root / "notes.txt").write_text("Alice's notes\n")
    git(alice.root, "add", "notes.txt")
    git(alice.root, "commit", "--quiet", "-m", "Notes")
    alice("sync")
    (bob.root / "notes.txt").write_text("Bob's own notes\n")
    before, head = bob.snapshot(), bob.git("rev-parse", "HEAD")
    refused = bob("sync", ok=False)
    assert "notes.txt" in refused.stderr and "Move yours out of the folder" in refused.stderr
    assert bob.snapshot() == before and bob.git("rev-parse", "HEAD") == head
    (bob.root / "notes.txt").rename(bob.root.parent / "bob-notes.txt")
    bob("sync")
    assert (bob.root / "notes.txt").read_text() == "Alice's notes\n"


def test_the_resolve_commands_conflicts_prints_work_as_printed(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new()
    alice("sync")
    bob("sync")
    alice("set", case, "priority=low")
    bob("set", case, "priority=medium")
    alice("sync")
    bob("sync", ok=False)
    as_json = json.loads(bob("conflicts", "--format", "json").stdout)
    assert (
        {
            "case": case,
            "path": f"issues/2026/{case}.yaml",
            "field": "priority",
            "mine": "medium",
            "theirs": "low",
        }
    ) in as_json
    shown = bob("conflicts").stdout
    line = next(x for x in shown.splitlines() if "jatac resolve" in x)
    command = line.split("    or    ")[0].strip()
    assert command == f"jatac resolve {case} --take mine"
    bob(*command.split()[1:])
    bob("sync")
    assert json.loads(bob("show", case, "-f", "json").stdout)["priority"] == "medium"
