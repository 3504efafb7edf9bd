"""Writing rendered documents where a coordinator finds them, never into the case files.

A document goes to the repository's build/ folder, or where ``--out`` says:
outside the repository, or in build/. The rule is ``jatac.storage.outputs``'s,
one for every output (papers, mail drafts, exports, calendars, the site).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jatac.render.engine import render
from jatac.storage import outputs
from jatac.storage.fs import OutsideRepository, inside
from jatac.storage.repository import Repository, atomic_write

SUFFIX = {"md": ".md", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
BUILD = outputs.FOLDER


def build_dir(repo: Repository) -> Path:
    """The repository's output folder, build/, which git never takes (refused if it is a link
    out of the repository)."""
    return outputs.output_folder(repo.root)


def build_is_ignored(repo: Repository) -> bool:
    """Whether git leaves build/ alone: its own .gitignore, or the repository's naming it."""
    if outputs.ignores_itself(repo.root):
        return True
    try:
        ignore = inside(repo.root, ".gitignore")
    except OutsideRepository:
        return False  # not read: it is a link out of the repository
    if not ignore.is_file():
        return False
    lines = {line.strip() for line in ignore.read_text(encoding="utf-8").splitlines()}
    return bool(lines & {"build", "build/", "/build", "/build/"})


def destination(repo: Repository, out: Path | None, name: str, *, make: bool = True) -> Path:
    """Where a document (or calendar, or sheet) is written: ``out``, or build/NAME; see
    ``jatac.storage.outputs.place`` for what is refused."""
    return outputs.place(repo.root, out, name, make=make)


def write(
    repo: Repository,
    template: str,
    fmt: str,
    context: dict[str, Any],
    stem: str,
    out: Path | None = None,
    assets: dict[str, bytes] | None = None,
) -> Path:
    """Render ``template`` and write it atomically to ``out`` or build/STEM.EXT; returns the path.
    Word (docx) is built from the same context by jatac.render.docx, not from a template."""
    path = destination(repo, out, f"{stem}{SUFFIX[fmt]}", make=False)  # refused before the work
    if fmt == "docx":
        from jatac.render.docx import render_docx

        data = render_docx(template, context)
    else:
        data = render(repo.root, template, fmt, context, assets)
    atomic_write(outputs.ready(repo.root, path), data)
    return path
