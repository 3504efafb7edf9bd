"""Finding cases: filters for `list`, and open cases that may be the same problem.

Reading only: nothing here imports the round-trip YAML machinery or, while the index and
the settings cache are current, the models; so `list` starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jatac.errors import Problem, Refused
from jatac.models.vocab import OPEN_VALUES as OPEN
from jatac.models.vocab import Status
from jatac.storage.repository import KINDS, Repository

CASE = KINDS["case"]


def similar_open(repo: Repository, location: str, category: str) -> list[dict[str, Any]]:
    """Open cases at ``location`` in ``category``: maybe the same problem as a new one
    (their facts: id, title and the fields `list` shows).

    new-issue asks before it writes the new case, so this read finds the index as the
    last command left it rather than parsing (and re-indexing) the file just written.
    """
    location = repo.settings.resolve_locality(location) or location
    data, _ = repo.facts(CASE)
    return [
        d for d in data if d["status"] in OPEN and d["location"] == location and d["category"] == category
    ]


@dataclass
class CaseFilter:
    statuses: set[str] | None = None
    category: str | None = None
    location: str | None = None
    agency: str | None = None
    localities: set[str] | None = None  # the location and the estates within it
    include_closed: bool = False

    def __call__(self, case: dict[str, Any]) -> bool:
        """Whether a case (as its checked data) is wanted: thousands are filtered, few are shown."""
        if self.statuses is not None:
            if case["status"] not in self.statuses:
                return False
        elif not self.include_closed and case["status"] not in OPEN:
            return False
        if self.category and case["category"] != self.category:
            return False
        if self.localities is not None and case["location"] not in self.localities:
            return False
        return not (self.agency and self.agency not in {case["raised_by"], case.get("lead")})


def list_cases(repo: Repository, keep: CaseFilter) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The wanted cases as their facts (``CASE.facts``, from the index's small head: thousands
    are read, few are shown), and the problems of files that could not be read."""
    settings = repo.settings
    if keep.statuses:
        unknown = keep.statuses - {s.value for s in Status}
        if unknown:
            raise Refused(
                f"unknown status {', '.join(sorted(unknown))}",
                hint="Statuses: " + ", ".join(s.value for s in Status),
            )
    if keep.location:
        resolved = settings.resolve_locality(keep.location)
        if resolved is None:
            raise Refused(f"unknown locality {keep.location!r}", hint="See the localities in jatac.yaml.")
        keep.localities = settings.locality_and_within(resolved)
    for value, known, what in (
        (keep.category, settings.categories, "category"),
        (keep.agency, settings.agencies, "agency"),
    ):
        if value and value not in known:
            raise Refused(f"unknown {what} {value!r}", hint=f"Known: {', '.join(sorted(known))}")
    data, problems = repo.facts(CASE)
    return [d for d in data if keep(d)], problems
