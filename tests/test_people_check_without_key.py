"""Issue 21, section 3: the personal-data check works without the people store's key.

A computer that holds the people store but not its key (a copied repository, a key
kept on another machine, a key file deleted) used to let a name in the store reach git
with only a warning. Now the store keeps, beside it, keyed fingerprints of its names,
made on this computer and bound to that store: the check finds a name it cannot read.
Where neither the store nor its fingerprints can be read, a change that would commit
case text is refused, by the command and by the pre-commit hook, until the key is back
or the person says, for one command, that names go unchecked (the commit records it).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Jatac, new_issue_args

NAME = "Jordan Example"
PRINTS = ".jatac/private/people.fingerprints"
STORE = ".jatac/private/people.enc"


@pytest.fixture
def key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("keys") / "test.key"
    monkeypatch.setenv("JATAC_KEY_FILE", str(path))
    monkeypatch.delenv("JATAC_NAMES_UNCHECKED", raising=False)
    return path


@pytest.fixture
def case(jatac: Jatac, key: Path) -> str:
    """A case, and Jordan Example in the people store; the hook installed."""
    assert jatac("person", "add", "--name", NAME).stdout.strip() == "P-0001"
    jatac("install-hooks")
    return jatac.new()


def refused(jatac: Jatac, *args: str, env: dict[str, str] | None = None) -> str:
    """A command that must be refused: exit 1, the tree and HEAD as they were; its stderr."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == 1, result.output
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return " ".join(result.stderr.split())


