"""Commands for monitoring: report (actions, attendance, performance, triggers, hotspots, fund) and fund."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from jatac.cli import completion
from jatac.cli.output import check_format, print_json, print_rows, success, warn
from jatac.cli.state import open_repo

report_app = typer.Typer(
    help="What the partnership monitors: actions, attendance, performance ...", no_args_is_help=True
)
fund_app = typer.Typer(help="The JATAC fund: request, consider, amend, decide, spend.", no_args_is_help=True)
FORMAT = typer.Option("table", "--format", "-f", help="table, json or csv.")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.add_typer(fund_app, name="fund")
    register_spreadsheets(app)


def _day(text: str | None) -> date | None:
    from jatac.meetings.files import parse_day

    return parse_day(text) if text else None


@report_app.command("actions")
def report_actions(
    agency: str = typer.Option(
        None,
        "--agency",
        help="Only this owner agency: its actions one by one.",
        autocompletion=completion.agencies,
    ),
    fmt: str = FORMAT,
) -> None:
    """The chase list: open and overdue actions by owner agency."""
    from jatac.cases.action_log import AsAt
    from jatac.cases.sara import action_rows, as_dict
    from jatac.clock import today
    from jatac.partnership.reports import actions_by_agency, load

    check_format(fmt)
    repo = open_repo()
    if agency:
        as_at = AsAt(today())
        rows = [as_dict(r, as_at) for r in action_rows(repo, agency=agency, as_at=as_at)]
        print_rows(
            rows,
            fmt,
            [
                ("action", "Action"),
                ("what", "What"),
                ("due", "Due"),
                ("status", "Status"),
                ("last_update", "Last update"),
            ],
            title=f"Open actions owned by {agency} ({as_at.counted_to})",
        )
        return
    rows = actions_by_agency(repo, load(repo), today())
    print_rows(
        rows,
        fmt,
        [
            ("name", "Agency"),
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("oldest_overdue_days", "Oldest overdue (days)"),
        ],
        title="Open actions by agency",
    )


@report_app.command("attendance")
def report_attendance(
    since: str = typer.Option(..., "--since", help="From this date, YYYY-MM-DD or day/month/year."),
    until: str = typer.Option(None, "--until", help="Up to this date (default: today)."),
    fmt: str = FORMAT,
) -> None:
    """Attendance by agency over the meetings whose minutes are recorded."""
    from jatac.partnership.reports import attendance

    check_format(fmt)
    rows, held = attendance(open_repo(), _day(since) or date.min, _day(until))
    print_rows(
        rows,
        fmt,
        [
            ("name", "Agency"),
            ("meetings", "Meetings"),
            ("present", "Present"),
            ("apologies", "Apologies"),
            ("absent", "Absent"),
            ("rate", "Attended %"),
        ],
        title=f"Attendance at {held} meeting(s) since {since}",
    )


@report_app.command("performance")
def report_performance(
    period: str = typer.Option(
        ..., "--period", help="A quarter (2026-Q3), year (2026) or financial year (2026-27)."
    ),
    fmt: str = typer.Option("pdf", "--format", "-f", help="pdf, html, md or json."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Write here: outside the case repository, or in build/ (the default)."
    ),
) -> None:
    """The Performance Group's report: cases, SARA outcomes, overdue actions, escalations, trends, charts."""
    check_format(fmt, ("pdf", "html", "md", "json"))
    repo = open_repo()
    if fmt == "json":
        from dataclasses import asdict

        from jatac.partnership.reports import load, performance

        print_json(asdict(performance(repo, load(repo), period)))
        return
    from jatac.partnership.reports import performance_document
    from jatac.render.documents import write

    context, assets = performance_document(repo, period)
    typer.echo(str(write(repo, "performance", fmt, context, f"performance-{period}", out, assets)))


@report_app.command("triggers")
def report_triggers(fmt: str = FORMAT) -> None:
    """Places and people (by pseudonym) at the ASB case review threshold (jatac.yaml case_review)."""
    from jatac.clock import today
    from jatac.partnership.reports import load, triggers

    check_format(fmt)
    repo = open_repo()
    rule = repo.config.case_review
    rows = triggers(repo, load(repo), today())
    print_rows(
        rows,
        fmt,
        [("kind", "Kind"), ("what", "Place or person"), ("reports", "Reports"), ("cases", "Cases")],
        title=f"{rule.reports} or more reports in {rule.months} months (the case review threshold)",
    )


