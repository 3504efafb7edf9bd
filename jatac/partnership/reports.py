"""What the partnership monitors: actions by agency, attendance, performance, triggers, hot-spots.

Every figure here is computed from the records as they are, so a report
can always be made again and checked against the case files. A report about
a period counts each case and action as it stood at the period's end (from
their dated records: jatac/cases/as_at.py), so it gives the same figures whenever
it is made.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jatac.clock import add_months, today
from jatac.errors import Refused
from jatac.models.case import Issue
from jatac.models.config import LocalityKind
from jatac.models.sara import ActionStatus, SaraPackage
from jatac.models.vocab import Status
from jatac.storage.repository import KINDS, Repository


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_range(key: str) -> tuple[date, date]:
    year, q = int(key[:4]), int(key[-1])
    start = date(year, 3 * (q - 1) + 1, 1)
    return start, add_months(start, 3) - timedelta(days=1)


def last_quarters(end: date, count: int) -> list[str]:
    keys: list[str] = []
    year, q = end.year, (end.month - 1) // 3 + 1
    for _ in range(count):
        keys.insert(0, f"{year}-Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return keys


def parse_period(text: str, repo: Repository | None = None) -> tuple[str, date, date]:
    """'2026-Q3', '2026' or a financial year '2026-27' -> (label, first day, last day)."""
    from jatac.models.dates import YEARS, in_years

    if re.fullmatch(r"[0-9]{4}(-.*)?", text) and not in_years(int(text[:4])):
        # a report looks back four quarters from the period's end and a year ahead of it
        raise Refused(f"{text!r} is not a period jatac can report on", hint=f"Give a year {YEARS}.")
    if re.fullmatch(r"[0-9]{4}-Q[1-4]", text):
        return (text, *quarter_range(text))
    if re.fullmatch(r"[0-9]{4}", text):
        return text, date(int(text), 1, 1), date(int(text), 12, 31)
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    if match and (int(match[1]) + 1) % 100 == int(match[2]):
        month, day = (4, 1)
        if repo is not None:
            month, day = repo.config.fund.first_day
        start = date(int(match[1]), month, day)
        return text, start, add_months(start, 12) - timedelta(days=1)
    raise Refused(
        f"{text!r} is not a period",
        hint="Write a quarter (2026-Q3), a year (2026) or a financial year (2026-27).",
    )


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


@dataclass
class Data:
    cases: list[Issue]
    packages: dict[str, SaraPackage]


def load(repo: Repository) -> Data:
    cases, _ = repo.records(KINDS["case"])
    by_id = {c.id: c for c in cases}
    packages, _ = repo.records(KINDS["sara"], by_id)
    return Data(cases, {p.case: p for p in packages})


# -- actions ---------------------------------------------------------------------


def actions_by_agency(
    repo: Repository, data: Data, on: date, agency: str | None = None
) -> list[dict[str, Any]]:
    """Open and overdue actions of open cases, by owner agency."""
    names = {a.id: a.name for a in repo.config.agencies}
    rows: dict[str, dict[str, Any]] = {}
    for case in data.cases:
        package = data.packages.get(case.id)
        if package is None or not case.is_open:
            continue
        for a in package.response.actions:
            if a.status is not ActionStatus.open or (agency and a.owner != agency):
                continue
            row = rows.setdefault(
                a.owner,
                {
                    "agency": a.owner,
                    "name": names.get(a.owner, a.owner),
                    "open": 0,
                    "overdue": 0,
                    "oldest_overdue_days": 0,
                },
            )
            row["open"] += 1
            if a.overdue(on):
                row["overdue"] += 1
                row["oldest_overdue_days"] = max(row["oldest_overdue_days"], (on - a.due).days)
    return sorted(rows.values(), key=lambda r: (-r["overdue"], -r["open"], r["name"]))


# -- attendance -------------------------------------------------------------------


def attendance(repo: Repository, since: date, until: date | None = None) -> tuple[list[dict[str, Any]], int]:
    """Per agency: meetings it was expected at, present, apologies, absent. And the meeting count.

    An agency counts as present when any of its members was; otherwise apologies if any sent them.
    """
    until = until or today()
    minutes, _ = repo.records(KINDS["minutes"])
    names = {a.id: a.name for a in repo.config.agencies}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    held = 0
    for m in minutes:
        day = date.fromisoformat(m.meeting[:10])
        if not since <= day <= until:
            continue
        held += 1
        by_agency: dict[str, set[str]] = defaultdict(set)
        for row in m.attendance:
            by_agency[row.agency].add(row.status.value if row.status else "not recorded")
        for agency, states in by_agency.items():
            counts[agency]["expected"] += 1
            for state in ("present", "apologies", "absent", "not recorded"):
                if state in states:
                    counts[agency][state] += 1
                    break
    rows: list[dict[str, Any]] = []
    for agency, c in counts.items():
        recorded = c["expected"] - c["not recorded"]
        rows.append(
            {
                "agency": agency,
                "name": names.get(agency, agency),
                "meetings": c["expected"],
                "present": c["present"],
                "apologies": c["apologies"],
                "absent": c["absent"],
                "rate": round(100 * c["present"] / recorded) if recorded else None,
            }
        )
    rows.sort(key=lambda r: (r["rate"] is None, -(r["rate"] or 0), r["name"]))
    return rows, held


# -- performance --------------------------------------------------------------------


@dataclass
class Performance:
    period: str
    start: date
    end: date
    opened: int
    adopted: int
    closed: int
    outcomes: dict[str, int]
    packages_completed: int
    objectives: dict[str, int]
    overdue_actions: int
    open_actions: int
    escalations: dict[str, int]
    quarters: list[str]
    by_locality: list[dict[str, Any]] = field(default_factory=list)
    by_category: list[dict[str, Any]] = field(default_factory=list)
    raised_by_quarter: list[int] = field(default_factory=list)
    closed_by_quarter: list[int] = field(default_factory=list)


def _trend(cases: list[Issue], quarters: list[str], attr: str, names: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted({getattr(c, attr) for c in cases if quarter_of(c.raised_on) in quarters}):
        counts = [
            sum(1 for c in cases if getattr(c, attr) == key and quarter_of(c.raised_on) == q)
            for q in quarters
        ]
        rows.append(
            {"id": key, "name": getattr(names.get(key), "name", key), "counts": counts, "total": sum(counts)}
        )
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


def performance(repo: Repository, data: Data, period: str) -> Performance:
    """The Performance Group's figures for ``period``, each case and action as it stood at
    the period's end: made again later, the report says the same."""
    from jatac.cases.as_at import case_at, entered, package_at

    label, start, end = parse_period(period, repo)
    cfg = repo.config
    then = {c.id: at for c in data.cases if (at := case_at(c, end)) is not None}
    cases = list(then.values())
    originals = [c for c in data.cases if c.id in then]
    quarters = last_quarters(end, 4)

    def closed_within(first: date, last: date) -> dict[str, date]:
        """Cases closed between the two days, and the last day each was closed on."""
        found = {c.id: entered(c, Status.closed, first, last) for c in originals}
        return {case_id: days[-1] for case_id, days in found.items() if days}

    closed = closed_within(start, end)
    by_id = {c.id: c for c in originals}
    outcomes: Counter[str] = Counter()
    for case_id, day in closed.items():
        when = case_at(by_id[case_id], day)
        if when is not None and when.outcome is not None:
            outcomes[when.outcome.value] += 1
    objectives: Counter[str] = Counter()
    completed = overdue = open_actions = 0
    for case_id, package in data.packages.items():
        if case_id not in then:
            continue
        as_at = package_at(package, end)
        a = as_at.assessment
        if a is not None and not a.missing() and _within(a.completed_on, start, end):
            completed += 1
            if a.objective_met:
                objectives[a.objective_met.value] += 1
        for action in as_at.response.actions:
            if action.status is ActionStatus.open:  # open at the end of the period
                open_actions += 1
                overdue += action.due < end
    escalations = Counter(e.to for c in cases for e in c.escalations if _within(e.on, start, end))
    per_quarter = [closed_within(*quarter_range(q)) for q in quarters]
    return Performance(
        period=label,
        start=start,
        end=end,
        opened=sum(1 for c in cases if _within(c.raised_on, start, end)),
        adopted=sum(1 for c in originals if entered(c, Status.adopted, start, end, Status.proposed)),
        closed=len(closed),
        outcomes=dict(outcomes),
        packages_completed=completed,
        objectives=dict(objectives),
        overdue_actions=overdue,
        open_actions=open_actions,
        escalations=dict(escalations),
        quarters=quarters,
        by_locality=_trend(cases, quarters, "location", cfg.locality_by_id),
        by_category=_trend(cases, quarters, "category", cfg.category_by_id),
        raised_by_quarter=[sum(1 for c in cases if quarter_of(c.raised_on) == q) for q in quarters],
        closed_by_quarter=[len(found) for found in per_quarter],
    )


