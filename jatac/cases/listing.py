"""Finding cases: filters for `list`, and open cases that may be the same problem.

Reading only: nothing here imports the round-trip YAML machinery or, while the index and
the settings cache are current, the models; so `list` starts fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from jatac.errors import Problem, Refused
from jatac.models.vocab import OPEN_VALUES as OPEN
from jatac.models.vocab import Status
from jatac.storage.repository import KINDS, Repository

CASE = KINDS["case"]


RECENT_YEARS = 3  # a place closed this recently and raised again is a recurring place


def similar_open(repo: Repository, location: str, category: str) -> list[dict[str, Any]]:
    """Open cases at ``location`` in ``category``: maybe the same problem as a new one
    (their facts: id, title and the fields `list` shows)."""
    return same_place(repo, location, category, None, None)[0]


def same_place(
    repo: Repository, location: str, category: str, place: str | None, today: date | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What a new case at ``location`` meets there (the cases' facts): the open cases in
    ``category`` (maybe the same problem), and the cases closed there in the last
    ``RECENT_YEARS`` years before ``today`` (None: none asked for) in the same category or
    at the same ``place``, newest first (a recurring place).

    new-issue asks before it writes the new case, so this read finds the index as the
    last command left it rather than parsing (and re-indexing) the file just written.
    """
    location = repo.settings.resolve_locality(location) or location
    data, _ = repo.facts(CASE)
    here = [d for d in data if d["location"] == location]
    open_ = [d for d in here if d["status"] in OPEN and d["category"] == category]
    if today is None:
        return open_, []
    since = _years_before(today, RECENT_YEARS).isoformat()
    wanted = _words(place) if place else None
    closed = [
        d
        for d in here
        if d["status"] == Status.closed.value
        and (d.get("closed_on") or "") >= since
        and (d["category"] == category or (wanted is not None and _words(d.get("place")) == wanted))
    ]
    closed.sort(key=lambda d: (d.get("closed_on") or "", d["id"]), reverse=True)
    return open_, closed


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _words(text: str | None) -> str:
    """A place as compared: the same words, whatever the case and punctuation."""
    return " ".join(re.findall(r"\w+", (text or "").lower()))


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
