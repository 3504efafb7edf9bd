"""The action log: the open actions of open cases, in the one order every output shows them.

The agenda's action log, the site, `jatac sara show`, `jatac action list` and the chase of
action owners all take their rows from ``action_log``, so a partner sees the same actions in
the same order wherever they look: by owner agency, the agencies in the order jatac.yaml
lists them; within each agency the overdue ones first, then by due date (then case, then
action number, so the order never depends on the order files were read).

Overdue is counted to one date, and every output says which: a paper for a meeting counts to
the meeting's date (what will be overdue when the group sits), everything else to today.

The rows are built from what a caller has already read: checked data from the read index
(``from_data``: `action list`, the site, the chase) or models (``from_models``: the agenda,
`sara show`). No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from jatac.models.vocab import OPEN_VALUES

if TYPE_CHECKING:
    from jatac.models.case import Issue
    from jatac.models.config import Agency
    from jatac.models.sara import SaraPackage


@dataclass(frozen=True)
class AsAt:
    """The date overdue is counted to, and what that date is."""

    day: date
    meeting: bool = False  # the meeting's date (a paper for a meeting), else today

    @property
    def counted_to(self) -> str:
        """How an output says it: "overdue at the meeting's date, 7 December 2026"."""
        when = "at the meeting's date" if self.meeting else "today"
        return f"overdue {when}, {self.day.day} {self.day:%B %Y}"


class Pending(NamedTuple):
    """An open action of an open case, as read: before it is counted and placed."""

    case: str
    case_title: str
    marking: str
    action: str  # A2
    what: str
    owner: str
    role: str | None
    due: date
    last_update: str
    meeting: str | None


@dataclass(frozen=True)
class ActionRow:
    """One line of the action log."""

    ref: str  # JAT-2026-0001/A2
    case: str
    case_title: str
    what: str
    owner: str
    owner_name: str
    due: date
    overdue: bool
    days_overdue: int
    last_update: str
    marking: str
    role: str | None = None
    meeting: str | None = None
    status: str = "open"  # the log holds open actions only


@dataclass(frozen=True)
class ActionLog:
    """The open actions by owner agency (in the stated order), overdue first within each."""

    actions_by_owner: dict[str, list[ActionRow]]  # owner agency's name -> its rows
    overdue_count: int
    action_count: int
    counted_to: str  # "overdue today, 8 December 2026"

    def rows(self) -> list[ActionRow]:
        """Every row, in the log's order."""
        return [row for rows in self.actions_by_owner.values() for row in rows]


def action_log(pending: Iterable[Pending], agencies: Sequence[Agency], as_at: AsAt) -> ActionLog:
    """The one action log of ``pending``, overdue counted to ``as_at``."""
    rank = {a.id: n for n, a in enumerate(agencies)}
    names = {a.id: a.name for a in agencies}
    placed = []
    for p in pending:
        late = p.due < as_at.day
        row = ActionRow(
            ref=f"{p.case}/{p.action}",
            case=p.case,
            case_title=p.case_title,
            what=p.what,
            owner=p.owner,
            owner_name=names.get(p.owner, p.owner),
            due=p.due,
            overdue=late,
            days_overdue=(as_at.day - p.due).days if late else 0,
            last_update=p.last_update,
            marking=p.marking,
            role=p.role,
            meeting=p.meeting,
        )
        # an owner jatac.yaml no longer lists comes after those it does, by name
        key = (rank.get(p.owner, len(rank)), row.owner_name, not late, p.due, p.case, _number(p.action))
        placed.append((key, row))
    placed.sort(key=lambda kr: kr[0])
    by_owner: dict[str, list[ActionRow]] = {}
    for _, row in placed:
        by_owner.setdefault(row.owner_name, []).append(row)
    late_count = sum(1 for _, row in placed if row.overdue)
    return ActionLog(by_owner, late_count, len(placed), as_at.counted_to)


def _number(action_id: str) -> int:
    return int(action_id[1:]) if action_id[1:].isdigit() else 0


def from_data(
    cases: Mapping[str, Mapping[str, Any]], packages: Iterable[Mapping[str, Any]]
) -> Iterator[Pending]:
    """The open actions of open cases, from checked data (a case's facts: id, title, status,
    marking; a package's data): what `action list`, the site and the chase read."""
    for package in packages:
        case = cases.get(package["case"])
        if case is None or case["status"] not in OPEN_VALUES:
            continue
        for a in package["response"]["actions"]:
            if a["status"] != "open":
                continue
            yield Pending(
                case["id"],
                case["title"],
                case["marking"],
                a["id"],
                a["what"],
                a["owner"],
                a.get("role"),
                date.fromisoformat(a["due"]),
                a["updates"][-1]["note"] if a.get("updates") else "",
                a.get("meeting"),
            )


def from_models(cases: Iterable[Issue], packages: Mapping[str, SaraPackage]) -> Iterator[Pending]:
    """The open actions of the open ``cases`` among ``packages`` (by case id), from models:
    what the agenda and `sara show` have read."""
    from jatac.models.sara import ActionStatus

    for case in cases:
        package = packages.get(case.id)
        if package is None or not case.is_open:
            continue
        for a in package.response.actions:
            if a.status is not ActionStatus.open:
                continue
            yield Pending(
                case.id,
                case.title,
                case.marking.value,
                a.id,
                a.what,
                a.owner,
                a.role,
                a.due,
                a.updates[-1].note if a.updates else "",
                a.meeting,
            )
