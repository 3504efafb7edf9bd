"""The example partnership in cases/ is valid, and the demo runs on a copy of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from jatac.cli import app

CASES = Path(__file__).resolve().parent.parent / "cases"


def test_the_example_repository_is_valid() -> None:
    result = CliRunner().invoke(app, ["--repo", str(CASES), "validate"])
    assert result.exit_code == 0, result.output
    assert "All valid" in result.stdout


def test_demo_copies_the_example_and_lists_its_open_cases(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    open_ids = sorted(
        p.stem
        for p in CASES.glob("issues/*/*.yaml")
        if re.search(r"^status: (proposed|adopted|escalated)\b", p.read_text(), re.M)
    )
    shown = sorted(set(re.findall(r"JAT-\d{4}-\d{4}", result.stdout.split("Try:")[0])))
    assert shown == open_ids and len(open_ids) >= 10
    listed = CliRunner().invoke(app, ["--repo", str(target), "list", "--all", "--format", "json"])
    assert len(json.loads(listed.stdout)) == len(list(CASES.glob("issues/*/*.yaml")))
    # and the next meeting's agenda, as a PDF in the copy's build/ folder
    agendas = list((target / "build").glob("agenda-*.pdf"))
    assert len(agendas) == 1 and str(agendas[0]) in result.stdout
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(str(agendas[0])).pages)
    assert "JAT03 Action log" in text and "OVERDUE" in text
    # a second run replaces the earlier demo rather than refusing
    assert CliRunner().invoke(app, ["demo", str(target)]).exit_code == 0


def test_demo_will_not_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "precious")])
    assert result.exit_code == 1
    assert "is not a jatac demo folder" in result.stderr
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"
