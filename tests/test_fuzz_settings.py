"""Issue 22: what `validate` accepts, every command can use; what it cannot use, it names.

hypothesis writes jatac.yaml settings and meeting and minutes files into a copy of the example
partnership: built off the models (``st.builds``) where random values can be valid, by hand
for the fields where they never are (ids, dates that must agree), and now and then spoiled
at one place. Then `validate` runs, and the commands that read what was written:

- validate accepts (exit 0): no command ends in a crash (exit 70) or hangs;
- validate refuses: it exits 1 naming the file, and the commands refuse too, never exit 70.

A fixed, small number of examples, derandomized, so CI runs the same ones every time;
``JATAC_FUZZ_EXAMPLES=500`` for a long run. The crashes the long run found are kept as
named tests at the end.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML
from typer.testing import CliRunner, Result

from jatac.models.config import (
    Agency,
    CaseReview,
    Category,
    EscalationLevel,
    Fund,
    Group,
    Locality,
    LocalityKind,
    Member,
    ReferenceSystem,
    Retention,
)
from jatac.models.meeting import (
    AgendaItem,
    Attendance,
    Correction,
    Decision,
    Do,
    ItemKind,
    Meeting,
    MeetingStatus,
    MinuteItem,
    Minutes,
    MinutesState,
    Paper,
    Presence,
    Sending,
)
from jatac.models.schedule import Schedule
from jatac.models.vocab import Level, Marking
from tests.conftest import Jatac

EXAMPLES = int(os.environ.get("JATAC_FUZZ_EXAMPLES", "30"))
SECONDS = 60  # one command that takes longer than this on a busy machine is taken as hung

# -- values -------------------------------------------------------------------------------

FIRST, LAST = date(1900, 1, 1), date(2999, 12, 31)
TODAY = date(2026, 11, 16)
EDGE_DATES = [FIRST, LAST, date(1900, 1, 2), date(2999, 12, 30), TODAY, date(2026, 12, 7)]
EDGE_DATES += [date(2026, 2, 28), date(2028, 2, 29), date(2026, 12, 25), date(2027, 1, 1), date(2026, 5, 25)]
dates = st.one_of(
    st.sampled_from(EDGE_DATES), st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.dates(FIRST, LAST)
)
# days no plan runs to: the models may take them, and then every command must too
WILD_DATES = [date(1, 1, 1), date(9999, 12, 31), date(1899, 12, 31), date(3000, 1, 1)]
wild_dates = st.one_of(dates, st.sampled_from(WILD_DATES))

ODD = [
    *("Café Ñandú", "مجلس المدينة", "警察署 (police)", "🚓 Police & Fire 🚒", "z̸̢a̷l̶g̵o", "a\u200db"),
    *("{{ config }}", "{% for x in y %}", "<script>alert(1)</script>", "#set page(width: 1pt)"),
    *("#panic()", "$x^2$", "\\", "*bold* _it_ `code`", "[x](javascript:alert(1))", "x" * 200, "'"),
    *('"', "%s %(x)s", "null", "yes", "- item", "key: value", "ﬁ ligature", "İstanbul", "ß"),
    *("\ufeffBOM", "𝐁𝐨𝐥𝐝 𝟎𝟏", "١٢٣", "  padded  ", "a/b\\c", "../../etc", "Ω≈ç√∫"),
]
plain = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=50)
lines = st.one_of(st.sampled_from(ODD), plain.filter(str.strip))
texts = st.one_of(st.just(""), lines, st.lists(lines, min_size=1, max_size=3).map("\n".join))
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,39}", fullmatch=True)
clock = st.one_of(st.none(), st.sampled_from(["00:00", "23:59", "09:30", "14:00"]))
mailboxes = st.from_regex(r"[a-z0-9][a-z0-9.+_-]{0,20}@[a-z0-9]{1,10}\.example\.org", fullmatch=True).filter(
    lambda s: ".." not in s and ".@" not in s
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(WILD_DATES),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def data(model: BaseModel, drop_none: bool) -> dict[str, Any]:
    """A model as a person would write it in YAML (dates as dates, missing parts left out)."""
    out = _dates(model.model_dump(mode="json", by_alias=True, exclude_unset=True))
    return _without_none(out) if drop_none else out


def _dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {_dates(k): _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return date.fromisoformat(value)
    return value


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def after(day: date, days: int) -> date:
    return min(day + timedelta(days=days), date.max - timedelta(days=1))


# -- the example this starts from ---------------------------------------------------------


def _example() -> tuple[dict[str, Any], list[str]]:
    from jatac.setup.demo import example_root

    root = example_root()
    settings_data = YAML(typ="safe", pure=True).load((root / "jatac.yaml").read_text(encoding="utf-8"))
    cases = sorted(p.stem for p in (root / "issues").rglob("*.yaml"))
    return settings_data, cases


EXAMPLE, CASES = _example()
CASE_IDS = st.one_of(
    st.sampled_from(CASES), st.sampled_from(["JAT-2026-0999", "XYZ-2026-0001", "JAT-1900-0001"])
)
REQUESTS = st.sampled_from(["FR-2026-001", "FR-2026-002", "FR-2026-999", "FR-2025-001"])

# -- jatac.yaml ---------------------------------------------------------------------------


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    every = draw(st.sampled_from(["1 week", "2 weeks", "4 weeks", "1 month", "3 months", "12 months"]))
    every = draw(st.sampled_from([every, every, "99 weeks", "99 months", " 4 Weeks "]))
    monthly = "month" in every
    nth = st.sampled_from(["1st", "2nd", "3rd", "4th", "last"])
    day = st.sampled_from(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
    on = draw(st.none() | st.tuples(nth, day).map(" ".join)) if monthly else None
    some_dates = st.lists(dates, max_size=3)
    moved = draw(st.dictionaries(dates, dates, max_size=3))
    notes = {d: {"on": draw(dates), "reason": draw(st.none() | lines)} for d in draw(some_dates)}
    return Schedule(
        every=every,
        from_=draw(dates),
        on=on,
        time=draw(clock),
        agenda_by=draw(
            st.sampled_from(["monday before", "Monday-before", "0 days before", "99 days before"])
        ),
        items_by=draw(st.integers(0, 60)),
        moved=moved,
        cancelled=draw(some_dates),
        notes=notes,
        bank_holidays=draw(st.sampled_from(["keep", "move", "cancel"])),
    )


def groups(ids: list[str]) -> st.SearchStrategy[list[Group]]:
    one = lambda gid: st.builds(  # noqa: E731
        Group,
        id=st.just(gid),
        name=lines,
        audience=st.sampled_from(["core", "wide"]),
        chair=st.none() | lines,
        venue=st.none() | lines,
        schedule=st.none() | schedules() | schedules(),
    )
    return st.tuples(*(one(g) for g in ids)).map(list)


def members(group_ids: list[str]) -> st.SearchStrategy[Member]:
    return st.builds(
        Member,
        role=lines,
        name=st.none() | lines,
        can_commit_resources=st.booleans(),
        groups=st.lists(st.sampled_from(group_ids), unique=True) if group_ids else st.just([]),
    )


@st.composite
def agencies(draw: st.DrawFn, group_ids: list[str]) -> list[dict[str, Any]]:
    drop_none = draw(st.booleans())
    out = []
    for known in EXAMPLE["agencies"]:
        agency = dict(known)
        for name in ("isp_signed", "isp_review"):
            agency[name] = draw(st.sampled_from([known.get(name), None]) | dates | wild_dates)
        if draw(st.booleans()):
            agency["members"] = [data(m, drop_none) for m in draw(st.lists(members(group_ids), max_size=3))]
        else:
            agency["members"] = [
                {**m, "groups": [g for g in m.get("groups", []) if g in group_ids]} for m in known["members"]
            ]
        if draw(st.integers(0, 9)) == 0:
            agency.pop("email", None)
        out.append(_without_none(agency) if drop_none else agency)
    extra = st.builds(
        Agency,
        id=slugs.filter(lambda s: s not in {a["id"] for a in EXAMPLE["agencies"]}),
        name=lines,
        isp_signed=st.none() | wild_dates,
        isp_review=st.none() | wild_dates,
        email=st.none() | mailboxes,
        members=st.lists(members(group_ids), max_size=3),
    )
    for agency in draw(st.lists(extra, max_size=3, unique_by=lambda a: a.id)):
        out.append(data(agency, drop_none))
    return out


def extras(model: type[BaseModel], known: list[dict[str, Any]], **fields: Any) -> st.SearchStrategy[Any]:
    taken = {k["id"] for k in known}
    return st.lists(
        st.builds(model, id=slugs.filter(lambda s: s not in taken), **fields),
        max_size=3,
        unique_by=lambda m: m.id,
    )


def budgets() -> st.SearchStrategy[dict[str, float]]:
    years = st.integers(1900, 2998).filter(lambda y: y != 2026).map(lambda y: f"{y}-{(y + 1) % 100:02d}")
    return st.dictionaries(years, st.floats(0, 1e9) | st.integers(0, 10**9), max_size=3)


@st.composite
def partnerships(draw: st.DrawFn) -> dict[str, Any]:
    """jatac.yaml: the example's ids kept (its cases name them), everything around them drawn."""
    drop_none = draw(st.booleans())
    # the example's fund ledger and members name its two groups: mostly they stay
    group_ids = draw(
        st.sampled_from([["coordinating", "jatac"]] * 4 + [["coordinating"], [], ["jatac", "wide-2"]])
    )
    config: dict[str, Any] = dict(EXAMPLE)
    config["name"] = draw(lines)
    config["prefix"] = "JAT" if draw(st.integers(0, 19)) < 19 else draw(st.sampled_from(["AB", "ABCDEFGH"]))
    config["marking"] = draw(st.sampled_from(list(Marking)).map(str))
    config["region"] = draw(st.sampled_from(["england-and-wales", "scotland", "northern-ireland"]))
    # the example's own group, now and then (its fund ledger names its meetings), or one drawn
    drawn = [data(g, drop_none) for g in draw(groups(group_ids))]
    theirs = {g["id"]: g for g in EXAMPLE["groups"]}
    config["groups"] = [theirs[g["id"]] if g["id"] in theirs and draw(st.booleans()) else g for g in drawn]
    config["agencies"] = draw(agencies(group_ids))
    kinds = st.sampled_from(list(LocalityKind))
    localities = [*EXAMPLE["localities"]]
    for loc in draw(extras(Locality, localities, name=lines, kind=kinds)):
        within = draw(st.none() | st.sampled_from([x["id"] for x in localities]))
        localities.append({**data(loc, drop_none), **({"within": within} if within else {})})
    config["localities"] = localities
    cats = EXAMPLE["categories"]
    config["categories"] = [*cats, *(data(c, drop_none) for c in draw(extras(Category, cats, name=lines)))]
    forms = st.lists(st.from_regex(r"[A-Z#@?/-]{1,20}", fullmatch=True), min_size=1, max_size=2)
    systems = st.lists(
        st.builds(ReferenceSystem, id=slugs, name=lines, formats=forms), unique_by=lambda s: s.id
    )
    config["systems"] = [data(s, drop_none) for s in draw(systems)]
    if draw(st.booleans()):
        levels = st.lists(
            st.builds(EscalationLevel, id=slugs, name=lines), max_size=3, unique_by=lambda e: e.id
        )
        config["escalation"] = [
            {"id": "performance-group", "name": "Performance Group"},
            *(data(e, drop_none) for e in draw(levels)),
        ]
    # up to ten years (MAX_REVIEW_DAYS); now and then past it, which validate names
    big = st.integers(1, 3650) if draw(st.integers(0, 9)) else st.integers(1, 10**12)
    config["review_days"] = {str(level): draw(big) for level in draw(st.sets(st.sampled_from(list(Level))))}
    config["isp_review_months"] = draw(st.integers(1, 120))
    years = st.integers(1, 100)
    retention = st.builds(Retention, closed_years=years, rejected_years=years, minutes_years=years)
    config["retention"] = data(draw(retention), drop_none)
    fund = st.builds(
        Fund,
        # the example's 2026-27 ledger has approved £2,400: less, and validate names the ledger
        budget=st.floats(2400, 1e9) | st.integers(2400, 10**9),
        budgets=budgets(),
        year_starts=st.sampled_from(["01-01", "02-28", "03-31", "04-01", "06-15", "12-31"]),
    )
    config["fund"] = data(draw(fund), drop_none)
    review = st.builds(CaseReview, reports=st.integers(1, 10**6), months=st.integers(1, 60))
    config["case_review"] = data(draw(review), drop_none)
    # left out, as a new partnership's might (the fund's too, rarely: the example's ledger needs one)
    for optional in ("systems", "escalation", "review_days", "retention", "case_review", "fund")[
        : draw(st.integers(5, 6))
    ]:
        if draw(st.integers(0, 9)) == 0:
            config.pop(optional, None)
    return config


