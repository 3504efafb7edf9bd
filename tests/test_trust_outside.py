"""Issue 12, section 1: nothing reaches outside the repository through rendering.

A partner pushes links and templates; a coordinator renders the agenda. For each hostile
input the invariant: exit 1, a message naming what was refused, nothing read from outside
shown, nothing written outside the temporary root holding the repository, the work tree
byte-identical and HEAD unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Jatac

DEC = "2026-12-14"  # the coordinating group's next meeting
AGENDA = f"agenda-{DEC}-coordinating"
SECRET = "SECRET-KEY-4f1c9a"


@pytest.fixture
def outside(repo: Path) -> Path:
    """A folder beside the repository, in the same temporary root, holding a secret."""
    folder = repo.parent / "outside"
    folder.mkdir()
    (folder / "secret.key").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "agenda.md.j2").write_text(f"{SECRET} from an outside template\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    return folder


def files_under(root: Path) -> dict[str, bytes]:
    """Every file (and where every link points) under ``root``, outside the repository."""
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if "csp" in path.relative_to(root).parts[:1]:
            continue
        if path.is_symlink():
            found[str(path)] = os.readlink(path).encode()
        elif path.is_file():
            found[str(path)] = path.read_bytes()
    return found


def push(jatac: Jatac, what: str) -> None:
    """Commit whatever a hostile partner put in the work tree, as a pull would bring it."""
    jatac.git("add", "-A", "--force")
    jatac.git("commit", "-qm", what)


def refused(jatac: Jatac, outside: Path, *args: str, cwd: Path | None = None) -> str:
    """Run ``args``; check the invariant of a refusal; return the message."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    around = files_under(jatac.root.parent)
    here = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = jatac(*args, ok=False)
    finally:
        os.chdir(here)
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output
    assert jatac.snapshot() == before
    assert jatac.git("rev-parse", "HEAD") == head
    assert files_under(jatac.root.parent) == around
    return " ".join(result.stderr.split())


# -- templates -------------------------------------------------------------------------------


