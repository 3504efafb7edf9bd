"""The meeting rules: cadences, the Monday-before agenda and the week-before item deadline."""

from __future__ import annotations

from datetime import date

import pytest

from jatac.meetings.schedule import (
    agenda_send_by,
    items_due,
    next_occurrence,
    occurrences,
    previous_occurrence,
)
from jatac.models.schedule import Schedule


def sched(**fields: object) -> Schedule:
    return Schedule.model_validate(fields)


def dates(schedule: Schedule, start: date, end: date) -> list[str]:
    return [o.on.isoformat() for o in occurrences(schedule, start, end)]


def test_four_weekly_across_the_year_end() -> None:
    s = sched(every="4 weeks", **{"from": date(2026, 1, 12)})
    assert dates(s, date(2026, 11, 1), date(2027, 2, 28)) == [
        "2026-11-16",
        "2026-12-14",
        "2027-01-11",
        "2027-02-08",
    ]


def test_weekly_and_fortnightly() -> None:
    weekly = sched(every="1 week", **{"from": date(2026, 12, 22)})
    assert dates(weekly, date(2026, 12, 20), date(2027, 1, 10)) == ["2026-12-22", "2026-12-29", "2027-01-05"]
    fortnightly = sched(every="2 weeks", **{"from": date(2026, 12, 22)})
    assert dates(fortnightly, date(2026, 12, 20), date(2027, 1, 31)) == [
        "2026-12-22",
        "2027-01-05",
        "2027-01-19",
    ]


def test_nth_weekday_monthly_and_quarterly() -> None:
    monthly = sched(every="1 month", on="2nd Tuesday", **{"from": date(2026, 11, 10)})
    assert dates(monthly, date(2026, 11, 1), date(2027, 3, 1)) == [
        "2026-11-10",
        "2026-12-08",
        "2027-01-12",
        "2027-02-09",
    ]
    quarterly = sched(every="3 months", on="last Thursday", **{"from": date(2026, 10, 29)})
    assert dates(quarterly, date(2026, 10, 1), date(2027, 8, 1)) == [
        "2026-10-29",
        "2027-01-28",
        "2027-04-29",
        "2027-07-29",
    ]


def test_same_day_of_month_clamps_to_short_months() -> None:
    s = sched(every="1 month", **{"from": date(2026, 1, 31)})
    assert dates(s, date(2026, 1, 1), date(2026, 4, 30)) == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_a_moved_or_cancelled_meeting_leaves_the_rest_of_the_schedule_alone() -> None:
    s = sched(
        every="4 weeks",
        moved={date(2026, 5, 25): date(2026, 5, 26)},
        cancelled=[date(2026, 12, 7)],
        **{"from": date(2026, 1, 5)},
    )
    got = dates(s, date(2026, 5, 1), date(2026, 7, 31))
    assert got == ["2026-05-26", "2026-06-22", "2026-07-20"]
    assert dates(s, date(2026, 12, 1), date(2026, 12, 31)) == []
    assert dates(s, date(2027, 1, 1), date(2027, 1, 31)) == ["2027-01-04"]


def test_next_and_previous() -> None:
    s = sched(every="4 weeks", **{"from": date(2026, 1, 12)})
    nxt = next_occurrence(s, date(2026, 11, 17))
    prev = previous_occurrence(s, date(2026, 12, 14))
    assert nxt is not None and nxt.on == date(2026, 12, 14)
    assert prev is not None and prev.on == date(2026, 11, 16)
    assert previous_occurrence(s, date(2026, 1, 12)) is None


@pytest.mark.parametrize(
    ("meeting", "send_by", "due"),
    [
        (date(2026, 12, 10), date(2026, 12, 7), date(2026, 12, 3)),  # Thursday: that week's Monday
        (
            date(2027, 1, 4),
            date(2026, 12, 28),
            date(2026, 12, 28),
        ),  # Monday: the Monday before, across the year
        (date(2027, 3, 2), date(2027, 3, 1), date(2027, 2, 23)),  # Tuesday: across the month end
        (date(2026, 3, 1), date(2026, 2, 23), date(2026, 2, 22)),  # Sunday
    ],
)
def test_deadlines_the_terms_of_reference_set(meeting: date, send_by: date, due: date) -> None:
    s = sched(every="1 week", **{"from": meeting})
    assert agenda_send_by(s, meeting) == send_by
    assert items_due(s, meeting) == due


def test_other_deadlines_from_jatac_yaml() -> None:
    s = sched(every="1 week", agenda_by="3 days before", items_by=10, **{"from": date(2026, 12, 10)})
    assert agenda_send_by(s, date(2026, 12, 10)) == date(2026, 12, 7)
    assert items_due(s, date(2026, 12, 10)) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"every": "fortnightly"}, "write how often"),
        ({"every": "4 weeks", "on": "2nd Tuesday"}, "goes with a monthly cadence"),
        ({"every": "1 month", "on": "second tuesday"}, "2nd Tuesday"),
        ({"every": "1 week", "agenda_by": "friday before"}, "monday before"),
    ],
)
def test_bad_schedules_say_how_to_write_them(fields: dict[str, object], message: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        Schedule.model_validate({**fields, "from": date(2026, 1, 5)})
    assert message in str(caught.value)
