"""The read index never gives an answer the files disagree with."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from jatac.storage import index
from tests.conftest import Jatac, read_state, write_state


@pytest.fixture(autouse=True, params=["files read", "signatures trusted"])
def signatures(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test twice: with each file read and hashed (as in the seconds after a write),
    and with the index trusting stat signatures (as it does for files older than RACY_NS)."""
    if request.param == "signatures trusted":
        monkeypatch.setattr(index, "RACY_NS", 0)


def titles(jatac: Jatac) -> dict[str, str]:
    return {r["id"]: r["title"] for r in json.loads(jatac("list", "--all", "-f", "json").stdout)}


def test_an_edit_behind_jatacs_back_is_seen_even_with_the_same_size_and_time(jatac: Jatac) -> None:
    case = jatac.new("Graffiti at the bridge")
    assert titles(jatac) == {case: "Graffiti at the bridge"}
    assert (jatac.root / ".jatac/index/issues-2026.json").is_file()
    path = jatac.root / f"issues/2026/{case}.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("Graffiti at the bridge", "Graffiti at the church"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    assert titles(jatac) == {case: "Graffiti at the church"}
    assert "Graffiti at the church" in jatac("show", case).stdout  # show reads through the index too


def test_a_file_replaced_by_another_of_the_same_size_and_time_is_seen(jatac: Jatac) -> None:
    first, second = jatac.new("Graffiti at the bridge"), jatac.new("Graffiti at the church")
    titles(jatac)
    a, b = (jatac.root / f"issues/2026/{case}.yaml" for case in (first, second))
    stat = a.stat()
    b.write_text(a.read_text().replace(first, second))  # same size: the ids have the same length
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert titles(jatac) == {first: "Graffiti at the bridge", second: "Graffiti at the bridge"}


def test_a_file_broken_behind_its_back_is_reported_not_remembered(jatac: Jatac) -> None:
    case = jatac.new()
    titles(jatac)
    path = jatac.root / f"issues/2026/{case}.yaml"
    good = path.read_text()
    path.write_text(good.replace("priority: high", "priority: urgent"))
    assert "1 file(s) could not be read" in jatac("list").stderr
    assert f"{case}.yaml:4:11  priority: 'urgent' is not one of" in jatac("show", case, ok=False).stderr
    assert "priority: 'urgent' is not one of" in jatac("validate", ok=False).stderr
    path.write_text(good)
    assert "All valid" in jatac("validate").stdout


def test_a_change_to_jatac_yaml_drops_the_index(jatac: Jatac) -> None:
    jatac.new()
    assert "All valid" in jatac("validate").stdout
    config = jatac.root / "jatac.yaml"
    config.write_text(config.read_text().replace("  - id: asb\n    name: Anti-social behaviour\n", ""))
    assert "unknown category 'asb'" in jatac("validate", ok=False).stderr


def test_a_package_is_checked_again_when_its_case_changes(jatac: Jatac) -> None:
    case = jatac.new()
    jatac.adopt(case, "police", "Inspector")
    jatac("action", "add", case, "Patrols", "--owner", "police", "--due", "2026-11-20")
    assert "All valid" in jatac("validate").stdout
    path = jatac.root / f"issues/2026/{case}.yaml"
    text = path.read_text().replace("raised_on: 2026-11-16", "raised_on: 2026-11-25")
    text = text.replace("adopted_on: 2026-11-16", "adopted_on: 2026-11-25")
    path.write_text(text.replace("{on: 2026-11-16,", "{on: 2026-11-25,"))  # its dated changes too
    err = jatac("validate", ok=False).stderr
    assert "action A1 is due 2026-11-20, before the case was raised (2026-11-25)" in err


