"""Finding cases: filters for `list`, and open cases that may be the same problem.

Reading only: nothing here imports the round-trip YAML machinery, so `list` starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from jatac.errors import Problem, Refused
from jatac.models.case import OPEN_STATUSES, Issue, Status
from jatac.store import KINDS, Repository

CASE = KINDS["case"]


def similar_open(repo: Repository, issue: Issue) -> list[Issue]:
    """Other open cases at the same locality in the same category: maybe the same problem."""
    records, _ = repo.load_all(CASE)
    return [
        c
        for c in records
        if c.id != issue.id and c.is_open and c.location == issue.location and c.category == issue.category
    ]


@dataclass
class CaseFilter:
    statuses: set[str] | None = None
    category: str | None = None
    location: str | None = None
    agency: str | None = None
    localities: set[str] | None = None  # the location and the estates within it
    include_closed: bool = False

    def __call__(self, issue: Issue) -> bool:
        if self.statuses is not None:
            if issue.status.value not in self.statuses:
                return False
        elif not self.include_closed and issue.status not in OPEN_STATUSES:
            return False
        if self.category and issue.category != self.category:
            return False
        if self.localities is not None and issue.location not in self.localities:
            return False
        return not (self.agency and self.agency not in {issue.raised_by, issue.lead})


def list_cases(repo: Repository, keep: CaseFilter) -> tuple[list[Issue], list[Problem]]:
    cfg = repo.config
    if keep.statuses:
        unknown = keep.statuses - {s.value for s in Status}
        if unknown:
            raise Refused(
                f"unknown status {', '.join(sorted(unknown))}",
                hint="Statuses: " + ", ".join(s.value for s in Status),
            )
    if keep.location:
        resolved = cfg.resolve_locality(keep.location)
        if resolved is None:
            raise Refused(f"unknown locality {keep.location!r}", hint="See the localities in jatac.yaml.")
        keep.localities = cfg.locality_and_within(resolved)
    for value, known, what in (
        (keep.category, cfg.category_by_id, "category"),
        (keep.agency, cfg.agency_by_id, "agency"),
    ):
        if value and value not in known:
            raise Refused(f"unknown {what} {value!r}", hint=f"Known: {', '.join(sorted(known))}")
    records, problems = repo.load_all(CASE)
    return [r for r in records if keep(r)], problems
