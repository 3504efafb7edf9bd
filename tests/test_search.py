"""`jatac search` and `jatac lessons` on the example partnership, and the search database's trust."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Jatac, new_issue_args


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


def found(jatac: Jatac, *args: str, **kw: str) -> list[dict]:
    return json.loads(jatac("search", *args, "--format", "json", **kw).stdout)


def test_a_place_is_found_in_every_kind_of_record_with_its_words_in_context(example: Jatac) -> None:
    result = example("search", "Melrose")
    assert "JAT-2025-0001" in result.stdout and "JAT-2026-0002" in result.stdout
    hits = found(example, "Melrose", "--limit", "50")
    kinds = {h["kind"] for h in hits}
    assert {"case", "sara"} <= kinds
    ids = {h["id"] for h in hits}
    assert {"JAT-2025-0001", "JAT-2026-0002", "JAT-2026-0012"} <= ids
    for hit in hits:
        assert "Melrose" in hit["matches"]
        assert "Melrose" in hit["context"]
    # the best match says it in its title
    assert "Melrose" in hits[0]["title"]


def test_filters_keep_closed_cases_active_since_a_date(example: Jatac) -> None:
    hits = found(example, "fire", "--status", "closed", "--since", "2024-01-01", "--limit", "50")
    assert hits, "the closed garage fires case speaks of fire"
    assert {h["case"] for h in hits} == {"JAT-2025-0003"}
    assert all(h["status"] == "closed" and h["on"] >= "2024-01-01" for h in hits)
    assert {"case", "evaluation", "action"} <= {h["kind"] for h in hits}
    assert not found(example, "fire", "--status", "closed", "--until", "2024-12-31")
    assert {h["kind"] for h in found(example, "fire", "--kind", "action")} == {"action"}


def test_words_phrases_prefixes_and_or(example: Jatac) -> None:
    assert found(example, "blocks garage", "--kind", "case")
    assert found(example, '"garage blocks"', "--kind", "case")
    assert not found(example, '"blocks garage"', "--kind", "case")
    assert not found(example, "gara", "--kind", "case")
    assert found(example, "gara*", "--kind", "case")
    either = {h["case"] for h in found(example, "Melrose OR Fishermead", "--limit", "100")}
    assert {"JAT-2025-0001", "JAT-2025-0002"} <= either


@pytest.mark.parametrize(
    "words", ['"', "OR", "NEAR(a b", "*", "title:x", "a AND", "^x", "\x00\x1b[2J", "((", "'", "-x"]
)
def test_what_a_person_types_never_breaks_the_search(example: Jatac, words: str) -> None:
    from jatac.cli import app

    result = example.runner.invoke(app, ["--repo", str(example.root), "search", words, "-f", "json"])
    assert result.exit_code in (0, 2), result.output  # 2: nothing to look for
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert isinstance(json.loads(result.stdout), list)


def test_the_wide_audience_finds_nothing_about_a_sensitive_case(example: Jatac) -> None:
    core = found(example, "Fishermead", "--limit", "100")
    assert "JAT-2025-0002" in {h["case"] for h in core}
    wide = found(example, "Fishermead", "--limit", "100", "--audience", "wide")
    assert "JAT-2025-0002" not in {h["case"] for h in wide}
    assert all("JAT-2025-0002" not in json.dumps(h) for h in wide)
    # a case that names the sensitive one is withheld from the wide group too
    assert "JAT-2026-0015" in {h["case"] for h in core}
    assert "JAT-2026-0015" not in {h["case"] for h in wide}


def test_a_changed_added_or_removed_file_is_searched_as_it_is_now(example: Jatac) -> None:
    assert not found(example, "zebra")
    example("set", "JAT-2026-0012", "title=Zebra crossing damaged at Melrose Avenue shops")
    assert [h["id"] for h in found(example, "zebra")] == ["JAT-2026-0012"]
    new = example.new("Quokka sightings by the canal", location="bletchley", raised_by="tvp")
    assert [h["id"] for h in found(example, "quokka")] == [new]
    path = example.root / "issues" / "2026" / f"{new}.yaml"
    path.unlink()
    assert not found(example, "quokka")
    # an edit behind jatac's back, in the same second as the last search, is seen too
    path = example.root / "issues" / "2026" / "JAT-2026-0012.yaml"
    path.write_text(path.read_text().replace("Zebra", "Wombat"))
    assert [h["id"] for h in found(example, "wombat")] == ["JAT-2026-0012"]
    assert not found(example, "zebra")


def test_an_invalid_file_is_left_out_not_a_crash(example: Jatac) -> None:
    path = example.root / "issues" / "2026" / "JAT-2026-0012.yaml"
    path.write_text("title: [unclosed\n")
    hits = found(example, "Melrose", "--limit", "50")
    assert "JAT-2026-0012" not in {h["id"] for h in hits}
    assert "JAT-2025-0001" in {h["id"] for h in hits}


def _db(root: Path) -> Path:
    return root / ".jatac" / "index" / "search.sqlite"


def _forge(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE doc SET title = 'FORGED title Melrose' WHERE kind = 'case'")
    conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    conn.commit()
    conn.close()


def test_a_search_database_that_arrived_from_elsewhere_is_never_believed(
    example: Jatac, tmp_path: Path
) -> None:
    found(example, "Melrose")
    db = _db(example.root)
    assert db.is_file()
    # one made elsewhere (a push, a copy), with forged rows, put in its place
    elsewhere = tmp_path / "pushed.sqlite"
    shutil.copy(db, elsewhere)
    _forge(elsewhere)
    shutil.copy(elsewhere, db)
    assert all("FORGED" not in h["title"] for h in found(example, "Melrose", "--limit", "50"))
    # one changed in place behind jatac's back
    _forge(db)
    assert all("FORGED" not in h["title"] for h in found(example, "Melrose", "--limit", "50"))


def test_a_journal_planted_beside_the_database_is_removed_unread(example: Jatac) -> None:
    found(example, "Melrose")
    journal = Path(str(_db(example.root)) + "-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 600)
    assert found(example, "Melrose")
    assert not journal.exists()


def test_the_sealed_note_is_needed_not_only_the_database(example: Jatac) -> None:
    found(example, "Melrose")
    note = example.root / ".jatac" / "index" / "search.json"
    note.write_text('{"stamp": "x", "entries": {}}')
    _forge(_db(example.root))  # would be believed if the note were
    assert all("FORGED" not in h["title"] for h in found(example, "Melrose", "--limit", "50"))


def test_search_works_without_local_state(example: Jatac, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jatac.storage.index.ENABLED", False)
    hits = found(example, "Melrose")
    assert "JAT-2025-0001" in {h["id"] for h in hits}
    assert not _db(example.root).exists()


def test_search_refuses_what_it_cannot_do(example: Jatac) -> None:
    before = example.snapshot()
    for args, message in (
        (("fire", "--since", "last week"), "is not a date"),
        (("fire", "--status", "finished"), "unknown status"),
        (("fire", "--kind", "letter"), "unknown kind"),
        (("fire", "--category", "nothing"), "unknown category"),
        (("fire", "--location", "atlantis"), "unknown locality"),
    ):
        result = example("search", *args, ok=False)
        assert result.exit_code == 1 and message in result.stderr
    assert example("search", "", ok=False).exit_code == 2
    assert example.snapshot() == before


def test_the_learning_library_finds_what_worked_by_category_and_tactic(example: Jatac) -> None:
    lessons = json.loads(
        example(
            "lessons", "--category", "deliberate-fire", "--tactic", "target hardening", "-f", "json"
        ).stdout
    )
    assert [h["case"] for h in lessons] == ["JAT-2025-0003"]
    info = lessons[0]["info"]
    assert "fires stopped" in info["worked"] and info["did_not_work"]
    assert any("target hardening" in t for t in info["tactics"])
    text = example("lessons", "--category", "deliberate-fire").stdout
    assert "JAT-2025-0003" in text and "worked" in text and "did not work" in text
    assert "No evaluations" in example("lessons", "--tactic", "helicopter").stdout
    # open cases' packages are not lessons yet
    every = json.loads(example("lessons", "-f", "json", "-n", "100").stdout)
    assert every and all(h["status"] == "closed" for h in every)


def test_new_issue_names_cases_closed_at_the_same_place_in_the_last_three_years(example: Jatac) -> None:
    result = example(
        *new_issue_args(
            "Graffiti on the parade",
            location="bletchley",
            place="Melrose Avenue shops",
            category="criminal-damage",
            raised_by="tvp",
        )
    )
    assert "JAT-2025-0001" in result.stderr and "closed there" in result.stderr
    far = example(
        *new_issue_args(
            "Graffiti in the park", location="fishermead", category="criminal-damage", raised_by="tvp"
        )
    )
    assert "closed there" not in far.stderr


def test_a_huge_limit_is_kept_to_what_can_be_shown(example: Jatac) -> None:
    hits = found(example, "Melrose", "--limit", str(10**30))
    assert 0 < len(hits) <= 1000


def test_a_fund_request_is_found_by_its_purpose(example: Jatac) -> None:
    hits = found(example, "anti-climb paint")
    assert hits[0]["kind"] == "fund" and hits[0]["id"] == "FR-2026-001"
    assert hits[0]["case"] == "JAT-2026-0002" and hits[0]["info"]["status"] == "approved"