# -- triggers and hot-spots -----------------------------------------------------------


def _place_key(case: Issue) -> tuple[str, str]:
    place = re.sub(r"[^a-z0-9 ]", "", (case.place or "").casefold())
    return case.location, re.sub(r"\s+", " ", place).strip()


def triggers(repo: Repository, data: Data, on: date) -> list[dict[str, Any]]:
    """Places and people (by pseudonym) with at least N reports in the last M months."""
    rule = repo.config.case_review
    since = add_months(on, -rule.months)
    recent = [c for c in data.cases if since < c.raised_on <= on]
    names = {loc.id: loc.name for loc in repo.config.localities}
    places: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    people: dict[str, list[Issue]] = defaultdict(list)
    for c in recent:
        places[_place_key(c)].append(c)
        for link in c.people:
            people[link.ref].append(c)
    rows = []
    for (loc, place), found in places.items():
        if len(found) >= rule.reports:
            label = f"{found[-1].place}, {names.get(loc, loc)}" if place else names.get(loc, loc)
            rows.append(
                {"kind": "place", "what": label, "reports": len(found), "cases": [c.id for c in found]}
            )
    for ref, found in people.items():
        if len(found) >= rule.reports:
            rows.append(
                {"kind": "person", "what": ref, "reports": len(found), "cases": [c.id for c in found]}
            )
    return sorted(rows, key=lambda r: (-r["reports"], r["what"]))


