"""Writing rendered documents where a coordinator finds them, never into the case files.

A document goes to the repository's build/ folder, or where ``--out`` says.
In the repository, every path goes through ``fs.inside`` (a pushed ``build``
link cannot lead the write out of it), and no document ever replaces a record,
``jatac.yaml``, a template, or anything of git's or jatac's own, however the
path reaches it (``..``, a link to it from outside). Outside the repository,
``--out`` is the person's choice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jatac.errors import Refused
from jatac.render.engine import render
from jatac.storage.fs import OutsideRepository, inside
from jatac.storage.repository import CONFIG_FILE, KINDS, Repository, atomic_write

SUFFIX = {"md": ".md", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
BUILD = "build"


def build_dir(repo: Repository) -> Path:
    """The repository's git-ignored build/ folder (refused if it is a link out of the repository)."""
    return inside(repo.root, BUILD, "rendered document")


def build_is_ignored(repo: Repository) -> bool:
    try:
        ignore = inside(repo.root, ".gitignore")
    except OutsideRepository:
        return False  # not read: it is a link out of the repository
    if not ignore.is_file():
        return False
    lines = {line.strip() for line in ignore.read_text(encoding="utf-8").splitlines()}
    return bool(lines & {"build", "build/", "/build", "/build/"})


def _kept(relpath: str) -> str | None:
    """What a path in the repository holds that no document may replace, or None."""
    parts = Path(relpath).parts
    if not parts or relpath == ".":
        return "the repository's own folder"
    first = parts[0]
    if first in {".git", ".jatac"}:
        return f"in {first}/, {'git' if first == '.git' else 'jatac'}'s own files"
    if relpath in {CONFIG_FILE, ".gitignore", ".gitattributes"}:
        return f"the repository's own {relpath}"
    if first == "templates":
        return "in templates/, the repository's templates"
    if first in {kind.folder for kind in KINDS.values()}:
        return f"in {first}/, where the records are kept"
    return None


def _within(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` if it lies in it, else None (both absolute, normalised)."""
    if path == root:
        return "."
    prefix = root.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else None


def destination(repo: Repository, out: Path | None, name: str) -> Path:
    """Where a document (or calendar, or sheet) is written: ``out``, or build/NAME.

    Refused, with the reason, if the path leads out of the repository through a link in it,
    or would replace a record, ``jatac.yaml``, a template, or anything under .git/ or .jatac/.
    """
    real_root = os.path.realpath(repo.root)
    if out is None:
        build_dir(repo)
        path = inside(repo.root, f"{BUILD}/{name}", "rendered document")
    else:
        path = Path(os.path.abspath(out))
        # named in the repository (however its folder is spelled): no link there may lead it out
        above = next((p for p in path.parents if os.path.realpath(p) == real_root), None)
        if above is not None:
            path = inside(repo.root, path.relative_to(above), "document")
    # the file itself, and the file its folder would receive (a link to a folder in the repository)
    for real in (os.path.realpath(path), os.path.join(os.path.realpath(path.parent), path.name)):
        rel = _within(real, real_root)
        kept = _kept(rel) if rel is not None else None
        if kept is not None:
            shown = str(out) if out is not None else f"{BUILD}/{name}"
            through = "" if real == str(path) else f" (through a link, it is {real})"
            raise Refused(
                f"{shown}{through} is {kept}: jatac will not write a document there",
                hint="Write it somewhere else with --out, or leave --out out: build/ is the place.",
            )
    return path


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
    path = destination(repo, out, f"{stem}{SUFFIX[fmt]}")  # refused before the work, not after
    if fmt == "docx":
        from jatac.render.docx import render_docx

        data = render_docx(template, context)
    else:
        data = render(repo.root, template, fmt, context, assets)
    atomic_write(path, data)
    return path
