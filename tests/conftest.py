"""Shared fixtures: a real git repository in a temp dir, a fixed clock, a known git identity."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jatac.cli import app

TODAY = "2026-11-16"  # a Monday; every test runs on this date


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Coordinator\n\temail = coordinator@example.org\n"
        "[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("JATAC_TODAY", TODAY)
    monkeypatch.delenv("JATAC_REPO", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


class Jatac:
    """Runs the real CLI against one repository and reads its git log."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        ok: bool = True,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ):
        result = self.runner.invoke(app, ["--repo", str(self.root), *args], input=input, env=env)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"jatac {' '.join(args)} exited {result.exit_code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{result.exception!r}"
            )
        if not ok:
            assert result.exit_code != 0, f"expected failure, got:\n{result.stdout}"
            assert "Traceback" not in result.output
        return result

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout

    def commits(self) -> list[str]:
        return self.git("log", "--format=%s").splitlines()

    def snapshot(self) -> dict[str, bytes]:
        """Every file in the work tree (not .git), to prove nothing changed."""
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            # .jatac/ is jatac's git-ignored local state (lock, index), not the repository's content
            if p.is_file() and not {".git", ".jatac"} & set(p.relative_to(self.root).parts)
        }

    def status(self) -> str:
        return self.git("status", "--porcelain")

    def new(
        self, title: str = "ASB at Melrose Avenue shops", env: dict[str, str] | None = None, **options: str
    ) -> str:
        """Raise a case through the CLI; returns its id."""
        return str(self(*new_issue_args(title, **options), env=env).stdout.split()[0])

    def adopt(self, case: str, lead: str = "asb-team", manager: str = "ASB Team Leader", *more: str) -> None:
        """Adopt a case through the CLI (``more``: further options, e.g. "--risk", "high")."""
        self("adopt", case, "--lead", lead, "--problem-manager", manager, *more)


def new_issue_args(title: str = "ASB at Melrose Avenue shops", **options: str) -> list[str]:
    """`new-issue` with the starter repository's usual answers (options override them)."""
    fields = {"category": "asb", "location": "town-centre", "raised-by": "police", "priority": "high"}
    fields.update({k.replace("_", "-"): v for k, v in options.items()})
    args = ["new-issue", "--title", title]
    for key, value in fields.items():
        args += [f"--{key}", value]
    return args


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    from jatac.setup.init import init

    return init(tmp_path / "csp", name="Test CSP", prefix="JAT").root


@pytest.fixture
def jatac(repo: Path) -> Jatac:
    return Jatac(repo)


@pytest.fixture
def write(repo: Path) -> Callable[[str, str], Path]:
    def _write(relpath: str, text: str) -> Path:
        path = repo / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def editor(tmp_path: Path, code: str, name: str = "editor.py") -> dict[str, str]:
    """The environment for an EDITOR that runs the Python ``code`` on the file (argv[1])."""
    script = tmp_path / name
    script.write_text(code, encoding="utf-8")
    return {"EDITOR": f"{sys.executable} {script}"}


# -- real processes: killed, interrupted, paused inside git --------------------------------


def jatac_process(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """A real `python -m jatac` in its own process group (so a test can kill it with its git)."""
    import os

    return subprocess.Popen(
        [sys.executable, "-m", "jatac", "--repo", str(root), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def git_hook(root: Path, name: str, body: str) -> None:
    """Install a real git hook (a shell script) in the repository."""
    hook = root / ".git" / "hooks" / name
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    hook.chmod(0o755)


def paused_mid_change(
    jatac: Jatac, *args: str, hook_exit: int = 1, seconds: int = 60
) -> subprocess.Popen[str]:
    """A real `jatac set` (or ``args``) stopped inside git's commit: its file written and staged,
    git waiting in a pre-commit hook that sleeps, then exits ``hook_exit``."""
    marker = jatac.root.parent / f"in-hook-{len(list(jatac.root.parent.glob('in-hook-*')))}"
    git_hook(jatac.root, "pre-commit", f'touch "{marker}"\nsleep {seconds}\nexit {hook_exit}\n')
    proc = jatac_process(jatac.root, *(args or ("set", "JAT-2026-0001", "priority=low")))
    wait_for(marker.exists)
    return proc


def kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill a process started by jatac_process and everything it started (git, its hook)."""
    import os
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)


def read_state(root: Path, relpath: str) -> Any:
    """A file of jatac's local state (.jatac/), opened with this user's key."""
    import json

    from jatac.storage import local_state

    payload = local_state.read(root, root / relpath)
    assert payload is not None, f"{relpath} does not open with this user's key"
    return json.loads(payload)


def write_state(root: Path, relpath: str, data: Any) -> None:
    """Write a file of jatac's local state as jatac on this computer would (sealed)."""
    import json

    from jatac.storage import local_state

    assert local_state.write(root, root / relpath, json.dumps(data).encode())


# -- a real SMTP server (aiosmtpd on 127.0.0.1), and what it received -------------------------


class Inbox:
    """What the SMTP server received: (envelope recipients, the parsed message)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> EmailMessage:
        found = [m for rcpt, m in self.received if address in rcpt]
        assert len(found) == 1, [r for r, _ in self.received]
        return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, dict[str, str]]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, smtp_env(port)
    finally:
        controller.stop()


def smtp_env(port: int) -> dict[str, str]:
    """The settings that point jatac at the test server on ``port`` (plain SMTP, a sender)."""
    return {
        "JATAC_SMTP_HOST": "127.0.0.1",
        "JATAC_SMTP_PORT": str(port),
        "JATAC_SMTP_TLS": "none",
        "JATAC_SMTP_FROM": "csp-tasking@council.example.org",
    }


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 20-case example partnership, made once per test module."""
    from jatac.setup.demo import make_demo

    return make_demo(tmp_path_factory.mktemp("example") / "repo").root


@pytest.fixture
def example(built_example: Path, tmp_path: Path) -> Jatac:
    """A copy of the example partnership (its own git repository) for one test."""
    import shutil

    where = tmp_path / "repo"
    shutil.copytree(built_example, where, symlinks=True, ignore=shutil.ignore_patterns(".jatac"))
    return Jatac(where)


def commit_all(jatac: Jatac, message: str = "A partner's edit") -> None:
    """Commit everything in the tree as a partner would, around jatac (no hook)."""
    jatac.git("add", "-A")
    jatac.git("commit", "--quiet", "--no-verify", "-m", message)
