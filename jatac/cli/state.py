"""What the top-level options chose, for the commands to read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jatac.store import Repository

repo_path: str | None = None


def open_repo() -> Repository:
    from jatac.store import Repository

    return Repository.find(repo_path)
