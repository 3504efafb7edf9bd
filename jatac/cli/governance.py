"""Commands for information governance: check, install-hooks, person, isp, retention, doctor."""

from __future__ import annotations

import typer

from jatac.cli.output import CHECK_FORMAT, check_format, print_json, print_rows, problem_json, success, warn
from jatac.cli.state import open_repo

person_app = typer.Typer(
    help="People, by pseudonym: details stay in the restricted store.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("install-hooks")(install_hooks)
    app.command("isp")(isp)
    app.command("retention")(retention)
    app.command("doctor")(doctor)
    app.add_typer(person_app, name="person")


def check(
    staged: bool = typer.Option(False, "--staged", help="Check what is staged for commit (the git hook)."),
    fmt: str = CHECK_FORMAT,
) -> None:
    """Look for personal data in every file git takes (emails, phones, NI numbers, postcodes, names ...)
    and for papers, mail drafts and exports, which never go into git."""
    from jatac.git.hooks import check_repository
    from jatac.guard.privacy import HOW_TO

    check_format(fmt, ("text", "json"))
    checked = check_repository(open_repo(), staged=staged)
    if staged:  # a commit: refused if names cannot be looked for
        from jatac.git.hooks import refuse_unchecked_names

        refuse_unchecked_names(checked)
    if fmt == "json":
        print_json(
            {
                "ok": not checked.problems and not checked.outputs,
                "files": checked.files,
                "names_unchecked": checked.names_unchecked,
                "problems": [problem_json(p) for p in checked.problems],
                "papers": [problem_json(p) for p in checked.outputs],
            }
        )
        if checked.problems or checked.outputs:
            raise typer.Exit(1)
        return
    if checked.names_unchecked:
        warn(f"names in the people store were not checked for: {checked.names_unchecked}")
    for p in checked.outputs:
        typer.echo(str(p), err=True)
    if checked.outputs:
        typer.secho(
            f"{len(checked.outputs)} paper(s), mail draft(s) or export(s) where git would take them.",
            fg="red",
            err=True,
        )
        typer.echo(OUTPUTS_HOW_TO, err=True)
        if not checked.problems:
            raise typer.Exit(1)
    if checked.problems:
        for p in checked.problems:
            typer.echo(str(p), err=True)
        typer.secho(
            f"{len(checked.problems)} possible personal data finding(s) in {checked.files} file(s).",
            fg="red",
            err=True,
        )
        typer.echo(HOW_TO, err=True)
        raise typer.Exit(1)
    names = " (names in the people store not checked)" if checked.names_unchecked else ""
    success(f"No personal data found in {checked.files} file(s){names}, and no papers.")


OUTPUTS_HOW_TO = (
    "Papers, mail drafts and exports are made for one audience and never go into git. Take each "
    "out of git (git rm --cached FILE), then move it into build/, which git never takes, or delete "
    "it: jatac makes it again."
)


def install_hooks() -> None:
    """Make git run the personal data check before every commit, hand edits included."""
    from jatac.git.hooks import install

    path, replaced = install(open_repo())
    success(f"{'Updated' if replaced else 'Installed'} {path}")


@person_app.command("add")
def person_add(
    name: str = typer.Option(..., "--name", help="The person's name (kept only in the restricted store)."),
    note: str = typer.Option("", "--note", help="Anything else needed to identify them."),
) -> None:
    """Record a person in the restricted store; prints the reference to use in cases (P-0007)."""
    from jatac.guard.people import add, key_file

    repo = open_repo()
    person = add(repo, name, note)
    typer.echo(person.ref)
    typer.echo(f"Use it in a case as: people: [{{ref: {person.ref}, role: victim}}]", err=True)
    typer.echo(
        f"The key to the store is {key_file(repo)}: back it up; without it the store cannot be read.",
        err=True,
    )


@person_app.command("show")
def person_show(ref: str = typer.Argument(..., metavar="REF", help="The reference, e.g. P-0007.")) -> None:
    """Show who a reference stands for (needs the key on this computer)."""
    from jatac.guard.people import get

    person = get(open_repo(), ref)
    typer.echo(f"{person.ref}  {person.name}" + (f"  ({person.note})" if person.note else ""))


@person_app.command("erase")
def person_erase(
    ref: str = typer.Argument(..., metavar="REF", help="The reference, e.g. P-0007."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to confirm."),
) -> None:
    """Erase a person's details; cases keep only the reference, which no longer resolves."""
    from jatac.guard.people import erase

    if not yes and not typer.confirm(f"Erase {ref}'s details for good?", default=False):
        raise typer.Exit(1)
    erase(open_repo(), ref)
    success(f"{ref} erased.")


def isp(fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv.")) -> None:
    """The Information Sharing Protocol register: signed, due for review, not signed."""
    from jatac.clock import today
    from jatac.partnership.isp import register

    check_format(fmt)
    repo = open_repo()
    rows = [
        {
            "agency": s.agency.id,
            "name": s.agency.name,
            "state": s.state,
            "signed": s.agency.isp_signed.isoformat() if s.agency.isp_signed else None,
            "review_by": s.review_by.isoformat() if s.review_by else None,
        }
        for s in register(repo.config, today())
    ]
    columns = [
        ("agency", "Agency"),
        ("name", "Name"),
        ("state", "ISP"),
        ("signed", "Signed"),
        ("review_by", "Review by"),
    ]
    print_rows(rows, fmt, columns, title="Information Sharing Protocol register")
    missing = sum(1 for r in rows if r["state"] != "signed")
    if missing and fmt == "table":
        warn(f"{missing} agencies do not receive shared information until they sign or renew.")


def retention(
    apply: bool = typer.Option(False, "--apply", help="Remove the records due, in one commit."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """Records past the retention period in jatac.yaml; --apply removes them."""
    from jatac.partnership.retention import apply as remove
    from jatac.partnership.retention import due_records

    check_format(fmt)
    repo = open_repo()
    due = remove(repo) if apply else due_records(repo)
    rows = [{"record": d.relpath, "why": d.why, "due": d.due.isoformat()} for d in due]
    print_rows(
        rows,
        fmt,
        [("record", "Record"), ("why", "Why"), ("due", "Due for removal")],
        title="Removed" if apply else "Past their retention period",
    )
    if fmt != "table":
        return
    if apply and due:
        success(f"{len(due)} record(s) removed in one commit.")
        typer.echo(
            "git history still holds them: README, 'Security and data protection', says how to purge it."
        )
    elif due:
        typer.echo("Run `jatac retention --apply` to remove them.")


def doctor(fmt: str = CHECK_FORMAT) -> None:
    """Check the repository end to end (git, config, records, personal data, hooks) and say what to fix."""
    from jatac.setup.doctor import examine

    check_format(fmt, ("text", "json"))
    found = examine(open_repo())
    errors = sum(1 for f in found if not f.ok and not f.warning)
    if fmt == "json":
        print_json(
            {
                "ok": not errors,
                "findings": [
                    {
                        "status": "ok" if f.ok else "warning" if f.warning else "problem",
                        "what": f.what,
                        "fix": f.fix,
                    }
                    for f in found
                ],
            }
        )
    else:
        for f in found:
            if f.ok:
                typer.secho(f"  ok       {f.what}", fg="green")
            elif f.warning:
                typer.secho(f"  warning  {f.what}: {f.fix}", fg="yellow")
            else:
                typer.secho(f"  problem  {f.what}: {f.fix}", fg="red")
    if errors:
        raise typer.Exit(1)
