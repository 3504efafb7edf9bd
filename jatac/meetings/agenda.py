"""The agenda, assembled from the case repository in the order a tasking meeting runs.

1 welcome and attendance; 2 last minutes and matters arising; 3 the action
log; 4 the current picture; 5 adopted cases; 6 new issues; 7 late items;
8 fund requests; 9 escalations and closures; 10 any other business; 11 the
next meeting. The wide group gets trends, not case detail. ``sections`` is
that list for each kind of group: the agenda's headings and the minutes'
numbered items both come from it, so they cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from jatac.clock import today
from jatac.meetings.files import Planned, following, previous
from jatac.models.case import Issue
from jatac.models.common import LEVEL_ORDER
from jatac.models.meeting import ItemKind
from jatac.models.sara import ActionStatus, Recommendation, SaraPackage
from jatac.models.vocab import OPEN_VALUES, Status
from jatac.storage.repository import KINDS, Repository


def _quarter(day: str) -> str:
    """2026-11-23 -> 2026-Q4 (an ISO date, as a case's facts hold it)."""
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def _counts(values: list[str], names: dict[str, Any]) -> list[dict[str, Any]]:
    counted = Counter(values)
    return [
        {"id": key, "name": getattr(names.get(key), "name", key), "count": n}
        for key, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def template_for(planned: Planned) -> str:
    """The wide group's agenda shows trends; the core group's shows the cases."""
    return "agenda-wide" if planned.group.audience.value == "wide" else "agenda"


@dataclass(frozen=True)
class Section:
    """One numbered item of a group's agenda; its minutes hold an item of the same number and title."""

    number: int
    key: str  # what the templates show under it
    title: str
    resolved: str = ""  # what the minutes usually resolve under it, to start from


_CORE_SECTIONS = [
    ("attendance", "Welcome, attendance and apologies", "That the apologies be noted."),
    (
        "last_minutes",
        "Minutes of the last meeting and matters arising",
        "That the minutes be agreed as a correct record.",
    ),
    ("action_log", "Action log", "That the action log be noted."),
    ("picture", "Current picture", "That the report be noted."),
    ("adopted", "Adopted cases", ""),
    ("new_issues", "New issues", ""),
    ("late_items", "Late items", ""),
    ("fund", "Fund requests", ""),
    ("closure", "Escalations and evaluations for closure", ""),
    ("aob", "Any other business", ""),
    ("next_meeting", "Date of the next meeting", ""),
]
_WIDE_SECTIONS = [
    ("attendance", "Welcome, introductions and apologies", "That the apologies be noted."),
    ("last_minutes", "Minutes of the last meeting", "That the minutes be agreed as a correct record."),
    ("trends", "Trends: cases raised by quarter", "That the trends be noted."),
    ("coordinating", "Work of the Coordinating Group", "That the report be noted."),
    ("partners_items", "Partners' items", ""),
    ("aob", "Any other business", ""),
    ("next_meeting", "Date of the next meeting", ""),
]


def sections(planned: Planned) -> list[Section]:
    """The numbered items of the meeting's agenda, in order: the same for its minutes."""
    rows = _WIDE_SECTIONS if template_for(planned) == "agenda-wide" else _CORE_SECTIONS
    return [Section(number, *row) for number, row in enumerate(rows, start=1)]


def _current(case: dict[str, Any], since: str) -> bool:
    """Whether a case (as checked data) is open, or changed after ``since`` (ISO date)."""
    if case["status"] in OPEN_VALUES:
        return True
    days = [case[k] for k in ("raised_on", "adopted_on", "reviewed_on", "closed_on")]
    days += [e["on"] for e in case["escalations"]]
    return any(d is not None and d > since for d in days)


def build(
    repo: Repository, planned: Planned, audience: str | None = None, include_personal: bool = False
) -> dict[str, Any]:
    """Everything an agenda template may show, for the meeting ``planned``.

    For the wide audience, OFFICIAL-SENSITIVE cases (and partners' items about them) and
    the people linked to cases are left out, and counted, and any other mention of a
    withheld case reads "a withheld case"; ``include_personal`` (core only) shows people's
    names from the restricted store instead of their references. The audience and the
    marking are decided in jatac/guard/audience.py, for both groups and both audiences alike.
    """
    from jatac.guard.audience import decide

    cfg = repo.config
    on = planned.day
    # thousands of cases are read as their facts (the trends count those); models are built
    # only for the cases the agenda can show: open ones, and those changed since the last meeting
    facts, _ = repo.facts(KINDS["case"])
    # who it is for, what they may not see, and (at the end) its marking: decided there only
    reader = decide(repo, planned.group, audience, facts)
    if reader.wide and include_personal:
        from jatac.errors import Refused

        raise Refused("personal details are never shown to the wide audience")
    last = previous(repo, planned)
    since = last.day if last else date.min
    on_iso, since_iso = on.isoformat(), since.isoformat()
    in_time = [d for d in facts if d["raised_on"] <= on_iso]  # ISO dates sort as text
    withheld_ids = {d["id"] for d in in_time if reader.withholds(d["id"])}
    counted = [d for d in in_time if d["id"] not in withheld_ids]
    shown = {d["id"] for d in counted if _current(d, since_iso)}
    cases: list[Issue] = repo.records(KINDS["case"], only=shown)[0]
    names = _people_names(repo) if include_personal else {}
    by_id = {c.id: c for c in cases}
    # only the packages this agenda can show: open cases, and cases closed since the last meeting
    wanted = {c.id for c in cases if c.is_open or (c.closed_on and c.closed_on > since)}
    packages_all, _ = repo.records(KINDS["sara"], by_id, only=wanted)
    packages: dict[str, SaraPackage] = {p.case: p for p in packages_all if p.case in by_id}
    meeting = planned.as_meeting()
    agency_name = {a.id: a.name for a in cfg.agencies}
    open_cases = [c for c in cases if c.is_open]

    # 1 attendance: the members expected at this group
    expected = []
    for agency in cfg.agencies:
        roles = [m.role for m in agency.members_of(planned.group.id)]
        if roles:
            expected.append({"agency": agency.name, "roles": roles})

    # 3 the action log, by owner agency, overdue first
    actions: list[dict[str, Any]] = []
    for case in open_cases:
        package = packages.get(case.id)
        if package is None:
            continue
        for a in package.response.actions:
            if a.status is ActionStatus.open:
                late = a.overdue(on)
                actions.append(
                    {
                        "ref": f"{case.id}/{a.id}",
                        "case": case.id,
                        "case_title": case.title,
                        "what": a.what,
                        "owner": a.owner,
                        "owner_name": agency_name.get(a.owner, a.owner),
                        "due": a.due,
                        "overdue": late,
                        "days_overdue": (on - a.due).days if late else 0,
                        "last_update": a.updates[-1].note if a.updates else "",
                        "marking": case.marking.value,
                    }
                )
    actions.sort(key=lambda r: (not r["overdue"], r["owner_name"], r["due"]))
    by_owner: dict[str, list[dict[str, Any]]] = {}
    for row in actions:
        by_owner.setdefault(row["owner_name"], []).append(row)

    # 2 matters arising: actions the last meeting set
    arising = []
    if last is not None:
        for case_id, package in packages.items():
            for a in package.response.actions:
                if a.meeting in {last.id, last.day.isoformat()}:
                    arising.append(
                        {
                            "ref": f"{case_id}/{a.id}",
                            "what": a.what,
                            "owner": a.owner,
                            "status": "overdue" if a.overdue(on) else a.status.value,
                        }
                    )

    # 4 the current picture
    def changed(attr: str) -> list[Issue]:
        return [c for c in cases if (d := getattr(c, attr)) is not None and since < d <= on]

    escalated_since = [c for c in cases if any(since < e.on <= on for e in c.escalations)]
    picture: dict[str, Any] = {
        "open": len(open_cases),
        "by_priority": [
            {"id": p.value, "name": p.value, "count": sum(1 for c in open_cases if c.priority is p)}
            for p in sorted(LEVEL_ORDER, key=LEVEL_ORDER.__getitem__)
        ],
        "by_locality": _counts([c.location for c in open_cases], cfg.locality_by_id),
        "by_category": _counts([c.category for c in open_cases], cfg.category_by_id),
        "raised": changed("raised_on"),
        "adopted": changed("adopted_on"),
        "closed": changed("closed_on"),
        "escalated": escalated_since,
    }

    # 5 adopted cases, by priority
    adopted = []
    for c in sorted(
        (c for c in open_cases if c.status in {Status.adopted, Status.escalated}),
        key=lambda c: (LEVEL_ORDER[c.priority], c.id),
    ):
        package = packages.get(c.id)
        review = c.next_review(cfg.review_days)
        done, total = package.progress() if package else (0, 0)
        adopted.append(
            {
                "case": c,
                "stage": package.stage.value if package else "no package",
                "lead": agency_name.get(c.lead or "", c.lead),
                "next_review": review,
                "review_due": bool(review and review <= on),
                "actions_done": done,
                "actions_total": total,
            }
        )

    # 6 and 7 new issues and partners' items, on time or late
    deadline = planned.items_due
    # every case still awaiting the group's decision, on time or late
    proposed = [c for c in cases if c.status is Status.proposed]
    items = [i for i in meeting.items if not reader.withholds(i.case)]
    withheld_items = len(meeting.items) - len(items)

    # 8 fund requests the support team has considered, awaiting the group's decision: on every
    # core agenda until decided, without anyone adding an item for them
    fund_requests: list[Any] = []
    if template_for(planned) == "agenda":
        from jatac.partnership.fund import awaiting_decision

        awaiting = awaiting_decision(repo, on)
        fund_requests = [r for r in awaiting if not reader.withholds_record(r)]
        withheld_items += len(awaiting) - len(fund_requests)
    new_items = [i for i in items if i.kind is ItemKind.issue and not i.late]
    late_items = [i for i in items if i.kind is ItemKind.issue and i.late]

    # 9 escalations and evaluations for closure
    for_closure = [
        c
        for c in open_cases
        if (p := packages.get(c.id))
        and p.assessment
        and not p.assessment.missing()
        and p.assessment.recommendation is Recommendation.close
    ]
    being_evaluated = [
        c
        for c in open_cases
        if (p := packages.get(c.id)) and p.assessment is not None and c not in for_closure
    ]

    now = today()
    return reader.prepare(
        {
            "partnership": cfg.name,
            "group": planned.group,
            "meeting": meeting,
            "planned": planned,
            "date": on,
            "time": planned.time,
            "venue": planned.venue,
            "chair": planned.chair,
            "send_by": planned.send_by,
            "items_due": deadline,
            "generated_on": now,
            "sent_late": now > planned.send_by,
            "expected": expected,
            "last": last,
            "arising": arising,
            "actions_by_owner": by_owner,
            "overdue_count": sum(1 for a in actions if a["overdue"]),
            "action_count": len(actions),
            "picture": picture,
            "adopted": adopted,
            "proposed_on_time": [c for c in proposed if c.raised_on <= deadline],
            "proposed_late": [c for c in proposed if c.raised_on > deadline],
            "new_items": new_items,
            "late_items": late_items,
            "fund_items": [i for i in items if i.kind is ItemKind.fund],
            "fund_requests": fund_requests,
            "sections": sections(planned),
            "aob_items": [i for i in items if i.kind is ItemKind.aob],
            "escalated": [c for c in open_cases if c.status is Status.escalated],
            "for_closure": for_closure,
            "being_evaluated": being_evaluated,
            "next_meeting": following(repo, planned),
            "agency_name": agency_name,
            "locality_name": {loc.id: loc.name for loc in cfg.localities},
            "category_name": {cat.id: cat.name for cat in cfg.categories},
            "level_name": {e.id: e.name for e in cfg.escalation},
            "trends": trends(counted, on, cfg),
            "withheld": sum(1 for d in in_time if d["id"] in withheld_ids and d["status"] in OPEN_VALUES)
            + withheld_items,
            "people": {c.id: [f"{names.get(p.ref, p.ref)} ({p.role.value})" for p in c.people] for c in cases}
            if not reader.wide
            else {},
        }
    )


def _people_names(repo: Repository) -> dict[str, str]:
    from jatac.guard.people import resolve

    return resolve(repo)


def _quarters(on: date, quarters: int = 4) -> list[tuple[str, date]]:
    """The last ``quarters`` quarters up to ``on``, oldest first: (key like 2026-Q4, first day)."""
    found: list[tuple[str, date]] = []
    year, q = on.year, (on.month - 1) // 3 + 1
    for _ in range(quarters):
        found.insert(0, (f"{year}-Q{q}", date(year, 3 * q - 2, 1)))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return found


def trends(cases: list[dict[str, Any]], on: date, cfg: Any, quarters: int = 4) -> dict[str, Any]:
    """Cases raised per quarter by locality and by category, for the wide group (from the
    cases' facts: every case counts, not only those the agenda shows)."""
    found = _quarters(on, quarters)
    keys = [key for key, _ in found]
    start = found[0][1].isoformat()  # ISO dates sort as text: most cases are older, and skipped
    recent = [c for c in cases if max(c["raised_on"], c["adopted_on"] or "", c["closed_on"] or "") >= start]
    window = [c for c in recent if _quarter(c["raised_on"]) in keys]

    def table(field: str, names: dict[str, Any]) -> list[dict[str, Any]]:
        counted = Counter((c[field], _quarter(c["raised_on"])) for c in window)
        rows = []
        for key in sorted({c[field] for c in window}):
            counts = [counted[key, k] for k in keys]
            rows.append(
                {"name": getattr(names.get(key), "name", key), "counts": counts, "total": sum(counts)}
            )
        return sorted(rows, key=lambda r: (-r["total"], r["name"]))

    def per_quarter(field: str, among: list[dict[str, Any]]) -> list[int]:
        counted = Counter(_quarter(c[field]) for c in among if c[field])
        return [counted[k] for k in keys]

    return {
        "quarters": keys,
        "by_locality": table("location", cfg.locality_by_id),
        "by_category": table("category", cfg.category_by_id),
        "raised": per_quarter("raised_on", window),
        "adopted": per_quarter("adopted_on", recent),
        "closed": per_quarter("closed_on", recent),
    }
