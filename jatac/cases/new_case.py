"""Raising a new case as new-issue does: the case written and committed, then the other
open cases that may be the same problem (read from the index: a few milliseconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jatac.cases.listing import similar_open
from jatac.storage import index
from jatac.storage.repository import KINDS, Repository

if TYPE_CHECKING:
    from jatac.models.case import Issue

CASE = KINDS["case"]


def raise_case(repo: Repository, **fields: Any) -> tuple[Issue, list[dict[str, Any]]]:
    """``cases.new_issue(repo, **fields)``, and the other open cases at its locality in its
    category (their facts). The new case goes straight into the index, so the next command
    finds it checked rather than parsing it."""
    from jatac.cases.lifecycle import new_issue

    record = new_issue(repo, **fields)
    others = [d for d in similar_open(repo, fields["location"], fields["category"]) if d["id"] != record.id]
    index.remember(repo, CASE, repo.relpath(CASE, record.id), record.id)
    return record, others
