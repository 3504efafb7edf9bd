"""Papers that look finished: the minutes and agenda of the example partnership, read as their
readers see them (PDF text and fonts, HTML, Markdown). scripts/look.py makes the same papers
as PNGs for a person to look at."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import Jatac

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("look", ROOT / "scripts" / "look.py")
assert _spec and _spec.loader
look = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(look)


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The scenario of scripts/look.py: minutes of 9 November filled in and applied, partners'
    items for 7 December (one about a proposed case), every paper rendered."""
    from jatac.setup.demo import make_demo

    where = tmp_path_factory.mktemp("papers")
    demo = Jatac(make_demo(where / "demo").root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JATAC_TODAY", look.MEETING)
        demo("minutes", "new", look.MEETING)
        look.fill_minutes(next((demo.root / "minutes").rglob(f"{look.MEETING}-*.yaml")))
        mp.setenv("JATAC_TODAY", "2026-11-10")
        demo("minutes", "apply", look.MEETING)
        mp.setenv("JATAC_TODAY", "2026-11-16")
        demo("item", "add", look.NEXT, "Graffiti: please adopt", "--by", "tvp", "--case", "JAT-2026-0010")
        demo("item", "add", look.NEXT, "Fly-tipping behind Coffee Hall shops", "--by", "fire")
        made = {}
        for fmt in ("pdf", "html", "md"):
            for args, name in (
                (("minutes", "render", look.MEETING), "minutes"),
                (("agenda", look.NEXT), "agenda"),
            ):
                made[f"{name}.{fmt}"] = where / f"{name}.{fmt}"
                demo(*args, "--format", fmt, "--out", str(made[f"{name}.{fmt}"]))
    return made


def _pdf_lines(path: Path) -> list[str]:
    from pypdf import PdfReader

    # the text as a reader follows it: each page's running head and foot (the marking, DRAFT,
    # "Page 1 of 2") left out, so a list that goes on over a page break reads on
    furniture = {"OFFICIAL", "OFFICIAL-SENSITIVE", "DRAFT: not yet agreed"}
    return [
        line
        for page in PdfReader(str(path)).pages
        for line in page.extract_text().splitlines()
        if line.strip() not in furniture and not re.search(r"Page \d+ of \d+$", line)
    ]


def test_each_minuted_decision_and_resolution_is_its_own_line(papers: dict[str, Path]) -> None:
    lines = _pdf_lines(papers["minutes.pdf"])
    review = next(i for i, line in enumerate(lines) if line.startswith("• review JAT-2026-0002"))
    assert lines[review] == "• review JAT-2026-0002: Calls down by a third"
    assert lines[review + 1].startswith("• action JAT-2026-0002: Letter drop")
    assert "1. That the action log be noted." in lines
    assert "2. That owners of overdue actions report progress to the coordinator within a week." in lines
    html = papers["minutes.html"].read_text()
    assert html.count("<li>review") == 1 and html.count("<li>action") == 1


def test_no_minute_item_is_a_bare_heading(papers: dict[str, Path]) -> None:
    lines = _pdf_lines(papers["minutes.pdf"])
    for heading in ("JAT07 LATE ITEMS", "JAT10 ANY OTHER BUSINESS"):
        at = next(i for i, line in enumerate(lines) if re.sub(r"\s+", " ", line) == heading)
        assert lines[at + 1] == "Nothing recorded."
    # the last item, the date of the next meeting, has its date, not "Nothing recorded."
    assert lines[-1].startswith("Date of the next meeting:") and lines[-2].endswith(
        "DATE OF THE NEXT MEETING"
    )
    assert papers["minutes.md"].read_text().count("_Nothing recorded._") == 3
    assert papers["minutes.html"].read_text().count("Nothing recorded.") == 3


def test_the_first_attendance_row_is_not_bold(papers: dict[str, Path]) -> None:
    from pypdf import PdfReader

    fonts: dict[str, set[str]] = {}

    def seen(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:
        if text.strip() and font:
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

    PdfReader(str(papers["minutes.pdf"])).pages[0].extract_text(visitor_text=seen)
    assert any("Bold" in f for f in fonts["Present:"])  # the labels are bold, so the check can fail
    for row in ("Head of Community Safety", "Partnership Crime Prevention Officer", "ASB Officer"):
        assert not any("Bold" in f for f in fonts[row]), row


def test_the_agenda_names_owners_and_says_a_partners_item_about_a_case_once(papers: dict[str, Path]) -> None:
    text = "\n".join(_pdf_lines(papers["agenda.pdf"]))
    arising = text.split("Set at the last meeting")[1].split("3. Action log")[0]
    assert "Milton Keynes Council ASB Team" in arising and "asb-team" not in arising
    assert "asb-team" not in papers["agenda.html"].read_text()
    assert "asb-team" not in papers["agenda.md"].read_text()
    for paper in ("agenda.pdf", "agenda.md", "agenda.html"):
        shown = "\n".join(_pdf_lines(papers[paper])) if paper.endswith("pdf") else papers[paper].read_text()
        shown = re.sub(r"\s+", " ", shown)
        assert shown.count("Graffiti: please adopt") == 1, paper
        assert "item from Thames Valley Police: Graffiti: please adopt" in shown, paper
        assert "Fly-tipping behind Coffee Hall shops (proposed by" in shown, paper


def test_ids_and_dates_do_not_wrap_in_html(papers: dict[str, Path]) -> None:
    html = papers["agenda.html"].read_text()
    assert ".id { white-space: nowrap; }" in html
    ids = set(re.findall(r"JAT-\d{4}-\d{4}(?:/A\d+)?", html))
    wrapped = set(re.findall(r'<span class="id">(JAT-\d{4}-\d{4}(?:/A\d+)?)</span>', html))
    assert len(ids) > 10 and ids == wrapped | {i for i in ids if f"({i}" in html or f" {i})" in html}
    assert re.search(r'<span class="id">\d{1,2} [A-Z][a-z]{2} \d{4}</span>', html)


def test_a_case_escalated_and_being_evaluated_is_one_line_under_closure(papers: dict[str, Path]) -> None:
    for paper in ("agenda.pdf", "agenda.md", "agenda.html"):
        shown = "\n".join(_pdf_lines(papers[paper])) if paper.endswith("pdf") else papers[paper].read_text()
        closure = re.sub(r"\s+", " ", shown.split("Escalations and evaluations for closure")[-1])
        assert closure.count("JAT-2025-0002") == 1, paper
        assert (
            "(Dealing displaced within the estate after two action plans; needs medium-term housing and treatment input); evaluation in progress"
            in closure
        ), paper
