"""Issue 21 tried again as a coordinator would, with the variants a partner's push could take.

The example partnership (`jatac demo`): JAT-2026-0006 (cuckooing in Fishermead) is
OFFICIAL-SENSITIVE and has a SARA package; JAT-2026-0002 is OFFICIAL and adopted. The wide
JATAC meets on 21 January 2027; the Coordinating Group on 7 December 2026.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Jatac
from tests.test_outputs_never_committed import hand_commit, papers  # noqa: F401  (the fixture)
from tests.test_sending import partners  # noqa: F401  (the fixture)
from tests.test_sync_tells import MUST_KNOW, pair, pushed_by_hand  # noqa: F401  (the fixture)

SECRET = "JAT-2026-0006"
OPEN = "JAT-2026-0002"
WIDE = "2027-01-21"
CG = "2026-12-07"
BEFORE = {"JATAC_TODAY": "2026-11-26"}
CASE_FILE = f"issues/2026/{SECRET}.yaml"


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


@pytest.fixture
def named(example: Jatac) -> Jatac:
    """The sensitive case named around the repository: its own action (in its package), a
    partner's item about it on the wide agenda, an OFFICIAL case's action and review."""
    example("action", "add", SECRET, "Platypus closure order", "--owner", "tvp", "--due", "2026-12-20",
            env=BEFORE)  # fmt: skip
    example("item", "add", WIDE, "Wallaby item about the flats", "--by", "tvp", "--case", SECRET, env=BEFORE)
    example("action", "add", OPEN, f"Numbat visit with the officers of {SECRET}", "--owner", "tvp",
            "--due", "2026-12-20", env=BEFORE)  # fmt: skip
    example("review", OPEN, "--note", f"Echidna review: linked to {SECRET}", env=BEFORE)
    return example


# A push that takes the case's file away while its package and the records naming it stay:
# nothing says the case's marking any more.
GONE = {
    "deleted": lambda root: (root / CASE_FILE).unlink(),
    "renamed-yml": lambda root: (root / CASE_FILE).rename(root / CASE_FILE.replace(".yaml", ".yml")),
    "renamed-bak": lambda root: (root / CASE_FILE).rename(root / (CASE_FILE + ".bak")),
}
CANARIES = (SECRET, "Platypus", "Wallaby", "Numbat visit with the officers of JAT")


def _wide_outputs(jatac: Jatac, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "out"
    out.mkdir()
    jatac("agenda", WIDE, "-f", "md", "--out", str(out / "wide.md"), env=BEFORE)
    jatac("agenda", CG, "--audience", "wide", "-f", "md", "--out", str(out / "cg-wide.md"), env=BEFORE)
    jatac("export", "--audience", "wide", str(out / "cases.csv"), env=BEFORE)
    jatac("site", "--out", str(out / "site"), env=BEFORE)
    texts = {p.name: p.read_text(encoding="utf-8-sig") for p in out.glob("*.*")}
    texts |= {str(p): p.read_text(encoding="utf-8") for p in (out / "site").rglob("*.html")}
    for word in ("Platypus", "Wallaby", "Numbat", "Echidna"):
        found = jatac("search", word, "--audience", "wide", "-f", "json", env=BEFORE).stdout
        texts[f"search {word}"] = json.dumps(json.loads(found))
    return texts


@pytest.mark.parametrize("how", list(GONE))
def test_a_sensitive_case_whose_file_a_push_took_away_stays_withheld(
    named: Jatac, tmp_path: Path, how: str
) -> None:
    GONE[how](named.root)
    named.git("add", "-A")
    named.git("commit", "-qm", "a partner's push")
    texts = _wide_outputs(named, tmp_path)
    leaks = {name: w for name, text in texts.items() for w in CANARIES if w in text}
    assert not leaks, leaks
    # the OFFICIAL case's action is still there, naming the case as withheld
    assert "Numbat visit with the officers of a withheld case" in texts["cg-wide.md"]


# -- section 3: the pre-commit hook knows a paper inside its wrapping -----------------------


def _zipped(data: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("outbox/tuesday.txt", data)
    return buffer.getvalue()


def _b64(data: bytes) -> bytes:
    import base64

    return base64.encodebytes(data)  # lines of 76, as `base64` writes them


def _gz(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


WRAPS = {"zip": _zipped, "base64": _b64, "gzip": _gz, "base64-then-gzip": lambda d: _gz(_b64(d))}


@pytest.mark.parametrize("wrap", list(WRAPS))
@pytest.mark.parametrize("made", ["agenda.md", "agenda.pdf", "mail"])
def test_the_hook_refuses_a_paper_zipped_gzipped_or_base64d(
    partners: Jatac,  # noqa: F811
    papers: dict[str, Path],  # noqa: F811
    made: str,
    wrap: str,
) -> None:
    head = partners.git("rev-parse", "HEAD")
    hidden = partners.root / "notes" / "backup.dat"
    hidden.parent.mkdir()
    hidden.write_bytes(WRAPS[wrap](papers[made].read_bytes()))
    code, stderr = hand_commit(partners, "notes/backup.dat")
    assert code != 0, stderr
    assert "notes/backup.dat  a " in stderr and "made for people: never committed" in stderr, stderr
    assert partners.git("rev-parse", "HEAD") == head


def test_the_hook_lets_a_persons_own_archive_and_words_through(
    partners: Jatac,  # noqa: F811
    papers: dict[str, Path],  # noqa: F811
) -> None:
    notes = partners.root / "notes"
    notes.mkdir()
    (notes / "words.txt").write_text("just ordinary words long enough to look like base64 text " * 3)
    (notes / "own.zip").write_bytes(_zipped(b"How the coordinators share the week's work."))
    code, stderr = hand_commit(partners, "notes/words.txt", "notes/own.zip")
    assert code == 0, stderr


def test_a_zip_of_zips_is_looked_into_only_as_far_as_the_bound() -> None:
    """A crafted archive (zips of zips of zeros, 3.2 GB when inflated) pushed or staged: the
    check that recognises papers inflates at most its bound for the whole file, so it answers
    at once (the check inflating every member took 7 s here, and grows with the archive)."""
    import io
    import time
    import zipfile

    from jatac.guard.generated import made_by_jatac

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as book:
        for n in range(20):
            book.writestr(f"zeros-{n}", bytes(8 << 20))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as book:
        for n in range(20):
            book.writestr(f"inner-{n}.zip", inner.getvalue())
    start = time.process_time()
    assert made_by_jatac("notes/bomb.zip", outer.getvalue()) is None
    assert time.process_time() - start < 2.0, "the check inflated the whole archive"


# -- section 7: sync tells of a sensitive record that a push removed ----------------------------


def test_sync_tells_of_a_sensitive_case_removed_or_filed_again_as_official(
    pair: tuple[Jatac, Jatac],  # noqa: F811
) -> None:
    alice, bob = pair
    case = alice.new("Exploitation concerns at the hostel", marking="OFFICIAL-SENSITIVE")
    alice("sync")
    bob("sync")
    relpath = f"issues/2026/{case}.yaml"
    # the same case under a new number, OFFICIAL, and the sensitive file gone: one push
    text = (bob.root / relpath).read_text(encoding="utf-8")
    copy = text.replace("OFFICIAL-SENSITIVE", "OFFICIAL").replace(case, "JAT-2026-0099")
    (bob.root / "issues/2026/JAT-2026-0099.yaml").write_text(copy, encoding="utf-8")
    bob.git("rm", "--quiet", relpath)
    bob.git("add", "-A")
    bob.git("commit", "--quiet", "--no-verify", "-m", "Tidied up")
    bob.git("push", "--quiet")

    out = alice("sync").stdout
    assert MUST_KNOW in out, out
    assert f"{case}: an OFFICIAL-SENSITIVE record was removed" in out, out
    assert "no longer withheld" in out


# -- section 7: the fund ledger holds its own rules on validate ----------------------------------

LEDGER = "fund/2026/2026-27.yaml"


@pytest.mark.parametrize(
    ("before", "after", "says"),
    [
        (
            "    decided_on: 2026-06-22",
            "    decided_on: 2026-06-25",
            "requests.0.decided_on: FR-2026-001 was decided at the meeting of 2026-06-22 but is dated "
            "2026-06-25",
        ),
        ("      - on: 2026-08-14", "      - on: 2027-08-14", "money spent on 2027-08-14, a day to come"),
    ],
    ids=["decided-another-day-than-its-meeting", "spent-on-a-day-to-come"],
)
def test_a_pushed_ledger_no_fund_command_could_write_is_a_problem(
    example: Jatac, before: str, after: str, says: str
) -> None:
    path = example.root / LEDGER
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    example.git("commit", "-qam", "a partner's push")
    out = example("validate", ok=False, env=BEFORE)
    assert out.exit_code == 1
    assert f"{LEDGER}:" in out.stdout + out.stderr
    assert says in out.stdout + out.stderr, out.stdout + out.stderr


# -- section 1: members on no group are named by validate, also when something else is wrong ----


def test_validate_names_members_on_no_group_even_when_a_case_file_is_broken(example: Jatac) -> None:
    config = example.root / "jatac.yaml"
    text = config.read_text(encoding="utf-8")
    at = text.index("members:", text.index("  - id: housing"))
    config.write_text(
        text[:at] + "members:\n      - role: Housing Director\n" + text[at + 9 :], encoding="utf-8"
    )
    case = example.root / CASE_FILE
    case.write_text(case.read_text(encoding="utf-8") + "sensitivity: none\n", encoding="utf-8")
    example.git("commit", "-qam", "a partner's push")
    out = example("validate", ok=False, env=BEFORE)
    assert out.exit_code == 1
    assert f"{CASE_FILE}" in out.stderr  # the broken case, as before
    assert "housing: Housing Director: sits on no group, so receives no papers" in out.stderr, out.stderr


def test_sync_tells_of_an_agency_a_push_put_on_the_core_group(pair: tuple[Jatac, Jatac]) -> None:  # noqa: F811
    alice, bob = pair
    # Council Housing has no member on the Coordinating Group (a core group); a push gives it one
    pushed_by_hand(
        bob,
        "jatac.yaml",
        lambda text: text.replace(
            "    name: Council Housing\n",
            "    name: Council Housing\n    members:\n      - role: Housing Manager\n        groups: [coordinating]\n",
            1,
        ),
    )
    out = alice("sync").stdout
    assert MUST_KNOW in out, out
    assert (
        "jatac.yaml: Council Housing now sits on the JATAC Coordinating Group, a core group: "
        "its OFFICIAL-SENSITIVE agendas and minutes will go to it"
    ) in out, out
    assert "other file(s) changed" not in out
