"""Hand-broken files are named by file, line, column and field, like a compiler."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Jatac

GOOD = """\
id: JAT-2026-0001
title: ASB at Melrose Avenue shops
status: proposed
priority: high
category: asb
location: town-centre
raised_by: police
raised_on: 2026-11-02
"""
PATH = "issues/2026/JAT-2026-0001.yaml"


def broken(jatac: Jatac, write: Callable[[str, str], Path], text: str) -> str:
    write(PATH, text)
    result = jatac("validate", ok=False)
    assert result.exit_code == 1
    return result.stderr


def test_a_good_file_validates(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    write(PATH, GOOD)
    assert "All valid" in jatac("validate").stdout


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "status: proposed",
            "status: opn",
            f"{PATH}:3:9  status: 'opn' is not one of proposed, adopted",
        ),
        ("priority: high", "priority: high\ncolour: red", f"{PATH}:5:1  colour: unknown field"),
        (
            "raised_on: 2026-11-02",
            "raised_on: 2/11/2026",
            f"{PATH}:8:12  raised_on: '2/11/2026' is not a date",
        ),
        ("raised_by: police", "raised_by: tvpp", f"{PATH}:7:12  raised_by: unknown agency 'tvpp'"),
        (
            "category: asb",
            "category: parking",
            f"{PATH}:5:11  category: unknown category 'parking'",
        ),
        (
            "location: town-centre",
            "location: atlantis",
            f"{PATH}:6:11  location: unknown locality 'atlantis'",
        ),
        ("title: ASB at Melrose Avenue shops\n", "", f"{PATH}:1:1  title: required, but missing"),
        (
            "raised_on: 2026-11-02",
            "raised_on: 2025-11-02",
            f"{PATH}:8:12  raised_on: 2025-11-02 is not in 2026",
        ),
        (
            "status: proposed",
            "status: proposed\nadopted_on: 2026-10-01",
            f"{PATH}:4:13  adopted_on: 2026-10-01 is before raised_on 2026-11-02",
        ),
        (
            "id: JAT-2026-0001",
            "id: JAT-2026-0002",
            f"{PATH}:1:5  id: 'JAT-2026-0002' does not match the file name",
        ),
        ("title: ASB at Melrose Avenue shops", "title: [unclosed", f"{PATH}:3:7  not valid YAML"),
        (
            "priority: high",
            "priority: high\npriority: low",
            f"{PATH}:5:1  not valid YAML: a key appears twice",
        ),
    ],
)
def test_errors_point_at_the_line(
    jatac: Jatac, write: Callable[[str, str], Path], old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    assert expected in broken(jatac, write, GOOD.replace(old, new))


def test_a_merge_conflict_is_named(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    text = GOOD.replace(
        "priority: high\n", "<<<<<<< HEAD\npriority: high\n=======\npriority: low\n>>>>>>> theirs\n"
    )
    assert f"{PATH}:4:1  an unresolved git merge conflict" in broken(jatac, write, text)


def test_a_half_written_file_is_an_error_not_a_crash(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    err = broken(jatac, write, GOOD[: GOOD.index("raised_by")] + "raised_b")
    assert PATH in err


def test_every_bad_file_is_listed_not_just_the_first(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    write("issues/2026/JAT-2026-0002.yaml", GOOD.replace("0001", "0002").replace("asb", "nope"))
    err = broken(jatac, write, GOOD.replace("high", "urgent"))
    assert "JAT-2026-0001.yaml:4:11" in err and "JAT-2026-0002.yaml:5:11" in err
    assert "2 problems found" in err


def test_a_file_in_the_wrong_year_folder(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    write("issues/2025/JAT-2026-0001.yaml", GOOD)
    assert "belongs in issues/2026/JAT-2026-0001.yaml" in jatac("validate", ok=False).stderr


def test_config_errors_have_lines_too(jatac: Jatac) -> None:
    config = jatac.root / "jatac.yaml"
    config.write_text(config.read_text().replace("prefix: JAT", "prefix: jat1"))
    assert (
        "jatac.yaml:5:9  prefix: 'jat1' must be 2 to 8 capital letters" in jatac("validate", ok=False).stderr
    )


def test_list_still_lists_the_good_cases_and_warns(jatac: Jatac, write: Callable[[str, str], Path]) -> None:
    write(PATH, GOOD)
    write("issues/2026/JAT-2026-0002.yaml", "id: [")
    result = jatac("list")
    assert "JAT-2026-0001" in result.stdout
    assert "1 file(s) could not be read" in result.stderr
