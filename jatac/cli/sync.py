"""Commands for working together: sync, conflicts, resolve."""

from __future__ import annotations

import typer

from jatac.cli import completion
from jatac.cli.output import CHECK_FORMAT, check_format, print_json, success
from jatac.cli.state import open_repo


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("conflicts")(conflicts)
    app.command("resolve")(resolve)


def sync() -> None:
    """Pull from the shared repository, renumber clashing case ids, push; say what came in."""
    from jatac.guard.inert import visible  # what came in is a partner's text: shown, never obeyed
    from jatac.sharing.sync import sync as run

    def progress(step: str) -> None:  # on stderr: what the sync is doing while a remote is slow
        typer.echo(visible(step), err=True)

    report = run(open_repo(), progress)
    for old, new in report.renumbered:
        typer.secho(
            f"Your case {old} is now {new}: another coordinator had already used {old}.",
            fg="yellow",
            bold=True,
        )
    for case_id, title in report.new_cases:
        typer.echo(visible(f"  new case {case_id}: {title}"))
    for case_id, old, new in report.status_changes:
        typer.echo(visible(f"  {case_id}: {old} -> {new}"))
    if report.other_files:
        typer.echo(f"  {report.other_files} other file(s) changed")
    if report.tells:
        typer.secho("What came in that you must know:", fg="yellow", bold=True)
        for tell in report.tells:
            typer.secho(visible(f"  {tell.says}"), fg="yellow")
        typer.echo(
            "  It is on the shared repository: look at it (jatac history CASE, or git log -p -- FILE) "
            "before any paper goes out, and ask the partner who pushed it."
        )
    success(f"In sync: {report.pulled} change(s) came in, {report.pushed} went out.")


def conflicts(fmt: str = CHECK_FORMAT) -> None:
    """The fields that the shared repository and yours both changed, with both values."""
    from jatac.guard.inert import visible
    from jatac.sharing.sync import conflicts as find

    check_format(fmt, ("text", "json"))
    found = find(open_repo())
    if fmt == "json":
        print_json(
            [
                {"case": c.case, "path": c.path, "field": c.field, "mine": c.mine, "theirs": c.theirs}
                for c in found
            ]
        )
        return
    if not found:
        typer.echo("No conflicts.")
        return
    for c in found:
        typer.echo(f"{visible(c.case)}  {visible(c.field)}:")
        typer.echo(f"    mine:   {visible(c.mine)}\n    theirs: {visible(c.theirs)}")
    # commands that work as printed: one per case and side (a field can be kept apart with
    # --field NAME=mine or --field NAME=theirs)
    typer.echo("Settle each case, keeping your values or theirs, then run jatac sync:")
    for case in dict.fromkeys(c.case for c in found):
        typer.echo(visible(f"  jatac resolve {case} --take mine    or    jatac resolve {case} --take theirs"))


def resolve(
    case_id: str = typer.Argument(
        ..., metavar="CASE", help="The conflicted case.", autocompletion=completion.case_ids
    ),
    take: str = typer.Option(..., "--take", help="mine or theirs, for every conflicting field."),
    fields: list[str] = typer.Option([], "--field", help="NAME=mine|theirs for one field (repeat)."),
) -> None:
    """Settle a conflicted case field by field; it is checked, then `jatac sync` goes on."""
    from jatac.sharing.sync import resolve as settle

    malformed = [f for f in fields if "=" not in f]
    if malformed:
        raise typer.BadParameter(f"{malformed[0]!r}: give NAME=mine or NAME=theirs", param_hint="--field")
    choices = dict(f.split("=", 1) for f in fields)
    decided = settle(open_repo(), case_id, take, choices)
    success(f"{case_id} resolved: " + (", ".join(decided) or "nothing conflicted"))
    typer.echo("Run `jatac sync` to finish.")
