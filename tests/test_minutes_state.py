"""Minutes: draft, circulated, agreed at the next meeting, corrected only by a record, locked.

The starter jatac.yaml has the Coordinating Group meeting on 16 November and 14 December
2026 and 11 January 2027; the clock is 16 November unless a test moves it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Jatac, editor

NOV, DEC, JAN = "2026-11-16", "2026-12-14", "2027-01-11"
MINUTES = "minutes/2026/2026-11-16-coordinating.yaml"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


def refused(jatac: Jatac, args: list[str], said: str, env: dict[str, str] | None = None) -> str:
    """``args`` refused with ``said`` in the message, and nothing in the work tree or history changed."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == 1, result.output
    assert said in result.stderr, result.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return result.stderr


@pytest.fixture
def held(jatac: Jatac) -> Jatac:
    """The November meeting held, with long minutes (several pages) started."""
    jatac.new("Groups at the underpass")
    jatac("minutes", "new", NOV)
    path = jatac.root / MINUTES
    long = " ".join(["The group heard a long report on the underpass and the shops nearby."] * 60)
    path.write_text(path.read_text().replace("heard: ''", f"heard: {long}", 3))
    jatac.git("commit", "-qam", "minutes written")
    return jatac


def test_minutes_apply_is_refused_before_the_meetings_day(jatac: Jatac) -> None:
    case = jatac.new("Groups at the underpass")
    jatac("minutes", "new", DEC)
    path = jatac.root / "minutes/2026/2026-12-14-coordinating.yaml"
    adopt = f"decisions:\n      - {{do: adopt, case: {case}, lead: asb-team, problem_manager: X}}"
    path.write_text(path.read_text().replace("decisions: []", adopt, 6))
    err = refused(jatac, ["minutes", "apply", DEC], "the meeting of 2026-12-14 has not taken place yet")
    assert "on or after 2026-12-14" in err
    assert "1 decision(s) applied" in jatac("minutes", "apply", DEC, env=on(DEC)).stdout


