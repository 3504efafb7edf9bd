"""What the shell completes after an option or argument: case ids, agencies, localities and
categories of the repository at hand (``--repo``, JATAC_REPO or the folder upward).

Completion runs jatac once per Tab: each list comes from the file names and the cached
settings, never from parsing the cases, and a folder that is no repository completes nothing.
"""

from __future__ import annotations

import os
from typing import Any

import typer


def _repo(ctx: Any) -> Any:
    from jatac.storage.repository import Repository

    explicit = ctx.find_root().params.get("repo") or os.environ.get("JATAC_REPO")
    return Repository.find(explicit)


def _matching(values: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    typed = incomplete.casefold()
    return [(v, h) for v, h in values if v.casefold().startswith(typed)]


def case_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Every case id, newest first (the one a person wants is usually recent)."""
    try:
        from jatac.storage.repository import KINDS

        stems = [stem for _, stem in _repo(ctx).entries(KINDS["case"])]
    except Exception:  # not a repository, an unreadable folder: nothing to offer
        return []
    return _matching([(s, "") for s in sorted(stems, reverse=True)], incomplete)


def agencies(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        config = _repo(ctx).config
    except Exception:
        return []
    return _matching([(a.id, a.name) for a in config.agencies], incomplete)


def localities(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        places = _repo(ctx).settings.places
    except Exception:
        return []
    return _matching([(p[0], p[1]) for p in places], incomplete)


def categories(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        config = _repo(ctx).config
    except Exception:
        return []
    return _matching([(c.id, c.name) for c in config.categories], incomplete)
