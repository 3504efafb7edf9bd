"""Papers never enter git (issue 21, section 3): everything jatac makes goes into the
repository's build/ folder, which ignores itself; `doctor` never advises committing one; the
pre-commit hook knows a paper, a mail draft or an export by what it holds, and reads every
file a commit adds (jatac.yaml too); a name in the people store is still found without its key.
"""

from __future__ import annotations

import pytest

from tests.conftest import Jatac
from tests.test_sending import DEC, on, partners  # noqa: F401  (the fixture)

SENT = on("2026-12-07")


def untracked(jatac: Jatac) -> list[str]:
    """What `git add -A` would take, as git status lists it."""
    return [line[3:] for line in jatac.status().splitlines()]


# -- one place for everything generated ---------------------------------------------------------


def test_the_calendar_goes_into_build_not_the_repositorys_root(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(jatac.root)  # where a coordinator types it
    result = jatac("calendar")
    assert not (jatac.root / "meetings.ics").exists()
    made = jatac.root / "build" / "meetings.ics"
    assert made.read_text().startswith("BEGIN:VCALENDAR")
    assert str(made) in result.stdout
    assert untracked(jatac) == []  # nothing for `git add` to take


def test_an_export_without_a_name_goes_into_build(jatac: Jatac) -> None:
    jatac.new()
    core = jatac("export")
    wide = jatac("export", "--audience", "wide")
    assert str(jatac.root / "build" / "cases.xlsx") in core.stdout
    assert str(jatac.root / "build" / "cases-wide.xlsx") in wide.stdout
    assert (jatac.root / "build" / "cases-wide.xlsx").read_bytes().startswith(b"PK")
    assert untracked(jatac) == []


def test_build_keeps_itself_out_of_git_whatever_the_gitignore_says(jatac: Jatac) -> None:
    # a partner's push dropped build/ from .gitignore
    (jatac.root / ".gitignore").write_text(".jatac/\n", encoding="utf-8")
    jatac.git("commit", "-qam", "a partner's .gitignore")
    jatac.new()
    jatac("agenda", DEC, "-f", "md")
    jatac("export")
    assert (jatac.root / "build" / "agenda-2026-12-14-coordinating.md").is_file()
    assert untracked(jatac) == []
    jatac.git("add", "-A")
    assert jatac.git("diff", "--cached", "--name-only") == ""


@pytest.mark.parametrize(
    "command",
    [
        ("calendar", "--out", "meetings.ics"),
        ("export", "cases.xlsx"),
        ("agenda", DEC, "-f", "md", "--out", "papers/agenda.md"),
        ("report", "performance", "--period", "2026-Q4", "-f", "md", "--out", "report.md"),
        ("site", "--out", "site"),
    ],
)
def test_a_place_in_the_repository_outside_build_is_refused(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    jatac.new()
    monkeypatch.chdir(jatac.root)
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*command, ok=False)
    assert result.exit_code == 1
    assert "outside build/, where git would take it" in result.stderr, result.stderr
    assert "build/" in result.stderr.splitlines()[-1]  # what to do instead
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head


def test_the_same_commands_write_into_build_when_told_to(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(jatac.root)
    jatac("calendar", "--out", "build/for-outlook/meetings.ics")
    jatac("export", "build/cases.csv")
    assert (jatac.root / "build/for-outlook/meetings.ics").is_file()
    assert (jatac.root / "build/cases.csv").read_text(encoding="utf-8-sig").startswith("document_marking,")
    assert untracked(jatac) == []


def test_mail_drafts_beside_the_case_files_are_refused_and_in_build_stay_out_of_git(
    partners: Jatac,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(partners.root)
    head = partners.git("rev-parse", "HEAD")
    refused = partners("send", "agenda", DEC, "--eml", "outbox", ok=False, env=SENT)
    assert "outside build/" in refused.stderr and not (partners.root / "outbox").exists()
    assert partners.git("rev-parse", "HEAD") == head  # nothing recorded as sent
    partners("send", "agenda", DEC, "--eml", "build/outbox", env=SENT)
    assert sorted(p.name for p in (partners.root / "build/outbox").iterdir()) == [
        "agenda-2026-12-14-coordinating-fire.eml",
        "agenda-2026-12-14-coordinating-police.eml",
    ]
    assert untracked(partners) == []
