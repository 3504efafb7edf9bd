"""Commands about the repository as a whole: init, validate, demo, and the partnership in
jatac.yaml (agency, locality)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from jatac.cli import completion
from jatac.cli.cases import NO_COMMIT
from jatac.cli.output import (
    CHECK_FORMAT,
    check_format,
    print_json,
    problem_json,
    shell_quote,
    success,
    typed_date,
    warn,
)
from jatac.cli.state import open_repo

agency_app = typer.Typer(
    help="The partner agencies in jatac.yaml: add one; change its name, ISP dates or members.",
    no_args_is_help=True,
)
locality_app = typer.Typer(help="The wards, parishes, estates and areas cases are recorded against.")

AGENCY_ID = typer.Argument(..., metavar="ID", help="The agency's short id, used in case files (e.g. tvp).")
GROUPS = typer.Option(
    [],
    "--groups",
    help="The groups a member sits on, comma-separated (without it: none, and the member "
    "receives no papers): once for all the members, or once for each in the same order.",
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
    app.command("demo")(demo)
    app.add_typer(agency_app, name="agency")
    app.add_typer(locality_app, name="locality")


def init(
    path: Path = typer.Argument(..., help="Folder for the new case repository (created if missing)."),
    name: str = typer.Option(..., "--name", help='The partnership\'s name, e.g. "SaferMK".'),
    prefix: str = typer.Option("JAT", "--prefix", help="Letters that start every case id (JAT-2026-0001)."),
) -> None:
    """Create a new case repository: jatac.yaml to edit, a git repository, a first commit."""
    from jatac.setup.init import init as make

    repo = make(path, name=name, prefix=prefix)
    typer.secho(f"Created {repo.root}", fg="green")
    typer.echo("Next: edit jatac.yaml (agencies, localities, meeting dates), then `jatac validate`.")


def validate(fmt: str = CHECK_FORMAT) -> None:
    """Check jatac.yaml and every case file; list problems by file:line:column."""
    check_format(fmt, ("text", "json"))
    repo = open_repo()
    from jatac.cases.consistency import validate_repository
    from jatac.storage.repository import CONFIG_FILE, KINDS

    problems = validate_repository(repo)
    # the members on no group are named whatever else is wrong, once jatac.yaml itself can be read
    notes = [] if any(p.path == CONFIG_FILE for p in problems) else _notes(repo)
    if fmt == "json":
        print_json(
            {
                "ok": not problems,
                "problems": [problem_json(p) for p in problems],
                "notes": [problem_json(p) for p in notes],
                "files": {k.name: len(repo.entries(k)) for k in KINDS.values()},
            }
        )
        if problems:
            raise typer.Exit(1)
        return
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        count = len(problems)
        typer.secho(f"{count} problem{'s' if count != 1 else ''} found.", fg="red", err=True)
        for note in notes:
            typer.secho(f"Note: {note}", fg="yellow", err=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{len(repo.entries(k))} {k.name} file(s)" for k in KINDS.values())
    typer.secho(f"All valid: jatac.yaml, {counts}.", fg="green")
    for note in notes:
        typer.secho(f"Note: {note}", fg="yellow", err=True)


def _notes(repo: Any) -> list[Any]:
    """Valid, but worth the coordinator's decision: members who sit on no group."""
    from jatac.partnership.isp import members_on_no_group

    return members_on_no_group(repo)


def demo(
    folder: Path = typer.Argument(
        Path("build/jatac-demo"), help="Where to put the demo copy (replaced if it is an earlier demo)."
    ),
) -> None:
    """Try jatac on the example partnership: a fresh copy, its open cases, its next agenda."""
    from jatac.cli.cases import CASE_COLUMNS
    from jatac.cli.output import how_to_run, print_rows, shell_path
    from jatac.setup.demo import run_demo

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
    # a command that works as printed: `make demo` leaves jatac in .venv, not on PATH
    run = f"{how_to_run()} --repo {shell_path(repo.root)}"
    typer.echo(f"\nTry: {run} show {example}")
    typer.echo(f"     {run} meetings")


