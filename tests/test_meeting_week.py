"""The README's meeting week, run as it is written, on a copy of the example partnership.

The commands come from the fenced block under "### A meeting week" in README.md, so the test
breaks when the README and jatac drift apart. Each `# Thursday 26 November: ...` line in the
block sets the clock (JATAC_TODAY) for the commands under it, as a coordinator would live the
week; mail goes to a real SMTP server. Who should get each paper is worked out here from the
example's own cases/jatac.yaml and case files (the terms of reference's membership and the ISP),
not from jatac's code, and compared with what the server received, what the meeting file
records and what `--dry-run` and `agenda --recipients` list.
"""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from ruamel.yaml import YAML

from tests.conftest import Inbox, Jatac, free_port, smtp_env

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
MEETING = "2026-12-07-coordinating"
GROUP = "coordinating"
# the core of the Coordinating Group by the terms of reference (DOMAIN.md): the support team,
# the council's ASB team, the police and fire; the example gives each a team mailbox
CORE = {"support-team", "asb-team", "tvp", "fire"}
# commands that only show or render: they make no commit
SHOWS = (("meetings",), ("item", "list"), ("agenda",), ("minutes", "render"), ("doctor",))


# -- the README's block ---------------------------------------------------------------------


def section_blocks(readme: str, heading: str) -> list[str]:
    """The fenced code blocks under ``heading``, up to the next heading (fences are skipped
    when looking for it: a `# comment` inside a block is not a heading)."""
    blocks: list[str] = []
    current: list[str] = []
    inside = fence = False
    for line in readme.splitlines():
        if not fence and line.startswith("#"):
            if inside:
                break
            inside = line.strip() == heading
            continue
        if not inside:
            continue
        if line.startswith("```"):
            if fence:
                blocks.append("\n".join(current))
                current = []
            fence = not fence
        elif fence:
            current.append(line)
    assert blocks, f"README.md has no code block under {heading!r}"
    return blocks


def day_of(words: str) -> date:
    """`Thursday 26 November` as a date of the week's winter: the weekday picks the year."""
    weekday, day_month = words.split(" ", 1)
    found = [
        d
        for year in (2026, 2027)
        for d in [datetime.strptime(f"{day_month} {year}", "%d %B %Y").date()]
        if f"{d:%A}" == weekday
    ]
    assert len(found) == 1, f"README: {words!r} is no day of the 2026-27 winter"
    return found[0]


@dataclass
class Step:
    day: date
    line: str
    argv: list[str]


def week_steps() -> list[Step]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = "\n".join(section_blocks(readme, "### A meeting week"))
    text = text.replace("\\\n", " ")  # a command continued on the next line
    steps: list[Step] = []
    day: date | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if line.startswith("#"):  # a day of the week starts, or a comment
            heading = re.match(r"# (\w+day \d+ \w+):", line)
            if heading:
                day = day_of(heading.group(1))
            continue
        argv = shlex.split(line, comments=True)
        assert argv and argv[0] == "jatac", f"README: not a jatac command: {line}"
        assert day is not None, f"README: {line!r} comes before any day of the week"
        steps.append(Step(day, line, argv[1:]))
    return steps


# -- who should get what, from the example's own files ---------------------------------------


def example_config() -> dict[str, Any]:
    return YAML(typ="safe").load((CASES / "jatac.yaml").read_text(encoding="utf-8"))


def may_receive(agency: dict[str, Any], on: date) -> bool:
    """Signed the ISP, and the signature is not past its review."""
    review = agency.get("isp_review")
    return bool(agency.get("isp_signed")) and (review is None or review >= on) and bool(agency.get("email"))


def members_mailboxes(group: str, on: date) -> dict[str, str]:
    """Agency id -> mailbox, for agencies with a member on ``group`` who may receive."""
    return {
        a["id"]: a["email"]
        for a in example_config()["agencies"]
        if any(group in m.get("groups", []) for m in a.get("members", [])) and may_receive(a, on)
    }


