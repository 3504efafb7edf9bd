"""Installing as a newcomer does: a wheel built from this checkout, installed into a fresh venv.

The build must print no warning, the wheel must carry the whole example (its .gitignore too),
and the demo made by the installed jatac must be clean; each hint it prints must work as printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the wheel, the build's log). Built from a copy: a build writes build/ into its source."""
    where = tmp_path_factory.mktemp("wheel")
    source = where / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-v", "-w", str(where / "dist")],
        capture_output=True,
        text=True,
        env=env,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    (wheel,) = (where / "dist").glob("jatac-*.whl")
    return wheel, log


def test_the_build_prints_no_warning_and_uses_current_metadata(built: tuple[Path, str]) -> None:
    wheel, log = built
    warnings = [line for line in log.splitlines() if "warn" in line.lower() or "deprecat" in line.lower()]
    assert warnings == []
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        names = z.namelist()
    assert "License-Expression: MIT" in meta
    assert "License-File: LICENSE" in meta
    assert "Classifier: Programming Language :: Python :: 3.11" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_the_wheel_ships_every_file_of_the_example(built: tuple[Path, str]) -> None:
    wheel, _ = built
    tracked = subprocess.run(
        ["git", "ls-files", "cases"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "cases/.gitignore" in tracked
    with zipfile.ZipFile(wheel) as z:
        shipped = {n.removeprefix("jatac/example/") for n in z.namelist() if n.startswith("jatac/example/")}
    assert {t.removeprefix("cases/") for t in tracked} <= shipped


@pytest.fixture(scope="module")
def installed(built: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed (its dependencies are lent by this venv)."""
    wheel, _ = built
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    # after the venv's own site-packages, so jatac itself comes from the wheel, not this checkout
    Path(site, "zz_lent_dependencies.pth").write_text("\n".join(sorted(lent)) + "\n", encoding="utf-8")
    return bindir


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No venv on PATH (as after `make demo` or `pipx install` without ensurepath)."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "JATAC_REPO"}}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    assert shutil.which("jatac", path=env["PATH"]) is None or "venv" not in str(shutil.which("jatac"))
    return env


def test_the_demo_from_the_installed_wheel_is_clean_and_its_hints_work(
    installed: Path, tmp_path: Path
) -> None:
    env = _clean_env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [str(installed / "python"), "-c", "import jatac; print(jatac.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where  # the wheel's jatac, not this checkout's
    run = subprocess.run(
        [str(installed / "jatac"), "demo", "build/jatac-demo"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    demo = work / "build" / "jatac-demo"
    assert (demo / ".gitignore").read_text(encoding="utf-8") == (ROOT / "cases" / ".gitignore").read_text(
        encoding="utf-8"
    )
    status = subprocess.run(["git", "status", "--porcelain"], cwd=demo, capture_output=True, text=True)
    assert status.stdout == ""  # .jatac/ and build/ are ignored, as in the example
    doctor = subprocess.run(
        [str(installed / "jatac"), "--repo", str(demo), "doctor"], env=env, capture_output=True, text=True
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    hints = [line.split("Try:")[-1].strip() for line in run.stdout.splitlines() if "--repo" in line]
    assert len(hints) == 2
    for hint in hints:
        followed = subprocess.run(hint, shell=True, cwd=work, env=env, capture_output=True, text=True)
        assert followed.returncode == 0, f"{hint}\n{followed.stderr}"
        assert followed.stdout.strip()


def test_the_readme_gives_windows_its_own_paths_and_names_the_editor() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv\\Scripts\\jatac demo" in readme
    assert not [line for line in readme.splitlines() if "Windows" in line and ".venv/bin" in line]
    for word in ("VISUAL", "EDITOR", "`vi`", "Notepad"):
        assert word in readme


def test_edit_says_which_editor_it_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from jatac.cli import app
    from jatac.cli.editing import editor_command

    monkeypatch.delenv("EDITOR", raising=False)
    assert editor_command() == (["notepad"] if os.name == "nt" else ["vi"])
    monkeypatch.setenv("EDITOR", "nano -w")
    assert editor_command() == ["nano", "-w"]
    shown = CliRunner().invoke(app, ["edit", "--help"]).stdout
    assert "$EDITOR" in shown and "vi" in shown
