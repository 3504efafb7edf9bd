"""Issue 12, section 8: a Windows checkout works.

git for Windows checks files out with CRLF line endings (core.autocrlf=true). Every
change must work in such a clone and keep each file's line endings as found.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Jatac

CASE = "issues/2026/JAT-2026-0001.yaml"


def crlf_clone(jatac: Jatac, where: Path) -> Jatac:
    jatac.git("clone", "--quiet", "-c", "core.autocrlf=true", str(jatac.root), str(where))
    clone = Jatac(where)
    assert b"\r\n" in (where / CASE).read_bytes()  # as git for Windows checks it out
    return clone


def test_every_change_works_in_a_crlf_checkout_and_keeps_its_endings(jatac: Jatac, tmp_path: Path) -> None:
    jatac.new()
    jatac.new("Fly-tipping behind the shops")
    other = crlf_clone(jatac, tmp_path / "windows")
    other("set", "JAT-2026-0001", "priority=low")
    other.adopt("JAT-2026-0001")
    other("action", "add", "JAT-2026-0001", "Patrol the parade", "--owner", "police", "--due", "2026-12-01")
    other("action", "done", "JAT-2026-0001/A1", "--note", "Patrolled")
    other("set", "JAT-2026-0002", "priority=low")
    for rel in (CASE, "sara/2026/JAT-2026-0001.yaml", "issues/2026/JAT-2026-0002.yaml"):
        data = (other.root / rel).read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), rel  # CRLF throughout
    assert other.status() == ""  # git sees no stray change of line endings
    assert other.commits()[:2] == ["JAT-2026-0002: priority high -> low", "JAT-2026-0001: action A1 done"]
    # the repository itself holds LF, as autocrlf stores it: a Linux clone reads it the same
    assert b"\r\n" not in other.git("show", "HEAD:issues/2026/JAT-2026-0002.yaml").encode()
    assert "priority: low" in other("show", "JAT-2026-0002", "-f", "yaml").stdout


def test_no_change_is_no_commit_in_a_crlf_checkout(jatac: Jatac, tmp_path: Path) -> None:
    jatac.new()
    other = crlf_clone(jatac, tmp_path / "windows")
    commits = other.commits()
    result = other("set", "JAT-2026-0001", "priority=high")  # already high
    assert "No change." in result.stdout
    assert other.commits() == commits and other.status() == ""
