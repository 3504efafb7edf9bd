"""Editing a record in the person's own editor, until what they save is valid."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import typer

from jatac.cli.output import success


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return shlex.split(editor, posix=os.name != "nt")
    return ["notepad"] if os.name == "nt" else ["vi"]


def edit_until_valid(
    text: str, name: str, apply: Callable[[str], list[str]], done: str, new: bool = False
) -> None:
    """Open ``text`` in the editor; pass what is saved to ``apply``; on a problem, offer to re-open.

    The record's own file is never touched until ``apply`` accepts the text.
    """
    from jatac.cli import report_error
    from jatac.errors import InvalidRecord
    from jatac.guard.privacy import PersonalData

    original = None if new else text  # a new file is saved even if the form is left as it is
    with tempfile.TemporaryDirectory(prefix="jatac-edit-") as tmp:
        scratch = Path(tmp) / name
        while True:
            scratch.write_text(text, encoding="utf-8")
            try:
                code = subprocess.call([*editor_command(), str(scratch)])
            except OSError as e:
                raise typer.BadParameter(
                    f"cannot start the editor ({e}); set EDITOR to one that is installed, e.g. EDITOR=nano"
                ) from None
            if code != 0:
                typer.secho("The editor failed; nothing was changed.", fg="yellow", err=True)
                raise typer.Exit(1)
            try:
                from jatac.storage.repository import read_text

                text = read_text(scratch, name)  # an editor may save in another encoding
                if text == original:
                    typer.echo("No change.")
                    return
                body = apply(text)
                break
            except (InvalidRecord, PersonalData) as e:  # the person can mend either and save again
                report_error(e)
                text = scratch.read_bytes().decode("utf-8", errors="replace")
                if not sys.stdin.isatty() or not typer.confirm("Edit again?", default=True):
                    typer.secho("Nothing was changed; your edit was not saved.", fg="yellow", err=True)
                    raise typer.Exit(1) from None
    success(done)
    for line in body:
        typer.echo(f"  {line}")
