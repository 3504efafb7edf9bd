"""The jatac command line: parse, call the core, print. No rules live here.

Command modules import only typer and the standard library at the top, so
``jatac --help`` starts fast; each command imports the core it needs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

# jatac uses no pydantic plugins; looking for them scans every installed package (~20 ms)
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer
from typer.core import TyperGroup

from jatac import __version__
from jatac.cli import state
from jatac.errors import InvalidRecord, JatacError


class JatacGroup(TyperGroup):
    """Turns every JatacError into one message and an exit code, in one place."""

    def invoke(self, ctx: Any) -> Any:
        if os.environ.get("NO_COLOR"):  # https://no-color.org: any value but empty
            ctx.color = False  # every echo and secho, to the messages of the errors below
        try:
            return super().invoke(ctx)
        except JatacError as e:
            report_error(e)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            typer.secho(f"Interrupted: {_what_was_left()}", fg="yellow", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors: typer reports them
            raise
        except BrokenPipeError:  # `jatac list | head`: the reader has all it wanted
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            raise typer.Exit(141) from None
        except OSError as e:  # a folder that cannot be written, a disk that is full ...
            where = f" ({e.filename})" if e.filename else ""
            typer.secho(f"error: {e.strerror or e}{where}", fg="red", err=True)
            typer.echo("  Nothing was changed. Check the path and its permissions, then run again.", err=True)
            raise typer.Exit(1) from None
        except Exception as e:
            if os.environ.get("JATAC_DEBUG"):
                raise
            typer.secho(f"jatac hit an unexpected error: {type(e).__name__}: {e}", fg="red", err=True)
            typer.echo("This is a bug in jatac. Run again with JATAC_DEBUG=1 to see the details.", err=True)
            raise typer.Exit(70) from None
        finally:
            _say_notices()


def _what_was_left() -> str:
    import sys

    delivered = sys.modules.get("jatac.meetings.delivered")
    if delivered is not None and delivered.LIVE:  # papers went out: their journal is kept
        return "some papers were sent; the next jatac command records which, from jatac's journal."
    return "nothing was changed."


def _say_notices() -> None:
    """What the core noticed on the way (an interrupted change undone ...)."""
    import sys

    lock = sys.modules.get("jatac.storage.lock")
    if lock is not None:
        while lock.NOTICES:
            typer.secho(f"note: {lock.NOTICES.pop(0)}", fg="yellow", err=True)


def report_error(e: JatacError) -> None:
    from jatac.guard.inert import visible  # a message may quote a file: shown, never obeyed

    if isinstance(e, InvalidRecord):
        count = len(e.problems)
        typer.secho(f"error: {count} problem{'s' if count != 1 else ''} found", fg="red", err=True)
        for problem in e.problems:
            typer.echo(f"  {visible(problem)}", err=True)
    else:
        typer.secho(visible(f"error: {e}", lines=True), fg="red", err=True)
    if e.hint:
        typer.echo(visible(f"  {e.hint}", lines=True), err=True)


# Which module holds each top-level command, in the order `jatac --help` lists them (the
# everyday work first). `jatac list` imports and builds only its own module's commands, not
# the other forty (a tenth of its start-up); help, completion and mistyped commands get all.
# tests/test_docs_and_startup.py checks this table against what each module registers.
COMMANDS = {
    "cases": ("new-issue", "list", "show", "edit", "set", "history"),
    "sara": ("adopt", "review", "evaluate", "escalate", "close", "sara", "action"),
    "meetings": ("meetings", "agenda", "calendar", "meeting", "venue", "item", "minutes"),
    "sending": ("send",),
    "search": ("search", "lessons"),
    "details": ("ref", "link", "evidence"),
    "reports": ("export", "import", "report", "fund"),
    "site": ("site",),
    "sync": ("sync", "conflicts", "resolve"),
    "repository": ("init", "validate", "demo", "agency", "locality"),
    "governance": ("check", "install-hooks", "isp", "retention", "doctor", "person"),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jatac {__version__}")
        raise typer.Exit()


def _main(
    repo: str = typer.Option(
        None,
        "--repo",
        envvar="JATAC_REPO",
        metavar="PATH",
        help="The case repository (default: the nearest folder upward holding jatac.yaml).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and stop."
    ),
    names_unchecked: bool = typer.Option(
        False,
        "--names-unchecked",
        envvar="JATAC_NAMES_UNCHECKED",
        help="Save changes to cases although the names in the people store cannot be checked on this "
        "computer (its key is not here). Each commit says that names were not checked.",
    ),
) -> None:
    state.repo_path = repo
    if names_unchecked or "jatac.guard.people" in sys.modules:  # said for this command only
        from jatac.guard import people

        people.NAMES_UNCHECKED_ALLOWED = names_unchecked


def build(modules: Iterable[str] = COMMANDS) -> typer.Typer:
    """The command line with the commands of ``modules`` (default: all)."""
    import importlib

    built = typer.Typer(
        cls=JatacGroup,
        name="jatac",
        help="Run a community safety partnership's multi-agency tasking from a folder of case files.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(_main)
    for name in modules:
        importlib.import_module(f"jatac.cli.{name}").register(built)
    return built


def module_of(argv: list[str]) -> str | None:
    """The module of the command ``argv`` names; None when it names none (help, a typo)."""
    if any(key.startswith("_JATAC") and key.endswith("_COMPLETE") for key in os.environ):
        return None  # shell completion lists every command
    args = iter(argv)
    for arg in args:
        if arg == "--repo":
            next(args, None)  # its value
        elif not arg.startswith("-"):
            return next((module for module, names in COMMANDS.items() if arg in names), None)
    return None


def __getattr__(name: str) -> Any:
    """``jatac.cli.app``: the command line with every command (for tests and tools)."""
    if name == "app":
        globals()["app"] = built = build()
        return built
    raise AttributeError(name)


def main() -> None:
    import sys

    module = module_of(sys.argv[1:])
    build([module] if module else COMMANDS)(prog_name="jatac")
