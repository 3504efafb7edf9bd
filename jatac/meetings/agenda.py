"""The agenda, assembled from the case repository in the order a tasking meeting runs.

1 welcome and attendance; 2 last minutes and matters arising; 3 the action
log; 4 the current picture; 5 adopted cases; 6 new issues; 7 late items;
8 fund requests; 9 escalations and closures; 10 any other business; 11 the
next meeting. The wide group gets trends, not case detail. ``sections`` is
that list for each kind of group: the agenda's headings and the minutes'
numbered items both come from it, so they cannot drift apart.

``build`` decides the audience once (``Reading``), then asks one builder per
section for its part of the ``Agenda``: typed records the templates, the
Word renderer and the minutes' scaffold all read. Templates receive
``Agenda.as_template()``: the same names they always had.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from jatac.cases.action_log import ActionLog, AsAt, action_log, from_models
from jatac.clock import today
from jatac.meetings.files import Planned, following, previous
from jatac.models.case import Issue
from jatac.models.common import LEVEL_ORDER
from jatac.models.meeting import AgendaItem, ItemKind, Meeting
from jatac.models.sara import Recommendation, SaraPackage
from jatac.models.vocab import OPEN_VALUES, Status
from jatac.storage.repository import KINDS, Repository

if TYPE_CHECKING:
    from jatac.guard.audience import Audience
    from jatac.models.config import Group, PartnershipConfig
    from jatac.models.fund import FundRequest


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
    prefix: str = ""  # the partnership's, as its case ids and minute numbers begin

    @property
    def ref(self) -> str:
        """The item's number on the agenda and in the minutes alike: JAT01, JAT02 ..."""
        return f"{self.prefix}{self.number:02d}"


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


def sections(planned: Planned, prefix: str) -> list[Section]:
    """The numbered items of the meeting's agenda, in order: the same for its minutes, numbered
    alike (``prefix`` and two digits: JAT01 ...), as the partnership's minutes number them."""
    rows = _WIDE_SECTIONS if template_for(planned) == "agenda-wide" else _CORE_SECTIONS
    return [Section(number, *row, prefix=prefix) for number, row in enumerate(rows, start=1)]


def _current(case: dict[str, Any], since: str) -> bool:
    """Whether a case (as checked data) is open, or changed after ``since`` (ISO date)."""
    if case["status"] in OPEN_VALUES:
        return True
    days = [case[k] for k in ("raised_on", "adopted_on", "reviewed_on", "closed_on")]
    days += [e["on"] for e in case["escalations"]]
    return any(d is not None and d > since for d in days)


# -- what each section shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    agency: str
    roles: list[str]


@dataclass(frozen=True)
class Attendance:
    """1: the members expected at this group."""

    expected: list[Expected]


@dataclass(frozen=True)
class Arising:
    ref: str
    what: str
    owner: str
    status: str  # open, done ... or overdue


@dataclass(frozen=True)
class LastMinutes:
    """2: the last meeting (None: this is the first), where its minutes stand, the actions it set."""

    last: Planned | None
    arising: list[Arising]
    minutes_state: str  # "draft", "draft, circulated 17 Nov 2026", "not yet written" ...


@dataclass(frozen=True)
class Picture:
    """4: open cases by priority, place and kind; what changed since the last meeting."""

    open: int
    by_priority: list[dict[str, Any]]
    by_locality: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    raised: list[Issue]
    adopted: list[Issue]
    closed: list[Issue]
    escalated: list[Issue]


@dataclass(frozen=True)
class AdoptedRow:
    """5: an adopted case with its SARA stage and next review."""

    case: Issue
    stage: str
    lead: str | None
    next_review: date | None
    review_due: bool
    actions_done: int
    actions_total: int


@dataclass(frozen=True)
class Proposals:
    """6, 7 and 10: cases awaiting the group's decision and partners' items, on time or late."""

    proposed_on_time: list[Issue]
    proposed_late: list[Issue]
    new_items: list[AgendaItem]
    late_items: list[AgendaItem]
    aob_items: list[AgendaItem]


@dataclass(frozen=True)
class Fund:
    """8: fund requests awaiting the group's decision, and partners' fund items."""

    fund_requests: list[FundRequest]
    fund_items: list[AgendaItem]
    # decided by the chair's action since the group's last meeting: for the group to note
    chair_actions: list[FundRequest] = field(default_factory=list)


@dataclass(frozen=True)
class Closure:
    """9: escalated cases, and evaluations complete or in progress."""

    escalated: list[Issue]
    for_closure: list[Issue]
    being_evaluated: list[Issue]


@dataclass(frozen=True)
class Trends:
    """The wide group's trends: cases raised per quarter by locality and by category."""

    quarters: list[str]
    by_locality: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    raised: list[int]
    adopted: list[int]
    closed: list[int]


