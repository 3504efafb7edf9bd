"""Reviews of adopted cases: a dated record on the case, and when the next one is due.

Each adopted case is due for review after the days ``review_days`` gives for its risk
level; a review is recorded as ``reviews: [{on, note, next}]`` on the case, with
``reviewed_on`` kept as the latest review's date. ``next``, when the group sets it,
is when the next review is due instead of the risk level's interval.
"""

from __future__ import annotations

from datetime import date

from ruamel.yaml.comments import CommentedSeq

from jatac.cases.lifecycle import CASE, revise_case
from jatac.clock import today
from jatac.errors import Refused
from jatac.git.revision import commit_revision
from jatac.models.case import Issue, Review
from jatac.models.vocab import REVIEWED
from jatac.storage.problems import check_new
from jatac.storage.repository import Repository
from jatac.storage.yaml_roundtrip import ensure, set_field, to_yaml


def record(
    repo: Repository,
    case_id: str,
    *,
    note: str,
    next_on: date | None = None,
    meeting: str | None = None,
    no_commit: bool = False,
) -> Issue:
    """Record a review of an adopted case, dated today (the meeting's day, from minutes)."""
    note = note.strip()
    if not note:
        raise Refused("say what the review found", hint='For example: --note "Calls down by a third"')
    loaded = repo.open(CASE, case_id)
    case: Issue = loaded.record
    if case.status.value not in REVIEWED:
        raise Refused(f"{case_id} is {case.status.value}; only an adopted or escalated case is reviewed")
    on = today()
    if next_on is not None and next_on <= on:
        raise Refused(f"the next review ({next_on}) must be after this one ({on})")
    # checked as a new record is (the note is one line of plain text), not built unchecked
    review = check_new(Review, {"on": on, "note": note, "next": next_on}, repo.config, "new review")
    doc = loaded.doc
    ensure(doc, "reviews", CommentedSeq(), CASE.fields).append(to_yaml(review.model_dump()))
    set_field(doc, "reviewed_on", on, CASE.fields)
    revision = revise_case(repo, loaded, doc)
    due = revision.record.next_review(repo.config.review_days)
    revision.body.append(f"Next review by {due}" + (" (set at this review)." if next_on else "."))
    commit_revision(
        repo,
        revision,
        command="review",
        no_commit=no_commit,
        meeting=meeting,
        subject=f"{case_id}: reviewed, next review by {due}",
    )
    return revision.record


def already(case: Issue, note: str, on: date) -> bool:
    """Whether this review is recorded already (a minutes decision applied twice)."""
    return any(r.on == on and r.note == note.strip() for r in case.reviews)
