"""The demo: a disposable copy of the example partnership, as its own git repository."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jatac.errors import JatacError, Refused
from jatac.git.audit import Audit
from jatac.git.change import Change
from jatac.storage.bundled import bundled
from jatac.storage.outputs import staged_folder
from jatac.storage.repository import CONFIG_FILE, Repository

MARKER = ".jatac-demo"


def example_root() -> Path:
    """The example case repository: ``cases/`` of a checkout, or the copy shipped in the package."""
    root = bundled("example")
    if not (root / CONFIG_FILE).is_file():
        raise JatacError("the example case repository is missing from this installation")
    return root


def make_demo(target: Path) -> Repository:
    """Copy the example into ``target`` (replacing an earlier demo there) and commit it."""
    target = target.expanduser().resolve()
    if target.exists() and not (target / MARKER).exists():
        raise Refused(
            f"{target} exists and is not a jatac demo folder",
            hint="Name a new folder, e.g. jatac demo /tmp/jatac-demo",
        )
    # copied beside the last demo and swapped in whole, marked: an interrupted copy leaves the
    # last demo (or nothing), never a half-made folder the next `jatac demo` would not replace
    with staged_folder(target) as staging:
        shutil.copytree(
            example_root(),
            staging,
            ignore=shutil.ignore_patterns("build", ".git", ".jatac"),
            dirs_exist_ok=True,
        )
        (staging / MARKER).write_text("made by `jatac demo`; safe to delete\n", encoding="utf-8")
    audit = Audit(target)
    # the demo's own identity, so it runs on a machine where git was never configured
    audit.create("jatac demo", "demo@example.invalid")
    repo = Repository(target)
    with Change(repo, command="demo", subject="Example partnership for the jatac demo") as change:
        # what `git add -A` would take: every file the repository's .gitignore leaves in
        for rel in sorted(p for p in audit.untracked() if not p.startswith(".jatac/")):
            change.take(rel)
    return Repository(target)


@dataclass
class Demo:
    repo: Repository
    open_cases: list[dict[str, Any]]
    agenda: Path | None
    meeting: str | None


def run_demo(target: Path) -> Demo:
    """The main job on the example: its open cases, and the next meeting's agenda as a PDF."""
    from jatac.cases.listing import CaseFilter, list_cases
    from jatac.clock import today
    from jatac.errors import NotFound
    from jatac.meetings.agenda import build
    from jatac.meetings.files import find
    from jatac.models.facts import summary
    from jatac.render.documents import write

    repo = make_demo(target)
    records, _ = list_cases(repo, CaseFilter())
    rows = [summary(r, repo.config.review_days, today()) for r in records]
    try:
        planned = find(repo, None)
    except NotFound:
        return Demo(repo, rows, None, None)
    agenda = build(repo, planned)
    path = write(repo, agenda.template, "pdf", agenda.as_template(), agenda.stem)
    return Demo(repo, rows, path, f"{planned.group.name}, {planned.day}")
