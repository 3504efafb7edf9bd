"""Agendas and minutes in Word (--format docx), opened again with python-docx.

On a copy of the example partnership (cases/), whose next Coordinating Group meeting is on
7 December 2026: its agenda holds OFFICIAL-SENSITIVE cases and overdue actions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from typer.testing import CliRunner

from jatac.cli import app
from tests.conftest import Jatac

CORE, WIDE, LAST = "2026-12-07", "2027-01-21", "2026-11-09"


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "example")])
    assert result.exit_code == 0, result.output
    return Jatac(tmp_path / "example")


def opened(jatac: Jatac, *args: str) -> Any:
    result = jatac(*args, "--format", "docx")
    path = Path(result.stdout.strip().splitlines()[0])
    assert path.suffix == ".docx" and path.parent == jatac.root / "build"
    return Document(str(path))


def frame(doc: Any) -> tuple[list[str], list[str], str]:
    """The header's lines, the footer's lines, and the footer's XML (for its fields)."""
    section = doc.sections[0]
    return (
        [p.text for p in section.header.paragraphs],
        [p.text for p in section.footer.paragraphs],
        section.footer._element.xml,
    )


def headings(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def everything(doc: Any) -> str:
    """Every text in the document: paragraphs, tables, header and footer."""
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    header, footer, _ = frame(doc)
    return "\n".join(texts + header + footer)


def test_the_agenda_in_word_has_the_marking_headings_and_the_overdue_action(example: Jatac) -> None:
    doc = opened(example, "agenda", CORE)
    header, footer, xml = frame(doc)
    assert header == ["OFFICIAL-SENSITIVE"]
    assert footer[0] == "OFFICIAL-SENSITIVE" and footer[1].startswith("SaferMK (example)")
    # page X of Y: Word's own fields, filled in when the document is opened or printed
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
    assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", xml)
    assert "Page" in footer[1] and " of " in footer[1]
    # the same items, numbered as the Markdown agenda (and the minutes) number them
    md = Path(example("agenda", CORE, "--format", "md").stdout.strip()).read_text()
    assert headings(doc)[1:] == re.findall(r"(?m)^## (.+)$", md)
    assert headings(doc)[1] == "JAT01 Welcome, attendance and apologies"
    # the overdue action of the example, in the action log's table
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for t in doc.tables for row in t.rows}
    glazing = rows["JAT-2026-0007/A2"]
    assert glazing[1] == "Fit polycarbonate glazing to the six ground floor windows"
    assert glazing[3] == "OVERDUE 129 days"


def test_the_wide_agenda_in_word_names_no_withheld_case(example: Jatac) -> None:
    sensitive = [
        p.stem for p in example.root.glob("issues/*/*.yaml") if "marking: OFFICIAL-SENSITIVE" in p.read_text()
    ]
    assert sensitive
    for args in (["agenda", CORE, "--audience", "wide"], ["agenda", WIDE]):
        doc = opened(example, *args)
        header, footer, _ = frame(doc)
        assert header == ["OFFICIAL"] and footer[0] == "OFFICIAL"
        text = everything(doc)
        assert not [case for case in sensitive if case in text]


def test_minutes_in_word_say_draft_until_agreed(example: Jatac) -> None:
    example("minutes", "new", LAST)
    doc = opened(example, "minutes", "render", LAST)
    header, footer, _ = frame(doc)
    assert header[0].startswith("OFFICIAL") and "DRAFT" in header[0] and "DRAFT" in footer[0]
    assert headings(doc)[1] == "JAT01 WELCOME, ATTENDANCE AND APOLOGIES"
    example("minutes", "circulate", LAST, env={"JATAC_TODAY": "2026-11-10"})
    example("minutes", "agree", LAST, "--at", CORE, env={"JATAC_TODAY": CORE})
    doc = opened(example, "minutes", "render", LAST)
    header, _, _ = frame(doc)
    assert "DRAFT" not in header[0]
    assert "Agreed as a correct record at the meeting of Monday 7 December 2026." in everything(doc)


def test_case_text_goes_into_word_as_text(example: Jatac) -> None:
    case = example.root / "issues/2026/JAT-2026-0007.yaml"
    hostile = "Glass </w:t></w:r><w:r><w:t>injected & {{ 7*7 }} <script>"
    case.write_text(re.sub(r"(?m)^title: .*$", f"title: '{hostile}'", case.read_text(), count=1))
    example.git("commit", "-qam", "a partner's push")
    doc = opened(example, "agenda", CORE)
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert hostile in cells  # the adopted cases' table shows it as it was typed, in one cell
