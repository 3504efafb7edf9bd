"""Issue 21, section 7: withholding fails closed, and every case a record names is judged.

The example partnership (`jatac demo`): JAT-2026-0006 (cuckooing in Fishermead) is
OFFICIAL-SENSITIVE; JAT-2026-0002 and JAT-2026-0003 are OFFICIAL and adopted. The
Coordinating Group meets on 7 December 2026; items are due by 30 November.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Jatac

SECRET = "JAT-2026-0006"
OPEN = "JAT-2026-0002"
DEC = "2026-12-07"
BEFORE = {"JATAC_TODAY": "2026-11-26"}
CASE_FILE = f"issues/2026/{SECRET}.yaml"

BREAKAGES = {
    "yaml-error": lambda text: text.replace("title: ", "title: [unclosed ", 1),
    "duplicate-key": lambda text: text + "status: adopted\n",
    "unknown-field": lambda text: text + "sensitivity: none\n",
}


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


@pytest.fixture
def named(example: Jatac) -> Jatac:
    """Records about the sensitive case: its own action, a partner's item about it, and an
    OFFICIAL case's action naming it."""
    example("action", "add", SECRET, "Closure order on the Fishermead flat", "--owner", "tvp",
            "--due", "2027-01-10", env=BEFORE)  # fmt: skip
    example("item", "add", DEC, "Cuckooing update from the quokka team", "--by", "tvp", "--case", SECRET,
            env=BEFORE)  # fmt: skip
    example("action", "add", OPEN, f"Joint wombat visit with the officers on {SECRET}", "--owner", "tvp",
            "--due", "2027-01-12", env=BEFORE)  # fmt: skip
    return example


def _break(jatac: Jatac, how: str) -> None:
    """A partner's push that leaves the sensitive case's file unreadable."""
    path = jatac.root / CASE_FILE
    path.write_text(BREAKAGES[how](path.read_text(encoding="utf-8")), encoding="utf-8")
    jatac.git("commit", "-qam", "a partner's push")
    assert jatac("validate", ok=False).exit_code == 1  # it is broken, as validate says


def _search(jatac: Jatac, words: str, audience: str) -> list[dict[str, object]]:
    out = jatac("search", words, "--audience", audience, "--limit", "100", "-f", "json", env=BEFORE)
    return list(json.loads(out.stdout))


@pytest.mark.parametrize("how", list(BREAKAGES))
def test_a_sensitive_case_whose_file_is_broken_stays_out_of_the_wide_agenda(
    named: Jatac, tmp_path: Path, how: str
) -> None:
    _break(named, how)
    out = tmp_path / "wide.md"
    named("agenda", DEC, "--audience", "wide", "-f", "md", "--out", str(out), env=BEFORE)
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "quokka" not in text, text
    assert "Joint wombat visit with the officers on a withheld case" in text  # the OFFICIAL action
    assert text.startswith("**OFFICIAL**")


@pytest.mark.parametrize("how", list(BREAKAGES))
def test_a_sensitive_case_whose_file_is_broken_stays_out_of_the_wide_site(
    named: Jatac, tmp_path: Path, how: str
) -> None:
    _break(named, how)
    site = tmp_path / "site"
    named("site", "--out", str(site), env=BEFORE)
    leaks = [
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.is_file() and (SECRET in (t := p.read_text(encoding="utf-8")) or "quokka" in t)
    ]
    assert not leaks
    page = (site / f"cases/{OPEN}.html").read_text(encoding="utf-8")
    assert "Joint wombat visit with the officers on a withheld case" in page


@pytest.mark.parametrize("how", list(BREAKAGES))
def test_a_sensitive_case_whose_file_is_broken_is_not_found_by_wide_search(named: Jatac, how: str) -> None:
    _break(named, how)
    for words in ("Closure order Fishermead", "quokka", "wombat"):
        hits = _search(named, words, "wide")
        assert not hits or all(SECRET not in json.dumps(h) for h in hits), hits
    assert not _search(named, "quokka", "wide") and not _search(named, "wombat", "wide")
    assert _search(named, "quokka", "core")  # the core group still finds the item


def test_a_mended_case_file_is_shown_again_as_its_marking_says(named: Jatac, tmp_path: Path) -> None:
    _break(named, "unknown-field")
    path = named.root / CASE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("sensitivity: none\n", ""), encoding="utf-8")
    path.write_text(path.read_text().replace("marking: OFFICIAL-SENSITIVE", "marking: OFFICIAL"))
    named.git("commit", "-qam", "mended, and no longer sensitive")
    out = tmp_path / "wide.md"
    named("agenda", DEC, "--audience", "wide", "-f", "md", "--out", str(out), env=BEFORE)
    assert "Cuckooing update from the quokka team" in out.read_text(encoding="utf-8")


def test_without_local_state_a_broken_sensitive_case_is_not_found_by_wide_search(
    named: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jatac.storage import index

    _break(named, "duplicate-key")
    monkeypatch.setattr(index, "ENABLED", False)  # no local state: the search database is in memory
    assert not _search(named, "quokka", "wide") and not _search(named, "wombat", "wide")
    assert _search(named, "quokka", "core")


# -- wide search judges every case a record names, not the first ------------------------------


def test_a_later_decision_about_a_withheld_case_is_not_found_by_wide_search(example: Jatac) -> None:
    example("minutes", "new", DEC, env={"JATAC_TODAY": DEC})
    path = example.root / f"minutes/2026/{DEC}-coordinating.yaml"
    decisions = (
        f"decisions: [{{do: review, case: {OPEN}, note: Patrols working}}, "
        f"{{do: review, case: {SECRET}, note: Quokka flat visited twice}}]"
    )
    text = path.read_text(encoding="utf-8").replace("decisions: []", decisions, 1)
    # a partner's push, marked below what it names (validate says so; search must not believe it)
    path.write_text(text.replace("marking: OFFICIAL-SENSITIVE", "marking: OFFICIAL"), encoding="utf-8")
    example.git("commit", "-qam", "a partner's push")
    assert _search(example, "quokka", "core")
    assert not _search(example, "quokka", "wide")


def test_a_link_to_a_withheld_case_and_its_note_are_not_found_by_wide_search(example: Jatac) -> None:
    example("link", OPEN, SECRET, "--note", "Same wombat address as the flats", env=BEFORE)
    assert OPEN in {h["case"] for h in _search(example, "wombat", "core")}
    assert not _search(example, "wombat", "wide")
