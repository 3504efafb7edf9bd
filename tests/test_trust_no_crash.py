"""Issue 12, section 7: no crash reaches the user as "a bug in jatac".

Every command of the real command line is fed generated values for its arguments
and options (hypothesis), against a copy of the example partnership: whatever it
is given, it answers with a clear message and exit 0, 1, 2 or 3, never 70. The
inputs that used to end in exit 70 are kept as named tests below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import Jatac, read_state

WORDS = [
    *("JAT-2026-0001", "JAT-2026-0002", "JAT-2025-0004", "JAT-2026-0007", "JAT-2026-0001/A1"),
    *("JAT-2026-0002/A2", "JAT-2026-0007/A9", "JAT-2026-𝟎𝟎𝟎𝟏", "2026-12-14", "2026-11-16", "2027-04-05"),
    *("2026-12-07", "1900-01-01", "9999-12-31", "FR-2026-001", "FR-2025-001", "FR-2026-999", "tvp"),
    *("asb-team", "police", "fire", "bletchley", "asb", "coordinating", "jatac", "rag"),
    *("performance-group", "high", "low", "pdf", "md", "html", "json", "csv", "table", "text"),
    *("yaml", "core", "wide", "mine", "theirs", "status=closed", "priority=low", "title=", "lead=x"),
    *("reviewed_on=2026-01-01", "nan", "inf", "-inf", "-1", "0", "1e308", "100000", "99999999999"),
    *("2026-Q2", "2026-Q9", "2026-27", "2026", "P-0001", "7/12/2026", "31/02/2026", "", " "),
    *("\x1b[31mred", "a\nJatac-Case: JAT-2026-0001", "../x", "/etc/passwd", "x.csv", "x.xlsx"),
]
PATHS = ["out.pdf", "out.md", "x.csv", "x.xlsx", "m.ics", "sub/dir/x.md", "good.csv", "bad.csv", "map.yaml"]
PATHS += ["list-map.yaml", "binary.xlsx", "missing.csv", "jatac.yaml", ".git/config", "demo-here"]
value = st.one_of(st.sampled_from(WORDS), st.text(max_size=25), st.integers().map(str), st.floats().map(str))


def _commands() -> list[tuple[list[str], Any]]:
    import typer.main

    from jatac.cli import app

    found: list[tuple[list[str], Any]] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        else:
            found.append((path, command))

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()
SKIP = {("sync",)}  # needs a remote; its refusal is tested in test_sync
# options that wait for a person by design: --serve shows the site until Ctrl+C (tested in
# test_site); --interactive asks at a terminal (tested in test_entering)
WAITS = {"--serve", "--interactive"}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from([c for c in COMMANDS if tuple(c[0]) not in SKIP]))
    argv = list(path)
    for param in command.params:
        is_path = "Path" in type(param.type).__name__
        values = st.sampled_from(PATHS) if is_path else value
        if param.param_type_name == "argument":
            count = draw(st.integers(0, 3)) if param.nargs == -1 else 1
            argv += [draw(values) for _ in range(count)]
        elif getattr(param, "is_flag", False):
            if draw(st.booleans()) and not WAITS & set(param.opts):
                argv.append(param.opts[0])
        elif draw(st.booleans()) or param.required:
            for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                argv += [param.opts[0], draw(values)]
    return argv


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jatac.setup.demo import make_demo

    where = tmp_path_factory.mktemp("fuzz")
    (where / "good.csv").write_text(
        "title,category,location,raised_by,raised_on\nA b,asb,bletchley,tvp,2026-01-02\n"
    )
    (where / "bad.csv").write_bytes(b"\xff\xfe\x00title\n")
    (where / "map.yaml").write_text("columns: [1, 2]\nvalues: 3\n")
    (where / "list-map.yaml").write_text("- a\n- b\n")
    (where / "binary.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return make_demo(where / "repo").root


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(argv=command_lines())
def test_no_command_ends_in_a_crash(example: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from jatac.cli import app

    monkeypatch.chdir(example.parent)
    result = CliRunner().invoke(
        app, ["--repo", str(example), *argv], env={"EDITOR": "true", "VISUAL": "true"}, input=""
    )
    assert result.exit_code != 70, (argv, result.output)
    assert "unexpected error" not in result.output, (argv, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, result.exception)


# -- the inputs that used to end in exit 70 -----------------------------------------------


@pytest.fixture
def funded(jatac: Jatac) -> Jatac:
    case = jatac.new()
    jatac("fund", "request", case, "--amount", "100", "--purpose", "Lights", "--by", "police")
    jatac("fund", "consider", "FR-2026-001", "--support")
    jatac("fund", "decide", "FR-2026-001", "--approve", "--meeting", "2026-11-16")
    return jatac


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e400"])
def test_a_fund_amount_that_is_not_a_number_is_refused(funded: Jatac, amount: str) -> None:
    before = funded.snapshot()
    for command in (
        ["fund", "spend", "FR-2026-001", "--amount", amount, "--note", "invoice"],
        ["fund", "request", "--amount", amount, "--purpose", "x", "--by", "police"],
    ):
        result = funded(*command, ok=False)
        assert result.exit_code in (1, 2) and "a number" in result.output
    assert funded.snapshot() == before


def test_a_budget_that_is_not_a_number_is_a_problem_in_jatac_yaml(jatac: Jatac) -> None:
    config = jatac.root / "jatac.yaml"
    config.write_text(config.read_text().replace("fund:\n  budget: 10000", "fund:\n  budget: .nan"))
    assert "budget: .nan" in config.read_text()
    result = jatac("validate", ok=False)
    assert "jatac.yaml" in result.stderr and "budget" in result.stderr


def test_a_calendar_for_a_century_is_refused(jatac: Jatac) -> None:
    result = jatac("calendar", "--months", "100000", ok=False)
    assert result.exit_code == 2 and "--months" in result.output


def test_invalid_utf8_saved_by_an_editor_is_a_problem_not_a_crash(jatac: Jatac, tmp_path: Path) -> None:
    from tests.conftest import editor

    case = jatac.new()
    env = editor(tmp_path, "import sys; open(sys.argv[1], 'ab').write(b'note: caf\\xe9\\n')")
    before = jatac.snapshot()
    result = jatac("edit", case, env=env, ok=False)
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert jatac.snapshot() == before
    for command in (["show", case, "-f", "yaml"], ["validate"]):
        path = jatac.root / "issues" / "2026" / f"{case}.yaml"
        path.write_bytes(path.read_bytes() + b"note: caf\xe9\n")
        result = jatac(*command, ok=False)
        assert "not UTF-8" in result.output
        jatac.git("checkout", "--", ".")


@pytest.mark.parametrize(
    "text", ["- a\n- b\n", "columns: [1, 2]\n", "values: {category: [x]}\n", "dates: 7\n", "defaults: x\n"]
)
def test_an_import_map_of_the_wrong_shape_is_refused(jatac: Jatac, tmp_path: Path, text: str) -> None:
    (tmp_path / "log.csv").write_text("Ref,Issue\n1,A b\n")
    (tmp_path / "map.yaml").write_text(text)
    before = jatac.snapshot()
    result = jatac("import", str(tmp_path / "log.csv"), "--map", str(tmp_path / "map.yaml"), ok=False)
    assert result.exit_code == 1 and "map" in result.stderr
    assert jatac.snapshot() == before


def test_index_entries_of_the_wrong_shape_are_read_past(jatac: Jatac) -> None:
    from tests.conftest import write_state

    jatac.new("Graffiti at the bridge")
    jatac("list")
    shard = ".jatac/index/issues-2026.json"
    head = read_state(jatac.root, shard)
    for shape in ([1, 2, 3, 4], ["x", "not facts", "not problems", "no signature"], ["x", None, [[1]], None]):
        head["entries"] = {rel: shape for rel in head["entries"]}
        write_state(jatac.root, shard, head)
        rows = json.loads(jatac("list", "--all", "-f", "json").stdout)
        assert [r["title"] for r in rows] == ["Graffiti at the bridge"]
        assert "Graffiti at the bridge" in jatac("show", rows[0]["id"]).stdout


def test_a_damaged_journal_does_not_stop_every_command(jatac: Jatac) -> None:
    jatac.new()
    journal = jatac.root / ".jatac" / "journal.json"
    journal.write_bytes(b"\x00garbage{")
    result = jatac("list")
    assert "was not made by jatac on this computer (or is damaged)" in result.stderr
    jatac("set", "JAT-2026-0001", "priority=low")
    assert not journal.exists()
