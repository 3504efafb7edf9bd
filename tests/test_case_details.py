"""A case's details: other systems' references, links between cases, evidence files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.conftest import Jatac

CASE = "JAT-2026-0002"
CASE_FILE = f"issues/2026/{CASE}.yaml"


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


def _refused(jatac: Jatac, *args: str, message: str) -> None:
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert message in result.stderr, result.stderr
    assert jatac.snapshot() == before
    assert jatac.git("rev-parse", "HEAD") == head


def test_a_reference_of_a_declared_form_is_recorded_shown_and_searchable(example: Jatac) -> None:
    example("ref", CASE, "police-incident", "TVP-123456-26", "--note", "first call from the shops")
    assert example.commits()[0].startswith(f"{CASE}: ")
    assert "references" in example.git("show", "--stat", "HEAD") or CASE_FILE in example.git(
        "show", "--name-only", "HEAD"
    )
    shown = example("show", CASE).stdout
    assert "police-incident TVP-123456-26 (first call from the shops)" in shown
    example("ref", CASE, "housing-case", "HSG/2026/042")
    hits = json.loads(example("search", "TVP-123456-26", "-f", "json").stdout)
    assert [h["id"] for h in hits] == [CASE]
    assert json.loads(example("search", "HSG/2026/042", "-f", "json").stdout)[0]["id"] == CASE
    example("ref", CASE, "police-incident", "TVP-123456-26", "--remove")
    assert "TVP-123456-26" not in example("show", CASE).stdout
    assert example("validate").exit_code == 0


def test_a_reference_of_the_wrong_form_or_system_is_refused(example: Jatac) -> None:
    _refused(example, "ref", CASE, "police-incident", "123456", message="is not a Police incident number")
    _refused(example, "ref", CASE, "crime", "43ABC", message="43########")
    _refused(example, "ref", CASE, "passport", "123", message="unknown reference system 'passport'")
    example("ref", CASE, "crime", "4300012345")
    _refused(example, "ref", CASE, "crime", "4300012345", message="already has crime 4300012345")
    _refused(example, "ref", CASE, "crime", "4399999999", "--remove", message="has no crime reference")


def test_a_reference_edited_by_hand_is_checked_by_validate(example: Jatac) -> None:
    path = example.root / CASE_FILE
    path.write_text(path.read_text() + "references:\n  - system: crime\n    ref: not-a-number\n")
    result = example("validate", ok=False)
    assert f"{CASE_FILE}:" in result.stderr and "is not a Police crime number" in result.stderr


def test_a_form_is_literal_text_not_a_pattern(tmp_path: Path) -> None:
    from jatac.models.config import ReferenceSystem

    system = ReferenceSystem(id="x", name="X", formats=["(a+)+#.?"])
    assert system.matches("(a+)+1.b") and system.matches("(A+)+1.7")
    assert not system.matches("aaaa1x") and not system.matches("(a+)+1.")
    # a form cannot make a reference take long to check, whatever jatac.yaml says
    slow = ReferenceSystem(id="y", name="Y", formats=["?" * 200])
    assert not slow.matches("a" * 199 + "!")


def test_cases_are_linked_and_a_link_to_nowhere_is_found(example: Jatac) -> None:
    example("link", "JAT-2026-0012", "JAT-2025-0001", "--as", "related", "--note", "same parade")
    example("link", CASE, "JAT-2026-0012", "--as", "superseded-by")
    assert "superseded-by JAT-2026-0012" in example("show", CASE).stdout
    _refused(example, "link", CASE, CASE, message="cannot be linked to itself")
    _refused(example, "link", CASE, "JAT-2019-0099", message="there is no case JAT-2019-0099")
    _refused(example, "link", CASE, "JAT-2026-0012", message="already linked to JAT-2026-0012")
    _refused(example, "link", CASE, "JAT-2025-0004", "--as", "duplicate-of", message="one case at most")
    _refused(example, "link", CASE, "JAT-2025-0004", "--as", "twin", message="is not a link")
    assert example("validate").exit_code == 0
    example("link", CASE, "JAT-2026-0012", "--remove")
    assert "superseded-by" not in example("show", CASE).stdout
    path = example.root / CASE_FILE
    path.write_text(path.read_text() + "links:\n  - case: JAT-2024-0777\n")
    result = example("validate", ok=False)
    assert "links to JAT-2024-0777, which does not exist" in result.stderr


def test_evidence_is_kept_by_its_content_out_of_git_and_checked(example: Jatac, tmp_path: Path) -> None:
    photo = tmp_path / "shutter photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff fictional jpeg bytes")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    out = example("evidence", "add", CASE, str(photo), "--note", "forced shutter, January").stdout
    kept = example.root / "evidence" / digest[:2] / f"{digest}.jpg"
    assert kept.read_bytes() == photo.read_bytes() and f"evidence/{digest[:2]}" in out
    assert example.status() == ""  # the file is not offered to git; the case is committed
    assert "evidence" not in example.git("show", "--name-only", "--format=", "HEAD").replace(CASE_FILE, "")
    assert digest in (example.root / CASE_FILE).read_text()
    assert "shutter photo.jpg" in example("evidence", "list", CASE).stdout
    assert example("validate").exit_code == 0
    # the same content under another name is kept once
    example("evidence", "add", CASE, str(photo), "--name", "copy.jpg")
    assert len(list((example.root / "evidence").rglob("*.jpg"))) == 1
    _refused(example, "evidence", "add", CASE, str(photo), message="already has a file named")
    kept.write_bytes(b"something else")
    result = example("validate", ok=False)
    assert "has changed since it was attached" in result.stderr
    kept.unlink()
    result = example("validate", ok=False)
    assert "is not on this computer" in result.stderr
    assert "(not on this computer)" in example("evidence", "list", CASE).stdout


def test_evidence_names_are_names_not_paths(example: Jatac, tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    photo.write_bytes(b"png")
    before = example.snapshot()
    result = example("evidence", "add", CASE, str(photo), "--name", "../../outside.png", ok=False)
    assert result.exit_code == 1 and "evidence" in result.stderr
    assert example.snapshot() == before
    assert not (tmp_path / "outside.png").exists()


def test_an_evidence_folder_linked_out_of_the_repository_is_refused(example: Jatac, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, example.root / "evidence")
    photo = tmp_path / "p.png"
    photo.write_bytes(b"png")
    result = example("evidence", "add", CASE, str(photo), ok=False)
    assert result.exit_code == 1 and "outside the repository" in result.stderr
    assert list(outside.iterdir()) == []
    assert "evidence" not in (example.root / CASE_FILE).read_text()


@pytest.mark.parametrize("source", ["/dev/zero", "."])
def test_evidence_is_a_file_not_a_device_or_a_folder(example: Jatac, source: str) -> None:
    _refused(example, "evidence", "add", CASE, source, message="is not a file")
