"""Issue 12, section 5: redaction is by construction.

No wide document names a withheld (OFFICIAL-SENSITIVE) case, however an OFFICIAL
record writes its id; every document is marked by the highest marking it holds,
for either group and either audience; and no meeting, minutes or fund request is
marked below a case it names.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.conftest import Jatac, editor

SECRET = "JAT-2026-0001"  # the OFFICIAL-SENSITIVE case of the fixture
TITLE = "Cuckooing in a block of flats"
CORE = "2026-12-14"  # the Coordinating Group (core)
WIDE = "2027-01-28"  # the quarterly JATAC (wide)
SENSITIVE_NOTE = "(OFFICIAL-SENSITIVE: for the core group only)"


def names(text: str, case_id: str = SECRET) -> bool:
    """Whether ``text`` (a document's text) names ``case_id``, however it is written in it."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).replace("\\", "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    prefix, year, number = case_id.split("-")
    return bool(re.search(rf"{prefix}[\W_]{{0,3}}{year}[\W_]{{0,3}}0*{int(number)}(?!\d)", text, re.I))


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


def document(jatac: Jatac, *args: str) -> tuple[str, list[str]]:
    """Render; the document's whole text, and its pages (one for Markdown and HTML)."""
    path = Path(jatac(*args).stdout.strip())
    if path.suffix == ".pdf":
        found = pages(path)
        return "\n".join(found), found
    text = path.read_text(encoding="utf-8")
    return text, [text]


@pytest.fixture
def shared(jatac: Jatac) -> Jatac:
    """A sensitive case, and OFFICIAL records that name it every way a partner might."""
    secret = jatac.new(TITLE, marking="OFFICIAL-SENSITIVE", category="drugs")
    assert secret == SECRET
    linked = jatac.new(
        f"Shop parade ASB, linked to {SECRET}",
        description=f"The same young people as in jat 2026 1; see also JAT/2026/0001 and {SECRET}.",
        place="Melrose Avenue shops",
    )
    jatac.adopt(linked)
    jatac(
        "action",
        "add",
        linked,
        f"Joint visit with the officers on {SECRET}",
        "--owner",
        "police",
        "--due",
        "2027-01-05",
    )
    jatac("action", "add", linked, "Fit CCTV to the parade", "--owner", "council-cctv", "--due", "2027-01-20")
    jatac.new(f"Fly-tipping behind the parade (not {SECRET})", category="fly-tipping")
    for day in (CORE, WIDE):
        jatac("item", "add", day, "Flats update", "--by", "police", "--case", SECRET)
        jatac("item", "add", day, f"Partners asked about {SECRET.lower()}", "--by", "fire")
        jatac("item", "add", day, "Closure of JAT–2026–0001?", "--by", "wardens", "--kind", "aob")
    return jatac


WIDE_DOCUMENTS = [
    pytest.param(("agenda", WIDE), id="wide-group"),
    pytest.param(("agenda", CORE, "--audience", "wide"), id="core-group-for-the-wide-audience"),
]


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
@pytest.mark.parametrize("command", WIDE_DOCUMENTS)
def test_a_wide_agenda_names_no_withheld_case(shared: Jatac, command: tuple[str, ...], fmt: str) -> None:
    text, found = document(shared, *command, "-f", fmt)
    flat = " ".join(text.split())
    assert not names(text) and not names(flat), flat
    assert "Cuckooing" not in text and "Flats update" not in text
    assert "a withheld case" in flat  # the OFFICIAL records are shown, the mention redacted
    assert "Partners asked about a withheld case" in flat and "Closure of a withheld case?" in flat
    assert "2 items withheld from this version" in flat  # the case and the item about it
    for page in found:  # an OFFICIAL document: the withheld items are not in it
        assert "OFFICIAL" in page and "OFFICIAL-SENSITIVE" not in " ".join(page.split()).replace(
            SENSITIVE_NOTE, ""
        )


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_the_core_groups_agenda_for_the_wide_audience_redacts_case_detail(shared: Jatac, fmt: str) -> None:
    text, _ = document(shared, "agenda", CORE, "--audience", "wide", "-f", fmt)
    flat = " ".join(text.split())
    assert "Shop parade ASB, linked to a withheld case" in flat  # another case's title
    assert "Joint visit with the officers on a withheld case" in flat  # an action
    assert "Fit CCTV to the parade" in flat and "JAT-2026-0002" in flat  # the OFFICIAL case is shown


def test_the_core_audience_still_sees_everything(shared: Jatac) -> None:
    text, _ = document(shared, "agenda", CORE, "-f", "md")
    assert TITLE in text and SECRET in text and "Flats update" in text
    assert "a withheld case" not in text


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_the_core_agenda_of_the_wide_group_is_marked_by_what_it_shows(shared: Jatac, fmt: str) -> None:
    text, found = document(shared, "agenda", WIDE, "--audience", "core", "-f", fmt)
    assert "Flats update" in text  # the item about the sensitive case is shown to the core group
    for page in found:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if fmt == "pdf":  # top and bottom of every page
            assert lines[0] == "OFFICIAL-SENSITIVE", lines[:2]
            assert "OFFICIAL-SENSITIVE Page" in lines[-1], lines[-2:]
        elif fmt == "md":
            assert lines[0] == "**OFFICIAL-SENSITIVE**" and lines[-1] == "**OFFICIAL-SENSITIVE**"
        else:
            assert text.count("OFFICIAL-SENSITIVE") >= 2 and ">OFFICIAL<" not in text


def test_an_item_about_a_sensitive_case_marks_the_meeting_and_the_wide_agenda_stays_official(
    shared: Jatac,
) -> None:
    meeting = (shared.root / f"meetings/2027/{WIDE}-jatac.yaml").read_text()
    assert "marking: OFFICIAL-SENSITIVE" in meeting
    first = shared.git("log", "--reverse", "--format=%B", "--", f"meetings/2027/{WIDE}-jatac.yaml")
    assert "marking: OFFICIAL -> OFFICIAL-SENSITIVE (the item names such a case)" in first
    text, _ = document(shared, "agenda", WIDE, "-f", "md")
    assert text.startswith("**OFFICIAL**\n")


def test_a_fund_request_for_a_sensitive_case_is_marked_as_its_case(shared: Jatac) -> None:
    shared("fund", "request", SECRET, "--amount", "500", "--purpose", "Target hardening at the flats")
    shared("fund", "request", "JAT-2026-0002", "--amount", "200", "--purpose", "Signs at the parade")
    ledger = (shared.root / "fund/2026/2026-27.yaml").read_text()
    first, second = ledger.split("- id: ")[1:]
    assert "marking: OFFICIAL-SENSITIVE" in first and "marking: OFFICIAL\n" in second


# -- a record's marking cannot be lowered below what it names ------------------------------------


ADD_HEARD = """import sys, pathlib, re
p = pathlib.Path(sys.argv[1])
text = p.read_text()
text = text.replace("heard: ''", "heard: Police updated partners on {case}", 1)
{more}
p.write_text(text)
"""


def test_minutes_naming_a_sensitive_case_are_refused_as_official(shared: Jatac, tmp_path: Path) -> None:
    shared("minutes", "new", WIDE)  # from the wide agenda: OFFICIAL, the withheld case left out
    relpath = f"minutes/2027/{WIDE}-jatac.yaml"
    assert "marking: OFFICIAL\n" in (shared.root / relpath).read_text()
    before, head = shared.snapshot(), shared.git("rev-parse", "HEAD")
    env = editor(tmp_path, ADD_HEARD.format(case=SECRET, more=""))
    result = shared("minutes", "edit", WIDE, env=env, ok=False)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert f"{relpath}:" in message and ".heard: names JAT-2026-0001, which is OFFICIAL-SENSITIVE" in message
    assert "set `marking: OFFICIAL-SENSITIVE`, or leave the case out" in message
    assert shared.snapshot() == before and shared.git("rev-parse", "HEAD") == head

    marked = ADD_HEARD.format(
        case=SECRET, more='text = text.replace("marking: OFFICIAL\\n", "marking: OFFICIAL-SENSITIVE\\n")'
    )
    shared("minutes", "edit", WIDE, env=editor(tmp_path, marked, "marked.py"))
    assert "marking: OFFICIAL-SENSITIVE" in (shared.root / relpath).read_text()
    text, found = document(shared, "minutes", "render", WIDE, "-f", "pdf")
    assert "Police updated partners on JAT-2026-0001" in " ".join(text.split())
    for page in found:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE" and "OFFICIAL-SENSITIVE Page" in lines[-1]


def test_a_decision_about_a_sensitive_case_needs_the_marking_too(shared: Jatac, tmp_path: Path) -> None:
    shared("minutes", "new", WIDE)
    decision = (
        'text = text.replace("decisions: []", '
        '"decisions: [{do: reject, case: JAT-2026-0001, reason: A matter for the landlord}]", 1)'
    )
    env = editor(tmp_path, ADD_HEARD.format(case="the flats", more=decision))
    message = " ".join(shared("minutes", "edit", WIDE, env=env, ok=False).stderr.split())
    assert ".decisions.0.case: names JAT-2026-0001" in message


def test_pushed_official_records_naming_a_sensitive_case_fail_validate_and_render_marked(
    shared: Jatac,
) -> None:
    shared("minutes", "new", WIDE)
    minutes = shared.root / f"minutes/2027/{WIDE}-jatac.yaml"
    minutes.write_text(minutes.read_text().replace("heard: ''", f"heard: About {SECRET}", 1))
    meeting = shared.root / f"meetings/2027/{WIDE}-jatac.yaml"
    meeting.write_text(meeting.read_text().replace("marking: OFFICIAL-SENSITIVE", "marking: OFFICIAL"))
    shared.git("commit", "-qam", "a partner's push")
    result = shared("validate", ok=False)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert f"meetings/2027/{WIDE}-jatac.yaml items.0.case: names JAT-2026-0001" in out, out
    assert f"minutes/2027/{WIDE}-jatac.yaml items." in out and ".heard: names JAT-2026-0001" in out, out
    before, head = shared.snapshot(), shared.git("rev-parse", "HEAD")
    applying = shared("minutes", "apply", WIDE, ok=False)
    assert applying.exit_code == 1 and ".heard: names JAT-2026-0001" in applying.stderr
    assert shared.snapshot() == before and shared.git("rev-parse", "HEAD") == head
    # rendered all the same, the minutes carry the marking of what they name
    text, _ = document(shared, "minutes", "render", WIDE, "-f", "md")
    assert text.startswith("**OFFICIAL-SENSITIVE**") and text.rstrip().endswith("**OFFICIAL-SENSITIVE**")


# -- whatever an OFFICIAL record says, the wide document never names a withheld case ---------------


def _spellings() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            SECRET,
            SECRET.lower(),
            "JAT 2026 1",
            "JAT/2026/0001",
            "JAT_2026_0001",
            "JAT-2026-01",
            "JAT20260001",
            "JAT–2026–0001",
            "ＪＡＴ-２０２６-０００１",
            "JAT-2026-0\u200b001",
            "JAT-𝟐𝟎𝟐𝟔-𝟎𝟎𝟎𝟏",
            "(JAT-2026-0001)",
            "#JAT-2026-0001;",
            '"JAT-2026-0001"',
            "<b>JAT-2026-0001</b>",
            "*JAT-2026-0001*",
            "{{ JAT-2026-0001 }}",
        ]
    )


