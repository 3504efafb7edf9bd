"""Retention: records kept no longer than jatac.yaml says, then removed in one commit.

git history still holds what was removed; README explains how a partnership
purges it (git filter-repo) when the right to erasure requires it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jatac.clock import add_months, today
from jatac.git.change import Change
from jatac.models.case import Status
from jatac.storage.repository import KINDS, Repository


@dataclass
class Due:
    kind: str
    record_id: str
    relpath: str
    since: date
    due: date
    why: str


def due_records(repo: Repository, on: date | None = None) -> list[Due]:
    on = on or today()
    keep = repo.config.retention
    found = []
    cases, _ = repo.records(KINDS["case"])
    for case in cases:
        if case.status is Status.closed and case.closed_on:
            since, years, why = case.closed_on, keep.closed_years, f"closed {case.closed_on}"
        elif case.status in {Status.rejected, Status.referred}:
            since, years, why = (
                case.raised_on,
                keep.rejected_years,
                f"{case.status.value}, raised {case.raised_on}",
            )
        else:
            continue
        due = add_months(since, 12 * years)
        if due <= on:
            found.append(Due("case", case.id, repo.relpath(KINDS["case"], case.id), since, due, why))
            package = repo.relpath(KINDS["sara"], case.id)
            if (repo.root / package).exists():
                found.append(Due("SARA package", case.id, package, since, due, why))
    minutes, _ = repo.records(KINDS["minutes"])
    meetings = {m.id: m for m in repo.records(KINDS["meeting"])[0]}
    for m in minutes:
        held = meetings[m.id].date if m.id in meetings else date.fromisoformat(m.id[:10])
        due = add_months(held, 12 * keep.minutes_years)
        if due <= on:
            found.append(
                Due("minutes", m.id, repo.relpath(KINDS["minutes"], m.id), held, due, f"meeting {held}")
            )
    return sorted(found, key=lambda d: (d.due, d.relpath))


def apply(repo: Repository, on: date | None = None) -> list[Due]:
    found = due_records(repo, on)
    if not found:
        return []
    with Change(
        repo, command="retention", subject=f"Retention: {len(found)} record(s) past their period removed"
    ) as change:
        change.body.append("Kept no longer than jatac.yaml's retention says; git history still holds them.")
        for d in found:
            change.body.append(f"{d.relpath}: {d.why}, due for removal {d.due}")
            change.remove(d.relpath)
    return found
