"""A case and its actions as they stood on a given day, from the dated records in their files.

A report about a past period counts what was so at the period's end, so it gives the
same figures whenever it is made: a case closed, reopened or re-prioritised since,
or an action cancelled or moved since, is counted as it was then. Everything is
read from the files' own dated records (a case's ``changes``, its escalations and
reviews; an action's ``set_on``, ``done_on``, ``cancelled_on`` and ``changes``),
never from git: a clone without its history gives the same figures.

Files written before jatac dated every change lack some dates. What is missing is
inferred from the file alone, the same way every time (and written into the case
the first time jatac changes one of its dated fields):

- a case without ``changes`` was proposed when raised, adopted on ``adopted_on``,
  escalated on its first escalation's date and closed on ``closed_on`` with its
  outcome; a status it reached on no recorded date (rejected, referred, handed back
  from escalation) is taken to date from the latest date the case records; its
  priority, risk, lead, category and location were what they are now all along;
- a cancelled action without ``cancelled_on`` was cancelled on the date of its last
  update (`jatac action cancel` always wrote one), else on the day it was set;
- an action without ``changes`` had its due date and owner all along.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from jatac.models.case import CaseChange, Issue, Outcome
from jatac.models.vocab import Level, Status

if TYPE_CHECKING:  # a case's changes need no SARA models (`set` does not import them)
    from jatac.models.sara import Action, SaraPackage


def inferred(case: Issue) -> list[CaseChange]:
    """The dated changes of a case written before jatac kept them (see the module's notes)."""
    events: list[tuple[date, str]] = []
    if case.adopted_on is not None:
        events.append((case.adopted_on, Status.adopted.value))
    if case.escalations:
        events.append((case.escalations[0].on, Status.escalated.value))
    if case.status is Status.closed and case.closed_on is not None:
        events.append((case.closed_on, Status.closed.value))
    events.sort(key=lambda event: event[0])  # stable: adopted, escalated, closed on one day
    latest = max([case.raised_on, *(day for day, _ in events), *(e.on for e in case.escalations)])
    if case.status.value != (events[-1][1] if events else Status.proposed.value):
        events.append((latest, case.status.value))
    log: list[CaseChange] = []
    state = Status.proposed.value
    for day, status in events:
        if status != state:
            log.append(CaseChange.model_validate({"on": day, "field": "status", "from": state, "to": status}))
            state = status
    if case.status is Status.closed and case.outcome is not None:
        log.append(CaseChange(on=case.closed_on or latest, field="outcome", to=case.outcome.value))
    return log


def history(case: Issue) -> list[CaseChange]:
    """Every dated change of the case's tracked fields: recorded, or inferred for an old file."""
    return list(case.changes) or inferred(case)


def case_at(case: Issue, day: date) -> Issue | None:
    """The case as it stood at the end of ``day`` (None if it was not raised yet); its
    ``changes`` hold its history up to that day (recorded or inferred)."""
    if case.raised_on > day:
        return None
    log = history(case)
    values = case.tracked()
    for change in reversed(log):  # undo what happened after the day, latest first
        if change.on > day:
            values[change.field] = change.from_
    status = Status(values["status"] or Status.proposed.value)
    closed_on = None
    if status is Status.closed:
        closes = [c.on for c in log if c.field == "status" and c.to == Status.closed.value and c.on <= day]
        closed_on = closes[-1] if closes else case.closed_on
    reviews = [r for r in case.reviews if r.on <= day]
    return case.model_copy(
        update={
            "status": status,
            "priority": Level(values["priority"] or Level.medium.value),
            "risk": Level(values["risk"]) if values["risk"] else None,
            "lead": values["lead"],
            "outcome": Outcome(values["outcome"]) if values["outcome"] else None,
            "category": values["category"],
            "location": values["location"],
            "adopted_on": case.adopted_on if case.adopted_on and case.adopted_on <= day else None,
            "closed_on": closed_on,
            "escalations": [e for e in case.escalations if e.on <= day],
            "reviews": reviews,
            "reviewed_on": max((r.on for r in reviews), default=None)
            if case.reviews
            else (case.reviewed_on if case.reviewed_on and case.reviewed_on <= day else None),
            "changes": [c for c in log if c.on <= day],
        }
    )


def entered(
    case: Issue, status: Status, start: date, end: date, came_from: Status | None = None
) -> list[date]:
    """The days within ``start``..``end`` the case became ``status`` (from ``came_from``, if given),
    from its history (``case_at`` gives a case whose ``changes`` hold all of it)."""
    return [
        c.on
        for c in history(case)
        if c.field == "status"
        and c.to == status.value
        and (came_from is None or c.from_ == came_from.value)
        and start <= c.on <= end
    ]


def cancelled_on(action: Action) -> date | None:
    """When a cancelled action was cancelled: its date, or for an old file, its last update's."""
    from jatac.models.sara import ActionStatus

    if action.status is not ActionStatus.cancelled:
        return None
    if action.cancelled_on is not None:
        return action.cancelled_on
    return max((u.on for u in action.updates), default=action.set_on)


def action_at(action: Action, day: date) -> Action | None:
    """The action as it stood at the end of ``day`` (None if it was not set yet)."""
    from jatac.models.sara import ActionStatus

    if action.set_on > day:
        return None
    status, done_on, cancelled = ActionStatus.open, None, None
    if action.status is ActionStatus.done and action.done_on is not None and action.done_on <= day:
        status, done_on = ActionStatus.done, action.done_on
    when = cancelled_on(action)
    if when is not None and when <= day:
        status, cancelled = ActionStatus.cancelled, when
    values: dict[str, str | None] = {"due": action.due.isoformat(), "owner": action.owner}
    for change in reversed(action.changes):
        if change.on > day:
            values[change.field] = change.from_
    return action.model_copy(
        update={
            "status": status,
            "done_on": done_on,
            "cancelled_on": cancelled,
            "due": date.fromisoformat(values["due"] or action.due.isoformat()),
            "owner": values["owner"] or action.owner,
            "updates": [u for u in action.updates if u.on <= day],
            "changes": [c for c in action.changes if c.on <= day],
        }
    )


def package_at(package: SaraPackage, day: date) -> SaraPackage:
    """The package's action plan as it stood at the end of ``day``, and its evaluation if
    it was completed by then."""
    actions = [a for a in (action_at(a, day) for a in package.response.actions) if a is not None]
    done = package.assessment
    kept = done if done is not None and done.completed_on is not None and done.completed_on <= day else None
    response = package.response.model_copy(update={"actions": actions})
    return package.model_copy(update={"response": response, "assessment": kept})