def hand_commit(jatac: Jatac, relpath: str, text: str, env: dict[str, str] | None = None) -> str:
    """A hand edit committed with plain git (the installed hook runs); its output, or '' if
    it was committed. A refused commit leaves HEAD and the tree as they were; then the edit is
    given up."""
    (jatac.root / relpath).write_text(text, encoding="utf-8")
    jatac.git("add", relpath)
    head, before = jatac.git("rev-parse", "HEAD"), jatac.snapshot()
    commit = subprocess.run(
        ["git", "commit", "-qm", "hand edit"],
        cwd=jatac.root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if commit.returncode == 0:
        return ""
    assert jatac.git("rev-parse", "HEAD") == head and jatac.snapshot() == before
    jatac.git("checkout", "-q", "HEAD", "--", relpath)  # the hand edit given up
    return " ".join((commit.stdout + commit.stderr).split())


def test_without_the_key_a_name_is_still_found_by_the_command_and_the_hook(
    jatac: Jatac, key: Path, case: str
) -> None:
    assert (jatac.root / PRINTS).is_file()
    key.unlink()  # the key file is gone from this computer
    assert "not on this computer" in jatac("person", "show", "P-0001", ok=False).stderr

    for written in ("Jordan Example", "EXAMPLE, Jordan", "jordan a. example"):
        said = refused(jatac, "set", case, f"description=Threats made to {written} again")
        assert f"looks like a name in the people store: '{written}'" in said
    said = refused(jatac, *new_issue_args("Jordan Example at the parade"))
    assert "title: looks like a name in the people store" in said

    relpath = f"issues/2026/{case}.yaml"
    original = (jatac.root / relpath).read_text()
    said = hand_commit(jatac, relpath, original + "place: outside the flat of Example, Jordan\n")
    assert "a name in the people store: 'Example, Jordan'" in said
    (jatac.root / relpath).write_text(original + "place: outside the flat of Example, Jordan\n")
    assert "a name in the people store: 'Example, Jordan'" in refused(jatac, "check")
    (jatac.root / relpath).write_text(original)

    # what names nobody goes in, with no warning: the names were looked for
    changed = jatac("set", case, "description=Groups gather at the parade after dark")
    assert "not checked" not in changed.stderr
    assert hand_commit(jatac, relpath, (jatac.root / relpath).read_text() + "place: the parade\n") == ""
    assert "not checked" not in jatac("check").output
    doctor = jatac("doctor").stdout
    assert "names are checked by their fingerprints" in doctor
    assert "Jordan" not in jatac.git("log", "-p", "--all")


def test_the_fingerprints_hold_no_name_stay_out_of_git_and_need_this_computers_key(
    jatac: Jatac, key: Path, case: str, tmp_path: Path
) -> None:
    prints = (jatac.root / PRINTS).read_bytes()
    assert b"JORDAN" not in prints.upper() and b"EXAMPLE" not in prints.upper()
    assert PRINTS in jatac.git("status", "--porcelain", "--ignored", "--untracked-files=all")
    assert PRINTS not in jatac.git("ls-files")

    # the fingerprints are keyed with this computer's own secret, not the store's key: with
    # that secret gone they prove nothing, and nothing holding case text is committed
    key.unlink()
    (Path(os.environ["HOME"]) / ".config/jatac/local-state.key").unlink()
    head, before = jatac.git("rev-parse", "HEAD"), jatac.snapshot()
    run = subprocess.run(  # a new process: nothing of the old secret is left in memory
        [sys.executable, "-m", "jatac", "--repo", str(jatac.root), "set", case, "priority=low"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "cannot be looked for on this computer" in " ".join(run.stderr.split())
    assert jatac.git("rev-parse", "HEAD") == head and jatac.snapshot() == before


def test_with_neither_key_nor_fingerprints_a_change_to_case_text_is_refused(
    jatac: Jatac, key: Path, case: str
) -> None:
    key.unlink()
    (jatac.root / PRINTS).unlink()

    said = refused(jatac, "set", case, "priority=low")
    assert "the names in the people store cannot be looked for on this computer" in said
    assert "key to the people store is not on this computer" in said
    assert "Put the store's key back" in said and "computer that holds the key" in said
    assert "jatac --names-unchecked" in said
    said = refused(jatac, *new_issue_args("Graffiti at the underpass"))
    assert "cannot be looked for on this computer" in said
    asked = jatac("new-issue", "-i", input="Graffiti at the underpass\n1\n1\n\npolice\n\nx\n\n", ok=False)
    assert asked.exit_code == 1 and "cannot be looked for" in asked.stderr
    assert "Category" not in asked.stdout  # said at the first answer, not after all of them

    relpath = f"issues/2026/{case}.yaml"
    original = (jatac.root / relpath).read_text()
    said = hand_commit(jatac, relpath, original + "place: the parade\n")
    assert "cannot be looked for on this computer" in said and "JATAC_NAMES_UNCHECKED=1 git commit" in said

    # commands that commit no case text still work
    assert case in jatac("list").stdout
    jatac("show", case)
    jatac("agency", "edit", "police", "--email", "tasking@police.example.org")
    assert jatac.commits()[0].startswith("Agency police")

    # said for one command: done, and the commit says the names were not checked
    jatac("--names-unchecked", "set", case, "priority=low")
    assert "Jatac-Names-Unchecked: yes" in jatac.git("log", "-1", "--format=%B")
    refused(jatac, "set", case, "priority=medium")  # ... for that command only
    assert hand_commit(jatac, relpath, original + "place: the parade\n", {"JATAC_NAMES_UNCHECKED": "1"}) == ""

    doctor = jatac("doctor", ok=False).stdout
    assert "names in the people store cannot be checked for here, so changes to cases are refused" in doctor


def test_an_existing_store_gets_fingerprints_when_first_opened_with_its_key(
    jatac: Jatac, key: Path, case: str
) -> None:
    (jatac.root / PRINTS).unlink()  # a store from before there were fingerprints
    jatac("check")  # opens the store with its key
    assert (jatac.root / PRINTS).is_file()
    assert jatac("person", "add", "--name", "Sam Lee-Smith").stdout.strip() == "P-0002"
    jatac("person", "erase", "P-0001", "--yes")  # every write of the store writes them anew

    key.unlink()
    said = refused(jatac, "set", case, "description=Sam Lee Smith was seen again")
    assert "looks like a name in the people store: 'Sam Lee Smith'" in said
    jatac("set", case, "description=Jordan Example was erased from the store")  # no longer sought


def _forge(jatac: Jatac, payload: dict[str, object], other_home: Path | None) -> None:
    """Write a fingerprint file claiming ``payload``, sealed on another computer (or not at all)."""
    from jatac.storage import local_state

    data = json.dumps(payload).encode()
    if other_home is not None:
        saved = os.environ.get("HOME")
        os.environ["HOME"] = str(other_home)  # another computer's own secret
        try:
            sealed = local_state.seal(jatac.root, data)
        finally:
            os.environ["HOME"] = saved or ""
        assert sealed is not None
        data = sealed
    (jatac.root / PRINTS).write_bytes(data)


@pytest.mark.parametrize("how", ["sealed on another computer", "not sealed", "made from another store"])
def test_a_forged_fingerprint_file_is_not_trusted(
    jatac: Jatac, key: Path, case: str, tmp_path: Path, how: str
) -> None:
    store = (jatac.root / STORE).read_bytes()
    empty = {"store": hashlib.sha256(store).hexdigest(), "names": [], "starts": [], "longest": 0}
    if how == "made from another store":
        older = (jatac.root / PRINTS).read_bytes()  # made here, before Sam was added
        jatac("person", "add", "--name", "Sam Lee-Smith")
        (jatac.root / PRINTS).write_bytes(older)
    else:
        _forge(jatac, empty, tmp_path / "elsewhere" if how == "sealed on another computer" else None)
    # pushed into the repository as if it were jatac's own state
    jatac.git("add", "-f", PRINTS)
    jatac.git("commit", "-qm", "a partner's push", "--no-verify")
    key.unlink()

    said = refused(jatac, "set", case, "description=Sam Lee Smith and Jordan Example were seen again")
    assert "cannot be looked for on this computer" in said
    assert "no fingerprints of its names made on this computer from this store" in said


def test_a_mailbox_naming_a_person_is_refused_without_the_key(jatac: Jatac, key: Path, case: str) -> None:
    key.unlink()
    said = refused(jatac, "agency", "edit", "police", "--email", "jordan.example@police.example.org")
    assert "looks like a person's own address" in said


# -- the fingerprints find what the names find ----------------------------------------------

STORE_NAMES = ["Jordan Example", "Sam Lee-Smith", "Al", "Ana María O'Neil", "Bo"]
WORDS = st.sampled_from(
    [
        "Jordan",
        "EXAMPLE",
        "sam",
        "Lee",
        "Smith",
        "A",
        "B.",
        "Al",
        "Ana",
        "Maria",
        "María",
        "O",
        "Neil",
        "ONeil",
        "the",
        "of",
        "Bo",
        "x",
    ]
)
GAPS = st.sampled_from([" ", "  ", ", ", "-", ".", "\n", "\x00", " (", "\u200b"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(WORDS, GAPS), max_size=12))
def test_fingerprints_find_the_same_names_as_the_names(parts: list[tuple[str, str]]) -> None:
    from jatac.guard.privacy import NameFingerprints, detectors, find

    text = "".join(word + gap for word, gap in parts)
    prints = NameFingerprints.of(b"k" * 32, STORE_NAMES)
    by_name = [(h.kind, h.start, h.end) for h in find(text, detectors(STORE_NAMES))]
    by_print = [(h.kind, h.start, h.end) for h in find(text, detectors(prints))]
    assert by_print == by_name