def test_without_the_index_the_answers_are_the_same(
    jatac: Jatac, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        jatac.new(f"Case number {n}")
    with_index = jatac("list", "--all", "-f", "json").stdout
    monkeypatch.setattr("jatac.storage.index.ENABLED", False)
    assert jatac("list", "--all", "-f", "json").stdout == with_index
    monkeypatch.undo()


def test_a_damaged_index_is_read_past_not_trusted(jatac: Jatac) -> None:
    case = jatac.new("Graffiti at the bridge")
    titles(jatac)
    shard = ".jatac/index/issues-2026.json"
    damaged = read_state(jatac.root, shard)
    damaged["entries"] = {rel: [] for rel in damaged["entries"]}  # say, from an older jatac
    write_state(jatac.root, shard, damaged)
    assert titles(jatac) == {case: "Graffiti at the bridge"}


def test_whole_records_come_from_the_index_body_only_if_it_matches_its_head(jatac: Jatac) -> None:
    """list reads the small head; whole records (agenda, reports) come from the body, which
    another run may have written: an entry of another version of the file is not used."""
    from jatac.storage.repository import KINDS, Repository

    case = jatac.new("Graffiti at the bridge")
    titles(jatac)
    body = jatac.root / ".jatac/index/issues-2026.data.json"
    stale = read_state(jatac.root, ".jatac/index/issues-2026.data.json")
    entry = stale["entries"][f"issues/2026/{case}.yaml"]
    entry[0] = "0" * 32  # another version's digest
    entry[1]["title"] = "Graffiti at the church"
    write_state(jatac.root, ".jatac/index/issues-2026.data.json", stale)
    records, problems = Repository(jatac.root).records(KINDS["case"])
    assert [r.title for r in records] == ["Graffiti at the bridge"] and not problems
    assert "Graffiti at the bridge" in body.read_text()  # and the body is mended
    body.unlink()
    assert [r.title for r in Repository(jatac.root).records(KINDS["case"])[0]] == ["Graffiti at the bridge"]


def test_a_first_read_on_every_core_gives_the_same_answers(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of files are parsed in forked workers, one per core; the answers, problems
    with their line numbers included, are the ones a single process gives."""
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the files are parsed here")
    cases = [jatac.new(f"Case number {n}") for n in range(6)]
    jatac.adopt(cases[0], "police", "Inspector")
    broken = jatac.root / f"issues/2026/{cases[3]}.yaml"
    broken.write_text(broken.read_text().replace("priority: high", "priority: urgent"))

    def first_read(parallel_from: int) -> tuple[str, str]:
        monkeypatch.setattr(index, "PARALLEL_FROM", parallel_from)
        shutil.rmtree(jatac.root / ".jatac/index", ignore_errors=True)
        return jatac("validate", ok=False).stderr, jatac("list", "--all", "-f", "json").stdout

    alone = first_read(10**6)
    assert f"issues/2026/{cases[3]}.yaml:" in alone[0] and "'urgent'" in alone[0]
    assert first_read(2) == alone


def test_list_follows_every_change_to_jatac_yaml(jatac: Jatac) -> None:
    """list takes the partnership's name, localities and review intervals from a cache of
    jatac.yaml; any edit to jatac.yaml is seen at once, and a broken one is an error."""
    case = jatac.new("Graffiti at the bridge")
    assert jatac("list").stdout.startswith("Test CSP: 1 case")
    config = jatac.root / "jatac.yaml"
    good = config.read_text()
    estate = "  - id: town-centre\n    name: Town Centre\n    kind: ward\n"
    assert estate in good
    config.write_text(
        good.replace('name: "Test CSP"', 'name: "Renamed CSP"').replace(
            estate,
            estate + "  - id: old-town\n    name: Old Town\n    kind: estate\n    within: town-centre\n",
        )
    )
    assert jatac("list").stdout.startswith("Renamed CSP: 1 case")
    assert case in jatac("list", "--location", "Town Centre").stdout  # a name, any case: the ward
    assert "unknown locality 'old-towne'" in jatac("list", "--location", "old-towne", ok=False).stderr
    config.write_text(good.replace("prefix: JAT", "prefix: jat"))
    assert "prefix" in jatac("list", ok=False).stderr


def _killed(job: object) -> object:
    os._exit(9)  # a worker killed mid-read (out of memory, say)


def test_a_worker_that_dies_costs_time_not_answers(jatac: Jatac, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the files are parsed here")
    cases = [jatac.new(f"Case number {n}") for n in range(4)]
    expected = titles(jatac)
    shutil.rmtree(jatac.root / ".jatac/index")
    monkeypatch.setattr(index, "PARALLEL_FROM", 2)
    monkeypatch.setattr(index, "_parse_job", _killed)
    assert titles(jatac) == expected and len(expected) == len(cases)


def test_a_new_case_goes_into_the_index_as_its_file_says(
    jatac: Jatac, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac.new("Graffiti at the bridge")
    titles(jatac)  # the index exists
    case = jatac.new("Graffiti at the church")
    head = read_state(jatac.root, ".jatac/index/issues-2026.json")["entries"]
    entry = head[f"issues/2026/{case}.yaml"]
    assert entry[1]["title"] == "Graffiti at the church"
    assert entry[3] is None  # too new for its stat signature to vouch for it
    with_index = jatac("list", "--all", "-f", "json").stdout
    monkeypatch.setattr("jatac.storage.index.ENABLED", False)
    assert jatac("list", "--all", "-f", "json").stdout == with_index
    monkeypatch.undo()
    # edited at once behind jatac's back, same size and time: still seen
    path = jatac.root / f"issues/2026/{case}.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("Graffiti at the church", "Graffiti at the school"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert titles(jatac)[case] == "Graffiti at the school"
    assert "Graffiti at the school" in jatac("show", case).stdout
