"""Printing: aligned tables for people, JSON and CSV for scripts.

What a case file holds is shown, never obeyed: control characters in it are
printed escaped (ESC as \\x1b), through ``jatac.guard.inert``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

import typer

FORMATS = ("table", "json", "csv")
# Columns that wrap to fit the terminal; the rest (ids, dates, short codes) never wrap.
WRAPPING = {"title", "place", "what", "note", "purpose", "reason", "description"}


# for the checks (validate, doctor, check, conflicts): words for a person, or JSON for a script or
# a CI job, with the same exit code either way
CHECK_FORMAT = typer.Option("text", "--format", "-f", help="text, or json for a script or a CI job.")


def problem_json(problem: Any) -> dict[str, Any]:
    """A positioned problem (file, line, column, field, message) as a JSON object."""
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
    }


def check_format(value: str, allowed: Sequence[str] = FORMATS) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint="--format")
    return value


def console(stderr: bool = False) -> Any:
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # piped into a file or an email: wide enough for a case table, not the 80 of a tty-less guess
    width = None if stream.isatty() or "COLUMNS" in os.environ else 150
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    """Indented JSON; a list of flat rows prints one row per line (thousands of cases print
    in a blink through the C encoder, and a diff of two listings stays readable)."""
    from jatac.guard.inert import json_visible

    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode  # one, not 10,000
        rows = (encode(row) for row in data)
        typer.echo(json_visible("[\n  " + ",\n  ".join(rows) + "\n]"))
        return
    typer.echo(json_visible(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)))


def print_rows(
    rows: list[dict[str, Any]], fmt: str, columns: Sequence[tuple[str, str]], title: str = ""
) -> None:
    """``rows`` as a table (columns: key, heading), a JSON array, or CSV."""
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        from jatac.guard.inert import csv_bytes

        # one rule for CSV in the whole tool: every field the JSON has, named as in the JSON
        # (the table's columns first), UTF-8 with the BOM Excel needs, each cell inert
        keys = list(dict.fromkeys([k for k, _ in columns] + [k for row in rows for k in row]))
        cells = ([_csv_cell(row.get(k)) for k in keys] for row in rows)
        typer.echo(csv_bytes(keys, cells), nl=False)  # bytes: the BOM and UTF-8 as written
        return
    import os
    import shutil

    from jatac.cli.table import render
    from jatac.guard.inert import visible

    tty = sys.stdout.isatty()
    # piped into a file or an email: wide enough for a case table, not the 80 of a tty-less guess
    width = shutil.get_terminal_size().columns if tty or "COLUMNS" in os.environ else 150
    lines = render(
        [heading for _, heading in columns],
        [[visible(_cell(row.get(key))) for key, _ in columns] for row in rows],
        [key in WRAPPING for key, _ in columns],
        width,
        # a box-drawing rule where the output can carry it (a Windows pipe may be cp1252)
        rule="─" if (sys.stdout.encoding or "").lower().replace("-", "") == "utf8" else "-",
    )
    lines[0] = typer.style(lines[0], bold=True)  # echo drops the styling when not on a terminal
    typer.echo("\n".join([visible(title), *lines] if title else lines))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _csv_cell(value: Any) -> Any:
    """Numbers stay numbers in a spreadsheet; lists are joined as the table shows them; a
    nested record is its JSON; true/false as the JSON writes them; a date in ISO form."""
    if value is None or isinstance(value, list | tuple):
        return _cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, date):
        return value.isoformat()
    return value


def how_to_run() -> str:
    """The command that runs this jatac, as a person would type it in this folder: ``jatac``
    when that is the one on PATH, else the path to it (``.venv/bin/jatac``) or
    ``python -m jatac``, so a hint printed with it works as printed."""
    import os
    import shutil
    from pathlib import Path

    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is None or argv0.stem != "jatac" or not argv0.is_file():
        return f"{shell_path(sys.executable, program=True)} -m jatac"
    on_path = shutil.which("jatac")
    if on_path and os.path.samefile(on_path, argv0):
        return "jatac"
    return shell_path(argv0, program=True)


def shell_path(path: Any, program: bool = False) -> str:
    """A path as a person types it here: relative to this folder when inside it, else absolute;
    quoted for the shell. A ``program`` in this folder gets ``./`` (else the shell looks on PATH)."""
    import os
    import shlex

    absolute = os.path.abspath(path)
    try:
        shown = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        shown = absolute
    if shown.startswith(".."):
        shown = absolute
    if program and os.sep not in shown:
        shown = os.path.join(".", shown)
    if os.name == "nt":
        return f'"{shown}"' if " " in shown else shown
    return shlex.quote(shown)


def success(message: str) -> None:
    from jatac.guard.inert import visible

    typer.secho(visible(message), fg="green")


def warn(message: str) -> None:
    from jatac.guard.inert import visible

    typer.secho(f"warning: {visible(message)}", fg="yellow", err=True)


def typed_date(value: str | None, option: str) -> date | None:
    """A date a person typed for ``option`` (2026-12-07 or the UK's 7/12/2026); a clear usage
    error, naming the option, for anything else."""
    if value is None:
        return None
    from jatac.models.dates import typed_date as parse

    try:
        return parse(value)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def print_left_out(left_out: Sequence[tuple[Any, str]]) -> None:
    """Every agency a paper does not go to, and why; agencies left out for the same reason
    (not on the group, most often) share one line, so the few that matter stand out."""
    if not left_out:
        return
    by_reason: dict[str, list[str]] = {}
    for agency, why in left_out:
        by_reason.setdefault(why, []).append(agency.name)
    typer.echo("Left out:")
    for why, names in by_reason.items():
        if len(names) == 1:
            typer.echo(f"  {names[0]}: {why}")
        else:
            typer.echo(f"  {len(names)} agencies, {why}: {', '.join(names)}")


def shell_quote(text: str) -> str:
    """Text as it must be typed in a shell (a role with spaces, in quotes)."""
    import shlex

    return shlex.quote(text)
