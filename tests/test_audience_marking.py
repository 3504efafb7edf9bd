"""Issue 21, section 4: a paper is marked by what it shows, and free text is redacted once.

The starter repository: the Coordinating Group (core) meets on 14 December 2026 and every
four weeks after; JAT-2026-0001 is OFFICIAL-SENSITIVE, JAT-2026-0002 is OFFICIAL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Jatac

SECRET = "JAT-2026-0001"
OPEN = "JAT-2026-0002"
DEC = "2026-12-14"
JAN = "2027-01-11"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


@pytest.fixture
def week(jatac: Jatac, smtp: tuple[Any, dict[str, str]]) -> Jatac:
    """A sensitive case and an OFFICIAL one; the core agenda and minutes of 14 December sent
    (through a real SMTP server), both marked OFFICIAL-SENSITIVE as they name the sensitive case."""
    jatac("agency", "edit", "police", "--isp-signed", "2026-04-01", "--email", "tasking@police.example.org")
    assert jatac.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE") == SECRET
    assert jatac.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops") == OPEN
    jatac.adopt(OPEN)
    jatac("action", "add", OPEN, "Patrol plan for the parade", "--owner", "police", "--due", "2027-02-01")
    mail = smtp[1]
    jatac("send", "agenda", DEC, env={**mail, **on("2026-12-07")})
    jatac("minutes", "new", DEC, env=on(DEC))
    jatac("minutes", "circulate", DEC, env=on("2026-12-15"))
    jatac("send", "minutes", DEC, env={**mail, **on("2026-12-15")})
    meeting = (jatac.root / f"meetings/2026/{DEC}-coordinating.yaml").read_text()
    assert meeting.count("marking: OFFICIAL-SENSITIVE") == 2, meeting  # each sending records its paper's
    return jatac


def _marking(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("day", [DEC, JAN], ids=["the-meeting-sent-to-core", "the-next-meeting"])
def test_a_wide_agenda_is_not_marked_by_the_papers_sent_to_the_core_group(
    week: Jatac, tmp_path: Path, day: str
) -> None:
    out = tmp_path / "wide.md"
    result = week("agenda", day, "--audience", "wide", "-f", "md", "--out", str(out), env=on("2026-12-20"))
    assert "withheld from this version" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and OPEN in text
    assert _marking(out) == "**OFFICIAL**", text[:200]


def test_the_wide_site_is_official_when_it_shows_no_withheld_case(week: Jatac, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = week("site", "--out", str(site), env=on("2026-12-20"))
    assert "marked OFFICIAL\n" in result.stdout, result.stdout
    agenda = (site / f"meetings/{JAN}-coordinating-agenda.html").read_text(encoding="utf-8")
    assert 'class="marking top">OFFICIAL<' in agenda and SECRET not in agenda


def test_the_core_agenda_is_still_marked_by_the_sensitive_case_it_shows(week: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "core.md"
    week("agenda", JAN, "-f", "md", "--out", str(out), env=on("2026-12-20"))
    assert SECRET in out.read_text(encoding="utf-8")
    assert _marking(out) == "**OFFICIAL-SENSITIVE**"


def test_a_core_agenda_showing_no_sensitive_case_is_official(week: Jatac, tmp_path: Path) -> None:
    """A core paper is not over-marked by a neighbour either: the case is no longer sensitive, so
    the January agenda shows none, though December's papers went out OFFICIAL-SENSITIVE."""
    week("set", SECRET, "marking=OFFICIAL", env=on("2026-12-16"))
    out = tmp_path / "core.md"
    week("agenda", JAN, "-f", "md", "--out", str(out), env=on("2026-12-20"))
    assert SECRET in out.read_text(encoding="utf-8")
    assert _marking(out) == "**OFFICIAL**"


@pytest.mark.parametrize("spelling", ["JAT-2026-0001", "jat 2026 1", "JAT/2026/0001", "ＪＡＴ-2026-0001"])
def test_a_wide_export_redacts_a_withheld_case_however_an_official_case_writes_it(
    jatac: Jatac, tmp_path: Path, spelling: str
) -> None:
    """The export redacts through the audience, as the agenda and the site do."""
    assert jatac.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE") == SECRET
    jatac.new("ASB at Melrose Avenue shops", description=f"The same young people as in {spelling}.")
    out = tmp_path / "cases.csv"
    jatac("export", str(out), "--audience", "wide")
    text = out.read_text(encoding="utf-8")
    assert "The same young people as in a withheld case." in text, text
    assert "Cuckooing" not in text and spelling not in text
