"""A link pushed inside evidence/ does not decide where `jatac evidence add` writes (issue 21, 7).

The evidence folder is filled by jatac alone: every folder on the way to a kept file is
checked, as for .jatac/, and a symbolic link there is refused even when it stays inside
the repository (``evidence/ab -> ../.git/hooks`` would put the file among git's hooks).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.conftest import Jatac

PHOTO = b"\x89PNG a photo of the shutter"
DIGEST = hashlib.sha256(PHOTO).hexdigest()


@pytest.fixture
def case(jatac: Jatac) -> str:
    return jatac.new("Shop shutter forced")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "shutter.png"
    path.write_bytes(PHOTO)
    return path


def pushed_link(jatac: Jatac, relpath: str, target: str) -> None:
    """A symbolic link committed as a partner's push would bring it (evidence/ is ignored: -f)."""
    link = jatac.root / relpath
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)
    jatac.git("add", "-f", relpath)
    jatac.git("commit", "--quiet", "-m", "Pushed by a partner")


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("link", "target", "lands_in"),
    [
        (f"evidence/{DIGEST[:2]}", "../.git/hooks", ".git/hooks"),
        ("evidence", ".git", ".git"),
        (f"evidence/{DIGEST[:2]}", "../issues/2026", "issues/2026"),
        (f"evidence/{DIGEST[:2]}", "../.jatac", ".jatac"),
    ],
)
def test_a_link_pushed_into_the_evidence_folder_is_refused_and_nothing_is_written(
    jatac: Jatac, case: str, photo: Path, link: str, target: str, lands_in: str
) -> None:
    (jatac.root / ".jatac").mkdir(exist_ok=True)
    pushed_link(jatac, link, target)
    landing = jatac.root / lands_in
    before, head, there = jatac.snapshot(), jatac.git("rev-parse", "HEAD"), files_under(landing)

    result = jatac("evidence", "add", case, str(photo), ok=False)

    assert result.exit_code == 1
    assert f"{link} is a symbolic link" in result.stderr and "plain folders" in result.stderr
    assert "git rm --cached" in result.stderr  # what to do about it
    assert files_under(landing) == there  # nothing kept where the link points
    assert not any(DIGEST in name for name in files_under(jatac.root / ".git"))
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    assert "evidence" not in (jatac.root / f"issues/2026/{case}.yaml").read_text()


def test_a_kept_file_replaced_by_a_link_is_named_not_read(jatac: Jatac, case: str, photo: Path) -> None:
    jatac("evidence", "add", case, str(photo))
    kept = f"evidence/{DIGEST[:2]}/{DIGEST}.png"
    (jatac.root / kept).unlink()
    secret = jatac.root / ".git" / "config"
    os.symlink(os.path.relpath(secret, (jatac.root / kept).parent), jatac.root / kept)

    problems = jatac("validate", ok=False)
    assert f"{kept} is a symbolic link" in problems.stderr + problems.stdout
    listed = jatac("evidence", "list", case, ok=False)
    assert listed.exit_code == 1 and f"{kept} is a symbolic link" in listed.stderr


def test_the_evidence_gitignore_pushed_as_a_link_is_refused(jatac: Jatac, case: str, photo: Path) -> None:
    pushed_link(jatac, "evidence/.gitignore", "../jatac.yaml")
    before = jatac.snapshot()
    result = jatac("evidence", "add", case, str(photo), ok=False)
    assert "evidence/.gitignore is a symbolic link" in result.stderr
    assert jatac.snapshot() == before


def test_plain_evidence_folders_still_take_the_file(jatac: Jatac, case: str, photo: Path) -> None:
    """The check refuses links, not the folders jatac made itself on an earlier add."""
    (jatac.root / "evidence" / DIGEST[:2]).mkdir(parents=True)
    jatac("evidence", "add", case, str(photo))
    kept = jatac.root / "evidence" / DIGEST[:2] / f"{DIGEST}.png"
    assert kept.read_bytes() == PHOTO and not kept.is_symlink()
    assert "shutter.png" in jatac("evidence", "list", case).stdout
