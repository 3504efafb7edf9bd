"""Every command is documented, and `jatac --help` starts without the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from jatac.cli import app
from tests.conftest import Jatac

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for info in group.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        found.append((f"{prefix}{name}", info.callback))
    for sub in group.registered_groups:
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = _commands(app)
    assert len(commands) >= 9
    for name, callback in commands:
        assert (callback.__doc__ or "").strip(), f"`jatac {name}` has no help text"
        assert f"jatac {name}" in readme, f"`jatac {name}` is not in README.md"


def test_each_command_is_found_in_its_own_module_alone() -> None:
    """`jatac list` builds only the module holding list: the table must say where each is."""
    from jatac.cli import COMMANDS, build, module_of

    def top(group: typer.Typer) -> set[str]:
        commands = {
            info.name or info.callback.__name__.replace("_", "-") for info in group.registered_commands
        }
        return commands | {sub.name for sub in group.registered_groups}

    assert top(app) == {n for names in COMMANDS.values() for n in names}
    for module, names in COMMANDS.items():
        assert top(build([module])) == set(names)
        for name in names:
            assert module_of(["--repo", "/somewhere", name, "--help"]) == module
    assert module_of(["--help"]) is None  # help, typos and completion get every command
    assert module_of(["lsit"]) is None


def test_a_mistyped_command_is_told_among_all_commands() -> None:
    result = subprocess.run([sys.executable, "-m", "jatac", "lsit"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "No such command 'lsit'" in result.stderr


HEAVY = ("pydantic", "ruamel.yaml", "git", "jinja2", "rich.console")


def heavy_imports(*args: str) -> tuple[str, list[str]]:
    """What `jatac ARGS` prints, and which of the heavy libraries it imported."""
    code = (
        "import sys, json\n"
        "from jatac.cli import main\n"
        f"sys.argv = ['jatac', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout, json.loads(result.stderr.strip().splitlines()[-1])


def test_help_imports_no_heavy_library() -> None:
    out, heavy = heavy_imports("--help")
    assert "Usage: jatac" in out
    assert heavy == []


def test_history_needs_no_model_no_ruamel_and_no_gitpython(jatac: Jatac) -> None:
    """history is read often and must answer fast: the models, the round-trip YAML and
    gitpython it does not need are not loaded (0.12 s, 0.02 s and 0.1 s or more at every run)."""
    case = jatac.new()
    jatac("set", case, "priority=low")
    out, heavy = heavy_imports("--repo", str(jatac.root), "history", case)
    assert "priority: high -> low" in out
    assert heavy == []


def test_show_and_list_of_unchanged_cases_need_no_model(jatac: Jatac) -> None:
    case = jatac.new("Graffiti at the bridge")
    jatac("list")  # the index and the settings cache have it
    for args in (("show", case), ("list",), ("list", "--all", "--format", "json")):
        out, heavy = heavy_imports("--repo", str(jatac.root), *args)
        assert "Graffiti at the bridge" in out
        assert heavy == [], args


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "jatac", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("jatac ")
