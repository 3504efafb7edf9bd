"""Commands for the life of an adopted case: adopt, sara, action, evaluate, escalate, close."""

from __future__ import annotations

from datetime import date

import typer

from jatac.cli import completion
from jatac.cli.cases import NO_COMMIT
from jatac.cli.output import check_format, print_json, print_rows, success, typed_date
from jatac.cli.state import open_repo

CASE_ARG = typer.Argument(
    ..., metavar="CASE", help="The case id, e.g. JAT-2026-0001.", autocompletion=completion.case_ids
)
ACTION_ARG = typer.Argument(..., metavar="ACTION", help="The action, e.g. JAT-2026-0001/A2.")

sara_app = typer.Typer(help="The SARA problem-solving package of an adopted case.", no_args_is_help=True)
action_app = typer.Typer(help="The action plan: add, update, finish and chase actions.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("adopt")(adopt)
    app.command("evaluate")(evaluate)
    app.command("escalate")(escalate)
    app.command("review")(review)
    app.command("close")(close)
    app.add_typer(sara_app, name="sara")
    app.add_typer(action_app, name="action")


def adopt(
    case_id: str = CASE_ARG,
    lead: str = typer.Option(
        ..., "--lead", help="The lead agency (id from jatac.yaml).", autocompletion=completion.agencies
    ),
    problem_manager: str = typer.Option(
        ..., "--problem-manager", help='The named lead, as a role: "ASB Team Leader".'
    ),
    risk: str = typer.Option(
        None, "--risk", help="Risk level (high, medium, low); sets the review interval."
    ),
    meeting: str = typer.Option(None, "--meeting", help="The meeting that adopted it (its date)."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Adopt a proposed case: lead agency, problem manager, and a SARA package to fill in."""
    from jatac.cases.sara import adopt as do

    repo = open_repo()
    case = do(
        repo,
        case_id,
        lead=lead,
        problem_manager=problem_manager,
        risk=risk,
        meeting=meeting,
        no_commit=no_commit,
    )
    success(f"{case.id} adopted, lead {case.lead}; SARA package started.")
    review = case.next_review(repo.config.review_days)
    typer.echo(f"Next review by {review}. Fill in the package with: jatac sara edit {case.id}")


@sara_app.command("show")
def sara_show(
    case_id: str = CASE_ARG,
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or yaml."),
) -> None:
    """The four stages, the action plan and progress, and what each stage still lacks."""
    from jatac.cases.sara import CASE, SARA, read_package
    from jatac.clock import today

    check_format(fmt, ("text", "json", "yaml"))
    repo = open_repo()
    case = repo.record(CASE, case_id)
    package = read_package(repo, case_id)
    if fmt == "yaml":
        from jatac.guard.inert import visible
        from jatac.storage.repository import read_text

        text = read_text(repo.path(SARA, case_id), repo.relpath(SARA, case_id))
        typer.echo(visible(text, lines=True), nl=False)
        return
    if fmt == "json":
        data = package.model_dump(mode="json", exclude_none=True)
        data["stage"] = package.stage.value
        data["gaps"] = package.gaps()
        from jatac.cases.action_log import AsAt
        from jatac.cases.sara import as_dict, case_actions

        as_at = AsAt(today())
        # the plan as the action log orders it, each row saying the date overdue is counted to
        data["action_log"] = [as_dict(r, as_at) for r in case_actions(repo, case, package, as_at)]
        print_json(data)
        return
    from jatac.cases.action_log import AsAt
    from jatac.cases.sara import case_actions
    from jatac.cli.sara_view import print_package

    as_at = AsAt(today())
    print_package(repo, case, package, today(), case_actions(repo, case, package, as_at), as_at.counted_to)


@sara_app.command("edit")
def sara_edit(case_id: str = CASE_ARG, no_commit: bool = NO_COMMIT) -> None:
    """Open a case's SARA package in your editor; on save it is checked, then committed."""
    from jatac.cases.sara import apply_package_edit, package_for_edit
    from jatac.cli.editing import edit_until_valid
    from jatac.storage.yaml_roundtrip import dump

    repo = open_repo()
    loaded = package_for_edit(repo, case_id)
    edit_until_valid(
        loaded.text or dump(loaded.doc),
        f"{case_id}-sara.yaml",
        lambda text: apply_package_edit(repo, case_id, text, no_commit=no_commit),
        done=f"{case_id} SARA package saved" + (" (staged, not committed)" if no_commit else ""),
        new=loaded.record is None,
    )


@action_app.command("add")
def action_add(
    case_id: str = CASE_ARG,
    what: str = typer.Argument(..., help="What is to be done, in a line (SMART)."),
    owner: str = typer.Option(
        ...,
        "--owner",
        help="The agency that owns it (id from jatac.yaml).",
        autocompletion=completion.agencies,
    ),
    due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD or day/month/year."),
    role: str = typer.Option(None, "--role", help="The role in that agency who will do it."),
    meeting: str = typer.Option(None, "--meeting", help="The meeting that set it (its date)."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Add an action to a case's action plan; prints its id (CASE/An)."""
    from jatac.cases.sara import add_action

    repo = open_repo()
    action = add_action(
        repo,
        case_id,
        what,
        owner=owner,
        due=typed_date(due, "--due") or date.min,  # --due is required, so never None
        role=role,
        meeting=meeting,
        no_commit=no_commit,
    )
    typer.echo(f"{case_id}/{action.id}")


@action_app.command("update")
def action_update(
    ref: str = ACTION_ARG,
    note: str = typer.Option(None, "--note", help="Progress, in a line."),
    due: str = typer.Option(None, "--due", help="A new due date, YYYY-MM-DD or day/month/year."),
    owner: str = typer.Option(
        None, "--owner", help="Hand it to another agency.", autocompletion=completion.agencies
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Record progress on an action, or move its due date or owner."""
    from jatac.cases.sara import update_action

    repo = open_repo()
    action = update_action(
        repo, ref, note=note, due=typed_date(due, "--due"), owner=owner, no_commit=no_commit
    )
    success(f"{ref} updated: due {action.due}, owner {action.owner}")


@action_app.command("done")
def action_done(
    ref: str = ACTION_ARG,
    note: str = typer.Option(..., "--note", help="What was done."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Mark an action done, saying what was done."""
    from jatac.cases.sara import finish_action

    finish_action(open_repo(), ref, note=note, no_commit=no_commit)
    success(f"{ref} done")


@action_app.command("cancel")
def action_cancel(
    ref: str = ACTION_ARG,
    note: str = typer.Option(..., "--note", help="Why it is no longer needed."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Cancel an action, saying why."""
    from jatac.cases.sara import finish_action

    finish_action(open_repo(), ref, note=note, cancel=True, no_commit=no_commit)
    success(f"{ref} cancelled")


ACTION_COLUMNS = [
    ("action", "Action"),
    ("what", "What"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("status", "Status"),
    ("last_update", "Last update"),
]


@action_app.command("list")
def action_list(
    overdue: bool = typer.Option(False, "--overdue", help="Only actions past their due date."),
    agency: str = typer.Option(
        None, "--agency", help="Only this owner agency.", autocompletion=completion.agencies
    ),
    case_id: str = typer.Option(
        None,
        "--case",
        help="Only this case's actions (finished ones too).",
        autocompletion=completion.case_ids,
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """The chase list: open actions by owner agency, overdue first within each, then by due date."""
    from jatac.cases.action_log import AsAt
    from jatac.cases.sara import action_rows, as_dict
    from jatac.clock import today

    check_format(fmt)
    repo = open_repo()
    as_at = AsAt(today())
    rows = [
        as_dict(r, as_at)
        for r in action_rows(
            repo,
            overdue_only=overdue,
            agency=agency,
            case_id=case_id,
            include_finished=case_id is not None,
            as_at=as_at,
        )
    ]
    late = sum(1 for r in rows if r["status"] == "overdue")
    title = f"{len(rows)} action{'s' if len(rows) != 1 else ''}, {late} {as_at.counted_to}"
    if fmt == "table":
        for r in rows:
            if r["status"] == "overdue":
                r["status"] = f"OVERDUE {r['days_overdue']}d"
    print_rows(rows, fmt, ACTION_COLUMNS, title=title)


def evaluate(case_id: str = CASE_ARG, no_commit: bool = NO_COMMIT) -> None:
    """Start the evaluation form (the assessment stage) of an adopted case."""
    from jatac.cases.sara import evaluate as do

    do(open_repo(), case_id, no_commit=no_commit)
    success(f"{case_id}: evaluation form started.")
    typer.echo(f"Fill it in with: jatac sara edit {case_id}; then close with: jatac close {case_id}")


def escalate(
    case_id: str = CASE_ARG,
    to: str = typer.Option(..., "--to", help="performance-group or rag (levels in jatac.yaml)."),
    reason: str = typer.Option(..., "--reason", help="Why it goes up a level."),
    skip_level: bool = typer.Option(
        False,
        "--skip-level",
        help="The chair has decided it goes up more than one level at once (the --reason says why).",
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Take a case up a level: JATAC -> Performance Group -> RAG, one level at a time."""
    from jatac.cases.sara import escalate as do

    case = do(open_repo(), case_id, to=to, reason=reason, skip_level=skip_level, no_commit=no_commit)
    skipped = case.escalations[-1].skipped
    success(f"{case.id} escalated to {to}" + (f", skipping {', '.join(skipped)}." if skipped else "."))


def review(
    case_id: str = CASE_ARG,
    note: str = typer.Option(..., "--note", help="What the review found, in a line."),
    next_on: str = typer.Option(
        None,
        "--next",
        help="When the next review is due, YYYY-MM-DD or day/month/year (default: by the case's risk level).",
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Record a review of an adopted case: the date, what it found, and when the next is due."""
    from jatac.cases.reviews import record

    repo = open_repo()
    case = record(repo, case_id, note=note, next_on=typed_date(next_on, "--next"), no_commit=no_commit)
    success(f"{case.id} reviewed on {case.reviewed_on}.")
    typer.echo(f"Next review by {case.next_review(repo.config.review_days)}.")


def close(
    case_id: str = CASE_ARG,
    outcome: str = typer.Option(
        ..., "--outcome", help="resolved, reduced, unchanged, handed-over or withdrawn."
    ),
    note: str = typer.Option(None, "--note", help="A closing note."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Close an adopted case; refused until its evaluation is complete."""
    from jatac.cases.sara import close as do

    do(open_repo(), case_id, outcome=outcome, note=note, no_commit=no_commit)
    success(f"{case_id} closed: {outcome}.")
