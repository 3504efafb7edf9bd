"""Issue 22, "what validate accepts, every command can use; what it cannot use, validate names".

Three classes: a record file filed in another year's folder than its id's (it is no record,
only a problem validate names), an import file with a field over the csv module's limit, and
one-line text typed on the command line (an evidence name, a reason) holding characters that
every one-line field of a record refuses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jatac.storage import index
from tests.conftest import Jatac, new_issue_args

CORE = "2026-12-14"  # the starter Coordinating Group's next meeting
SECONDS = 2.0  # what a coordinator waits for any of these on the example


@pytest.fixture(params=["index", "no index"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every test twice: through the read index, and reading the files (the same rule holds)."""
    monkeypatch.setattr(index, "ENABLED", request.param == "index")
    yield request.param


def timed(jatac: Jatac, *args: str, ok: bool = True):
    start = time.monotonic()
    result = jatac(*args, ok=ok)
    assert time.monotonic() - start < SECONDS, f"jatac {' '.join(args)} took too long"
    return result


def refused(jatac: Jatac, *args: str, code: int = 1) -> str:
    """A refusal: the exit code (never 70), no traceback, the tree and HEAD unchanged; its stderr
    with line breaks folded (rich wraps long messages)."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = timed(jatac, *args, ok=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return " ".join(result.stderr.split())


def commit_all(jatac: Jatac, message: str = "a partner's push") -> None:
    jatac.git("add", "-A")
    jatac.git("commit", "-q", "-m", message)


GHOST = """\
# pushed by a partner, in last year's folder
title: Ghost at the garages
id: JAT-2026-0002
status: proposed
priority: high
marking: OFFICIAL
category: asb
location: town-centre
raised_by: police
raised_on: 2026-11-02
"""


# -- 1. a record file in another year's folder is no record ---------------------------------------


def test_a_case_copied_into_another_years_folder_is_listed_once(jatac: Jatac, reader: str) -> None:
    case = jatac.new("ASB at Melrose Avenue shops")
    text = (jatac.root / f"issues/2026/{case}.yaml").read_text(encoding="utf-8")
    copy = jatac.root / f"issues/2025/{case}.yaml"
    copy.parent.mkdir()
    copy.write_text(text.replace("ASB at Melrose Avenue shops", "Ghost copy"), encoding="utf-8")
    commit_all(jatac)

    listed = timed(jatac, "list", "--all")
    assert listed.stdout.count(case) == 1 and "Ghost copy" not in listed.stdout
    assert "1 file(s) could not be read; run `jatac validate`" in listed.stderr
    assert "Ghost copy" not in timed(jatac, "show", case).stdout

    said = refused(jatac, "validate")
    assert (
        f"issues/2025/{case}.yaml:1 id: a second file for case {case}, which is issues/2026/{case}.yaml"
        in said
    )
    assert "1 problem found" in said


def test_a_case_only_in_the_wrong_folder_is_no_case_anywhere(jatac: Jatac, reader: str) -> None:
    jatac.new("ASB at Melrose Avenue shops")
    ghost = jatac.root / "issues/2025/JAT-2026-0002.yaml"
    ghost.parent.mkdir()
    ghost.write_text(GHOST, encoding="utf-8")
    commit_all(jatac)

    assert "Ghost" not in timed(jatac, "list", "--all").stdout
    assert "there is no case JAT-2026-0002" in refused(jatac, "show", "JAT-2026-0002")
    assert "Ghost" not in timed(jatac, "search", "garages").stdout
    agenda = Path(timed(jatac, "agenda", CORE, "-f", "md").stdout.strip()).read_text(encoding="utf-8")
    assert "Melrose Avenue" in agenda and "Ghost" not in agenda
    # a spreadsheet leaves jatac whole or not at all: it names the file to mend
    said = refused(jatac, "export", "build/cases.csv")
    assert "issues/2025/JAT-2026-0002.yaml:3 id: JAT-2026-0002 belongs in" in said
    timed(jatac, "site", "-o", str(jatac.root / "build/site"))
    pages = [p.read_text(encoding="utf-8") for p in (jatac.root / "build/site").rglob("*.html")]
    assert pages and not any("Ghost" in page for page in pages)
    assert "Melrose Avenue" in "".join(pages)

    said = refused(jatac, "validate")
    assert (
        "issues/2025/JAT-2026-0002.yaml:3 id: JAT-2026-0002 belongs in issues/2026/JAT-2026-0002.yaml; "
        "it is not read as a case until it is moved there "
        "(git mv issues/2025/JAT-2026-0002.yaml issues/2026/JAT-2026-0002.yaml)"
    ) in said


def test_a_sara_package_in_the_wrong_folder_is_no_package(jatac: Jatac, reader: str) -> None:
    case = jatac.new("ASB at Melrose Avenue shops")
    jatac.adopt(case)
    jatac("action", "add", case, "Patrols at the parade", "--owner", "police", "--due", "2026-12-01")
    assert "Patrols at the parade" in jatac("sara", "show", case).stdout
    (jatac.root / "sara/2025").mkdir()
    jatac.git("mv", f"sara/2026/{case}.yaml", f"sara/2025/{case}.yaml")
    commit_all(jatac, "a partner files the package under last year")

    assert "Patrols at the parade" not in timed(jatac, "report", "actions").stdout
    said = refused(jatac, "validate")
    assert f"sara/2025/{case}.yaml:3 case: {case} belongs in sara/2026/{case}.yaml" in said
    # the case has no package where validate and every command look for one
    assert f"issues/2026/{case}.yaml status: adopted, but has no SARA package" in said


def test_a_meeting_in_the_wrong_folder_is_not_that_meeting(jatac: Jatac, reader: str) -> None:
    jatac("venue", "set", "Ghost Hall", "--meeting", CORE)
    (jatac.root / "meetings/2025").mkdir()
    moved = f"meetings/2025/{CORE}-coordinating.yaml"
    jatac.git("mv", f"meetings/2026/{CORE}-coordinating.yaml", moved)
    commit_all(jatac, "a partner files the meeting under last year")

    agenda = Path(timed(jatac, "agenda", CORE, "-f", "md").stdout.strip()).read_text(encoding="utf-8")
    assert "Ghost Hall" not in agenda
    said = refused(jatac, "validate")
    assert f"{moved}:1 id: {CORE}-coordinating belongs in meetings/2026/{CORE}-coordinating.yaml" in said


# -- 2. an import file the csv module cannot read is named, line and all ---------------------------

LOG_HEADER = "Ref,Issue,Area,Type,Raised by,Date raised,Status,Notes"
LOG_MAP = """\
columns: {Ref: id, Issue: title, Area: location, Type: category, "Raised by": raised_by,
          "Date raised": raised_on, Status: status, Notes: description}
