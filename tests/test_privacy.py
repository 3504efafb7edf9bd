"""Personal data stays out of case files and out of git; people are recorded by pseudonym."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Jatac, editor, new_issue_args


@pytest.fixture(autouse=True)
def _key_outside(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JATAC_KEY_FILE", str(tmp_path_factory.mktemp("keys") / "test.key"))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call the resident on 07700 900123 after six.", "a UK phone number"),
        ("Complainant emails jo.bloggs@example.org daily.", "an email address"),
        ("Subject's NI number is AB 12 34 56 C.", "a National Insurance number"),
        ("Lives at MK6 2JD near the shops.", "a full postcode"),
        ("Young person, DOB 12/03/2009.", "a date of birth"),
        ("Car AB12 CDE seen dealing.", "a vehicle registration"),
    ],
)
def test_a_write_holding_personal_data_is_refused(jatac: Jatac, text: str, kind: str) -> None:
    before = jatac.snapshot()
    result = jatac(*new_issue_args("Groups at the parade", description=text), ok=False)
    assert f"description: looks like {kind}" in result.stderr
    assert "jatac person add" in result.stderr and "not_personal" in result.stderr
    assert jatac.snapshot() == before and len(jatac.commits()) == 1


def test_a_false_positive_passes_with_a_reason_in_the_record(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new(description="Meetings at the civic offices.")
    code = (
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text().replace('civic offices.', 'civic offices, MK9 3EJ.')\n"
        "p.write_text(t)\n"
    )
    script = tmp_path / "ed.py"
    script.write_text(code)
    refused = jatac("edit", case, env={"EDITOR": f"{sys.executable} {script}"}, ok=False)
    assert "looks like a full postcode: 'MK9 3EJ'" in refused.stderr
    script.write_text(
        code.replace(
            "p.write_text(t)",
            "p.write_text(t + 'not_personal:\\n  - text: MK9 3EJ\\n    reason: The council offices, a public building\\n')",
        )
    )
    jatac("edit", case, env={"EDITOR": f"{sys.executable} {script}"})
    assert "reason: The council offices" in jatac.git("show", "HEAD")


def test_check_and_the_pre_commit_hook_catch_hand_edits(jatac: Jatac) -> None:
    case = jatac.new()
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(path.read_text() + "place: outside 14 Acacia Avenue, MK6 2JD\n")
    result = jatac("check", ok=False)
    assert f"issues/2026/{case}.yaml:" in result.stderr
    assert "  place: looks like a full postcode: 'MK6 2JD'" in result.stderr
    jatac("install-hooks")
    hook = subprocess.run(
        ["git", "commit", "-qam", "hand edit"], cwd=jatac.root, capture_output=True, text=True
    )
    assert hook.returncode != 0 and "MK6 2JD" in hook.stdout + hook.stderr
    assert len(jatac.commits()) == 2
    path.write_text(path.read_text().replace(", MK6 2JD", ""))
    assert subprocess.run(["git", "commit", "-qam", "hand edit"], cwd=jatac.root).returncode == 0
    jatac("set", case, "priority=low")  # jatac's own commits pass the hook
    assert "All valid" in jatac("validate").stdout


def test_people_by_pseudonym_encrypted_and_never_in_git(jatac: Jatac, tmp_path: Path) -> None:
    ref = jatac("person", "add", "--name", "Jordan Example", "--note", "lives on the estate").stdout.strip()
    assert ref == "P-0001"
    store = jatac.root / ".jatac/private/people.enc"
    assert store.is_file() and b"Jordan" not in store.read_bytes()
    assert jatac.status() == ""  # the store is ignored by git
    assert "Jordan Example" in jatac("person", "show", ref).stdout

    case = jatac.new("Harassment of a resident", marking="OFFICIAL-SENSITIVE")
    jatac.adopt(case, "police", "Neighbourhood Inspector")
    code = "import sys,pathlib\np=pathlib.Path(sys.argv[1])\np.write_text(p.read_text()+'people:\\n  - ref: P-0001\\n    role: victim\\n')\n"
    jatac("edit", case, env=editor(tmp_path, code))
    refused = jatac("set", case, "description=Jordan Example was threatened", ok=False)
    assert "looks like a name in the people store: 'Jordan Example'" in refused.stderr

    core = jatac("agenda", "2026-12-14", "-f", "md", "--include-personal").stdout.strip()
    assert "Jordan Example (victim)" in Path(core).read_text()
    pseudonymous = Path(jatac("agenda", "2026-12-14", "-f", "md").stdout.strip()).read_text()
    assert "P-0001 (victim)" in pseudonymous and "Jordan" not in pseudonymous
    assert (
        "never shown to the wide audience"
        in jatac("agenda", "2026-12-14", "--audience", "wide", "--include-personal", ok=False).stderr
    )

    jatac("person", "erase", ref, "--yes")
    assert "there is no person P-0001" in jatac("person", "show", ref, ok=False).stderr
    assert jatac("person", "add", "--name", "Someone Else").stdout.strip() == "P-0002"  # never reused
    history = jatac.git("log", "-p", "--all")
    assert "P-0001" in history and "Jordan" not in history


def test_the_key_is_needed_to_read_the_store(
    jatac: Jatac, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac("person", "add", "--name", "Jordan Example")
    monkeypatch.setenv("JATAC_KEY_FILE", str(tmp_path / "elsewhere.key"))
    result = jatac("person", "show", "P-0001", ok=False)
    assert "key to the people store is not on this computer" in result.stderr


def test_the_wide_agenda_pdf_holds_no_sensitive_case_and_no_personal_field(
    jatac: Jatac, tmp_path: Path
) -> None:
    jatac("person", "add", "--name", "Jordan Example")
    open_case = jatac.new("Fly-tipping behind the shops", category="fly-tipping")
    secret = jatac.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE", category="drugs")
    for case in (open_case, secret):
        jatac.adopt(case, "police", "Neighbourhood Inspector")
    path = jatac.root / f"issues/2026/{open_case}.yaml"
    path.write_text(path.read_text() + "people:\n  - ref: P-0001\n    role: witness\n")
    jatac.git("commit", "-qam", "link a witness")
    jatac(
        "item",
        "add",
        "2026-12-14",
        "Update on the flats",
        "--by",
        "police",
        "--case",
        secret,
        env={"JATAC_TODAY": "2026-12-01"},
    )

    core = Path(
        jatac("agenda", "2026-12-14", "-f", "pdf", "--out", str(tmp_path / "core.pdf")).stdout.strip()
    )
    wide_run = jatac(
        "agenda", "2026-12-14", "-f", "pdf", "--audience", "wide", "--out", str(tmp_path / "wide.pdf")
    )
    wide = Path(wide_run.stdout.strip())
    core_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(core.read_bytes())).pages)
    wide_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(wide.read_bytes())).pages)
    assert "Cuckooing in a block of flats" in core_text and "OFFICIAL-SENSITIVE" in core_text
    assert "Cuckooing" not in wide_text and secret not in wide_text and "Update on the flats" not in wide_text
    assert "P-0001" not in wide_text and "Jordan" not in wide_text and "witness" not in wide_text
    assert "OFFICIAL-SENSITIVE" not in wide_text.replace("(OFFICIAL-SENSITIVE: for the core group only)", "")
    assert "2 items withheld from this version" in " ".join(wide_text.split())
    assert "withheld" in wide_run.stderr


def test_isp_register_and_recipients(jatac: Jatac) -> None:
    config = jatac.root / "jatac.yaml"
    text = config.read_text()
    text = text.replace(
        "  - id: asb-team\n    name: Council ASB Team\n",
        "  - id: asb-team\n    name: Council ASB Team\n    isp_signed: 2026-02-01\n",
    )
    text = text.replace(
        "  - id: police\n    name: Police (Neighbourhood Policing)\n",
        "  - id: police\n    name: Police (Neighbourhood Policing)\n    isp_signed: 2025-01-10\n",
    )
    config.write_text(text)
    jatac.git("commit", "-qam", "ISP signatures")
    rows = {r["agency"]: r for r in json.loads(jatac("isp", "-f", "json").stdout)}
    assert rows["asb-team"]["state"] == "signed" and rows["asb-team"]["review_by"] == "2027-02-01"
    assert rows["police"]["state"] == "review due" and rows["fire"]["state"] == "not signed"
    out = jatac("agenda", "2026-12-14", "-f", "md", "--recipients").stdout
    sent, left = out.split("Left out:")
    assert "Council ASB Team: ASB Team Leader" in sent and "Police" not in sent
    assert "Police (Neighbourhood Policing): its ISP signature was due for review by 2026-01-10" in left
    assert (
        "2 agencies, has not signed the Information Sharing Protocol: "
        "Community Safety Support Team, Fire and Rescue Service"
    ) in left


def test_retention_lists_and_removes_in_one_commit(jatac: Jatac, tmp_path: Path) -> None:
    old = "issues/2019/JAT-2019-0001.yaml"
    (jatac.root / "issues/2019").mkdir(parents=True)
    (jatac.root / old).write_text(
        "id: JAT-2019-0001\ntitle: Old rejected case\nstatus: rejected\ncategory: asb\nlocation: town-centre\n"
        "raised_by: police\nraised_on: 2019-05-01\ndecision_note: Not a partnership matter\n"
    )
    jatac.git("add", ".")
    jatac.git("commit", "-qm", "old case")
    recent = jatac.new()
    listed = jatac("retention").stdout
    assert old in listed and recent not in listed
    jatac("retention", "--apply")
    assert not (jatac.root / old).exists() and (jatac.root / f"issues/2026/{recent}.yaml").exists()
    assert jatac.commits()[0].startswith("Retention: 1 record(s)")
    assert "Jatac-Command: retention" in jatac.git("log", "-1", "--format=%B")
    assert jatac.status() == ""


def test_doctor_says_what_to_fix(jatac: Jatac) -> None:
    out = jatac("doctor").stdout
    assert "ok       every record valid" in out and "run `jatac install-hooks`" in out
    (jatac.root / ".gitignore").write_text("build/\n")
    jatac.git("commit", "-qam", "drop the ignore")
    result = jatac("doctor", ok=False)
    assert "problem  .jatac/ is not ignored by git" in result.stdout
    hook = jatac.root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    assert "already holds another pre-commit hook" in jatac("install-hooks", ok=False).stderr


def test_the_people_store_stays_out_of_git_whatever_the_shared_gitignore_says(jatac: Jatac) -> None:
    (jatac.root / ".gitignore").write_text("build/\n!.jatac/\n")  # a partner's push forgot it
    jatac.git("commit", "--quiet", "--no-verify", "-am", "A partner's .gitignore")
    jatac("person", "add", "--name", "Jordan Example")
    assert (jatac.root / ".jatac/private/people.enc").is_file()
    assert ".jatac" not in jatac.git("status", "--porcelain", "--untracked-files=all")
    jatac.git("add", "-A")
    assert "people.enc" not in jatac.git("diff", "--cached", "--name-only")
