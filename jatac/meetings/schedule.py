"""The meeting rules: when each group meets, and the deadlines before each meeting.

From the terms of reference: the agenda goes out no later than the Monday
before the meeting; partners add items by contacting the coordinator one
week before; a later item needs the Chair told. Cadences, deadlines, moved
and cancelled meetings all come from jatac.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from jatac.models.schedule import DAYS_BEFORE_RE, ON_RE, WEEKDAYS, Schedule

MAX_OCCURRENCES = 10_000  # a weekly group meets ~5,200 times in a century


@dataclass(frozen=True)
class Occurrence:
    """One scheduled meeting: the date the cadence gives, and the date it actually falls on."""

    planned: date
    on: date

    @property
    def moved(self) -> bool:
        return self.planned != self.on


def planned_dates(schedule: Schedule) -> Iterator[date]:
    """The cadence's dates from the first meeting on, before any is moved or cancelled.

    dateutil's recurrence rules (RFC 5545, the calendar standard) say it: every N weeks;
    every N months on the nth weekday ("2nd tuesday", "last monday") of each month, the
    first month's even if it falls before the first date; or every N months on the first
    meeting's day, the month's last day where the month is shorter (31 January, then 28
    February). Lazy: nothing is computed past what the caller reads."""
    from dateutil.relativedelta import relativedelta
    from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

    first = schedule.from_
    if schedule.unit == "week":
        rule = rrule(WEEKLY, interval=schedule.step, dtstart=first, count=MAX_OCCURRENCES)
    elif schedule.on:
        match = ON_RE.match(schedule.on)
        assert match  # checked by the model
        nth = match["nth"].lower()
        on = weekday(WEEKDAYS.index(match["day"].lower()), -1 if nth == "last" else int(nth[0]))
        rule = rrule(
            MONTHLY, interval=schedule.step, dtstart=first.replace(day=1), byweekday=on, count=MAX_OCCURRENCES
        )
    else:  # rrule would skip a month without the day; the partnership meets on its last day
        yield from (first + relativedelta(months=k * schedule.step) for k in range(MAX_OCCURRENCES))
        return
    yield from (moment.date() for moment in rule)


def holiday_rule(schedule: Schedule, planned: date) -> tuple[str, date | None] | None:
    """A planned date on a bank holiday, under a rule that moves or cancels it: the holiday's
    name and the day the meeting moves to (None: cancelled). None when the rule does not apply
    (the rule is "keep", the day is no holiday, or a person moved or cancelled it by hand)."""
    if schedule.bank_holidays == "keep" or planned in schedule.moved or planned in schedule.cancelled:
        return None
    from jatac.meetings.bank_holidays import bank_holiday, working_day_after

    name = bank_holiday(schedule.region, planned)
    if name is None:
        return None
    return name, working_day_after(schedule.region, planned) if schedule.bank_holidays == "move" else None


def occurrences(schedule: Schedule, start: date, end: date) -> list[Occurrence]:
    """Meetings falling on or after ``start`` and on or before ``end``, moves applied (those
    written in the schedule, and the group's rule for bank holidays)."""
    found = []
    cancelled = set(schedule.cancelled)
    margin = timedelta(days=120)  # a meeting moved across the window's edge still counts
    for planned in planned_dates(schedule):
        if planned > end + margin:
            break
        if planned in cancelled:
            continue
        actual = schedule.moved.get(planned, planned)
        if planned >= start - margin and (rule := holiday_rule(schedule, planned)) is not None:
            if rule[1] is None:
                continue  # cancelled: it falls on a bank holiday
            actual = rule[1]
        if start <= actual <= end:
            found.append(Occurrence(planned, actual))
    return sorted(found, key=lambda o: o.on)


def called_off_for_holidays(schedule: Schedule, start: date, end: date) -> list[tuple[date, str]]:
    """Meetings the group's rule cancels because they fall on a bank holiday, with its name."""
    if schedule.bank_holidays != "cancel":
        return []
    found = []
    for planned in planned_dates(schedule):
        if planned > end:
            break
        if planned >= start and (rule := holiday_rule(schedule, planned)) is not None:
            found.append((planned, rule[0]))
    return found


def next_occurrence(schedule: Schedule, after: date) -> Occurrence | None:
    """The first meeting on or after ``after``."""
    for horizon in (120, 400, 4000):
        found = occurrences(schedule, after, after + timedelta(days=horizon))
        if found:
            return found[0]
    return None


def previous_occurrence(schedule: Schedule, before: date) -> Occurrence | None:
    """The last meeting strictly before ``before``."""
    if before <= schedule.from_:
        return None
    found = occurrences(schedule, schedule.from_, before - timedelta(days=1))
    return found[-1] if found else None


def agenda_send_by(schedule: Schedule | None, meeting: date) -> date:
    """The day the agenda must go out: the Monday before, or N days before."""
    rule = schedule.agenda_by if schedule else "monday before"
    match = DAYS_BEFORE_RE.match(rule)
    if match:
        return meeting - timedelta(days=int(match["n"]))
    back = meeting.weekday() or 7  # a Monday meeting's agenda goes out the Monday before
    return meeting - timedelta(days=back)


def items_due(schedule: Schedule | None, meeting: date) -> date:
    """The last day partners can add an item without it being late (one week before)."""
    return meeting - timedelta(days=schedule.items_by if schedule else 7)