@dataclass(frozen=True)
class Agenda:
    """Everything an agenda may show, for one meeting and one audience."""

    partnership: str
    group: Group
    meeting: Meeting
    planned: Planned
    date: dt.date
    time: str | None
    venue: str | None
    chair: str | None
    send_by: dt.date
    items_due: dt.date
    generated_on: dt.date
    sent_late: bool
    next_meeting: dt.date | None
    template: str  # agenda or agenda-wide
    sections: list[Section]
    attendance: Attendance
    last_minutes: LastMinutes
    action_log: ActionLog
    picture: Picture
    adopted: list[AdoptedRow]
    proposals: Proposals
    fund: Fund
    closure: Closure
    trends: Trends
    withheld: int  # items and open cases left out of this version
    people: dict[str, list[str]]
    agency_name: dict[str, str]
    locality_name: dict[str, str]
    category_name: dict[str, str]
    level_name: dict[str, str]
    audience: str = ""  # set by the audience's ``prepare``, with the marking
    marking: str = ""

    # sections whose fields a template sees by their own names (actions_by_owner, new_items ...)
    _SPREAD = ("attendance", "last_minutes", "action_log", "proposals", "fund", "closure")

    @property
    def stem(self) -> str:
        """The file name, without suffix: a core group's agenda made for the wide group says so."""
        wide_of_core = self.audience == "wide" and self.group.audience.value != "wide"
        return f"agenda-{self.planned.id}" + ("-wide" if wide_of_core else "")

    def as_template(self) -> dict[str, Any]:
        """The names a template uses: the same as before the agenda was typed, so a
        partnership's own templates keep working."""
        found: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in self._SPREAD:
                found.update({g.name: getattr(value, g.name) for g in fields(value)})
            else:
                found[f.name] = value
        return found


# -- the builders, one per section ----------------------------------------------------------


@dataclass
class Sources:
    """What the builders read: the cases the agenda may show (already chosen for its audience)."""

    repo: Repository
    planned: Planned
    reader: Audience
    on: date
    since: date
    last: Planned | None
    cases: list[Issue]
    packages: dict[str, SaraPackage]
    agency_name: dict[str, str]
    open_cases: list[Issue] = field(init=False)

    def __post_init__(self) -> None:
        self.open_cases = [c for c in self.cases if c.is_open]

    @property
    def config(self) -> PartnershipConfig:
        return self.repo.config


def _attendance(s: Sources) -> Attendance:
    expected = []
    for agency in s.config.agencies:
        roles = [m.role for m in agency.members_of(s.planned.group.id)]
        if roles:
            expected.append(Expected(agency.name, roles))
    return Attendance(expected)


def _last_minutes(s: Sources) -> LastMinutes:
    arising = []
    if s.last is not None:
        for case_id, package in s.packages.items():
            for a in package.response.actions:
                if a.meeting in {s.last.id, s.last.day.isoformat()}:
                    status = "overdue" if a.overdue(s.on) else a.status.value
                    arising.append(Arising(f"{case_id}/{a.id}", a.what, a.owner, status))
    if s.last is None:
        return LastMinutes(None, arising, "")
    from jatac.meetings.minutes import state_of

    return LastMinutes(s.last, arising, state_of(s.repo, s.last))


def _action_log(s: Sources) -> ActionLog:
    """3: the one action log (jatac/cases/action_log.py), overdue counted to the meeting's date."""
    pending = from_models(s.open_cases, s.packages)
    return action_log(pending, s.config.agencies, AsAt(s.on, meeting=True))


def _picture(s: Sources) -> Picture:
    since, on, cfg = s.since, s.on, s.config

    def changed(attr: str) -> list[Issue]:
        return [c for c in s.cases if (d := getattr(c, attr)) is not None and since < d <= on]

    return Picture(
        open=len(s.open_cases),
        by_priority=[
            {"id": p.value, "name": p.value, "count": sum(1 for c in s.open_cases if c.priority is p)}
            for p in sorted(LEVEL_ORDER, key=LEVEL_ORDER.__getitem__)
        ],
        by_locality=_counts([c.location for c in s.open_cases], cfg.locality_by_id),
        by_category=_counts([c.category for c in s.open_cases], cfg.category_by_id),
        raised=changed("raised_on"),
        adopted=changed("adopted_on"),
        closed=changed("closed_on"),
        escalated=[c for c in s.cases if any(since < e.on <= on for e in c.escalations)],
    )


def _adopted(s: Sources) -> list[AdoptedRow]:
    rows = []
    for c in sorted(
        (c for c in s.open_cases if c.status in {Status.adopted, Status.escalated}),
        key=lambda c: (LEVEL_ORDER[c.priority], c.id),
    ):
        package = s.packages.get(c.id)
        review = c.next_review(s.config.review_days)
        done, total = package.progress() if package else (0, 0)
        rows.append(
            AdoptedRow(
                case=c,
                stage=package.stage.value if package else "no package",
                lead=s.agency_name.get(c.lead or "", c.lead),
                next_review=review,
                review_due=bool(review and review <= s.on),
                actions_done=done,
                actions_total=total,
            )
        )
    return rows


