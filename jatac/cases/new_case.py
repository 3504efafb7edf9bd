"""Raising a new case as new-issue does: the case written and committed, then the other
open cases that may be the same problem (read from the index: a few milliseconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jatac.cases.listing import same_place
from jatac.storage import index
from jatac.storage.repository import KINDS, Repository

if TYPE_CHECKING:
    from jatac.models.case import Issue

CASE = KINDS["case"]


def raise_case(repo: Repository, **fields: Any) -> tuple[Issue, list[dict[str, Any]], list[dict[str, Any]]]:
    """``cases.new_issue(repo, **fields)``, the other open cases at its locality in its
    category, and the cases closed there in the last three years (their facts; see
    ``listing.same_place``). The new case goes straight into the index, so the next command
    finds it checked rather than parsing it."""
    from jatac.cases.lifecycle import new_issue
    from jatac.clock import today

    record = new_issue(repo, **fields)
    found_open, found_closed = same_place(
        repo, fields["location"], fields["category"], fields.get("place"), today()
    )
    others = [d for d in found_open if d["id"] != record.id]
    index.remember(repo, CASE, repo.relpath(CASE, record.id), record.id)
    return record, others, found_closed
