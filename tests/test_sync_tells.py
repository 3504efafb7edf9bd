"""`jatac sync` says what a push changed that a coordinator must know (issue 21, section 7).

Two coordinators, two clones, one bare shared repository. Bob pushes around jatac, with
plain git and --no-verify, as a careless or hostile partner can; Alice's sync names each
thing she must know: a case's marking lowered, a closed quarter's figures changed, agreed
minutes edited, personal data arriving. What jatac itself records (a change dated today,
a recorded correction) is not named, and the text that looks personal is not repeated.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from jatac.setup.init import init
from tests.conftest import Jatac

NOV, DEC, JAN = "2026-11-16", "2026-12-14", "2027-01-11"
MUST_KNOW = "What came in that you must know:"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Jatac, Jatac]:
    first = init(tmp_path / "alice", name="Test CSP", prefix="JAT").root
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(first, "remote", "add", "origin", str(bare))
    git(first, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(bare), str(tmp_path / "bob"))
    return Jatac(first), Jatac(tmp_path / "bob")


def pushed_by_hand(bob: Jatac, relpath: str, edit: Callable[[str], str]) -> None:
    """Bob edits a file with an editor and pushes it with plain git, past every check."""
    path = bob.root / relpath
    before = path.read_text(encoding="utf-8")
    after = edit(before)
    assert after != before, f"the edit changed nothing in {relpath}"
    path.write_text(after, encoding="utf-8")
    bob.git("commit", "--quiet", "--no-verify", "-am", "Tidied up")
    bob.git("push", "--quiet")


def test_a_lowered_marking_is_named_and_not_counted_among_other_files(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new("Exploitation concerns at the hostel", marking="OFFICIAL-SENSITIVE")
    alice("sync")
    bob("sync")
    relpath = f"issues/2026/{case}.yaml"
    pushed_by_hand(bob, relpath, lambda t: t.replace("marking: OFFICIAL-SENSITIVE", "marking: OFFICIAL"))

    out = alice("sync").stdout
    assert MUST_KNOW in out
    assert f"{case}: marking lowered from OFFICIAL-SENSITIVE to OFFICIAL" in out
    assert "wide group's papers" in out
    assert "other file(s) changed" not in out  # the one file is named, not counted


def test_a_closed_quarters_figures_rewritten_are_named_and_todays_work_is_not(
    pair: tuple[Jatac, Jatac],
) -> None:
    alice, bob = pair
    case = alice.new("Fly-tipping behind the parade", env=on("2026-05-04"))  # raised in 2026-Q2
    alice("sync")
    bob("sync")
    # what jatac records today is counted today (2026-Q4): no past quarter changes
    bob("set", case, "status=rejected", "decision_note=Private land")
    bob("sync")
    quiet = alice("sync").stdout
    assert f"{case}: proposed -> rejected" in quiet and MUST_KNOW not in quiet

    relpath = f"issues/2026/{case}.yaml"
    pushed_by_hand(bob, relpath, lambda t: t.replace("raised_on: 2026-05-04", "raised_on: 2026-08-03"))
    out = alice("sync").stdout
    assert MUST_KNOW in out
    assert (
        f"{case}: changes the figures of 2026-Q2, 2026-Q3 (raised, cases by locality, cases by category)"
        in out
    )
    assert "quarters already over" in out


def test_a_case_backdated_into_a_closed_quarter_is_named(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    bob.new("Graffiti at the underpass")
    relpath = next(p.relative_to(bob.root).as_posix() for p in bob.root.glob("issues/2026/*.yaml"))
    bob.git("push", "--quiet")
    pushed_by_hand(bob, relpath, lambda t: t.replace(f"raised_on: {NOV}", "raised_on: 2026-02-02"))
    out = alice("sync").stdout
    assert "changes the figures of 2026-Q1 (raised" in out


def test_agreed_minutes_edited_by_a_push_are_named_and_a_recorded_correction_is_not(
    pair: tuple[Jatac, Jatac],
) -> None:
    alice, bob = pair
    alice.new("Groups at the underpass")
    alice("minutes", "new", NOV)
    minutes = "minutes/2026/2026-11-16-coordinating.yaml"
    path = alice.root / minutes
    path.write_text(path.read_text().replace("heard: ''", "heard: The group heard about the underpass.", 1))
    alice.git("commit", "-qam", "minutes written")
    alice("minutes", "circulate", NOV, env=on("2026-11-17"))
    alice("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    alice("sync", env=on(DEC))
    bob("sync", env=on(DEC))

    # a correction recorded as jatac records it is how agreed minutes change: nothing to tell
    bob(
        "minutes",
        "correct",
        NOV,
        "--what",
        "JAT05: the police lead",
        "--why",
        "Misheard",
        "--at",
        JAN,
        env=on(JAN),
    )
    bob("sync", env=on(JAN))
    quiet = alice("sync", env=on(JAN)).stdout
    assert MUST_KNOW not in quiet

    pushed_by_hand(bob, minutes, lambda t: t.replace("about the underpass", "nothing about the underpass", 1))
    out = alice("sync", env=on(JAN)).stdout
    assert MUST_KNOW in out
    assert (
        "the minutes of 2026-11-16-coordinating, agreed as a correct record, were changed: "
        "what they record was edited (not by a recorded correction)"
    ) in out

    pushed_by_hand(bob, minutes, lambda t: t.replace("Misheard", "Misheard (or not)", 1))
    assert "an earlier correction was changed or removed" in alice("sync", env=on(JAN)).stdout


def test_personal_data_arriving_is_named_by_file_line_and_kind_not_repeated(
    pair: tuple[Jatac, Jatac],
) -> None:
    alice, bob = pair
    case = alice.new("Noise from the flats", description="Loud music at night.")
    alice("sync")
    bob("sync")
    relpath = f"issues/2026/{case}.yaml"
    pushed_by_hand(
        bob, relpath, lambda t: t.replace("Loud music at night.", "Loud music at night, call 07700 900123.")
    )
    out = alice("sync").stdout
    line = next(
        n for n, text in enumerate((alice.root / relpath).read_text().splitlines(), 1) if "07700" in text
    )
    assert f"{relpath}:{line}: what looks like a UK phone number came in in description" in out
    assert "07700" not in out and "900123" not in out

    # already in the shared history: not named again when something else in the file changes
    pushed_by_hand(bob, relpath, lambda t: t.replace("Noise from the flats", "Noise from the flats at night"))
    assert "phone number" not in alice("sync").stdout


def test_a_push_of_ordinary_work_tells_nothing(pair: tuple[Jatac, Jatac]) -> None:
    alice, bob = pair
    case = alice.new("Fly-tipping in the lane")
    alice("sync")
    bob("sync")
    bob("set", case, "priority=low")
    bob.adopt(case)
    bob("sync")
    out = alice("sync").stdout
    assert MUST_KNOW not in out and "came in" in out
