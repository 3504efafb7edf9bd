"""Commands about the repository as a whole: init, validate."""

from __future__ import annotations

from pathlib import Path

import typer

from jatac.cli.state import open_repo


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
    app.command("demo")(demo)


def init(
    path: Path = typer.Argument(..., help="Folder for the new case repository (created if missing)."),
    name: str = typer.Option(..., "--name", help='The partnership\'s name, e.g. "SaferMK".'),
    prefix: str = typer.Option("JAT", "--prefix", help="Letters that start every case id (JAT-2026-0001)."),
) -> None:
    """Create a new case repository: jatac.yaml to edit, a git repository, a first commit."""
    from jatac.repo_init import init as make

    repo = make(path, name=name, prefix=prefix)
    typer.secho(f"Created {repo.root}", fg="green")
    typer.echo("Next: edit jatac.yaml (agencies, localities, meeting dates), then `jatac validate`.")


def validate() -> None:
    """Check jatac.yaml and every case file; list problems by file:line:column."""
    repo = open_repo()
    problems = repo.validate()
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        count = len(problems)
        typer.secho(f"{count} problem{'s' if count != 1 else ''} found.", fg="red", err=True)
        raise typer.Exit(1)
    from jatac.store import KINDS

    counts = ", ".join(f"{len(repo.entries(k))} {k.name} file(s)" for k in KINDS.values())
    typer.secho(f"All valid: jatac.yaml, {counts}.", fg="green")


def demo(
    folder: Path = typer.Argument(
        Path("build/jatac-demo"), help="Where to put the demo copy (replaced if it is an earlier demo)."
    ),
) -> None:
    """Try jatac on the example partnership: a fresh copy, its open cases, its next agenda."""
    from jatac.cli.cases import CASE_COLUMNS
    from jatac.cli.output import print_rows
    from jatac.demo import run_demo

    shown = run_demo(folder)
    repo = shown.repo
    typer.secho(f"Example partnership copied to {repo.root} (a git repository of its own).", fg="green")
    print_rows(
        shown.open_cases,
        "table",
        CASE_COLUMNS,
        title=f"{repo.config.name}: {len(shown.open_cases)} open cases",
    )
    if shown.agenda is not None:
        typer.secho(f"\nThe next meeting's agenda ({shown.meeting}): {shown.agenda}", fg="green")
    example = shown.open_cases[0]["id"] if shown.open_cases else "JAT-2026-0001"
    typer.echo(f"\nTry: jatac --repo {repo.root} show {example}")
    typer.echo(f"     jatac --repo {repo.root} meetings")