def _proposals(s: Sources, items: list[AgendaItem]) -> Proposals:
    deadline = s.planned.items_due
    # every case still awaiting the group's decision, on time or late
    proposed = [c for c in s.cases if c.status is Status.proposed]
    return Proposals(
        proposed_on_time=[c for c in proposed if c.raised_on <= deadline],
        proposed_late=[c for c in proposed if c.raised_on > deadline],
        new_items=[i for i in items if i.kind is ItemKind.issue and not i.late],
        late_items=[i for i in items if i.kind is ItemKind.issue and i.late],
        aob_items=[i for i in items if i.kind is ItemKind.aob],
    )


def _fund(s: Sources, items: list[AgendaItem], template: str) -> tuple[Fund, int]:
    """8: fund requests the support team has considered, awaiting the group's decision: on every
    core agenda until decided, without anyone adding an item for them; and the chair's actions
    since the last meeting, for noting. Also how many were withheld."""
    requests: list[FundRequest] = []
    noted: list[FundRequest] = []
    withheld = 0
    if template == "agenda":
        from jatac.partnership.fund import awaiting_decision, chair_actions

        awaiting = awaiting_decision(s.repo, s.on)
        requests = [r for r in awaiting if not s.reader.withholds_record(r)]
        acted = chair_actions(s.repo, s.since, s.on)
        noted = [r for r in acted if not s.reader.withholds_record(r)]
        withheld = len(awaiting) - len(requests) + len(acted) - len(noted)
    return Fund(requests, [i for i in items if i.kind is ItemKind.fund], noted), withheld


def _closure(s: Sources) -> Closure:
    for_closure = [
        c
        for c in s.open_cases
        if (p := s.packages.get(c.id))
        and p.assessment
        and not p.assessment.missing()
        and p.assessment.recommendation is Recommendation.close
    ]
    being_evaluated = [
        c
        for c in s.open_cases
        if (p := s.packages.get(c.id)) and p.assessment is not None and c not in for_closure
    ]
    return Closure(
        escalated=[c for c in s.open_cases if c.status is Status.escalated],
        for_closure=for_closure,
        being_evaluated=being_evaluated,
    )


def build(
    repo: Repository, planned: Planned, audience: str | None = None, include_personal: bool = False
) -> Agenda:
    """Everything an agenda may show, for the meeting ``planned``.

    For the wide audience, OFFICIAL-SENSITIVE cases (and partners' items about them) and
    the people linked to cases are left out, and counted, and any other mention of a
    withheld case reads "a withheld case"; ``include_personal`` (core only) shows people's
    names from the restricted store instead of their references. The audience and the
    marking are decided in jatac/guard/audience.py, for both groups and both audiences alike,
    once for the whole agenda: every builder below reads the one ``reader``.
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
    by_id = {c.id: c for c in cases}
    # only the packages this agenda can show: open cases, and cases closed since the last meeting
    wanted = {c.id for c in cases if c.is_open or (c.closed_on and c.closed_on > since)}
    packages_all, _ = repo.records(KINDS["sara"], by_id, only=wanted)
    packages = {p.case: p for p in packages_all if p.case in by_id}
    agency_name = {a.id: a.name for a in cfg.agencies}
    sources = Sources(repo, planned, reader, on, since, last, cases, packages, agency_name)

    meeting = planned.as_meeting()
    items = [i for i in meeting.items if not reader.withholds(i.case)]
    template = template_for(planned)
    fund, fund_withheld = _fund(sources, items, template)
    withheld_cases = sum(1 for d in in_time if d["id"] in withheld_ids and d["status"] in OPEN_VALUES)
    names = _people_names(repo) if include_personal else {}
    now = today()
    agenda = Agenda(
        partnership=cfg.name,
        group=planned.group,
        meeting=meeting,
        planned=planned,
        date=on,
        time=planned.time,
        venue=planned.venue,
        chair=planned.chair,
        send_by=planned.send_by,
        items_due=planned.items_due,
        generated_on=now,
        sent_late=now > planned.send_by,
        next_meeting=following(repo, planned),
        template=template,
        sections=sections(planned, cfg.prefix),
        attendance=_attendance(sources),
        last_minutes=_last_minutes(sources),
        action_log=_action_log(sources),
        picture=_picture(sources),
        adopted=_adopted(sources),
        proposals=_proposals(sources, items),
        fund=fund,
        closure=_closure(sources),
        trends=trends(counted, on, cfg),
        withheld=withheld_cases + len(meeting.items) - len(items) + fund_withheld,
        people={c.id: [f"{names.get(p.ref, p.ref)} ({p.role.value})" for p in c.people] for c in cases}
        if not reader.wide
        else {},
        agency_name=agency_name,
        locality_name={loc.id: loc.name for loc in cfg.localities},
        category_name={cat.id: cat.name for cat in cfg.categories},
        level_name={e.id: e.name for e in cfg.escalation},
    )
    prepared = reader.prepare(agenda)
    assert isinstance(prepared, Agenda)
    return prepared


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


def trends(cases: list[dict[str, Any]], on: date, cfg: Any, quarters: int = 4) -> Trends:
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

    return Trends(
        quarters=keys,
        by_locality=table("location", cfg.locality_by_id),
        by_category=table("category", cfg.category_by_id),
        raised=per_quarter("raised_on", window),
        adopted=per_quarter("adopted_on", recent),
        closed=per_quarter("closed_on", recent),
    )
