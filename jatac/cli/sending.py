"""Commands for sending papers: send agenda, send minutes, send chase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from jatac.cli.output import print_left_out, success, warn
from jatac.cli.state import open_repo

send_app = typer.Typer(
    help="Send a meeting's papers to the partners that signed the ISP (or write them for Outlook).",
    no_args_is_help=True,
)

GROUP = typer.Option(None, "--group", "-g", help="The group, when two meet that day (id from jatac.yaml).")
DRY_RUN = typer.Option(False, "--dry-run", help="Show each message (to, subject, attachments); send nothing.")
EML = typer.Option(
    None,
    "--eml",
    metavar="DIR",
    help="Write each message as an .eml file in DIR to open and send from Outlook, instead of sending "
    "(DIR outside the case repository, or in its build/ folder, e.g. build/outbox).",
)
AGAIN = typer.Option(
    False,
    "--again",
    help="Send it to every agency as the next issue, without asking, though some have it already "
    "(without --again, a paper that did not reach every agency goes only to those it did not reach).",
)


def register(app: typer.Typer) -> None:
    app.add_typer(send_app, name="send")


def _sender() -> str | None:
    import os

    return os.environ.get("JATAC_SMTP_FROM") or None


def _show(plan: Any, dry_run: bool) -> None:
    for outgoing in plan.messages:
        typer.echo(f"To: {outgoing.agency.name} <{outgoing.to}>")
        typer.echo(f"  Subject: {outgoing.subject}")
        for name, size in outgoing.attachments:
            typer.echo(f"  Attached: {name} ({max(1, size // 1024)} KB)")
        if outgoing.why:
            typer.echo(f"  Because: {outgoing.why}")
    print_left_out(plan.left_out)
    if dry_run:
        typer.echo(f"Dry run: {len(plan.messages)} message(s) would be sent; nothing was sent or recorded.")


def _go(plan: Any, dry_run: bool, eml: Path | None, again: bool, no_commit: bool) -> None:
    from jatac.cli.state import open_repo as _open

    for note in plan.warnings:
        warn(note)
    _show(plan, dry_run)
    if dry_run:
        return
    if plan.before and plan.paper.value != "chase" and not again and not plan.already:
        last = plan.before[-1]
        question = (
            f"The {plan.paper.value} of {plan.planned.id} was sent on {last.on} to {len(last.to)} "
            f"agencies. Send it again, as issue {plan.issue}?"
        )
        if not typer.confirm(question, default=False):
            typer.echo("Nothing was sent.")
            raise typer.Exit(1)
    from jatac.meetings.sending import send

    done = send(_open(), plan, eml_dir=eml, no_commit=no_commit)
    for path in done.files:
        typer.echo(str(path))
    for agency, why in done.refused:
        warn(f"not delivered to {agency.name}: {why}")
    issue = f" (issue {plan.issue})" if plan.issue > 1 else ""
    what = "the chase of actions" if plan.paper.value == "chase" else plan.paper.value
    count = len(done.reached)
    agencies = f"{count} agenc{'y' if count == 1 else 'ies'}"
    if done.via == "eml":
        success(
            f"{plan.planned.id}: {what}{issue} written as drafts for Outlook, to {agencies}; not recorded "
            "as sent (open each draft and press Send)."
        )
        return
    if done.cut_short:
        _cut_short(plan, done)
    success(f"{plan.planned.id}: {what}{issue} sent to {agencies}, and recorded.")


def _cut_short(plan: Any, done: Any) -> None:
    """Ctrl-C stopped the sending: who has the paper (recorded), who not, and how to go on."""
    what = "the chase of actions" if plan.paper.value == "chase" else f"the {plan.paper.value}"
    tried = len(done.reached) + len(done.refused) + len(done.uncertain) + len(done.unsent)
    typer.secho(
        f"Interrupted: {what} reached {len(done.reached)} of {tried} agencies, and that is recorded.",
        fg="yellow",
        err=True,
    )
    for agency in done.uncertain:
        typer.echo(f"  It may also have reached {agency.name}: its message was on its way.", err=True)
    waiting = [*done.uncertain, *done.unsent]
    if waiting:
        command = f"jatac send {plan.paper.value}" + (
            "" if plan.paper.value == "chase" else f" {plan.planned.day}"
        )
        typer.echo(
            f"  Not sent to {', '.join(a.name for a in waiting)}: `{command}` sends it to them.", err=True
        )
    raise typer.Exit(130)


NO_COMMIT = typer.Option(False, "--no-commit", help="Record the sending and stage it, without committing.")


@send_app.command("agenda")
def send_agenda(
    when: str = typer.Argument(
        None, metavar="DATE", help="The meeting's date, YYYY-MM-DD (default: the next one)."
    ),
    group: str = GROUP,
    dry_run: bool = DRY_RUN,
    eml: Path = EML,
    again: bool = AGAIN,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Send a meeting's agenda (PDF attached) to the group's agencies that signed the ISP."""
    from jatac.meetings.sending import prepare_agenda

    plan = prepare_agenda(open_repo(), when, group, sender=_sender(), again=again)
    _go(plan, dry_run, eml, again, no_commit)


@send_app.command("minutes")
def send_minutes(
    when: str = typer.Argument(..., metavar="DATE", help="The meeting's date, YYYY-MM-DD."),
    group: str = GROUP,
    dry_run: bool = DRY_RUN,
    eml: Path = EML,
    again: bool = AGAIN,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Send a meeting's minutes (PDF attached) to the group's agencies that signed the ISP."""
    from jatac.meetings.sending import prepare_minutes

    plan = prepare_minutes(open_repo(), when, group, sender=_sender(), again=again)
    _go(plan, dry_run, eml, again, no_commit)


@send_app.command("chase")
def send_chase(
    days: int = typer.Option(
        7,
        "--days",
        min=0,
        max=366,
        help="Also actions due within this many days (0 to 366); overdue ones always.",
    ),
    dry_run: bool = DRY_RUN,
    eml: Path = EML,
    again: bool = typer.Option(
        False,
        "--again",
        help="Chase again the agencies already chased today (a re-run chases only the rest).",
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Chase each owner agency for its overdue actions and those due soon, before the next meeting."""
    from jatac.meetings.sending import prepare_chase

    plan = prepare_chase(open_repo(), days, sender=_sender(), again=again)
    if not plan.messages and not plan.left_out:
        typer.echo(f"No open action is overdue or due within {days} days: nobody to chase.")
        return
    _go(plan, dry_run, eml, True, no_commit)
