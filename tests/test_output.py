"""Output that fits its reader: colour only on a terminal and never under NO_COLOR, JSON for
scripts, one CSV rule, completion of what a person types, dates as a person writes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Jatac


def _on_a_terminal(root: Path, *args: str, **env: str) -> bytes:
    """Everything a real `jatac` writes to a terminal (a pseudo-terminal here)."""
    import pty

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jatac", "--repo", str(root), *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, **env},
    )
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(main)
    return out


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_no_color_is_honoured_on_a_terminal_and_pipes_get_no_colour(jatac: Jatac) -> None:
    jatac.new()
    coloured = _on_a_terminal(jatac.root, "validate") + _on_a_terminal(jatac.root, "show", "JAT-2026-0099")
    assert b"\x1b[" in coloured  # on a terminal, colour (so the checks below can fail)
    plain = _on_a_terminal(jatac.root, "validate", NO_COLOR="1")
    plain += _on_a_terminal(jatac.root, "show", "JAT-2026-0099", NO_COLOR="1")  # an error, on stderr
    plain += _on_a_terminal(jatac.root, "list", NO_COLOR="1")
    assert b"All valid" in plain and b"JAT-2026-0099" in plain and b"\x1b[" not in plain
    piped = subprocess.run(
        [sys.executable, "-m", "jatac", "--repo", str(jatac.root), "list"], capture_output=True
    )
    assert b"JAT-2026-0001" in piped.stdout and b"\x1b[" not in piped.stdout + piped.stderr


def test_validate_doctor_and_check_speak_json_with_the_same_exit_codes(jatac: Jatac) -> None:
    import json

    case = jatac.new()
    for command in ("validate", "doctor", "check"):
        text, data = jatac(command), jatac(command, "--format", "json")
        assert text.exit_code == data.exit_code == 0
        assert json.loads(data.stdout)["ok"] is True
    assert json.loads(jatac("validate", "-f", "json").stdout)["files"]["case"] == 1
    path = jatac.root / f"issues/2026/{case}.yaml"
    path.write_text(path.read_text().replace("priority: high", "priority: urgentest"))
    text, data = jatac("validate", ok=False), jatac("validate", "-f", "json", ok=False)
    assert text.exit_code == data.exit_code == 1
    (problem,) = json.loads(data.stdout)["problems"]
    assert problem["path"] == f"issues/2026/{case}.yaml" and problem["field"] == "priority"
    assert isinstance(problem["line"], int) and "urgentest" in problem["message"]
    doctor_text, doctor_json = jatac("doctor", ok=False), jatac("doctor", "-f", "json", ok=False)
    assert doctor_text.exit_code == doctor_json.exit_code == 1
    assert "problem" in [f["status"] for f in json.loads(doctor_json.stdout)["findings"]]
    path.write_text(path.read_text().replace("urgentest", "high") + "# ring jo.bloggs@example.com\n")
    text, data = jatac("check", ok=False), jatac("check", "-f", "json", ok=False)
    assert text.exit_code == data.exit_code == 1
    found = json.loads(data.stdout)
    assert found["ok"] is False and found["problems"][0]["path"] == f"issues/2026/{case}.yaml"
    assert "not one of text, json" in jatac("check", "-f", "yaml", ok=False).output


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path_factory.mktemp("example") / "demo").root)


COMMANDS_WITH_CSV = [
    ("list", "--all"),
    ("action", "list"),
    ("isp",),
    ("meetings",),
    ("report", "triggers"),
    ("report", "hotspots"),
]


@pytest.mark.parametrize("command", COMMANDS_WITH_CSV, ids=" ".join)
def test_csv_has_every_field_of_the_json_and_the_bom_as_export(
    example: Jatac, command: tuple[str, ...]
) -> None:
    import csv
    import io
    import json

    as_json = json.loads(example(*command, "--format", "json").stdout)
    data = example(*command, "--format", "csv").stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, as `export` writes
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if isinstance(as_json, list) and as_json and isinstance(as_json[0], dict):
        keys = list(dict.fromkeys(k for row in as_json for k in row))
        assert set(keys) <= set(header), set(keys) - set(header)
        assert len(rows) == len(as_json)
        for row, record in zip(rows, as_json, strict=True):
            cells = dict(zip(header, row, strict=True))
            for key, value in record.items():
                if isinstance(value, str | int) and not isinstance(value, bool):
                    assert cells[key] == str(value), key


def test_list_csv_has_all_fourteen_fields(example: Jatac) -> None:
    header = example("list", "--format", "csv").stdout.splitlines()[0].lstrip("\ufeff").split(",")
    assert len(header) == 14 and header[:3] == ["id", "title", "status"]
    assert {"place", "raised_by", "marking", "next_review", "review_due", "escalated_to"} <= set(header)


def _complete(root: Path, line: str) -> list[str]:
    """What bash offers on Tab after ``line`` (the real completion protocol, a real process)."""
    words = line.split()
    env = {
        **os.environ,
        "_JATAC_COMPLETE": "complete_bash",
        "COMP_WORDS": f"jatac --repo {root} {line}",
        "COMP_CWORD": str(len(words) + 2 + (1 if line.endswith(" ") else 0)),
    }
    done = subprocess.run([sys.executable, "-m", "jatac"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_case_ids_agencies_localities_and_categories(example: Jatac) -> None:
    cases = _complete(example.root, "show JAT-2026-000")
    assert "JAT-2026-0001" in cases and "JAT-2026-0009" in cases and "JAT-2025-0001" not in cases
    assert _complete(example.root, "sara show JAT-2025-000")[:1] == ["JAT-2025-0005"]  # newest first
    assert "tvp" in _complete(example.root, "adopt JAT-2026-0001 --lead ")
    assert _complete(example.root, "list --agency t") == ["tvp"]
    assert "bletchley" in _complete(example.root, "list --location b")
    assert "asb" in _complete(example.root, "new-issue --category ")
    assert "JAT-2026-0002" in _complete(example.root, "action list --case JAT-2026-000")
    assert _complete(example.root.parent, "show JAT") == []  # no repository: nothing, no error


def test_a_typed_date_may_be_day_first_and_data_output_is_iso(jatac: Jatac) -> None:
    import json

    from jatac.models.dates import typed_date

    assert typed_date("7/12/2026").isoformat() == "2026-12-07"
    assert typed_date("07.12.2026") == typed_date("7-12-2026") == typed_date("2026-12-07")
    case = jatac.new()
    jatac.adopt(case)
    jatac("action", "add", case, "Install CCTV", "--owner", "police", "--due", "18/12/2026")
    action = json.loads(jatac("action", "list", "-f", "json").stdout)[0]
    assert action["due"] == "2026-12-18"
    assert "2026-12-18" in jatac("action", "list", "-f", "csv").stdout
    jatac("set", case, "raised_on=1/11/2026")
    assert json.loads(jatac("show", case, "-f", "json").stdout)["raised_on"] == "2026-11-01"
    assert "raised_on: 2026-11-01" in (jatac.root / f"issues/2026/{case}.yaml").read_text()
    jatac("item", "add", "14/12/2026", "Scooter thefts", "--by", "police")
    agenda = jatac.root.parent / "agenda.md"
    jatac("agenda", "14/12/2026", "--format", "md", "--out", str(agenda))
    assert "Scooter thefts" in agenda.read_text() and "14 December 2026" in agenda.read_text()
    # month first is no UK date: refused, saying both forms, nothing changed
    before = jatac.snapshot()
    refused = jatac("action", "add", case, "Leaflets", "--owner", "police", "--due", "12/18/2026", ok=False)
    assert "day/month/year (7/12/2026)" in refused.output and refused.exit_code == 2
    refused = jatac("item", "add", "12/14/2026", "Graffiti", "--by", "police", ok=False)
    assert "day/month/year" in refused.output and refused.exit_code == 1
    assert jatac.snapshot() == before