_LINE_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\ufffe\uffff"
)


def _line() -> st.SearchStrategy[str]:
    words = st.lists(st.one_of(st.text(_LINE_CHARS, max_size=8), _spellings()), min_size=1, max_size=6)
    return words.map(" ".join).map(lambda s: s.strip()[:150]).filter(bool)


def _text() -> st.SearchStrategy[str]:
    chars = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff\ufffe\uffff")
    words = st.lists(st.one_of(st.text(chars, max_size=12), _spellings(), st.just("\n")), max_size=8)
    return words.map(" ".join)


def _yaml(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_line(), description=_text(), place=_line(), item=_line(), action=_line())
def test_whatever_an_official_record_says_the_wide_agenda_names_no_withheld_case(
    shared: Jatac, title: str, description: str, place: str, item: str, action: str
) -> None:
    from jatac.meetings.agenda import build
    from jatac.meetings.files import find
    from jatac.render.engine import render_source
    from jatac.storage.repository import Repository

    def committed(relpath: str) -> str:  # each example starts from the fixture's files
        return shared.git("show", f"HEAD:{relpath}")

    case = shared.root / "issues/2026/JAT-2026-0003.yaml"
    text = committed("issues/2026/JAT-2026-0003.yaml")
    text = re.sub(r"(?m)^title: .*$", lambda _: f"title: {_yaml('Marker ' + title)}", text)
    text = re.sub(r"(?m)^description: .*$", "", text) + f"description: {_yaml(description)}\n"
    text += f"place: {_yaml(place)}\n"
    case.write_text(text, encoding="utf-8")
    for day, group in ((CORE, "coordinating"), (WIDE, "jatac")):
        relpath = f"meetings/{day[:4]}/{day}-{group}.yaml"
        path, meeting = shared.root / relpath, committed(relpath)
        meeting = re.sub(r"(?m)^(  - id: I2\n    title: ).*$", lambda m: m[1] + _yaml(item), meeting)
        path.write_text(meeting, encoding="utf-8")
    sara = shared.root / "sara/2026/JAT-2026-0002.yaml"
    sara.write_text(
        re.sub(
            r"(?m)^(\s+what: )Joint visit.*$",
            lambda m: m[1] + _yaml(action),
            committed("sara/2026/JAT-2026-0002.yaml"),
        ),
        encoding="utf-8",
    )

    repo = Repository(shared.root)
    # a record that does not load is left out of the agenda, which would prove nothing
    from jatac.cases.consistency import validate_repository

    assume(not validate_repository(repo))
    for day, audience in ((CORE, "wide"), (WIDE, None)):
        planned = find(repo, day)
        agenda = build(repo, planned, audience)
        for fmt in ("md", "html"):
            out = render_source(repo.root, agenda.template, fmt, agenda.as_template())
            assert not names(out), out
            assert not names(" ".join(out.split()))
            if audience == "wide":
                assert "Marker" in out  # the case is shown (redacted), not left out