@report_app.command("hotspots")
def report_hotspots(
    recurring: int = typer.Option(
        3, "--recurring", min=1, max=40, help="Quarters with cases that make a place recurring (1 to 40)."
    ),
    quarters: int = typer.Option(
        8, "--quarters", min=1, max=40, help="How many quarters to look back (1 to 40)."
    ),
    fmt: str = FORMAT,
) -> None:
    """Localities that keep coming back, and estates whose cases are rising: the early warning."""
    from jatac.clock import today
    from jatac.partnership.reports import hotspots, load

    check_format(fmt)
    repo = open_repo()
    rows, keys = hotspots(repo, load(repo), today(), recurring, quarters)
    print_rows(
        rows,
        fmt,
        [
            ("name", "Locality"),
            ("kind", "Kind"),
            ("quarters_with_cases", "Quarters with cases"),
            ("two_before", "Two quarters before"),
            ("last_two", "Last two quarters"),
            ("flag", "Why"),
        ],
        title=f"Hot-spots, {keys[0]} to {keys[-1]}",
    )


@report_app.command("fund")
def report_fund(
    year: str = typer.Option(None, "--year", help="The financial year, e.g. 2026-27 (default: this one)."),
    fmt: str = FORMAT,
) -> None:
    """The fund: budget, approved, spent and balance, with every request."""
    from jatac.partnership.fund import report

    check_format(fmt)
    r = report(open_repo(), year)
    if fmt == "json":
        print_json(
            {
                "year": r.year,
                "budget": r.budget,
                "approved": r.approved,
                "spent": r.spent,
                "balance": r.balance,
                "requests": r.requests,
            }
        )
        return
    print_rows(
        r.requests,
        fmt,
        [
            ("request", "Request"),
            ("case", "Case"),
            ("by", "By"),
            ("purpose", "Purpose"),
            ("amount", "Amount £"),
            ("status", "Status"),
            ("spent", "Spent £"),
        ],
        title=f"JATAC fund {r.year}",
    )
    if fmt == "table":
        typer.echo(
            f"Budget £{r.budget:,.2f}   approved £{r.approved:,.2f}   spent £{r.spent:,.2f}   "
            f"balance £{r.balance:,.2f}"
        )


@fund_app.command("request")
def fund_request(
    case_id: str = typer.Argument(None, metavar="[CASE]", help="The case it is for, if any."),
    amount: float = typer.Option(..., "--amount", help="Pounds."),
    purpose: str = typer.Option(..., "--purpose", help="What it would pay for."),
    by: str = typer.Option(
        "support-team",
        "--by",
        help="The agency asking (id from jatac.yaml).",
        autocompletion=completion.agencies,
    ),
) -> None:
    """Ask the fund for money; prints the request id, numbered by financial year (FR-2026-003)."""
    from jatac.partnership.fund import fund_year, request, year_start

    repo = open_repo()
    req = request(repo, case_id, amount=amount, purpose=purpose, by=by)
    typer.echo(req.id)
    year = fund_year(repo, req.requested_on)
    first = year_start(repo, year)
    typer.echo(
        f"{req.id} is in the {year} fund (the year from {first.day} {first:%B %Y}): "
        "requests are numbered by financial year.",
        err=True,
    )


@fund_app.command("consider")
def fund_consider(
    request_id: str = typer.Argument(..., metavar="REQUEST", help="e.g. FR-2026-003"),
    support: bool = typer.Option(..., "--support/--not-support", help="The support team's view."),
    note: str = typer.Option(None, "--note", help="Why."),
) -> None:
    """The support team's consideration, before JATAC decides."""
    from jatac.partnership.fund import consider

    req = consider(open_repo(), request_id, support=support, note=note)
    success(f"{req.id}: {req.status.value}")


@fund_app.command("amend")
def fund_amend(
    request_id: str = typer.Argument(..., metavar="REQUEST", help="e.g. FR-2026-003"),
    amount: float = typer.Option(None, "--amount", help="The new amount, in pounds."),
    purpose: str = typer.Option(None, "--purpose", help="What it would pay for, reworded."),
    case: str = typer.Option(None, "--case", help="The case it is for.", autocompletion=completion.case_ids),
) -> None:
    """Change a request before it is decided, keeping its number; the change is recorded in it."""
    from jatac.partnership.fund import amend

    req, said = amend(open_repo(), request_id, amount=amount, purpose=purpose, case=case)
    success(f"{req.id} amended: " + ", ".join(said))
    if req.status.value == "requested":
        typer.echo(f"It asks for £{req.amount:,.2f}; the support team considers it next.")
    else:
        typer.echo(f"It asks for £{req.amount:,.2f}; the next Coordinating Group agenda shows it, amended.")


