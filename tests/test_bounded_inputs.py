"""Issue 22: what `validate` accepts, every command can use; what it cannot, validate names.

Each class of input that used to pass `validate` and then end a command in exit 70 (a
year start no year has, a meeting time that is no time, a period off the calendar, local
state of the wrong shape, a case file in the wrong year's folder, a spreadsheet cell past
the CSV reader's limit, an evidence name with controls), and each input that used to take
seconds to refuse (a large unknown key in jatac.yaml, a search of a thousand wildcards),
is tested for the invariant: exit 1 or 2, a message naming what to fix, the tree and HEAD
unchanged, and within a time limit the test enforces. The generated settings and meeting
files are in tests/test_trust_no_crash.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import Jatac, commit_all

# a refusal on the 20-case example, on this shared machine, with room for a slow moment
WITHIN = 3.0


@contextmanager
def unchanged(jatac: Jatac, within: float = WITHIN) -> Iterator[None]:
    """The tree and HEAD are as they were, and the block took at most ``within`` seconds."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    start = time.monotonic()
    yield
    took = time.monotonic() - start
    assert took < within, f"took {took:.1f} s"
    assert jatac.snapshot() == before
    assert jatac.git("rev-parse", "HEAD") == head
    assert jatac.status() == ""


def refused(jatac: Jatac, *args: str, says: tuple[str, ...], code: tuple[int, ...] = (1, 2)) -> str:
    result = jatac(*args, ok=False)
    assert result.exit_code in code, (result.exit_code, result.output)
    for words in says:
        assert words in result.output, result.output
    return str(result.output)


# -- settings and records that validated but were not real ---------------------------------


@pytest.mark.parametrize("day", ["02-30", "04-31", "02-29", "13-01"])
def test_a_year_start_no_year_has_is_named_by_validate_and_stops_the_fund(example: Jatac, day: str) -> None:
    config = example.root / "jatac.yaml"
    config.write_text(config.read_text().replace("year_starts: 04-01", f"year_starts: {day}"))
    commit_all(example)
    with unchanged(example):
        refused(example, "validate", says=("jatac.yaml:", "fund.year_starts", f"'{day}'", "MM-DD"))
        # it used to commit the request, then end in exit 70 working out its year
        refused(
            example,
            *("fund", "request", "JAT-2026-0001", "--amount", "10", "--purpose", "Lights", "--by", "tvp"),
            says=("fund.year_starts",),
        )


@pytest.mark.parametrize("when", ["25:99", "ten o'clock", "24:00", "9.30"])
def test_a_meeting_time_that_is_no_time_is_named_by_validate_and_the_calendar_goes_on(
    example: Jatac, when: str, tmp_path: Path
) -> None:
    example("meeting", "new", "--group", "coordinating", "--date", "2026-12-14", "--time", "10:00")
    path = example.root / "meetings" / "2026" / "2026-12-14-coordinating.yaml"
    path.write_text(path.read_text().replace("time: 10:00", f'time: "{when}"'))
    assert f'time: "{when}"' in path.read_text()
    commit_all(example)
    with unchanged(example):
        refused(example, "validate", says=("2026-12-14-coordinating.yaml:4", "time:", "HH:MM"))
        refused(
            example,
            *("meeting", "new", "--group", "coordinating", "--date", "2026-12-21", "--time", when),
            says=("time:", "HH:MM"),
        )
    # the calendar (which used to end in exit 70) is made from what can be read
    result = example("calendar", "-o", str(tmp_path / "m.ics"))
    assert "meetings with their deadlines" in result.output


@pytest.mark.parametrize("period", ["9999-Q4", "9999", "0001-Q1", "0000", "9999-00"])
def test_a_period_off_the_calendar_is_refused(example: Jatac, period: str, tmp_path: Path) -> None:
    with unchanged(example):
        refused(
            example,
            *("report", "performance", "--period", period, "-o", str(tmp_path / "p.md")),
            says=(repr(period), "between 1900 and 2999"),
        )
    assert not (tmp_path / "p.md").exists()


# -- local state sealed here, but of the wrong shape: read past, as if absent ----------------


def _every_entry(data: dict, change) -> dict:  # type: ignore[type-arg, no-untyped-def]
    data["entries"] = {rel: change(entry) for rel, entry in data["entries"].items()}
    return data


def _facts(change):  # type: ignore[no-untyped-def]
    """A head entry [key, facts, problems, signature] with its facts changed by ``change``."""

    def entry(e):  # type: ignore[no-untyped-def]
        return [e[0], change(dict(e[1])) if isinstance(e[1], dict) else e[1], e[2], e[3]]

    return entry


FORGED = {
    "no facts": ("issues-2026.json", _facts(lambda f: {})),
    "no status": ("issues-2026.json", _facts(lambda f: {k: v for k, v in f.items() if k != "status"})),
    "a status no case has": ("issues-2026.json", _facts(lambda f: {**f, "status": 5})),
    "a review of no shape": ("issues-2026.json", _facts(lambda f: {**f, "reviews": [{}]})),
    "an escalation not a record": ("issues-2026.json", _facts(lambda f: {**f, "escalations": [1]})),
    "a raised date no day": ("issues-2026.json", _facts(lambda f: {**f, "raised_on": "soon"})),
    "problems of no shape": ("issues-2026.json", lambda e: [e[0], None, [[1, 2, 3, 4, 5]], None]),
    "a package without its case": ("sara-2026.json", _facts(lambda f: {"assessment": None})),
    "a body of no shape": ("issues-2026.data.json", lambda e: [e[0], {"id": 7}]),
    "a body that does not rebuild": ("issues-2026.data.json", lambda e: [e[0], {**e[1], "status": "x"}]),
    "a ledger without its year": ("fund-2026.json", _facts(lambda f: {})),
}


@pytest.mark.parametrize("how", list(FORGED))
def test_sealed_local_state_of_the_wrong_shape_is_read_past(example: Jatac, how: str) -> None:
    from tests.conftest import read_state, write_state

    commands = (
        *(["list"], ["list", "--all", "-f", "json"], ["show", "JAT-2026-0001"], ["search", "lights"]),
        *(["validate"], ["report", "fund"], ["report", "actions"]),
    )
    expected = [example(*command).stdout for command in commands]  # and the index is made
    shard, change = FORGED[how]
    relpath = f".jatac/index/{shard}"
    write_state(example.root, relpath, _every_entry(read_state(example.root, relpath), change))
    with unchanged(example):
        for command, before in zip(commands, expected, strict=True):
            assert example(*command).stdout == before, command


@pytest.mark.parametrize(
    "saved",
    [
        {"review_days": [1, 2]},
        {"places": [[1]]},
        {"name": 7},
        {"review_days": {"high": 0, "medium": 1, "low": 1}},
    ],
)
def test_a_settings_cache_of_the_wrong_shape_is_read_past(example: Jatac, saved: dict) -> None:  # type: ignore[type-arg]
    from tests.conftest import read_state, write_state

    before = example("list").stdout
    relpath = ".jatac/index/settings.json"
    data = read_state(example.root, relpath)
    data["entries"].update(saved)
    write_state(example.root, relpath, data)
    with unchanged(example):
        assert example("list").stdout == before
        example("search", "lights")