def _file_link(root: Path, outside: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/agenda.md.j2").symlink_to(outside / "secret.key")


def _folder_link(root: Path, outside: Path) -> None:
    (root / "templates").symlink_to(outside)


def _included_link(root: Path, outside: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/agenda.md.j2").write_text('{% include "part.md.j2" %}\n', encoding="utf-8")
    (root / "templates/part.md.j2").symlink_to(outside / "secret.key")


def _extended_through_a_folder_link(root: Path, outside: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/agenda.md.j2").write_text('{% extends "base/agenda.md.j2" %}\n', encoding="utf-8")
    (root / "templates/base").symlink_to(outside)


def _link_to_gits_own_files(root: Path, outside: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/agenda.md.j2").symlink_to(Path("../.git/config"))


@pytest.mark.parametrize(
    ("plant", "named"),
    [
        (_file_link, "templates/agenda.md.j2 is a symbolic link to"),
        (_folder_link, "templates is a symbolic link to"),
        (_included_link, "templates/part.md.j2 is a symbolic link to"),
        (_extended_through_a_folder_link, "templates/base is a symbolic link to"),
        (_link_to_gits_own_files, "templates/agenda.md.j2 leads to .git/config"),
    ],
)
def test_a_template_leading_out_of_the_repository_is_refused(
    jatac: Jatac, outside: Path, plant: Callable[[Path, Path], None], named: str
) -> None:
    plant(jatac.root, outside)
    push(jatac, "templates from a partner")
    message = refused(jatac, outside, "agenda", DEC, "-f", "md")
    assert named in message, message
    assert "git rm" in message  # what to do about it
    assert not (jatac.root / "build").exists()


def test_a_template_link_that_stays_among_the_templates_still_works(jatac: Jatac) -> None:
    templates = jatac.root / "templates"
    templates.mkdir()
    (templates / "ours.md.j2").write_text("Our own agenda for {{ date }}\n", encoding="utf-8")
    (templates / "agenda.md.j2").symlink_to("ours.md.j2")
    path = Path(jatac("agenda", DEC, "-f", "md").stdout.strip())
    assert path.read_text() == f"Our own agenda for {DEC}\n"


# -- build/ ------------------------------------------------------------------------------------


def _build_link(root: Path, outside: Path, document: str) -> None:
    (root / "build").symlink_to(outside)


def _document_link(root: Path, outside: Path, document: str) -> None:
    (root / "build").mkdir()
    (root / f"build/{document}").symlink_to(outside / "agenda.md")


@pytest.mark.parametrize(
    ("plant", "named"),
    [(_build_link, "build is a symbolic link to"), (_document_link, "build/{document} is a symbolic link")],
)
@pytest.mark.parametrize(
    ("document", "command"),
    [
        (f"{AGENDA}.md", ("agenda", DEC, "-f", "md")),
        ("performance-2026-Q3.md", ("report", "performance", "--period", "2026-Q3", "-f", "md")),
    ],
)
def test_a_build_link_cannot_lead_a_document_out(
    jatac: Jatac,
    outside: Path,
    plant: Callable[[Path, Path, str], None],
    named: str,
    document: str,
    command: tuple[str, ...],
) -> None:
    plant(jatac.root, outside, document)
    push(jatac, "a build link")
    message = refused(jatac, outside, *command)
    assert named.format(document=document) in message and str(outside) in message, message
    assert not (outside / "agenda.md").exists() and len(list(outside.iterdir())) == 3


def test_minutes_render_cannot_follow_a_build_link(jatac: Jatac, outside: Path) -> None:
    jatac("minutes", "new", DEC)
    _build_link(jatac.root, outside, "")
    push(jatac, "a build link")
    assert "build is a symbolic link to" in refused(jatac, outside, "minutes", "render", DEC, "-f", "md")


# -- Typst's root ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reach",
    [
        '#read("/secret.key")',  # the current folder, if Typst's root were it
        '#read("../outside/secret.key")',
        '#read("/{outside}/secret.key")',
        '#image("/secret.png")',
        '#read("/etc/hostname")',
    ],
)
def test_a_typst_template_reads_nothing_outside_the_documents_folder(
    jatac: Jatac, outside: Path, reach: str
) -> None:
    templates = jatac.root / "templates"
    templates.mkdir()
    source = reach.replace("/{outside}", str(outside))
    (templates / "agenda.typ.j2").write_text(f"Agenda\n\n{source}\n", encoding="utf-8")
    push(jatac, "a Typst template that reads files")
    # run from the folder holding the secret: the current folder is never Typst's root
    message = refused(jatac, outside, "agenda", DEC, "-f", "pdf", cwd=outside)
    assert "the PDF could not be made" in message, message
    assert "file not found" in message or "escape the project root" in message, message


def test_the_bundled_templates_still_make_a_pdf_with_charts(jatac: Jatac, tmp_path: Path) -> None:
    jatac.new()
    path = Path(jatac("report", "performance", "--period", "2026-Q4", "-f", "pdf").stdout.strip())
    assert path.read_bytes().startswith(b"%PDF")


# -- --out -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "named"),
    [
        ("jatac.yaml", "the repository's own jatac.yaml"),
        ("issues/2026/JAT-2026-0001.yaml", "in issues/, where the records are kept"),
        ("minutes/notes.md", "in minutes/, where the records are kept"),
        (".git/config", "in .git/, git's own files"),
        (".git/hooks/pre-commit", "in .git/, git's own files"),
        (".jatac/index.json", "in .jatac/, jatac's own files"),
        ("templates/agenda.md.j2", "in templates/, the repository's templates"),
        ("build/../jatac.yaml", "the repository's own jatac.yaml"),
    ],
)
def test_out_never_overwrites_the_repositorys_own_files(
    jatac: Jatac, outside: Path, out: str, named: str
) -> None:
    jatac.new()
    (jatac.root / "templates").mkdir()
    (jatac.root / "templates/agenda.md.j2").write_text("{{ date }}\n", encoding="utf-8")
    push(jatac, "a template")
    for path in (str(jatac.root / out), out):  # absolute, and relative to the repository
        message = refused(jatac, outside, "agenda", DEC, "-f", "md", "--out", path, cwd=jatac.root)
        assert named in message and "will not write a document there" in message, message
    message = refused(jatac, outside, "calendar", "--out", out, cwd=jatac.root)
    assert named in message, message


def test_out_through_a_link_into_the_repository_is_refused(jatac: Jatac, outside: Path) -> None:
    case = jatac.new()
    record = jatac.root / f"issues/2026/{case}.yaml"
    (outside / "agenda.md").symlink_to(record)
    (outside / "cases").symlink_to(record.parent)
    message = refused(jatac, outside, "agenda", DEC, "-f", "md", "--out", str(outside / "agenda.md"))
    assert f"(through a link, it is {record})" in message, message
    into = outside / "cases" / f"{case}.yaml"
    message = refused(jatac, outside, "agenda", DEC, "-f", "md", "--out", str(into))
    assert "in issues/, where the records are kept" in message, message


def test_a_build_link_to_the_records_is_refused(jatac: Jatac, outside: Path) -> None:
    jatac.new()
    (jatac.root / "build").symlink_to("issues/2026")
    push(jatac, "a build link into the records")
    message = refused(
        jatac, outside, "agenda", DEC, "-f", "md", "--out", f"build/{AGENDA}.md", cwd=jatac.root
    )
    assert "in issues/, where the records are kept" in message, message
    message = refused(jatac, outside, "agenda", DEC, "-f", "md")
    assert f"build/{AGENDA}.md (through a link" in message, message


def test_out_outside_the_repository_is_the_persons_choice(jatac: Jatac, outside: Path) -> None:
    target = outside / "for-the-chair.md"
    assert Path(jatac("agenda", DEC, "-f", "md", "--out", str(target)).stdout.strip()) == target
    assert "Agenda" in target.read_text()
    inside = jatac.root / "build" / "for-the-chair" / "agenda.md"  # in the repository: only in build/
    jatac("agenda", DEC, "-f", "md", "--out", str(inside))
    assert inside.is_file()


def test_out_named_through_another_spelling_of_the_repository_still_meets_its_links(
    jatac: Jatac, outside: Path
) -> None:
    _build_link(jatac.root, outside, "")
    push(jatac, "a build link")
    elsewhere = jatac.root.parent / "the-same-repository"
    elsewhere.symlink_to(jatac.root)
    out = elsewhere / "build" / "agenda.md"
    message = refused(jatac, outside, "agenda", DEC, "-f", "md", "--out", str(out))
    assert "build is a symbolic link to" in message, message


@pytest.mark.parametrize("target", ["issues/2026/x.csv", ".git/x.csv", ".jatac/x.xlsx", "templates/x.csv"])
def test_export_never_writes_into_records_templates_or_git(jatac: Jatac, target: str) -> None:
    jatac.new()
    (jatac.root / ".jatac").mkdir(exist_ok=True)
    before = jatac.snapshot()
    result = jatac("export", str(jatac.root / target), ok=False)
    assert result.exit_code == 1 and "will not write" in result.stderr
    assert jatac.snapshot() == before and not (jatac.root / target).exists()