# -- meeting and minutes files ------------------------------------------------------------


@st.composite
def decisions(draw: st.DrawFn, agency_ids: list[str]) -> Decision:
    do = draw(st.sampled_from(list(Do)))
    agency = st.sampled_from(agency_ids)
    fields: dict[str, Any] = {
        "do": do,
        "case": draw(CASE_IDS) if do is not Do.fund else draw(st.none() | CASE_IDS),
    }
    needs = {
        Do.fund: {"request": REQUESTS, "approve": st.none() | st.booleans()},
        Do.adopt: {
            "lead": agency,
            "problem_manager": lines,
            "risk": st.none() | st.sampled_from(list(Level)),
        },
        Do.action: {"what": lines, "owner": agency, "due": wild_dates, "role": st.none() | lines},
        Do.close: {"outcome": st.sampled_from(["resolved", "partly resolved"]) | lines},
        Do.escalate: {
            "to": st.sampled_from(["performance-group", "rag"]) | lines,
            "reason": lines,
            "skip_level": st.booleans(),
        },
        Do.reject: {"reason": lines},
        Do.refer: {"to": lines, "reason": lines},
        Do.review: {"note": lines, "next": st.none() | wild_dates},
    }
    for name, values in needs[do].items():
        fields[name] = draw(values)
    return Decision(**fields)


