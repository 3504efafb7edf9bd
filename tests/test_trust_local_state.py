"""Issue 12, section 1: nothing from git is trusted as jatac's own state, and no link leads out.

A partner can push a `.jatac/` folder (journal, index, lock) or a symbolic link in
place of a record, a record folder, `jatac.yaml` or `.jatac/`. The invariants: the
forged state is never acted on, nothing outside the repository is read or written,
and a refusal leaves the work tree byte-identical and HEAD where it was.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from tests.conftest import Jatac, read_state

CASE = "issues/2026/JAT-2026-0001.yaml"


def outside_snapshot(top: Path, repo: Path) -> dict[str, bytes]:
    """Every file under ``top`` that is not in the repository (nor the user's home and key)."""
    return {
        str(p): p.read_bytes()
        for p in sorted(top.rglob("*"))
        if p.is_file() and not p.is_symlink() and repo not in p.parents and "home" not in p.parts[-4:-1]
    }


def clone(jatac: Jatac, where: Path) -> Jatac:
    jatac.git("clone", "--quiet", str(jatac.root), str(where))
    return Jatac(where)


@pytest.fixture
def one_case(jatac: Jatac) -> Jatac:
    jatac.new()
    return jatac


def _force_commit(jatac: Jatac, *paths: str) -> None:
    jatac.git("add", "-A", "-f", "--", *paths)
    jatac.git("commit", "--quiet", "--no-verify", "-m", "A partner's push")


def test_a_forged_journal_from_git_is_never_replayed(one_case: Jatac, tmp_path: Path) -> None:
    jatac = one_case
    target = tmp_path / "planted.txt"
    forged = {
        "pid": 1,
        "files": {
            # as an older jatac wrote its journal: restore these files
            str(target): base64.b64encode(b"written by a forged journal").decode(),
            "../planted-too.txt": base64.b64encode(b"x").decode(),
            CASE: None,  # "it did not exist": delete it
        },
    }
    journal = jatac.root / ".jatac" / "journal.json"
    journal.parent.mkdir(exist_ok=True)
    journal.write_text(json.dumps(forged))
    _force_commit(jatac, ".jatac/journal.json")
    other = clone(jatac, tmp_path / "clone")
    before_outside = outside_snapshot(tmp_path, other.root)
    head = other.git("rev-parse", "HEAD")

    result = other("list")
    assert "JAT-2026-0001" in result.stdout
    assert "was not made by jatac on this computer" in result.stderr
    assert (other.root / CASE).is_file()
    assert other.git("rev-parse", "HEAD") == head
    other("set", "JAT-2026-0001", "priority=low")  # a change goes through, and replays nothing
    assert not target.exists() and not (tmp_path / "planted-too.txt").exists()
    assert outside_snapshot(tmp_path, other.root) == before_outside

    problems = other("validate", ok=False).stderr
    assert ".jatac/journal.json  is tracked by git" in problems
    assert "git rm -r --cached .jatac" in problems
    doctor = other("doctor", ok=False).stdout
    assert "file(s) of .jatac/ are tracked by git" in doctor


def test_a_forged_index_cannot_show_a_sensitive_case_to_the_wide_group(jatac: Jatac, tmp_path: Path) -> None:
    secret = jatac.new("Cuckooing at Flat block", marking="OFFICIAL-SENSITIVE")
    jatac("list")  # the index is built
    shard = ".jatac/index/issues-2026.json"
    head = read_state(jatac.root, shard)
    entry = head["entries"][f"issues/2026/{secret}.yaml"]
    entry[1]["marking"] = "OFFICIAL"  # the right digest, a lowered marking
    forged = json.dumps(head).encode()
    # as a partner would push it: unsealed, and sealed under another user's key
    from jatac.storage import local_state

    for payload in (forged, b"jatac-local-state-1 " + b"00" * 32 + b"\n" + forged):
        (jatac.root / shard).write_bytes(payload)
        rows = json.loads(jatac("list", "-f", "json").stdout)
        assert [r["marking"] for r in rows] == ["OFFICIAL-SENSITIVE"]
        wide = jatac("agenda", "2026-12-14", "-f", "md", "--audience", "wide", "-o", str(tmp_path / "a.md"))
        assert wide.exit_code == 0
        assert "Cuckooing" not in (tmp_path / "a.md").read_text()
    assert local_state.unseal(jatac.root, (jatac.root / shard).read_bytes()) is not None  # rebuilt


def test_local_state_made_by_another_user_is_not_trusted(one_case: Jatac, tmp_path: Path) -> None:
    jatac = one_case
    jatac("list")
    index = jatac.root / ".jatac" / "index" / "issues-2026.json"
    theirs = index.read_bytes()
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    env = {"HOME": str(other_home), "XDG_CONFIG_HOME": str(other_home / ".config")}
    jatac("list", env=env)
    assert index.read_bytes() != theirs  # read past, and made again under the other user's key


def test_a_stale_lock_file_pushed_by_a_partner_does_not_block(
    one_case: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac = one_case
    lock = jatac.root / ".jatac" / "lock"
    lock.parent.mkdir(exist_ok=True)
    lock.write_text(f"{os.getpid()}\n")  # a live process's id: the old rule waited for it for ever
    _force_commit(jatac, ".jatac/lock")
    monkeypatch.setattr("jatac.storage.lock.WAIT_SECONDS", 0.5)
    jatac("set", "JAT-2026-0001", "priority=low")


def _link(link: Path, to: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(to)


@pytest.mark.parametrize(
    ("link", "points_to", "commands"),
    [
        # a record file that leads out: its content would be listed, shown, copied into git
        (
            "issues/2026/JAT-2026-0002.yaml",
            "outside/case.yaml",
            [["list"], ["validate"], ["show", "JAT-2026-0002"]],
        ),
        ("issues/2026/JAT-2026-0002.yaml", "outside/case.yaml", [["set", "JAT-2026-0002", "priority=low"]]),
        # a year folder, a kind's folder
        ("issues/2027", "outside", [["list"], ["validate"]]),
        ("sara", "outside", [["validate"], ["agenda", "2026-12-14", "-f", "md"]]),
        # jatac's own folder, and the settings file
        (".jatac", "outside", [["list"], ["set", "JAT-2026-0001", "priority=low"]]),
        ("jatac.yaml", "outside/jatac.yaml", [["list"], ["validate"]]),
    ],
)
def test_a_link_out_of_the_repository_is_refused(
    one_case: Jatac, tmp_path: Path, link: str, points_to: str, commands: list[list[str]]
) -> None:
    jatac = one_case
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "case.yaml").write_text(
        (jatac.root / CASE).read_text().replace("JAT-2026-0001", "JAT-2026-0002")
    )
    (outside / "jatac.yaml").write_text((jatac.root / "jatac.yaml").read_text())
    path = jatac.root / link
    if path.exists():
        if path.is_dir():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink()
    _link(path, tmp_path / points_to)
    _force_commit(jatac, link)  # as pushed: git-ignored (.jatac) or not, the link is committed
    before, before_outside = jatac.snapshot(), outside_snapshot(tmp_path, jatac.root)
    head = jatac.git("rev-parse", "HEAD")
    for command in commands:
        result = jatac(*command, ok=False)
        assert result.exit_code == 1, result.output
        assert "outside the repository" in result.stderr
        assert "jatac will not read or write" in result.stderr
    assert jatac.snapshot() == before
    assert outside_snapshot(tmp_path, jatac.root) == before_outside
    assert jatac.git("rev-parse", "HEAD") == head


def test_a_link_that_stays_inside_is_followed(one_case: Jatac) -> None:
    jatac = one_case
    (jatac.root / "issues" / "2026-alias").symlink_to("2026")
    assert "JAT-2026-0001" in jatac("list").stdout
