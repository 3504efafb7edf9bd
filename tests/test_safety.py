"""Bad situations get one clear paragraph, a non-zero exit, and leave every file as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jatac.cli import app
from tests.conftest import Jatac, new_issue_args


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 1
    assert "no jatac.yaml here or in any folder above" in result.stderr
    assert "jatac init" in result.stderr


def test_repo_found_upward_and_from_environment(jatac: Jatac, monkeypatch: pytest.MonkeyPatch) -> None:
    jatac.new()
    sub = jatac.root / "issues" / "2026"
    monkeypatch.chdir(sub)
    assert "JAT-2026-0001" in CliRunner().invoke(app, ["list"]).stdout
    monkeypatch.chdir(jatac.root.parent)
    result = CliRunner().invoke(app, ["list"], env={"JATAC_REPO": str(jatac.root)})
    assert "JAT-2026-0001" in result.stdout


def test_repo_option_pointing_nowhere(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--repo", str(tmp_path), "list"])
    assert result.exit_code == 1
    assert "is not a jatac case repository" in result.stderr


@pytest.mark.parametrize(
    "bad_id",
    ["../x", "../../etc/passwd", "JAT-2026-0001/../../x", "JAT-2026-1;rm", "jat-2026-0001"],
)
def test_ids_with_paths_in_them_are_refused(jatac: Jatac, bad_id: str) -> None:
    jatac.new()
    before = jatac.snapshot()
    for command in (["show", bad_id], ["set", bad_id, "priority=low"], ["history", bad_id]):
        result = jatac(*command, ok=False)
        assert "is not a case id" in result.stderr
    assert jatac.snapshot() == before


def test_unknown_case(jatac: Jatac) -> None:
    assert "there is no case JAT-2026-0042" in jatac("show", "JAT-2026-0042", ok=False).stderr


def test_git_without_an_identity_refuses_before_writing(
    jatac: Jatac, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac.new()
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    before = jatac.snapshot()
    result = jatac("set", "JAT-2026-0001", "priority=low", ok=False)
    assert "git does not know who you are" in result.stderr
    assert "git config --global user.name" in result.stderr
    assert jatac.snapshot() == before


def test_a_hand_edited_file_is_not_clobbered(jatac: Jatac) -> None:
    case_id = jatac.new()
    path = jatac.root / "issues/2026" / f"{case_id}.yaml"
    path.write_text(path.read_text() + "# a note typed by hand, not yet committed\n")
    before = jatac.snapshot()
    result = jatac("set", case_id, "priority=low", ok=False)
    assert "has changes that are not committed" in result.stderr
    assert jatac.snapshot() == before
    # the hint names the file, so it works as printed (from the repository's folder)
    hint = " ".join(result.stderr.split())
    discard = f"git checkout -- issues/2026/{case_id}.yaml"
    assert f"In {jatac.root}:" in hint and discard in hint
    import subprocess

    subprocess.run(discard, shell=True, cwd=jatac.root, check=True)
    jatac("set", case_id, "priority=low")
    path.write_text(path.read_text() + "# another note\n")
    commit = f'git add issues/2026/{case_id}.yaml && git commit -m "Edited by hand"'
    assert commit in " ".join(jatac("set", case_id, "priority=high", ok=False).stderr.split())
    subprocess.run(commit, shell=True, cwd=jatac.root, check=True, capture_output=True)
    jatac("set", case_id, "priority=high")


def test_a_failed_commit_puts_the_file_back(jatac: Jatac) -> None:
    case_id = jatac.new()
    hook = jatac.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = jatac.snapshot()
    result = jatac("set", case_id, "priority=low", ok=False)
    assert "git commit failed" in result.stderr
    assert "policy says no" in result.stderr
    assert jatac.snapshot() == before
    assert jatac.status() == ""


def test_a_failed_commit_of_a_new_case_leaves_no_file(jatac: Jatac) -> None:
    hook = jatac.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = jatac.snapshot()
    jatac(*new_issue_args("x y"), ok=False)
    assert jatac.snapshot() == before
    assert jatac.status() == ""


def test_not_a_git_repository(tmp_path: Path) -> None:
    from jatac.setup.init import starter_config

    root = tmp_path / "plain"
    root.mkdir()
    (root / "jatac.yaml").write_text(starter_config("Plain", "PL"))
    jatac = Jatac(root)
    if (tmp_path / ".git").exists() or os.environ.get("GIT_DIR"):
        pytest.skip("temp dir sits inside a git repository")
    result = jatac(*new_issue_args("x y"), ok=False)
    assert "not in a git repository" in result.stderr
    assert not (root / "issues").exists() or not any((root / "issues").rglob("*.yaml"))


def test_init_without_identity_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--name", "X"])
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("prefix", ["J", "jat1", "TOOLONGPREFIX"])
def test_init_bad_prefix(tmp_path: Path, prefix: str) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--name", "X", "--prefix", prefix])
    assert result.exit_code == 1
    assert "cannot be an id prefix" in result.stderr
    assert not (tmp_path / "new").exists()


def test_a_folder_that_cannot_be_written_is_a_clear_error(jatac: Jatac, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    result = jatac("agenda", "2026-12-14", "-f", "md", "--out", str(blocked / "agenda.md"), ok=False)
    assert result.exit_code == 1 and f"error: File exists ({blocked})" in result.stderr
    assert "unexpected" not in result.stderr
