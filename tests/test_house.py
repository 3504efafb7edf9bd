"""The walls of the house (issue 14): which room may import which, who runs git, who prints.

Read from the code itself with `ast` (imports inside functions count too): a folder imports
only the folders below it in LAYERS; only ``jatac/git/`` starts git; only ``jatac/cli/``
imports typer or rich; and no two folders import each other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jatac"
# bottom up: each folder may import the folders before it (and the shared ground: errors,
# clock, the package's own version), never one after it
LAYERS = [
    "models",
    "storage",
    "guard",
    "git",
    "render",
    "cases",
    "partnership",
    "meetings",
    "site",
    "sharing",
    "setup",
    "cli",
]
GROUND = {"jatac", "jatac.errors", "jatac.clock", "jatac.__main__"}
RUNS_PROCESSES = {"cli/editing.py"}  # starts the person's editor, not git


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def imported(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Every module name an import statement names, anywhere in the file, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:  # from jatac.storage import index: the module jatac.storage.index
                yield f"{node.module}.{alias.name}", node.lineno


def folder(module: str) -> str | None:
    """The room a jatac module lives in; None for the shared ground and for other packages."""
    parts = module.split(".")
    if parts[0] != "jatac" or module in GROUND or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def folder_of(relpath: str) -> str | None:
    first = relpath.split("/")[0]
    return first if first in LAYERS else None


def crossings() -> list[tuple[str, int, str, str]]:
    """(file, line, from folder, to folder) for every import from one folder into another."""
    found = []
    for relpath, tree in modules():
        own = folder_of(relpath)
        if own is None:
            continue
        for name, line in imported(tree):
            other = folder(name)
            if other is not None and other != own and (relpath, line, own, other) not in found:
                found.append((relpath, line, own, other))
    return found


def test_every_folder_says_what_lives_there_and_what_it_may_import() -> None:
    for name in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"jatac/{name}/__init__.py needs a paragraph"


def test_a_folder_imports_only_the_folders_below_it() -> None:
    upward = [
        f"{relpath}:{line} imports jatac.{other}, a floor above {own}"
        for relpath, line, own, other in crossings()
        if LAYERS.index(other) > LAYERS.index(own)
    ]
    assert not upward, "\n".join(upward)


def test_no_two_folders_import_each_other() -> None:
    edges = {(own, other) for _, _, own, other in crossings()}
    assert sorted((a, b) for a, b in edges if (b, a) in edges) == []


def test_the_models_know_nothing_of_files_git_templates_or_the_screen() -> None:
    for relpath, tree in modules():
        if folder_of(relpath) == "models":
            for name, line in imported(tree):
                assert folder(name) in {None, "models"}, f"{relpath}:{line} imports {name}"
                assert name.split(".")[0] not in {
                    "ruamel",
                    "yaml",
                    "jinja2",
                    "git",
                    "typer",
                    "rich",
                    "subprocess",
                }


def test_only_git_starts_git() -> None:
    starts = []
    for relpath, tree in modules():
        if folder_of(relpath) == "git" or relpath in RUNS_PROCESSES:
            continue
        for name, line in imported(tree):
            if name.split(".")[0] in {"subprocess", "git"} and not name.startswith("jatac"):
                starts.append(f"{relpath}:{line} imports {name}")
        for node in ast.walk(tree):  # nor builds a git command line through the audit trail
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"run", "run_bytes"}
                and "audit" in ast.unparse(node.func.value).lower()
            ):
                starts.append(f"{relpath}:{node.lineno} runs git through {ast.unparse(node.func)}")
    assert not starts, "\n".join(starts)


def test_only_the_command_line_prints() -> None:
    printers = [
        f"{relpath}:{line} imports {name}"
        for relpath, tree in modules()
        if folder_of(relpath) != "cli" and relpath not in {"__init__.py", "__main__.py"}
        for name, line in imported(tree)
        if name.split(".")[0] in {"typer", "rich", "click"}
    ]
    assert not printers, "\n".join(printers)


@pytest.mark.parametrize("bad", ["from jatac.storage.repository import Repository\n"])
def test_the_wall_test_sees_a_bad_import(bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that imports the store is caught (the test above would fail on it)."""
    import shutil

    copy = tmp_path / "jatac"
    shutil.copytree(PACKAGE, copy)
    (copy / "models" / "case.py").write_text(bad + (copy / "models" / "case.py").read_text(encoding="utf-8"))
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", copy)
    with pytest.raises(AssertionError, match=re.escape("models/case.py:1 imports jatac.storage")):
        test_the_models_know_nothing_of_files_git_templates_or_the_screen()
    with pytest.raises(AssertionError, match="a floor above models"):
        test_a_folder_imports_only_the_folders_below_it()


def test_the_listing_fields_are_what_the_models_mark() -> None:
    """`list` reads thousands of cases without pydantic, so the names of a case's listing
    facts are kept as plain tuples; they must be what the models' marks say, in field order."""
    from jatac.models.case import Issue
    from jatac.models.facts import CASE_FACTS, CASE_SHOWN, SARA_FACTS, Fact, Shown, marked
    from jatac.models.sara import SaraPackage
    from jatac.storage.repository import KINDS

    assert marked(Issue, Fact) == CASE_FACTS == KINDS["case"].facts
    assert marked(Issue, Shown) == CASE_SHOWN
    assert set(CASE_SHOWN) < set(CASE_FACTS)  # what is printed is read from the index's head
    assert marked(SaraPackage, Fact) == SARA_FACTS == KINDS["sara"].facts
