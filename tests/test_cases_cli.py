"""The everyday case commands, end to end in a real git repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Jatac, editor, new_issue_args


def case_file(repo: Path, case_id: str) -> Path:
    return repo / "issues" / case_id.split("-")[1] / f"{case_id}.yaml"


def test_init_makes_a_valid_repository_with_a_first_commit(jatac: Jatac) -> None:
    assert (jatac.root / "jatac.yaml").is_file()
    assert jatac.commits() == ["New case repository for Test CSP"]
    assert "Jatac-Command: init" in jatac.git("log", "-1", "--format=%B")
    assert "All valid" in jatac("validate").stdout


def test_init_refuses_an_existing_repository(jatac: Jatac) -> None:
    result = jatac("init", str(jatac.root), "--name", "Again", ok=False)
    assert "already a case repository" in result.stderr


def test_new_issue_writes_one_file_and_one_commit_with_trailers(jatac: Jatac) -> None:
    case_id = jatac.new(
        place="Melrose Avenue shops", description="Groups gathering nightly.\nShop staff abused."
    )
    assert case_id == "JAT-2026-0001"
    text = case_file(jatac.root, case_id).read_text()
    assert "status: proposed" in text
    assert "raised_on: 2026-11-16" in text
    assert "description: |\n  Groups gathering nightly.\n  Shop staff abused.\n" in text
    message = jatac.git("log", "-1", "--format=%B")
    assert message.startswith("JAT-2026-0001: new case, ASB at Melrose Avenue shops")
    assert "Jatac-Case: JAT-2026-0001" in message
    assert "Jatac-Command: new-issue" in message
    assert (
        jatac.git("log", "-1", "--format=%an <%ae>").strip() == "Test Coordinator <coordinator@example.org>"
    )
    assert jatac.status() == ""


def test_new_issue_takes_a_locality_by_name_and_numbers_in_sequence(jatac: Jatac) -> None:
    first = jatac.new(location="Town Centre")
    second = jatac.new("Fly-tipping behind the shops", category="fly-tipping")
    assert (first, second) == ("JAT-2026-0001", "JAT-2026-0002")
    assert "location: town-centre" in case_file(jatac.root, first).read_text()


def test_new_issue_without_a_terminal_names_what_is_missing(jatac: Jatac) -> None:
    result = jatac("new-issue", "--title", "Something", ok=False)
    assert "--category" in result.output and "--raised-by" in result.output
    assert jatac.commits() == ["New case repository for Test CSP"]


def test_new_issue_with_unknown_agency_lists_the_known_ones(jatac: Jatac) -> None:
    before = jatac.snapshot()
    result = jatac(*new_issue_args("x y z", raised_by="tvpp"), ok=False)
    assert "raised_by: unknown agency 'tvpp'" in result.stderr
    assert "police" in result.stderr
    assert jatac.snapshot() == before


def test_list_shows_open_cases_and_filters(jatac: Jatac) -> None:
    a = jatac.new("ASB at the shops")
    b = jatac.new("Fly-tipping lane", category="fly-tipping", raised_by="fire")
    jatac("set", b, "status=rejected", "decision_note=Not a partnership matter")
    table = jatac("list").stdout
    assert a in table and b not in table
    assert b in jatac("list", "--all").stdout
    assert b in jatac("list", "--status", "rejected").stdout
    assert a not in jatac("list", "--category", "fly-tipping", "--all").stdout
    assert jatac("list", "--agency", "fire", "--all").stdout.count("JAT-") == 1


def test_a_narrow_terminal_wraps_long_titles_within_their_column(jatac: Jatac) -> None:
    title = "Groups gathering and abuse of staff at the shopping parade on Saturday nights"
    case = jatac.new(title)
    lines = jatac("list", env={"COLUMNS": "120"}).stdout.splitlines()
    assert all(len(line) <= 120 for line in lines)
    row = next(i for i, line in enumerate(lines) if line.startswith(case))
    start = lines[row].index("Groups")
    wrapped = [line[start:].split("  ")[0] for line in lines[row:] if line[:start].strip() in ("", case)]
    assert " ".join(wrapped).split() == title.split()  # every word, in order, in the title column
    assert len(wrapped) > 1
    assert lines[row - 1].startswith("─")  # the rule under the headings


def test_list_json_has_the_documented_fields(jatac: Jatac) -> None:
    jatac.new(place="Melrose Avenue shops")
    rows = json.loads(jatac("list", "--format", "json").stdout)
    assert len(rows) == 1
    assert {
        "id",
        "title",
        "status",
        "priority",
        "category",
        "location",
        "raised_by",
        "raised_on",
    } <= set(rows[0])
    assert rows[0]["raised_on"] == "2026-11-16"
    assert rows[0]["place"] == "Melrose Avenue shops"


def test_list_csv(jatac: Jatac) -> None:
    jatac.new()
    lines = jatac("list", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("\ufeffid,title,status")  # the BOM: Excel reads it as UTF-8
    assert lines[1].startswith("JAT-2026-0001,ASB at Melrose Avenue shops,proposed")


def test_show_in_three_formats(jatac: Jatac) -> None:
    case_id = jatac.new(description="Groups gathering nightly.")
    assert "Groups gathering nightly." in jatac("show", case_id).stdout
    assert json.loads(jatac("show", case_id, "--format", "json").stdout)["status"] == "proposed"
    assert jatac("show", case_id, "--format", "yaml").stdout == case_file(jatac.root, case_id).read_text()


def test_set_changes_fields_in_one_commit_that_says_what(jatac: Jatac) -> None:
    case_id = jatac.new()
    out = jatac(
        "set",
        case_id,
        "status=adopted",
        "priority=medium",
        "lead=asb-team",
        "problem_manager=ASB Team Leader",
    ).stdout
    assert "status: proposed -> adopted" in out
    subject, *_ = jatac.commits()
    assert subject.startswith(f"{case_id}: status proposed -> adopted")
    body = jatac.git("log", "-1", "--format=%B")
    assert "priority: high -> medium" in body
    assert "adopted_on: (none) -> 2026-11-16" in body
    assert "Jatac-Command: set" in body
    assert jatac.git("log", "--format=%s", f"--grep=^Jatac-Case: {case_id}$").count(case_id) == 2
    assert len(jatac.git("log", "--format=%s", "--", f"issues/2026/{case_id}.yaml").splitlines()) == 2


def test_set_refuses_a_lifecycle_jump_and_changes_nothing(jatac: Jatac) -> None:
    case_id = jatac.new()
    before = jatac.snapshot()
    result = jatac("set", case_id, "status=escalated", ok=False)
    assert "status: a proposed case cannot become escalated" in result.stderr
    assert f"issues/2026/{case_id}.yaml:3:9" in result.stderr
    assert jatac.snapshot() == before


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("id=JAT-2026-0009", "id never changes"),
        ("colour=red", "'colour' is not a case field"),
        ("priority", "is not FIELD=VALUE"),
        ("priority=urgent", "'urgent' is not one of high, medium, low"),
        ("raised_on=11/16/2026", "is not a date; write it as YYYY-MM-DD"),  # month first: no UK date
        ("escalations=x", "jatac escalate"),
    ],
)
def test_set_bad_input(jatac: Jatac, pair: str, message: str) -> None:
    case_id = jatac.new()
    before = jatac.snapshot()
    result = jatac("set", case_id, pair, ok=False)
    assert message in result.stderr
    assert jatac.snapshot() == before
    assert len(jatac.commits()) == 2


def test_no_commit_leaves_the_change_staged(jatac: Jatac) -> None:
    case_id = jatac.new()
    jatac("set", case_id, "priority=low", "--no-commit")
    assert len(jatac.commits()) == 2
    assert jatac.status() == f"M  issues/2026/{case_id}.yaml\n"
    # a later committed change to another case leaves this one staged
    other = jatac.new("Another problem")
    assert jatac.status() == f"M  issues/2026/{case_id}.yaml\n"
    assert other in jatac.commits()[0]


def test_a_table_piped_in_a_legacy_encoding_uses_a_plain_rule(jatac: Jatac) -> None:
    """A Windows pipe may be cp1252, which has no box-drawing characters."""
    case = jatac.new()
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    command = [sys.executable, "-m", "jatac", "--repo", str(jatac.root), "list"]
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    lines = done.stdout.decode("cp1252").splitlines()
    assert lines[2].startswith("-------------  ") and lines[3].startswith(case)


def test_output_into_a_closed_pipe_ends_quietly(jatac: Jatac) -> None:
    """`jatac show X | head -1`: the reader stops early; no error, no traceback."""
    case = jatac.new()
    command = [sys.executable, "-m", "jatac", "--repo", str(jatac.root), "show", case]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before a byte is written
    _, err = proc.communicate()
    assert err.decode() == ""
    assert proc.returncode == 141  # what a shell reports for a pipe closed under a writer


def test_history_shows_who_when_and_which_fields(jatac: Jatac) -> None:
    case_id = jatac.new()
    jatac("set", case_id, "priority=low")
    out = jatac("history", case_id).stdout
    assert "Test Coordinator" in out
    assert "priority: high -> low" in out
    assert "new case" in out
    rows = json.loads(jatac("history", case_id, "--format", "json").stdout)
    assert len(rows) == 2  # oldest first: the new case, then the change
    assert [(c["record"], c["field"], c["before"], c["after"]) for c in rows[1]["changes"]] == [
        ("case", "priority", "high", "low")
    ]


def test_history_keeps_gits_commit_graph_current_so_it_stays_fast(jatac: Jatac) -> None:
    case_id = jatac.new()
    first = jatac("history", case_id)
    assert "Indexing the git history once" in first.stderr
    chain = jatac.root / ".git/objects/info/commit-graphs/commit-graph-chain"
    before = chain.read_text()
    jatac("set", case_id, "priority=low")
    again = jatac("history", case_id)
    assert "Indexing" not in again.stderr
    assert "priority: high -> low" in again.stdout
    assert chain.read_text() != before  # the new commit went into the graph
    jatac.git("commit-graph", "verify")  # git itself finds the graph sound


def test_history_of_a_mistyped_id_says_so_first_and_a_deleted_case_still_has_one(jatac: Jatac) -> None:
    mistyped = jatac("history", "JAT-2026-0099", ok=False)
    assert "there is no case JAT-2026-0099" in mistyped.stderr
    assert "Indexing" not in mistyped.stderr  # no minute of work before telling a typo
    case_id = jatac.new()
    jatac.git("rm", "-q", f"issues/2026/{case_id}.yaml")
    jatac.git("commit", "-qm", "removed by hand")
    assert "new case" in jatac("history", case_id).stdout


OPEN_FILE = "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"


def test_edit_commits_a_valid_edit(jatac: Jatac, tmp_path: Path) -> None:
    case_id = jatac.new()
    editor_env = editor(
        tmp_path,
        OPEN_FILE + "p.write_text(p.read_text().replace('priority: high', 'priority: low  # calmer'))",
    )
    out = jatac("edit", case_id, env=editor_env).stdout
    assert "priority: high -> low" in out
    assert "priority: low  # calmer" in case_file(jatac.root, case_id).read_text()
    assert "Jatac-Command: edit" in jatac.git("log", "-1", "--format=%B")


def test_edit_refuses_an_invalid_edit_and_keeps_the_file(jatac: Jatac, tmp_path: Path) -> None:
    case_id = jatac.new()
    before = jatac.snapshot()
    editor_env = editor(
        tmp_path, OPEN_FILE + "p.write_text(p.read_text().replace('status: proposed', 'status: opn'))"
    )
    result = jatac("edit", case_id, env=editor_env, ok=False)
    assert f"issues/2026/{case_id}.yaml:3:9  status: 'opn' is not one of" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert jatac.snapshot() == before


def test_edit_with_no_change_commits_nothing(jatac: Jatac, tmp_path: Path) -> None:
    case_id = jatac.new()
    assert "No change" in jatac("edit", case_id, env=editor(tmp_path, OPEN_FILE + "pass")).stdout
    assert len(jatac.commits()) == 2


def test_list_by_ward_takes_in_its_estates(jatac: Jatac) -> None:
    config = jatac.root / "jatac.yaml"
    config.write_text(
        config.read_text().replace(
            "    kind: ward\n",
            "    kind: ward\n  - id: old-town\n    name: Old Town\n    kind: estate\n    within: town-centre\n",
            1,
        )
    )
    jatac.git("commit", "-qam", "add an estate")
    on_estate = jatac.new("Graffiti on the Old Town garages", location="Old Town")
    assert on_estate in jatac("list", "--location", "town-centre").stdout
    assert on_estate in jatac("list", "--location", "old-town").stdout
    assert "0 cases" in jatac("list", "--location", "town-centre", "--category", "drugs").stdout


def test_new_issue_asks_for_each_detail_in_a_terminal(repo: Path) -> None:
    """A real pseudo-terminal: the prompts a coordinator sees, answered one by one."""
    import os
    import pty
    import subprocess

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jatac", "--repo", str(repo), "new-issue"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    answers = iter(
        [
            "Needles in the play area",
            "drugs",
            "Town Centre",
            "Station Square",
            "fire",
            "high",
            "Found daily.\n",  # the description may run over lines: an empty one ends it
        ]
    )
    import select
    import time

    seen = b""
    deadline = time.monotonic() + 90  # a prompt that never comes fails the test, never hangs it
    while proc.poll() is None or seen.count(b":") < 7:
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no prompt came within 90 s; the terminal showed:\n{seen.decode(errors='replace')}")
        if not select.select([leader], [], [], 1.0)[0]:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(leader, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if chunk.rstrip().endswith((b":", b"]:")):
            answer = next(answers, None)
            if answer is not None:
                os.write(leader, answer.encode() + b"\n")
    proc.wait(timeout=30)
    os.close(leader)
    text = seen.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "Category" in text and "1. Anti-social behaviour (asb)" in text  # the choices, numbered
    saved = (repo / "issues/2026/JAT-2026-0001.yaml").read_text()
    assert "title: Needles in the play area" in saved
    assert (
        "location: town-centre" in saved and "raised_by: fire" in saved and "place: Station Square" in saved
    )
