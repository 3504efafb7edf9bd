"""Commands for a case's details: ref (other systems' references), link, evidence."""

from __future__ import annotations

from pathlib import Path

import typer

from jatac.cli.cases import NO_COMMIT
from jatac.cli.output import success
from jatac.cli.sara import CASE_ARG
from jatac.cli.state import open_repo


def register(app: typer.Typer) -> None:
    app.command("ref")(ref)
    app.command("link")(link)
    evidence = typer.Typer(help="Files attached to a case (photos, letters), kept out of git's history.")
    evidence.command("add")(evidence_add)
    evidence.command("list")(evidence_list)
    app.add_typer(evidence, name="evidence")


def ref(
    case_id: str = CASE_ARG,
    system: str = typer.Argument(
        ...,
        metavar="SYSTEM",
        help="The other system, as jatac.yaml names it under systems (police-incident ...).",
    ),
    reference: str = typer.Argument(
        ..., metavar="REF", help="Its reference for this case (checked against its forms)."
    ),
    note: str = typer.Option(None, "--note", help="What the reference is about, in a line."),
    remove: bool = typer.Option(False, "--remove", help="Remove the reference instead."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Record another system's reference on a case (a police incident or crime number, a council
    complaint, a housing case), so the case is found by it."""
    from jatac.cases.details import add_reference, remove_reference

    repo = open_repo()
    if remove:
        remove_reference(repo, case_id, system, reference, no_commit=no_commit)
        success(f"{case_id}: {system} {reference} removed")
    else:
        add_reference(repo, case_id, system, reference, note, no_commit=no_commit)
        success(f"{case_id}: {system} {reference} recorded")


def link(
    case_id: str = CASE_ARG,
    other: str = typer.Argument(..., metavar="OTHER", help="The case it is linked to."),
    how: str = typer.Option("related", "--as", help="related, duplicate-of or superseded-by."),
    note: str = typer.Option(None, "--note", help="Why, in a line."),
    remove: bool = typer.Option(False, "--remove", help="Remove the link instead."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Link a case to another: related, a duplicate of it, or superseded by it."""
    from jatac.cases.details import link_cases, unlink_cases

    repo = open_repo()
    if remove:
        unlink_cases(repo, case_id, other, no_commit=no_commit)
        success(f"{case_id}: link to {other} removed")
    else:
        link_cases(repo, case_id, other, how, note, no_commit=no_commit)
        success(f"{case_id}: {how} {other}")


def evidence_add(
    case_id: str = CASE_ARG,
    file: Path = typer.Argument(..., metavar="FILE", help="The file to attach (a photo, a letter)."),
    name: str = typer.Option(None, "--name", help="The name the case lists it by (default: the file's own)."),
    note: str = typer.Option(None, "--note", help="What it shows, in a line."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Attach a file to a case: a copy is kept in the repository's evidence folder (out of git),
    the case lists its name and content digest."""
    from jatac.cases.details import attach

    repo = open_repo()
    kept = attach(repo, case_id, file, name, note, no_commit=no_commit)
    success(f"{case_id}: {kept.name} attached ({kept.size:,} bytes, kept as {kept.stored})")


def evidence_list(case_id: str = CASE_ARG) -> None:
    """The files attached to a case, where each is kept, and whether it is here."""
    from jatac.cases.details import evidence_path
    from jatac.guard.inert import visible
    from jatac.storage.repository import KINDS

    repo = open_repo()
    items = repo.record(KINDS["case"], case_id, as_data=True).get("evidence") or []
    if not items:
        typer.echo(f"{case_id} has no evidence files.")
        return
    for item in items:
        path = evidence_path(repo, item)
        here = "" if path.is_file() else "  (not on this computer)"
        note = f"  {item['note']}" if item.get("note") else ""
        typer.echo(visible(f"{item['name']}  {item['size']:,} bytes  {item['added_on']}{note}"))
        typer.echo(visible(f"  {path.relative_to(repo.root)}{here}"))