values:
  category: {ASB: asb}
  raised_by: {Police: police}
  status: {Open: proposed}
dates: "%d/%m/%Y"
"""


def log_row(n: int, notes: str = "Groups at night") -> str:
    return f",ASB at the parade {n},Town Centre,ASB,Police,02/03/2026,Open,{notes}"


def import_args(tmp_path: Path, text: str, name: str = "old-log.csv") -> list[str]:
    log, mapping = tmp_path / name, tmp_path / "map.yaml"
    log.write_bytes(text.encode("utf-8"))
    mapping.write_text(LOG_MAP, encoding="utf-8")
    return ["import", str(log), "--map", str(mapping)]


def test_an_import_with_a_field_over_the_csv_limit_names_its_line(jatac: Jatac, tmp_path: Path) -> None:
    import csv

    limit = csv.field_size_limit()
    rows = [LOG_HEADER, *(log_row(n) for n in range(1, 11)), log_row(11, '"' + "x" * (limit + 1) + '"')]
    said = refused(jatac, *import_args(tmp_path, "\n".join(rows) + "\n"))
    assert f"old-log.csv, line 12: a field is longer than {limit} characters" in said
    assert "Mend that row in the spreadsheet" in said
    assert csv.field_size_limit() == limit  # not raised for everyone else in the process


def test_a_quote_left_open_names_the_row_where_it_began(jatac: Jatac, tmp_path: Path) -> None:
    rows = [LOG_HEADER, log_row(1), log_row(2, '"Groups at night'), *(["more notes"] * 3), "y" * 140_000]
    said = refused(jatac, *import_args(tmp_path, "\n".join(rows) + "\n"))
    assert "old-log.csv, the row from line 3 to line 7: a field is longer than" in said


def test_an_import_saved_on_a_mac_with_lone_carriage_returns_imports(jatac: Jatac, tmp_path: Path) -> None:
    rows = [LOG_HEADER, log_row(1), log_row(2, '"Two lines\rof notes"')]
    timed(jatac, *import_args(tmp_path, "\r".join(rows) + "\r"))
    assert "ASB at the parade 2" in jatac("list").stdout
    assert jatac.commits()[0] == "Imported 2 cases from old-log.csv"


# -- 3. one line of plain text, wherever a command takes it -----------------------------------------

# what every one-line field refuses (C1 controls, the line separator, a direction override, ESC)
BAD = {
    "\u0085": "U+0085 (a control character)",
    "\u009b": "U+009B (a control character)",
    "\u2028": "U+2028 (a line separator)",
    "\u202e": "U+202E (a text direction control)",
    "\u001b": "U+001B (escape)",
}
ONE_LINE = "it must be one line of plain text"


@pytest.mark.parametrize("char", list(BAD), ids=[f"U+{ord(c):04X}" for c in BAD])
def test_an_evidence_name_is_one_line_as_a_title_is(jatac: Jatac, tmp_path: Path, char: str) -> None:
    case = jatac.new("ASB at Melrose Avenue shops")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    title = refused(jatac, *new_issue_args(f"Graffiti{char}at the underpass"))
    assert f"new case title: holds {BAD[char]}; {ONE_LINE}" in title

    said = refused(jatac, "evidence", "add", case, str(photo), "--name", f"photo{char}of the wall.jpg")
    assert f"new evidence name: holds {BAD[char]}; {ONE_LINE}" in said
    assert not (jatac.root / "evidence").exists()  # nothing kept for a name refused
    # the file's own name is held to the same rule
    own = tmp_path / f"wall{char}.jpg"
    own.write_bytes(b"\xff\xd8 another")
    assert f"new evidence name: holds {BAD[char]}; {ONE_LINE}" in refused(
        jatac, "evidence", "add", case, str(own)
    )


def test_an_evidence_name_is_a_name_not_a_path_and_a_good_one_is_kept(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new("ASB at Melrose Avenue shops")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    said = refused(jatac, "evidence", "add", case, str(photo), "--name", "../wall.jpg")
    assert "new evidence name: holds '/'; it is a file's own name, never a path" in said
    jatac("evidence", "add", case, str(photo), "--name", "  Wall by the shops.jpg ")
    assert "Wall by the shops.jpg  " in jatac("evidence", "list", case).stdout


def test_a_pushed_evidence_name_that_no_command_would_write_is_named_by_validate(jatac: Jatac) -> None:
    case = jatac.new("ASB at Melrose Avenue shops")
    path = jatac.root / f"issues/2026/{case}.yaml"
    entry = f'evidence:\n  - name: "wall\\u202E.gpj"\n    sha256: {"a" * 64}\n    size: 3\n    added_on: 2026-11-16\n'
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    commit_all(jatac)
    line = path.read_text(encoding="utf-8").splitlines().index('  - name: "wall\\u202E.gpj"') + 1
    said = refused(jatac, "validate")
    assert (
        f"issues/2026/{case}.yaml:{line}:11 evidence.0.name: holds U+202E (a text direction control); {ONE_LINE}"
        in said
    )
    assert "there is no case" in refused(jatac, "show", "JAT-2026-0099")  # and show still runs
    assert "1 file(s) could not be read" in timed(jatac, "list").stderr


@pytest.fixture
def busy(jatac: Jatac) -> Jatac:
    """An adopted case, an item on the next meeting's agenda, and today's minutes begun."""
    case = jatac.new("ASB at Melrose Avenue shops")
    jatac.adopt(case)
    jatac("item", "add", CORE, "Fly-tipping behind the shops", "--by", "fire")
    jatac("minutes", "new", "2026-11-16")
    return jatac


X = "\u2028"  # a line separator: where a title refuses it, so must every other command
TAKEN = [
    # (command, what the refusal names), each once ended in exit 70 or was taken as given
    (["review", "JAT-2026-0001", "--note", f"Calls down{X}by a third"], "new review note"),
    (["meeting", "move", CORE, "--to", "2026-12-15", "--reason", f"Room{X}booked"], "meeting move reason"),
    (["meeting", "cancel", CORE, "--reason", f"Christmas{X}party"], "meeting cancel reason"),
    (["item", "remove", CORE, "JAT03", "--reason", f"Withdrawn{X}by fire"], "item remove reason"),
    (
        ["minutes", "attend", "2026-11-16", "--agency", "police", "--role", f"Sergeant{X}on duty"],
        "minutes/2026/2026-11-16-coordinating.yaml:16:1 attendance.5.role",
    ),
    (["person", "add", "--name", f"Ann{X}Example"], "new person name"),
    (["person", "add", "--name", "Ann Example", "--note", f"Tall{X}dark"], "new person note"),
]


@pytest.mark.parametrize(
    ("args", "named"), TAKEN, ids=[" ".join(a[:2]) + " " + n.split()[-1] for a, n in TAKEN]
)
def test_every_command_holds_its_one_line_text_to_the_rule(busy: Jatac, args: list[str], named: str) -> None:
    said = refused(busy, *args)
    assert f"{named}: holds U+2028 (a line separator); {ONE_LINE}" in said


def test_a_resolution_added_to_the_minutes_is_refused_not_a_crash(busy: Jatac) -> None:
    said = refused(busy, "minutes", "record", "2026-11-16", "JAT01", "--resolved", f"Noted{X}and agreed")
    assert "items.0.resolved.1: holds U+2028 (a line separator); text may hold line breaks and tabs" in said


def test_a_partnership_name_is_one_line_before_anything_is_made(jatac: Jatac, tmp_path: Path) -> None:
    said = refused(jatac, "init", str(tmp_path / "fresh"), "--name", "Safer\u0085Town", "--prefix", "ST")
    assert f"jatac.yaml name: holds U+0085 (a control character); {ONE_LINE}" in said
    assert not (tmp_path / "fresh").exists()