@fund_app.command("decide")
def fund_decide(
    request_id: str = typer.Argument(..., metavar="REQUEST", help="e.g. FR-2026-003"),
    approve: bool = typer.Option(..., "--approve/--refuse", help="JATAC's decision."),
    meeting: str = typer.Option(
        None, "--meeting", help="The meeting that decided it (its date; it must have taken place)."
    ),
    chair_action: bool = typer.Option(
        False,
        "--chair-action",
        help="Decided by the chair between meetings (with --reason); the next agenda lists it for noting.",
    ),
    against_advice: bool = typer.Option(
        False,
        "--against-advice",
        help="Approved although the support team did not support it (with --reason).",
    ),
    reason: str = typer.Option(None, "--reason", help="Why (a chair's action, or against the advice)."),
    note: str = typer.Option(None, "--note", help="A note of the decision."),
) -> None:
    """JATAC's decision on a request, at a meeting that has taken place or by the chair's action;
    approving more than the balance is refused."""
    from jatac.meetings.fund_decisions import decide

    if (chair_action or against_advice) and not (reason and reason.strip()):
        flag = "--chair-action" if chair_action else "--against-advice"
        raise typer.BadParameter(f"{flag} needs --reason: say why", param_hint="--reason")
    if reason and not (chair_action or against_advice):
        raise typer.BadParameter(
            "--reason goes with --chair-action or --against-advice", param_hint="--reason"
        )
    req = decide(
        open_repo(),
        request_id,
        approve=approve,
        meeting=meeting,
        chair_action=reason if chair_action else None,
        against_advice=reason if against_advice else None,
        note=note,
    )
    how = f" at the meeting of {req.meeting[:10]}" if req.meeting else " by the chair's action"
    success(f"{req.id}: {req.status.value}{how}")
    if req.chair_action:
        typer.echo("The next Coordinating Group agenda lists it for noting.")


@fund_app.command("spend")
def fund_spend(
    request_id: str = typer.Argument(..., metavar="REQUEST", help="e.g. FR-2026-003"),
    amount: float = typer.Option(..., "--amount", help="Pounds."),
    note: str = typer.Option(..., "--note", help="What it was spent on (invoice number ...)."),
) -> None:
    """Record money spent against an approved request."""
    from jatac.partnership.fund import spend

    req = spend(open_repo(), request_id, amount=amount, note=note)
    success(f"{req.id}: £{req.spent:,.2f} of £{req.amount:,.2f} spent")


def register_spreadsheets(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)


def export(
    out: Path = typer.Argument(
        None,
        help="The .csv or .xlsx file to write: outside the case repository, or in its build/ folder "
        "(default: build/cases.xlsx, or build/cases-wide.xlsx for the wide group).",
        show_default=False,
    ),
    audience: str = typer.Option(
        "core",
        "--audience",
        help="core or wide; wide leaves out OFFICIAL-SENSITIVE cases and the people linked to cases.",
    ),
) -> None:
    """Write the cases to a spreadsheet a partner can open (.csv or .xlsx), with its marking."""
    from jatac.partnership.spreadsheets import export as write

    done = write(open_repo(), out, audience)
    success(f"{done.path}: {done.count} cases, marked {done.marking}")
    if done.withheld:
        typer.echo(f"{done.withheld} OFFICIAL-SENSITIVE case(s) withheld from this version.", err=True)
    if done.marking != "OFFICIAL":
        warn(f"{done.path.name} holds OFFICIAL-SENSITIVE cases: share it only with the core group.")


def import_(
    path: Path = typer.Argument(..., help="The spreadsheet (.csv or .xlsx) of an existing issue log."),
    map_path: Path = typer.Option(
        None, "--map", help="How its columns and values become case fields (YAML)."
    ),
) -> None:
    """Bring in an existing issue log: every row checked first; all rows or none, in one commit."""
    from jatac.partnership.spreadsheets import import_cases

    ids = import_cases(open_repo(), path, map_path)
    success(f"Imported {len(ids)} cases: {ids[0]} to {ids[-1]}")
