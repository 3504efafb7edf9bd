"""Issue 12, section 2: nothing is lost when a process dies.

Real `python -m jatac` processes are killed at the worst moments: while git's
commit hook runs (the commit lands after jatac is dead), after the commit has
landed, and with git killed too (the commit never lands). The next command must
keep what landed and undo only what did not.
"""

from __future__ import annotations

import signal

import pytest

from tests.conftest import Jatac, git_hook, jatac_process, kill_group, paused_mid_change, wait_for

CASE = "issues/2026/JAT-2026-0001.yaml"


@pytest.fixture
def one_case(jatac: Jatac) -> Jatac:
    jatac.new()
    return jatac


def _field(jatac: Jatac, name: str) -> str:
    for line in (jatac.root / CASE).read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name} in the case file")


def test_killed_while_git_commits_the_commit_lands_and_is_kept(one_case: Jatac) -> None:
    """jatac is killed inside git's pre-commit hook; git goes on and the commit lands."""
    jatac = one_case
    proc = paused_mid_change(jatac, hook_exit=0, seconds=2)
    proc.send_signal(signal.SIGKILL)  # jatac alone: git and its hook go on
    proc.wait(timeout=20)
    assert (jatac.root / ".jatac" / "journal.json").exists()  # it died before it could note the end
    jatac("list")  # a reader meanwhile changes nothing
    # the next change waits for git (which holds the lock it was handed), then finds the commit
    jatac("set", "JAT-2026-0001", "title=ASB at the parade")
    assert _field(jatac, "priority") == "low"
    assert jatac.commits()[:2] == [
        "JAT-2026-0001: title ASB at Melrose Avenue shops -> ASB at the parade",
        "JAT-2026-0001: priority high -> low",
    ]
    jatac("list")
    assert jatac.status() == ""
    assert _field(jatac, "priority") == "low"  # never silently back to high
    assert not (jatac.root / ".jatac" / "journal.json").exists()


def test_killed_after_the_commit_landed_is_kept(one_case: Jatac) -> None:
    jatac = one_case
    marker = jatac.root.parent / "post-commit-ran"
    git_hook(jatac.root, "post-commit", f'touch "{marker}"\nsleep 60\n')
    proc = jatac_process(jatac.root, "set", "JAT-2026-0001", "priority=low")
    wait_for(marker.exists)
    kill_group(proc)  # jatac, git and the hook: but the commit is already in HEAD
    (jatac.root / ".git" / "hooks" / "post-commit").unlink()
    result = jatac("list")
    assert "undone" not in result.stderr
    jatac("set", "JAT-2026-0001", "title=ASB at the parade")
    assert _field(jatac, "priority") == "low"
    assert jatac.status() == ""
    assert len(jatac.commits()) == 4


def test_killed_with_git_before_the_commit_is_undone(one_case: Jatac) -> None:
    jatac = one_case
    before = jatac.snapshot()
    head = jatac.git("rev-parse", "HEAD")
    proc = paused_mid_change(jatac)
    assert _field(jatac, "priority") == "low"  # written, not committed
    kill_group(proc)
    (jatac.root / ".git" / "hooks" / "pre-commit").unlink()
    result = jatac("list")
    assert "was interrupted before it finished; its change was undone" in result.stderr
    assert jatac.snapshot() == before
    assert jatac.git("rev-parse", "HEAD") == head and jatac.status() == ""
    jatac("set", "JAT-2026-0001", "priority=low")  # and work goes on
    assert len(jatac.commits()) == 3


def test_interrupted_rolls_itself_back(one_case: Jatac) -> None:
    jatac = one_case
    before = jatac.snapshot()
    proc = paused_mid_change(jatac)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "nothing was changed" in err
    (jatac.root / ".git" / "hooks" / "pre-commit").unlink()
    assert jatac.snapshot() == before and jatac.status() == ""
    assert len(jatac.commits()) == 2


def test_a_file_edited_after_the_crash_is_left_alone(one_case: Jatac) -> None:
    jatac = one_case
    proc = paused_mid_change(jatac)
    kill_group(proc)
    (jatac.root / ".git" / "hooks" / "pre-commit").unlink()
    path = jatac.root / CASE
    path.write_text(path.read_text() + "# typed by hand after the crash\n")
    result = jatac("list")
    assert "could not be undone for issues/2026/JAT-2026-0001.yaml" in result.stderr
    assert "# typed by hand after the crash" in path.read_text()