def hotspots(
    repo: Repository, data: Data, on: date, recurring: int = 3, window: int = 8
) -> tuple[list[dict[str, Any]], list[str]]:
    """Localities with cases in at least ``recurring`` of the last ``window`` quarters, and
    estates whose cases are rising (last two quarters against the two before)."""
    quarters = last_quarters(on, window)
    cfg = repo.config
    rows: list[dict[str, Any]] = []
    for loc in cfg.localities:
        per_q = [
            sum(1 for c in data.cases if c.location == loc.id and quarter_of(c.raised_on) == q)
            for q in quarters
        ]
        active = sum(1 for n in per_q if n)
        earlier, later = sum(per_q[-4:-2]), sum(per_q[-2:])
        rising = loc.kind is LocalityKind.estate and later > earlier and later >= 2
        if active >= recurring or rising:
            rows.append(
                {
                    "locality": loc.id,
                    "name": loc.name,
                    "kind": loc.kind.value,
                    "quarters_with_cases": active,
                    "counts": per_q,
                    "last_two": later,
                    "two_before": earlier,
                    "flag": " and ".join(
                        x for x, on_ in (("recurring", active >= recurring), ("rising", rising)) if on_
                    ),
                }
            )
    rows.sort(key=lambda r: (-r["quarters_with_cases"], -r["last_two"], r["name"]))
    return rows, quarters


def performance_document(repo: Repository, period: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The performance report's template context and its chart images."""
    from jatac.render import charts

    p = performance(repo, load(repo), period)
    font = "Libertinus Serif"  # the documents' font (templates/_page.typ.j2), built into Typst
    assets = {
        "trend.svg": str(
            charts.columns(
                p.quarters,
                {"Raised": p.raised_by_quarter, "Closed": p.closed_by_quarter},
                "Cases by quarter",
                font,
            )
        ).encode(),
        "localities.svg": str(
            charts.bars(
                [r["name"] for r in p.by_locality[:15]],
                [r["total"] for r in p.by_locality[:15]],
                f"Cases raised by locality, {p.quarters[0]} to {p.quarters[-1]}",
                font,
            )
        ).encode(),
    }
    context = {
        "partnership": repo.config.name,
        "p": p,
        "generated_on": today(),
        "marking": "OFFICIAL",
        "level_name": {e.id: e.name for e in repo.config.escalation},
    }
    return context, assets