EMAIL = typer.Option(
    None,
    "--email",
    help="The agency's team mailbox for papers, e.g. tasking@agency.gov.uk (never a person's own).",
)


@agency_app.command("add")
def agency_add(
    agency_id: str = AGENCY_ID,
    name: str = typer.Option(..., "--name", help='The agency\'s name, e.g. "Thames Valley Police".'),
    isp_signed: str = typer.Option(
        None,
        "--isp-signed",
        help="When it signed the Information Sharing Protocol, YYYY-MM-DD or day/month/year.",
    ),
    members: list[str] = typer.Option(
        [],
        "--member",
        help='A role that represents it at the table, e.g. "Neighbourhood Inspector" (repeat).',
    ),
    groups: list[str] = GROUPS,
    email: str = EMAIL,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Add a partner agency to jatac.yaml, with its members and the groups they sit on."""
    from jatac.partnership.config_edits import add_agency

    agency = add_agency(
        open_repo(),
        agency_id,
        name=name,
        isp_signed=typed_date(isp_signed, "--isp-signed"),
        roles=members,
        groups=groups,
        email=email,
        no_commit=no_commit,
    )
    success(f"Agency {agency.id} added: {agency.name}.")
    _on_no_group(agency)
    if agency.isp_signed is None:
        typer.echo(
            f"It receives shared information once it signs: jatac agency edit {agency.id} --isp-signed DATE"
        )


@agency_app.command("edit")
def agency_edit(
    agency_id: str = AGENCY_ID,
    name: str = typer.Option(None, "--name", help="A new name."),
    isp_signed: str = typer.Option(
        None,
        "--isp-signed",
        help="When it signed the Information Sharing Protocol, YYYY-MM-DD or day/month/year.",
    ),
    isp_review: str = typer.Option(
        None,
        "--isp-review",
        help="When its signature is next reviewed, YYYY-MM-DD or day/month/year (default: a year on).",
    ),
    add_members: list[str] = typer.Option([], "--add-member", help="A role to add (repeat for more)."),
    groups: list[str] = GROUPS,
    remove_members: list[str] = typer.Option(
        [], "--remove-member", help="A role to remove (repeat for more)."
    ),
    email: str = EMAIL,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Change an agency in jatac.yaml: its name, ISP dates, mailbox, or who represents it."""
    from jatac.partnership.config_edits import edit_agency

    agency = edit_agency(
        open_repo(),
        agency_id,
        name=name,
        isp_signed=typed_date(isp_signed, "--isp-signed"),
        isp_review=typed_date(isp_review, "--isp-review"),
        add_roles=add_members,
        groups=groups,
        remove_roles=remove_members,
        email=email,
        no_commit=no_commit,
    )
    roles = ", ".join(m.role for m in agency.members) or "none"
    success(f"Agency {agency.id} changed: {agency.name}; members: {roles}.")
    _on_no_group(agency)


def _on_no_group(agency: Any) -> None:
    for member in agency.members_without_groups():
        warn(
            f"{member.role} sits on no group, so receives no papers: "
            f"jatac agency edit {agency.id} --remove-member {shell_quote(member.role)} "
            f"--add-member {shell_quote(member.role)} --groups GROUP"
        )


@locality_app.command("add")
def locality_add(
    locality_id: str = typer.Argument(
        ..., metavar="ID", help="A short id for case files, e.g. lakes-estate."
    ),
    name: str = typer.Option(..., "--name", help='Its name, e.g. "Lakes Estate".'),
    kind: str = typer.Option("ward", "--kind", help="ward, parish, estate or area."),
    within: str = typer.Option(
        None,
        "--within",
        help="The locality it is part of (an estate within a ward).",
        autocompletion=completion.localities,
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Add a locality to jatac.yaml: a ward, parish, estate or area."""
    from jatac.partnership.config_edits import add_locality

    locality = add_locality(
        open_repo(), locality_id, name=name, kind=kind, within=within, no_commit=no_commit
    )
    success(f"Locality {locality.id} added: {locality.name}.")