def test_a_draft_carries_draft_on_every_page_and_agreed_minutes_do_not(held: Jatac) -> None:
    pages = pdf_pages(Path(held("minutes", "render", NOV).stdout.strip()))
    assert len(pages) >= 2
    for text in pages:
        lines = [line for line in text.splitlines() if line.strip()]
        # the marking, then DRAFT, at the top of every page
        assert lines[0] == "OFFICIAL" and lines[1] == "DRAFT: not yet agreed", lines[:2]
    held("minutes", "circulate", NOV, env=on("2026-11-17"))
    for text in pdf_pages(Path(held("minutes", "render", NOV).stdout.strip())):
        assert "DRAFT" in text  # circulated for comment: still a draft
    held("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    agreed = pdf_pages(Path(held("minutes", "render", NOV, env=on(DEC)).stdout.strip()))
    assert not any("DRAFT" in text for text in agreed)
    assert "Agreed as a correct record at the meeting of Monday 14 December 2026" in " ".join(
        agreed[0].split()
    )


def test_the_agenda_puts_last_meetings_minutes_under_item_2_with_their_state(held: Jatac) -> None:
    def item_2() -> str:
        text = held(
            "agenda", DEC, "-f", "md", "-o", str(held.root / "build/a.md"), env=on("2026-12-01")
        ).stdout
        agenda = Path(text.strip()).read_text()
        return agenda[agenda.index("## JAT02 ") : agenda.index("## JAT03 ")]

    assert "## JAT02 Minutes of the last meeting and matters arising" in item_2()
    assert "Minutes of Monday 16 November 2026, for agreement (draft)." in item_2()
    held("minutes", "circulate", NOV, env=on("2026-11-18"))
    assert "for agreement (draft, circulated 18 Nov 2026)." in item_2()


def test_agreement_is_recorded_at_the_next_meeting_with_its_date(held: Jatac) -> None:
    refused(held, ["minutes", "agree", NOV, "--at", DEC], "a draft nobody has been sent", env=on(DEC))
    held("minutes", "circulate", NOV, env=on("2026-11-17"))
    refused(held, ["minutes", "agree", NOV, "--at", DEC], "has not taken place yet", env=on("2026-12-01"))
    refused(held, ["minutes", "agree", NOV, "--at", NOV], "at a later meeting", env=on(DEC))
    refused(held, ["minutes", "agree", NOV, "--at", "2026-12-15"], "no meeting on 2026-12-15", env=on(DEC))
    out = held("minutes", "agree", NOV, "--at", DEC, env=on(DEC)).stdout
    assert "agreed as a correct record at the meeting of 2026-12-14" in out
    text = (held.root / MINUTES).read_text()
    assert "state: agreed" in text and "agreed_at: 2026-12-14" in text
    log = held.git("log", "-1", "--format=%s%n%b")
    subject = "2026-11-16-coordinating: minutes agreed as a correct record at the meeting of 2026-12-14"
    assert log.startswith(subject)
    assert "Jatac-Meeting: 2026-11-16-coordinating" in log and held.status() == ""
    refused(
        held, ["minutes", "agree", NOV, "--at", JAN], "were agreed at the meeting of 2026-12-14", env=on(JAN)
    )


def test_agreed_minutes_change_only_by_a_recorded_correction(held: Jatac, tmp_path: Path) -> None:
    held("minutes", "circulate", NOV, env=on("2026-11-17"))
    held("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    # never silently re-edited: not in the editor ...
    err = refused(held, ["minutes", "edit", NOV], "are agreed: they are not edited again", env=on(DEC))
    assert "jatac minutes correct 2026-11-16" in err
    # ... nor by hand, then committed by another command
    path = held.root / MINUTES
    path.write_text(path.read_text().replace("chair: ", "chair: Somebody else ", 1))
    refused(held, ["minutes", "apply", NOV], "changed since they were agreed", env=on(DEC))
    held.git("checkout", "--", MINUTES)
    # a correction says what, why and at which meeting; it is kept beside the minutes
    refused(
        held,
        ["minutes", "correct", NOV, "--what", "x", "--why", "y", "--at", NOV],
        "at a later meeting",
        env=on(JAN),
    )
    held(
        "minutes",
        "correct",
        NOV,
        "--what",
        "JAT05: the lead agency is the police, not the ASB team",
        "--why",
        "Misheard at the meeting",
        "--at",
        JAN,
        env=on(JAN),
    )
    text = path.read_text()
    assert "corrections:" in text and "at: 2027-01-11" in text and "Misheard at the meeting" in text
    log = held.git("log", "-1", "--format=%s%n%b")
    assert "minutes corrected at the meeting of 2027-01-11" in log and "Why: Misheard at the meeting" in log
    md = Path(held("minutes", "render", NOV, "-f", "md", env=on(JAN)).stdout.strip()).read_text()
    assert "## Corrections" in md and "the lead agency is the police" in md
    # locked: no more corrections
    held("minutes", "lock", NOV, env=on(JAN))
    refused(
        held,
        ["minutes", "correct", NOV, "--what", "x", "--why", "y", "--at", JAN],
        "are locked",
        env=on(JAN),
    )
    assert "All valid" in held("validate").stdout


def test_a_state_is_recorded_by_jatac_not_typed_into_the_minutes(held: Jatac, tmp_path: Path) -> None:
    typed = (
        "import sys; p = sys.argv[1]; t = open(p).read()\n"
        "open(p, 'w').write(t.replace('marking:', 'state: circulated\\nmarking:', 1))"
    )
    result = held("minutes", "edit", NOV, env={**on(DEC), **editor(tmp_path, typed)}, ok=False)
    assert "only as jatac records it" in result.output
    assert "state:" not in (held.root / MINUTES).read_text()
