"""Writing rendered documents where a coordinator finds them, never into the case files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jatac.render.engine import render
from jatac.store import Repository, atomic_write

SUFFIX = {"md": ".md", "html": ".html", "pdf": ".pdf"}


def build_dir(repo: Repository) -> Path:
    """The repository's git-ignored build/ folder."""
    return repo.root / "build"


def build_is_ignored(repo: Repository) -> bool:
    ignore = repo.root / ".gitignore"
    if not ignore.is_file():
        return False
    lines = {line.strip() for line in ignore.read_text(encoding="utf-8").splitlines()}
    return bool(lines & {"build", "build/", "/build", "/build/"})


def write(
    repo: Repository,
    template: str,
    fmt: str,
    context: dict[str, Any],
    stem: str,
    out: Path | None = None,
    assets: dict[str, bytes] | None = None,
) -> Path:
    """Render ``template`` and write it atomically to ``out`` or build/STEM.EXT; returns the path."""
    data = render(repo.root, template, fmt, context, assets)
    path = out if out is not None else build_dir(repo) / f"{stem}{SUFFIX[fmt]}"
    atomic_write(path, data)
    return path