def chase_mailboxes(on: date, days: int) -> dict[str, str]:
    """Owners of open actions of open cases due within ``days`` (or overdue), who may receive."""
    yaml = YAML(typ="safe")
    owners = set()
    for path in CASES.glob("sara/*/*.yaml"):
        case = yaml.load((CASES / "issues" / path.parent.name / path.name).read_text(encoding="utf-8"))
        if case["status"] not in {"proposed", "adopted", "escalated"}:
            continue
        response = yaml.load(path.read_text(encoding="utf-8")).get("response") or {}
        for action in response.get("actions") or []:
            if action.get("status") == "open" and action["due"] <= on + timedelta(days=days):
                owners.add(action["owner"])
    agencies = {a["id"]: a for a in example_config()["agencies"]}
    return {o: agencies[o]["email"] for o in owners if may_receive(agencies[o], on)}


# -- running it ------------------------------------------------------------------------------


@dataclass
class Ran:
    step: Step
    stdout: str
    received: list[tuple[list[str], EmailMessage]]
    commits: list[str]  # full messages of the commits it made, oldest first


def commits_since(jatac: Jatac, head: str) -> list[str]:
    log = jatac.git("log", "--reverse", "--format=%B%x1e", f"{head}..HEAD")
    return [c.strip() for c in log.split("\x1e") if c.strip()]


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in message.walk() if p.get_content_disposition() == "attachment"]
    return str(part.get_filename()), part.get_content()


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Jatac, list[Ran]]]:
    """The week, run once for this module's tests: a module-wide fixture runs before the
    per-test isolation of conftest.py, so it isolates itself the same way."""
    from aiosmtpd.controller import Controller

    from jatac.setup.demo import make_demo

    where = tmp_path_factory.mktemp("week")
    (where / ".gitconfig").write_text(
        "[user]\n\tname = Test Coordinator\n\temail = coordinator@example.org\n", encoding="utf-8"
    )
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(where))
        env.setenv("GIT_CONFIG_GLOBAL", str(where / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in ("JATAC_REPO", "VISUAL", "JATAC_SMTP_CONFIG", "XDG_CONFIG_HOME"):
            env.delenv(name, raising=False)
        server.start()
        try:
            yield run_week(make_demo(where / "demo").root, inbox, smtp_env(port))
        finally:
            server.stop()


def run_week(root: Path, inbox: Inbox, env: dict[str, str]) -> tuple[Jatac, list[Ran]]:
    demo = Jatac(root)
    ran: list[Ran] = []
    for step in week_steps():
        head, seen = demo.git("rev-parse", "HEAD").strip(), len(inbox.received)
        try:
            result = demo(*step.argv, env={**env, "JATAC_TODAY": step.day.isoformat()})
        except AssertionError as e:
            raise AssertionError(f"README's meeting week, {step.day:%A %d %B}: `{step.line}`\n{e}") from None
        ran.append(Ran(step, result.stdout, inbox.received[seen:], commits_since(demo, head)))
    return demo, ran


def the(ran: list[Ran], *words: str, dry_run: bool = False) -> Ran:
    """The one step of the week whose command starts with ``words`` (a dry run or not)."""
    found = [
        r
        for r in ran
        if tuple(r.step.argv[: len(words)]) == words and dry_run == ("--dry-run" in r.step.argv)
    ]
    assert len(found) == 1, f"README's week: {len(found)} steps `jatac {' '.join(words)}`"
    return found[0]


# -- the tests -------------------------------------------------------------------------------


def test_the_readme_week_is_a_week_of_the_coordinating_group() -> None:
    steps = week_steps()
    assert steps[0].day == date(2026, 11, 26)
    assert {s.day for s in steps} >= {date(2026, 11, 30), date(2026, 12, 7), date(2027, 1, 4)}
    assert [s.day for s in steps] == sorted(s.day for s in steps)
    # the partnership's own terms of reference give the core group these four agencies
    core = {
        a["id"]
        for a in example_config()["agencies"]
        if any(GROUP in m.get("groups", []) for m in a.get("members", []))
    }
    assert core == CORE


def test_the_readme_week_runs_as_written_and_each_paper_reaches_the_core_group(
    week: tuple[Jatac, list[Ran]],
) -> None:
    demo, ran = week
    record = YAML(typ="safe").load((demo.root / "meetings" / "2026" / f"{MEETING}.yaml").read_text())
    sent = {s["paper"]: s for s in record["sent"]}
    agencies = {a["id"]: a for a in example_config()["agencies"]}

    papers = {
        "agenda": (the(ran, "send", "agenda"), members_mailboxes(GROUP, date(2026, 11, 30))),
        "minutes": (the(ran, "send", "minutes"), members_mailboxes(GROUP, date(2026, 12, 8))),
        "chase": (the(ran, "send", "chase"), chase_mailboxes(date(2026, 12, 1), 7)),
    }
    assert set(papers["agenda"][1]) == CORE
    # the Parks Trust owns an overdue action too, but its ISP signature is past review
    assert set(papers["chase"][1]) == {"youth-service", "tvp"}
    assert "The Parks Trust: its ISP signature was due for review by 2026-10-01" in papers["chase"][0].stdout
    for paper, (step, expected) in papers.items():
        mailboxes = sorted(r for rcpt, _ in step.received for r in rcpt)
        assert mailboxes == sorted(expected.values()), paper
        assert all(len(rcpt) == 1 for rcpt, _ in step.received), f"{paper}: one message per agency"
        # the meeting's file records exactly that sending, on the day it went, as issue 1
        assert sorted(sent[paper]["to"]) == sorted(expected), paper
        record_of = sent[paper]
        assert (record_of["on"], record_of["issue"], record_of["via"]) == (step.step.day, 1, "smtp"), paper
        for _, message in step.received:
            assert message["Subject"].startswith(f"{sent[paper]['marking']}: "), message["Subject"]
    # the agenda and minutes carry the core group's case detail: OFFICIAL-SENSITIVE
    assert sent["agenda"]["marking"] == sent["minutes"]["marking"] == "OFFICIAL-SENSITIVE"
    assert [r["paper"] for r in record["sent"]] == ["agenda", "chase", "minutes"]

    # before sending, --dry-run and `agenda --recipients` list the same agencies, each with why
    dry = the(ran, "send", "agenda", dry_run=True)
    assert dry.received == [] and dry.commits == []
    listed = re.findall(r"^To: .* <(.+)>$", dry.stdout, re.M)
    assert sorted(listed) == sorted(papers["agenda"][1].values())
    assert len(re.findall(r"^  Because: .+ sits? on the JATAC Coordinating Group$", dry.stdout, re.M)) == 4
    shown = the(ran, "agenda").stdout.split("Left out:")[0]
    assert sorted(a for a in agencies if f"  {agencies[a]['name']}: " in shown) == sorted(CORE)
    assert "17 agencies, no member sits on the JATAC Coordinating Group" in dry.stdout


def test_the_papers_sent_are_marked_and_list_the_core_group(week: tuple[Jatac, list[Ran]]) -> None:
    _, ran = week
    names = {a["id"]: a["name"] for a in example_config()["agencies"]}
    for paper in ("agenda", "minutes"):
        step = the(ran, "send", paper)
        pdfs = {attachment(m) for _, m in step.received}
        assert len(pdfs) == 1, f"{paper}: every agency gets the same document"
        ((filename, pdf),) = pdfs
        assert filename == f"{paper}-{MEETING}.pdf"
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        for n, page in enumerate(pages, 1):
            assert page.startswith("OFFICIAL-SENSITIVE"), (paper, n)
            assert page.rstrip().endswith(f"OFFICIAL-SENSITIVE Page {n} of {len(pages)}"), (paper, n)
        text = "".join(pages)
        # the attendance lists the core group's agencies (the agenda: expected; the minutes: as
        # marked at the meeting), and none of the wide group's
        for agency in CORE:
            assert names[agency] in re.sub(r"\s+", " ", text), (paper, agency)
        assert "Milton Keynes Council Public Realm" not in text.split("JAT02")[0]
        if paper == "minutes":
            assert all("DRAFT" in page for page in pages)


def test_each_step_of_the_week_is_one_commit_naming_the_meeting_and_leaves_nothing_behind(
    week: tuple[Jatac, list[Ran]],
) -> None:
    demo, ran = week
    for r in ran:
        shows = any(tuple(r.step.argv[: len(s)]) == s for s in SHOWS) or "--dry-run" in r.step.argv
        if shows:
            assert r.commits == [], r.step.line
            continue
        assert r.commits, f"{r.step.line}: made no commit"
        for message in r.commits:
            assert f"\nJatac-Meeting: {MEETING}\n" in f"\n{message}\n", (r.step.line, message)
    # `minutes apply`: a commit for each decision (the adoption, the fund approval)
    applied = the(ran, "minutes", "apply").commits
    assert [c.splitlines()[0] for c in applied] == [
        f"JAT-2026-0012: adopted, lead tvp (meeting {MEETING})",
        f"FR-2026-002: approved, £1,500.00 (meeting {MEETING})",
    ]
    # carried into the case and the fund as of the meeting's day, not the Tuesday it was typed
    yaml = YAML(typ="safe")
    case = yaml.load((demo.root / "issues" / "2026" / "JAT-2026-0012.yaml").read_text(encoding="utf-8"))
    assert (case["status"], case["lead"], case["adopted_on"]) == ("adopted", "tvp", date(2026, 12, 7))
    fund = yaml.load((demo.root / "fund" / "2026" / "2026-27.yaml").read_text(encoding="utf-8"))
    (request,) = [r for r in fund["requests"] if r["id"] == "FR-2026-002"]
    assert (request["status"], request["decided_on"], request["meeting"]) == (
        "approved",
        date(2026, 12, 7),
        MEETING,
    )
    (agenda_sent,) = the(ran, "send", "agenda").commits
    assert agenda_sent.startswith(f"{MEETING}: agenda sent to 4 agencies")
    assert "On 2026-11-30, on time" in agenda_sent
    # the attendance the README marks is the group's own: no place outside its membership
    for r in ran:
        if r.step.argv[:2] == ["minutes", "attend"]:
            assert "did not list that place" not in r.stdout, r.step.line

    # after the week: nothing generated in the tree, and doctor has no commit to advise
    assert demo.status() == ""
    papers = sorted(p.name for p in (demo.root / "build").iterdir())
    assert f"agenda-{MEETING}.pdf" in papers and f"minutes-{MEETING}.docx" in papers
    doctor = demo("doctor", env={"JATAC_TODAY": "2027-01-04"}).stdout
    assert "no uncommitted changes" in doctor and "uncommitted change(s)" not in doctor
    assert "where git would take them" not in doctor


def test_what_the_readme_says_each_step_shows_is_what_it_shows(week: tuple[Jatac, list[Ran]]) -> None:
    demo, ran = week
    # "the 7 December meeting: items due 30 Nov, agenda by 30 Nov"
    (row,) = [line for line in the(ran, "meetings").stdout.splitlines() if line.startswith("2026-12-07")]
    assert re.search(r"JATAC Coordinating Group\s+2026-11-30\s+2026-11-30\b", row), row
    # three items in, one withdrawn: the list holds the other two, the edit shown
    listed = the(ran, "item", "list").stdout
    assert re.findall(r"^(I\d+) ", listed, re.M) == ["I1", "I2"]
    assert "Scooter thefts at Bletchley station" in listed and "Bin store fires" not in listed
    # "build/agenda-2026-12-07-coordinating.pdf, and who gets it"
    assert the(ran, "agenda").stdout.splitlines()[0] == str(demo.root / "build" / f"agenda-{MEETING}.pdf")
    # "attendance, then the agenda's items JAT01 ... JAT11"
    minutes = YAML(typ="safe").load((demo.root / "minutes" / "2026" / f"{MEETING}.yaml").read_text())
    assert [i["ref"] for i in minutes["items"]] == [f"JAT{n:02d}" for n in range(1, 12)]
    # "DRAFT in the header until agreed": the Word minutes rendered on the Tuesday
    from docx import Document

    path = Path(the(ran, "minutes", "render").stdout.strip().splitlines()[0])
    assert path == demo.root / "build" / f"minutes-{MEETING}.docx"
    header = [p.text for p in Document(str(path)).sections[0].header.paragraphs]
    assert "DRAFT" in header[0] and header[0].startswith("OFFICIAL-SENSITIVE"), header
    # circulated on the Tuesday, agreed at the next meeting
    assert (minutes["state"], minutes["circulated_on"], minutes["agreed_at"]) == (
        "agreed",
        date(2026, 12, 8),
        date(2027, 1, 4),
    )
