"""Issue 12, section 3: one write path, one read dialect.

Every commit jatac makes goes through `jatac.git.change.Change` (the lock, the personal-data
check, roll-back); and the fast bulk YAML reader agrees with the careful round-trip one
on every file, or declines it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Jatac

PACKAGE = Path(__file__).resolve().parent.parent / "jatac"


def _calls(attribute: str, on: str) -> list[str]:
    """Where ``<...on>.<attribute>(...)`` is called in jatac's code (the receiver's source text
    ends with ``on``, e.g. ``audit`` or ``self.audit``): "module.py:line"."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == attribute
                and ast.unparse(node.func.value).lower().endswith(on)
            ):
                found.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    return found


def _git_commands(name: str) -> list[str]:
    """Where git is run with ``name`` as its command (``run("commit", ...)``)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == name
            ):
                found.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    return found


def test_one_place_runs_git_commit_and_one_path_calls_it() -> None:
    assert [where.split(":")[0] for where in _git_commands("commit")] == ["git/audit.py"]
    assert {where.split(":")[0] for where in _calls("commit", on="audit")} == {"git/change.py"}


def test_hand_typed_minutes_are_committed_through_the_guard(jatac: Jatac, tmp_path: Path) -> None:
    """`minutes apply` used to commit minutes typed in an editor straight through git, with the
    pre-commit hook silenced: now they meet the same personal-data check as any change."""
    from jatac.guard.people import add
    from jatac.storage.repository import Repository

    case = jatac.new()
    jatac("minutes", "new", "2026-11-16")
    minutes = jatac.root / "minutes" / "2026" / "2026-11-16-coordinating.yaml"
    add(Repository(jatac.root), "Jordan Quill")  # a name in the restricted store
    text = minutes.read_text()
    minutes.write_text(text.replace("heard: ''", "heard: Jordan Quill spoke about it", 1))
    commits = jatac.commits()
    result = jatac("minutes", "apply", "2026-11-16", ok=False)
    assert "personal data" in result.stderr and "Jordan Quill" in result.stderr
    assert jatac.commits() == commits
    minutes.write_text(
        text.replace(
            "decisions: []",
            f"decisions: [{{do: adopt, case: {case}, lead: asb-team, problem_manager: ASB Team Leader}}]",
            1,
        )
    )
    jatac("minutes", "apply", "2026-11-16")
    log = jatac.git("log", "-2", "--format=%s%n%b")
    assert "2026-11-16-coordinating: minutes recorded" in log
    assert "Jatac-Command: minutes apply" in log and "Jatac-Meeting: 2026-11-16-coordinating" in log


# -- the two YAML readers ---------------------------------------------------------------

# the plain scalars where YAML 1.1 (libyaml's default), YAML 1.2 (ruamel) and Python differ
TRICKY = [
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1_0.5",
    "+12",
    "-0",
    "007",
    "08",
    "1e3",
    "1E-2",
    ".5",
    ".5e+3",
    "1.",
    "-.inf",
    ".inf",
    ".NaN",
    "1:20",
    "190:20:30",
    "yes",
    "no",
    "on",
    "off",
    "Y",
    "n",
    "True",
    "FALSE",
    "null",
    "Null",
    "~",
    "",
    "2026-11-16",
    "2026-1-6",
    "2026-11-16 10:00:00",
    "2026-11-16T10:00:00Z",
    "2026-02-30",
    "=",
    "<<",
    "0.1",
    "1.5",
    "-2.5e-3",
    "12",
    "hello",
    "a: b",
    "#x",
    "x #y",
    "'q'",
    '"d"',
    "[1, 2]",
    "{a: 1}",
    "- x",
    "? x",
    "| x",
    "> x",
    "@x",
    "`x",
    "%x",
]

scalar = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet="0123456789._-+eExobn:TZ ", min_size=1, max_size=12),
    st.text(max_size=15),
)
key = st.sampled_from(["id", "title", "place", "location", "priority", "raised_on", "tags", "note", "yes"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for name in draw(st.lists(key, min_size=1, max_size=6, unique=True)):
        value = draw(scalar)
        form = draw(st.sampled_from(["plain", "plain", "list", "block", "quoted"]))
        if form == "list":
            lines.append(f"{name}: [{value}, {draw(scalar)}]")
        elif form == "block":
            lines.append(f"{name}: |\n  {value}\n  {draw(scalar)}")
        elif form == "quoted":
            lines.append(f'{name}: "{value}"')
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n"


@settings(max_examples=1500, deadline=None)
@given(text=documents())
def test_the_fast_reader_agrees_with_the_careful_one_or_declines(text: str) -> None:
    from jatac.storage.yaml_fast import YamlProblem, fast_load
    from jatac.storage.yaml_roundtrip import parse, plain

    fast = fast_load(text)
    if fast is None:
        return  # declined: the careful path reads it
    try:
        careful = plain(parse(text, "x.yaml"))
    except YamlProblem as e:
        pytest.fail(f"the fast reader read what the careful one refuses ({e}):\n{text}")
    assert fast == careful, text
    assert [type(v) for v in fast.values()] == [type(v) for v in careful.values()], text


@pytest.mark.parametrize("value", ["0x1F", "0o17", "1_000", ".inf", "2026-11-16 10:00:00"])
def test_a_value_that_lists_and_shows_is_one_set_accepts(jatac: Jatac, value: str) -> None:
    """`title: 0x1F` used to validate and show (libyaml read text), then `set` refused it
    (ruamel reads a number): now every command reads the same."""
    case = jatac.new()
    path = jatac.root / "issues" / "2026" / f"{case}.yaml"
    path.write_text(path.read_text().replace("title: ASB at Melrose Avenue shops", f"title: {value}"))
    jatac.git("commit", "--quiet", "-am", "hand edit")
    app = __import__("jatac.cli").cli.app
    answers = [
        jatac.runner.invoke(app, ["--repo", str(jatac.root), *command]).exit_code
        for command in (["validate"], ["show", case], ["set", case, "priority=low"])
    ]
    assert answers == [1, 1, 1]  # a title is text: every command says the same of this one


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents())
def test_merge_keys_and_odd_scalars_never_crash_a_command(jatac: Jatac, text: str) -> None:
    path = jatac.root / "issues" / "2026" / "JAT-2026-0001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<<: {risk: low}\n" + text if "<<" not in text else text)
    for command in (["validate"], ["show", "JAT-2026-0001"], ["list"]):
        result = jatac.runner.invoke(__import__("jatac.cli").cli.app, ["--repo", str(jatac.root), *command])
        assert result.exit_code in (0, 1), result.output
        assert "unexpected error" not in result.output
