"""Hostile and broken input: a clear error, a non-zero exit, and the repository byte-identical."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Jatac, jatac_process, kill_group, new_issue_args, paused_mid_change

CASE = "issues/2026/JAT-2026-0001.yaml"


@pytest.fixture
def one_case(jatac: Jatac) -> Jatac:
    jatac.new()
    return jatac


def test_a_second_process_waits_then_says_who_holds_the_lock(
    one_case: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac = one_case
    holder = paused_mid_change(jatac)
    try:
        monkeypatch.setattr("jatac.storage.lock.WAIT_SECONDS", 0.3)
        result = jatac("set", "JAT-2026-0001", "priority=medium", ok=False)
        assert result.exit_code == 3
        assert f"another jatac (process {holder.pid}, or the git command it started)" in result.stderr
        assert ".jatac/lock" in result.stderr
    finally:
        kill_group(holder)


def test_two_new_issues_at_once_never_share_a_number(jatac: Jatac) -> None:
    args = new_issue_args("Race")
    procs = [jatac_process(jatac.root, *args) for _ in range(3)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ids = sorted(out.split()[0] for out, _ in outs)
    assert ids == ["JAT-2026-0001", "JAT-2026-0002", "JAT-2026-0003"]
    assert jatac.status() == "" and len(jatac.commits()) == 4


def test_a_file_changed_since_it_was_read_is_not_overwritten(one_case: Jatac) -> None:
    from jatac.cases.lifecycle import CASE as KIND
    from jatac.cases.lifecycle import revise_case
    from jatac.errors import Refused
    from jatac.git.revision import commit_revision
    from jatac.storage.repository import Repository
    from jatac.storage.yaml_roundtrip import set_field

    jatac = one_case
    repo = Repository(jatac.root)
    loaded = repo.open(KIND, "JAT-2026-0001")
    jatac("set", "JAT-2026-0001", "priority=low")  # someone else, meanwhile
    set_field(loaded.doc, "title", "Changed from a stale copy", KIND.fields)
    with pytest.raises(Refused, match="was changed by someone else"):
        commit_revision(repo, revise_case(repo, loaded, loaded.doc), command="set")
    assert "priority: low" in (jatac.root / CASE).read_text()
    assert "stale copy" not in (jatac.root / CASE).read_text()


BOMB = "\n".join(
    ["id: JAT-2026-0001", "a: &a [x, x, x, x, x, x, x, x, x]"]
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(8)
    ]
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "anchors and aliases"),
        ("id: JAT-2026-0001\ntitle: !!python/object/apply:os.system ['touch {pwned}']\n", "is not allowed"),
        ("id: JAT-2026-0001\ntitle: !custom x\n", "the tag"),
        ("id: JAT-2026-0001\ntitle: a\ntitle: b\n", "a key appears twice"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "binary data"),
        (b"id: JAT-2026-0001\ntitle: \xff\xfe caf\xe9\n", "not UTF-8"),
        ("id: JAT-2026-0001\ndescription: |\n" + "  line of text\n" * 120_000, "a record file is at most"),
        ("<<<<<<< HEAD\nid: JAT-2026-0001\n=======\nid: JAT-2026-0002\n>>>>>>> theirs\n", "merge conflict"),
        ("[1, 2, 3]\n", "must be a mapping"),
        ("", "file is empty"),
    ],
)
def test_bad_yaml_is_refused_fast_and_runs_nothing(
    jatac: Jatac, tmp_path: Path, content: str | bytes, message: str
) -> None:
    pwned = tmp_path / "pwned"
    path = jatac.root / CASE
    path.parent.mkdir(parents=True)
    if isinstance(content, str):
        path.write_text(content.replace("{pwned}", str(pwned)))
    else:
        path.write_bytes(content)
    before = jatac.snapshot()
    start = time.monotonic()
    for command in (["validate"], ["show", "JAT-2026-0001"], ["set", "JAT-2026-0001", "priority=low"]):
        result = jatac(*command, ok=False)
        assert message in result.stderr, result.stderr
    assert time.monotonic() - start < 10
    assert not pwned.exists()
    assert jatac.snapshot() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case_id=st.text(min_size=1, max_size=40))
def test_any_id_typed_is_refused_cleanly_or_found(one_case: Jatac, case_id: str) -> None:
    jatac = one_case
    if case_id == "JAT-2026-0001" or case_id.startswith("-"):
        return
    before = jatac.snapshot()
    for command in (
        ["show", case_id],
        ["set", case_id, "priority=low"],
        ["history", case_id],
        ["sara", "show", case_id],
    ):
        result = jatac.runner.invoke(__import__("jatac.cli").cli.app, ["--repo", str(jatac.root), *command])
        assert result.exit_code != 0
        assert "Traceback" not in result.output and "unexpected error" not in result.output
    assert jatac.snapshot() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_file_content_is_validated_without_a_crash(jatac: Jatac, junk: str | bytes) -> None:
    path = jatac.root / CASE
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(junk, str):
        path.write_text(junk, encoding="utf-8")
    else:
        path.write_bytes(junk)
    result = jatac.runner.invoke(__import__("jatac.cli").cli.app, ["--repo", str(jatac.root), "validate"])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output and "unexpected error" not in result.output