@st.composite
def meeting_files(draw: st.DrawFn, config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Meetings of the drawn groups, some with minutes: ``{relpath: data}``."""
    drop_none = draw(st.booleans())
    agency_ids = [a["id"] for a in config["agencies"]]
    files: dict[str, dict[str, Any]] = {}
    for group in config.get("groups", []):
        schedule = group.get("schedule") or {}
        near = [d for d in (schedule.get("from"), *schedule.get("moved", {}).values()) if d]
        days = st.one_of(dates, st.sampled_from(near)) if near else dates
        for day in draw(st.lists(days, max_size=3, unique=True)):
            meeting_id = f"{day.isoformat()}-{group['id']}"
            n = draw(st.integers(0, 4))
            item = st.builds(
                AgendaItem,
                id=st.just("I1"),
                title=lines,
                by=st.sampled_from(agency_ids),
                kind=st.sampled_from(list(ItemKind)),
                case=st.none() | CASE_IDS,
                added_on=wild_dates,
                late=st.booleans(),
                note=texts,
            )
            items = [
                draw(item.map(lambda i, k=k: i.model_copy(update={"id": f"I{k}"}))) for k in range(1, n + 1)
            ]
            sending = st.builds(
                Sending,
                paper=st.sampled_from(list(Paper)),
                issue=st.integers(1, 99),
                on=wild_dates,
                to=st.lists(st.sampled_from(agency_ids), min_size=1, max_size=3),
                via=st.sampled_from(["smtp", "eml"]),
                marking=st.sampled_from(list(Marking)),
            )
            meeting = Meeting(
                id=meeting_id,
                group=group["id"],
                date=day,
                planned_on=draw(st.none() | dates),
                time=draw(clock),
                venue=draw(st.none() | lines),
                chair=draw(st.none() | lines),
                status=draw(st.sampled_from(list(MeetingStatus))),
                # a paper naming an OFFICIAL-SENSITIVE case is marked so, or validate names it
                marking=draw(st.sampled_from([Marking.OFFICIAL, *[Marking.OFFICIAL_SENSITIVE] * 2])),
                items=items,
                sent=draw(st.lists(sending, max_size=2)),
            )
            files[f"meetings/{day.year}/{meeting_id}.yaml"] = data(meeting, drop_none)
            if draw(st.booleans()):
                files[f"minutes/{day.year}/{meeting_id}.yaml"] = data(
                    draw(minutes(meeting_id, day, agency_ids)), drop_none
                )
    return files


@st.composite
def minutes(draw: st.DrawFn, meeting_id: str, held: date, agency_ids: list[str]) -> Minutes:
    # agreed minutes are checked against the commit that agreed them: written by hand, they
    # are refused, so they are drawn less often
    state = draw(
        st.sampled_from([MinutesState.draft] * 3 + [MinutesState.circulated] * 2 + list(MinutesState))
    )
    agreed = state in (MinutesState.agreed, MinutesState.locked)
    agreed_at = after(held, draw(st.integers(1, 400))) if agreed else None
    corrections = []
    if agreed_at is not None:
        fix = st.builds(
            Correction, what=lines, why=lines, at=st.integers(0, 400).map(lambda d: after(agreed_at, d))
        )
        corrections = draw(st.lists(fix, max_size=2))
    attendance = st.builds(
        Attendance,
        agency=st.sampled_from(agency_ids),
        role=st.none() | lines,
        name=st.none() | lines,
        status=st.none() | st.sampled_from(list(Presence)),
    )
    prefix = draw(st.sampled_from(["JAT", "SMK", "AB"]))
    count = draw(st.integers(0, 4))
    items = [
        MinuteItem(
            ref=f"{prefix}{k:02d}",
            title=draw(lines),
            heard=draw(texts),
            resolved=draw(st.lists(texts, max_size=2)),
            decisions=draw(st.lists(decisions(agency_ids), max_size=3)),
        )
        for k in range(1, count + 1)
    ]
    circulated = draw(st.none() | st.integers(0, 60).map(lambda d: after(held, d)))
    return Minutes(
        meeting=meeting_id,
        marking=draw(st.sampled_from([Marking.OFFICIAL, *[Marking.OFFICIAL_SENSITIVE] * 2])),
        state=state,
        circulated_on=circulated,
        agreed_at=agreed_at,
        corrections=corrections,
        chair=draw(st.none() | lines),
        attendance=draw(st.lists(attendance, max_size=4)),
        items=items,
        next_meeting=draw(st.none() | wild_dates),
    )


# -- one place spoiled --------------------------------------------------------------------


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*at, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _places(inner, (*at, n))


@st.composite
def spoiled(draw: st.DrawFn, files: dict[str, Any]) -> dict[str, Any]:
    """The files with one value replaced by junk or one key taken out (or as they were)."""
    if draw(st.integers(0, 3)) < 3:  # mostly as drawn (0 first: hypothesis starts simple)
        return files
    files = copy.deepcopy(files)  # the example's settings are shared by every example
    rel = draw(st.sampled_from(sorted(files)))
    places = [p for p in _places(files[rel]) if p]
    if not places:
        return files
    where = draw(st.sampled_from(places))
    parent = files[rel]
    for key in where[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[where[-1]]
    else:
        parent[where[-1]] = draw(JUNK)
    return files


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, Any]:
    config = draw(partnerships())
    files = {"jatac.yaml": config, **draw(meeting_files(config))}
    return draw(spoiled(files))


# -- running the commands -----------------------------------------------------------------


class Hung(BaseException):
    """A command ran past SECONDS (a BaseException: jatac's own handler must not catch it)."""


@contextmanager
def clock_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(root: Path, argv: list[str]) -> Result:
    from jatac.cli import app

    with clock_limit(SECONDS):
        # JATAC_DEBUG: a crash comes back as the exception itself, with its traceback
        return CliRunner().invoke(
            app, ["--repo", str(root), *argv], env={"JATAC_DEBUG": "1", "EDITOR": "true"}
        )


def crash(argv: list[str], result: Result) -> str | None:
    """What is wrong with how a command ended, or None if it ended as a command should."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        assert result.exc_info is not None
        return f"jatac {' '.join(argv)} crashed:\n{''.join(traceback.format_exception(*result.exc_info))}"
    if result.exit_code not in (0, 1, 2, 3) or "unexpected error" in result.output:
        return f"jatac {' '.join(argv)} exited {result.exit_code}:\n{result.output}"
    return None


def commands(data_: st.DataObject, files: dict[str, Any]) -> list[list[str]]:
    """The commands that read what was written, with dates of the meetings written."""
    days = sorted({rel.split("/")[2][:10] for rel in files if rel.startswith("meetings/")})
    held = sorted({rel.split("/")[2][:10] for rel in files if rel.startswith("minutes/")})
    day = data_.draw(st.sampled_from([[], *([d] for d in days)]), label="day")
    minutes_day = data_.draw(st.sampled_from([[], *([d] for d in held)]), label="minutes day")
    fmt = data_.draw(st.sampled_from(["md", "html", "docx"] * 6 + ["pdf"]), label="format")
    period = data_.draw(st.sampled_from(["2026-Q3", "2026-27", "2026", "1900-Q1", "2999-Q4", "2998-99"]))
    case = data_.draw(st.sampled_from(CASES), label="case")
    word = data_.draw(st.sampled_from(["graffiti", "fire*", "Café", "a OR b", '"the bridge"']), label="word")
    return [
        ["list"],
        ["list", "--all", "-f", "json"],
        ["show", case],
        ["meetings"],
        ["agenda", *day, "-f", fmt],
        ["agenda", *day, "-f", "md", "--audience", "wide", "--recipients"],
        ["item", "list", *day],
        ["calendar", "--months", "60"],
        ["report", "performance", "--period", period, "-f", "json"],
        ["report", "performance", "--period", period, "-f", "md"],
        ["report", "actions"],
        ["report", "attendance", "--since", "1900-01-01"],
        ["report", "fund"],
        ["report", "triggers"],
        ["report", "hotspots"],
        ["site", "--audience", data_.draw(st.sampled_from(["wide", "core"]), label="site")],
        ["send", "agenda", *day, "--dry-run"],
        ["send", "minutes", *minutes_day, "--dry-run"],
        ["send", "chase", "--dry-run"],
        ["minutes", "render", *minutes_day, "-f", data_.draw(st.sampled_from(["md", "html"]), label="m")],
        ["search", word],
        ["isp"],
        ["retention"],
        ["doctor"],
        ["fund", "request", "--amount", "100", "--purpose", "Lights", "--by", "tvp"],
        ["minutes", "apply", *minutes_day],
    ]


def write_files(root: Path, files: dict[str, Any]) -> None:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(content, out)
    # as a partner's push would bring them: committed
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        ["git", "commit", "-qm", "Settings and meetings"], cwd=root, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jatac.setup.demo import make_demo

    root = make_demo(tmp_path_factory.mktemp("fuzz-settings") / "example").root
    Jatac(root)("list")  # the index of the example's cases, built once and copied with it
    return root


def check_repository(example: Path, files: dict[str, Any], data_: st.DataObject) -> tuple[Result, list[str]]:
    """validate's answer, and every way the commands went wrong over these files."""
    work = Path(tempfile.mkdtemp(dir=example.parent))
    try:
        root = work / "repo"
        shutil.copytree(example, root, symlinks=True)
        write_files(root, files)
        found = []
        result = run(root, ["validate"])
        if problem := crash(["validate"], result):
            return result, [problem]
        if result.exit_code != 0:
            named = re.search(r"(jatac\.yaml|[\w./-]+\.yaml)", result.stderr)
            if result.exit_code != 1 or named is None:
                found.append(
                    f"validate refused with exit {result.exit_code}, naming no file:\n{result.output}"
                )
        for argv in commands(data_, files):
            try:
                if problem := crash(argv, run(root, argv)):
                    found.append(problem)
            except Hung as e:
                found.append(f"jatac {' '.join(argv)} hung: {e}")
        return result, found
    finally:
        shutil.rmtree(work, ignore_errors=True)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(files=repositories(), data_=st.data())
def test_what_validate_accepts_every_command_can_use(
    example: Path, files: dict[str, Any], data_: st.DataObject
) -> None:
    _, found = check_repository(example, files, data_)
    assert not found, "\n\n".join(found)


# -- what the long run found --------------------------------------------------------------


def edit_settings(jatac: Jatac, old: str, new: str) -> None:
    config = jatac.root / "jatac.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    jatac.git("commit", "-qam", "Settings edited by hand")


@pytest.mark.parametrize("days", ["1000000000", "10000000000000000000", "3651"])
def test_a_review_interval_past_the_calendar_is_named_in_jatac_yaml(jatac: Jatac, days: str) -> None:
    case = jatac.new()
    jatac.adopt(case, "asb-team", "ASB Team Leader", "--risk", "high")
    edit_settings(jatac, "review_days:\n  high: 14", f"review_days:\n  high: {days}")
    result = jatac("validate", ok=False)
    assert result.exit_code == 1
    assert "jatac.yaml" in result.stderr and "review_days" in result.stderr and "3650" in result.stderr
    for command in (["list"], ["show", case], ["site"], ["report", "actions"]):
        result = jatac(*command, ok=False)
        assert result.exit_code == 1 and "review_days" in result.stderr, (command, result.output)


def test_a_review_interval_of_ten_years_is_taken(jatac: Jatac) -> None:
    case = jatac.new()
    jatac.adopt(case, "asb-team", "ASB Team Leader", "--risk", "high")
    edit_settings(jatac, "review_days:\n  high: 14", "review_days:\n  high: 3650")
    jatac("validate")
    assert "2036-11-13" in jatac("list", "-f", "json").stdout


def test_an_unknown_field_of_a_member_lists_a_members_fields(jatac: Jatac) -> None:
    edit_settings(
        jatac, "      - role: ASB Team Leader\n", "      - role: ASB Team Leader\n        colour: red\n"
    )
    result = jatac("validate", ok=False)
    line = next(x for x in result.stderr.splitlines() if "colour" in x)
    assert "unknown field; the fields are: role, name, can_commit_resources, groups" in line
    assert "prefix" not in line  # not the fields of jatac.yaml's top level
