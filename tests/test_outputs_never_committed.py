"""Papers never enter git (issue 21, section 3): everything jatac makes goes into the
repository's build/ folder, which ignores itself; `doctor` never advises committing one; the
pre-commit hook knows a paper, a mail draft or an export by what it holds, and reads every
file a commit adds (jatac.yaml too); a name in the people store is still found without its key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Jatac
from tests.test_sending import DEC, on, partners  # noqa: F401  (the fixture)

SENT = on("2026-12-07", {"JATAC_SMTP_FROM": "csp-tasking@council.example.org"})


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


# -- the pre-commit hook and `jatac check` -----------------------------------------------------


def hand_commit(jatac: Jatac, *paths: str) -> tuple[int, str]:
    """`git add` and `git commit` as a person types them, with jatac's hook installed."""
    import subprocess

    jatac.git("add", "--", *paths)
    done = subprocess.run(["git", "commit", "-qm", "papers"], cwd=jatac.root, capture_output=True, text=True)
    return done.returncode, done.stderr


@pytest.fixture
def papers(partners: Jatac, tmp_path: Path) -> dict[str, Path]:  # noqa: F811
    """One of everything jatac makes, written outside the repository."""
    out = tmp_path / "made"
    partners("agenda", DEC, "-f", "pdf", "--out", str(out / "agenda.pdf"), env=SENT)
    partners("agenda", DEC, "-f", "docx", "--out", str(out / "agenda.docx"), env=SENT)
    partners("agenda", DEC, "-f", "md", "--out", str(out / "agenda.md"), env=SENT)
    partners("agenda", DEC, "-f", "html", "--out", str(out / "agenda.html"), env=SENT)
    partners("export", str(out / "cases.xlsx"))
    partners("export", str(out / "cases.csv"))
    partners("calendar", "--out", str(out / "meetings.ics"))
    partners("send", "agenda", DEC, "--eml", str(out / "outbox"), env=SENT)
    made = {p.name: p for p in out.iterdir() if p.is_file()}
    made["mail"] = next((out / "outbox").iterdir())
    partners("install-hooks")
    return made


@pytest.mark.parametrize(
    ("made", "what"),
    [
        ("agenda.pdf", "a rendered paper (PDF)"),
        ("agenda.docx", "a rendered paper (Word)"),
        ("agenda.md", "a rendered paper (Markdown)"),
        ("agenda.html", "a rendered paper or page (HTML)"),
        ("cases.xlsx", "a spreadsheet export (Excel)"),
        ("cases.csv", "a spreadsheet export (CSV)"),
        ("meetings.ics", "a calendar jatac wrote"),
        ("mail", "a mail draft"),
    ],
)
def test_the_hook_refuses_a_paper_by_what_it_holds_whatever_its_name(
    partners: Jatac,  # noqa: F811
    papers: dict[str, Path],
    made: str,
    what: str,
) -> None:
    head = partners.git("rev-parse", "HEAD")
    renamed = partners.root / "notes" / "minutes-of-tuesday.txt"  # no name gives it away
    renamed.parent.mkdir()
    renamed.write_bytes(papers[made].read_bytes())
    code, stderr = hand_commit(partners, "notes/minutes-of-tuesday.txt")
    assert code != 0
    assert f"notes/minutes-of-tuesday.txt  {what}" in stderr, stderr
    assert "git rm --cached" in stderr
    assert partners.git("rev-parse", "HEAD") == head


def test_the_hook_lets_a_persons_own_notes_through(
    partners: Jatac,  # noqa: F811
    papers: dict[str, Path],
) -> None:
    note = partners.root / "notes" / "how-we-work.md"
    note.parent.mkdir()
    note.write_text("**OFFICIAL**\n\nHow the coordinators share the week's work.\n", encoding="utf-8")
    code, stderr = hand_commit(partners, "notes/how-we-work.md")
    assert code == 0, stderr


def test_the_hook_reads_jatac_yaml_for_names_in_the_people_store(partners: Jatac) -> None:  # noqa: F811
    partners("person", "add", "--name", "Jordan Quill")
    partners("install-hooks")
    config = partners.root / "jatac.yaml"
    config.write_text(config.read_text() + "# ask Jordan Quill about the venue\n", encoding="utf-8")
    head = partners.git("rev-parse", "HEAD")
    code, stderr = hand_commit(partners, "jatac.yaml")
    assert code != 0 and "jatac.yaml" in stderr and "a name in the people store" in stderr, stderr
    assert partners.git("rev-parse", "HEAD") == head


def test_the_team_mailboxes_in_jatac_yaml_are_not_personal_data(partners: Jatac) -> None:  # noqa: F811
    result = partners("check")
    assert "No personal data found" in result.stdout


# -- doctor ----------------------------------------------------------------------------------------


def test_doctor_never_advises_committing_a_paper(
    partners: Jatac,  # noqa: F811
    papers: dict[str, Path],
) -> None:
    (partners.root / "agenda.pdf").write_bytes(papers["agenda.pdf"].read_bytes())
    outbox = partners.root / "outbox"
    outbox.mkdir()
    (outbox / "police.eml").write_bytes(papers["mail"].read_bytes())
    partners("export", "build/cases.xlsx")  # in build/: nothing to say about it
    result = partners("doctor", ok=False)
    lines = result.stdout.splitlines()
    uncommitted = next(line for line in lines if "uncommitted" in line)
    assert "no uncommitted changes" in uncommitted, result.stdout
    papers_line = next(line for line in lines if "paper(s), mail draft(s)" in line)
    assert "2 paper(s)" in papers_line and "agenda.pdf" in papers_line and "outbox/police.eml" in papers_line
    assert "never commit them" in papers_line or "never commit them" in result.stdout
