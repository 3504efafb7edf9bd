"""A template a partner pushed is bounded in time and memory: it is refused, with its name and
the limit it exceeded, within seconds; jatac's own papers render as before."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from jatac.render import bounded
from jatac.storage.bundled import bundled
from tests.conftest import Jatac

DEC = "2026-12-14"
FEW_SECONDS = 15.0  # a refusal comes well within this on a busy two-core machine


def push(jatac: Jatac, name: str, text: str) -> None:
    (jatac.root / "templates").mkdir(exist_ok=True)
    (jatac.root / "templates" / name).write_text(text, encoding="utf-8")
    jatac.git("add", "-A")
    jatac.git("commit", "-qm", "a partner's template")


def refusal(jatac: Jatac, fmt: str) -> str:
    """Render the December agenda; assert the refusal's invariant; return the message."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    started = time.monotonic()
    result = jatac("agenda", DEC, "-f", fmt, ok=False)
    took = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert took < FEW_SECONDS, f"refused only after {took:.1f} s"
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    assert not (jatac.root / "build").exists() or not any((jatac.root / "build").iterdir())
    return " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("template", "exceeded"),
    [
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            "more than 2,000,000 steps",
        ),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "calls nested more than 50 deep"),
        ("{{ 'x' * 10000000000 }}", "string or list of 10,000,000,000 characters or items"),
        ("{{ ([1] * 1000000000)|length }}", "string or list of 1,000,000,000 characters or items"),
        ("{{ range(10 ** 12)|list|length }}", "range() of 1,000,000,000,000 numbers, more than the limit"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "more than the limit of 1,000,000",
        ),
        ("{{ 'x'.ljust(10000000000) }}", "asked for 10,000,000,000 characters"),
        ("{{ 'x'|center(10000000000) }}", "asked for 10,000,000,000 characters"),
        ("{{ 7 ** (10 ** 9) }}", "a number of about"),
    ],
    ids=[
        "nested-loops",
        "recursive-macro",
        "string-repeat",
        "list-repeat",
        "huge-range",
        "doubling",
        "ljust",
        "center",
        "power",
    ],
)
def test_a_jinja_template_over_a_limit_is_refused_with_its_name_and_the_limit(
    jatac: Jatac, template: str, exceeded: str
) -> None:
    push(jatac, "agenda.md.j2", "# Agenda\n" + template + "\n")
    message = refusal(jatac, "md")
    assert "templates/agenda.md.j2:2" in message, message  # the file and the line
    assert exceeded in message, message
    assert "git rm" in message  # what to do about it


def test_a_template_that_includes_itself_is_refused(jatac: Jatac) -> None:
    push(jatac, "agenda.md.j2", '{% include "agenda.md.j2" %}\n')
    message = refusal(jatac, "md")
    assert "agenda.md.j2" in message and "themselves without end" in message, message


def test_a_typst_loop_over_a_billion_is_refused_for_its_memory(jatac: Jatac) -> None:
    push(jatac, "agenda.typ.j2", "#let n = 0\n#for i in range(1000000000) { n = n + 1 }\n#n\n")
    message = refusal(jatac, "pdf")
    assert "the PDF of templates/agenda.typ.j2 needed more than 1,024 MB of memory" in message, message


def test_a_typst_loop_without_end_is_stopped_by_the_clock(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounded, "SECONDS", 3.0)  # the real limit is 30 s; the same clock
    # slow without growing (Typst stops a `while` it finds infinite by itself)
    slow = "#let s = 0\n#for i in range(100000) { for j in range(100000) { s = s + 1 } }\n#s\n"
    push(jatac, "agenda.typ.j2", slow)
    message = refusal(jatac, "pdf")
    assert "the PDF of templates/agenda.typ.j2 took longer than 3 seconds" in message, message


def test_a_jinja_error_in_a_template_is_the_templates_problem_not_a_bug(jatac: Jatac) -> None:
    push(jatac, "agenda.md.j2", "line one\n{{ 1 / 0 }}\n")
    message = refusal(jatac, "md")
    assert "templates/agenda.md.j2:2 ZeroDivisionError: division by zero" in message, message


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_jatacs_own_templates_copied_into_the_repository_render_the_same_paper(
    jatac: Jatac, tmp_path: Path, fmt: str
) -> None:
    jatac.adopt(jatac.new("ASB at Melrose Avenue shops"))
    ours = Path(jatac("agenda", DEC, "-f", fmt, "--out", str(tmp_path / f"ours.{fmt}")).stdout.strip())
    shutil.copytree(bundled("templates"), jatac.root / "templates")  # now run in the limited child
    theirs = Path(jatac("agenda", DEC, "-f", fmt, "--out", str(tmp_path / f"theirs.{fmt}")).stdout.strip())
    if fmt == "pdf":
        from pypdf import PdfReader

        def text(p: Path) -> str:
            return "".join(page.extract_text() for page in PdfReader(str(p)).pages)

        assert text(theirs) == text(ours) and "Melrose Avenue" in text(ours)
    else:
        assert theirs.read_text() == ours.read_text() and "Melrose Avenue" in ours.read_text()
