"""Commands for cases: new-issue, list, show, edit, set, history."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import typer

from jatac.cli import completion
from jatac.cli.output import check_format, print_json, print_rows, success, warn
from jatac.cli.state import open_repo

NO_COMMIT = typer.Option(False, "--no-commit", help="Write and stage the change, but do not commit it.")


def register(app: typer.Typer) -> None:
    app.command("new-issue")(new_issue)
    app.command("list")(list_cases)
    app.command("show")(show)
    app.command("edit")(edit)
    app.command("set")(set_fields)
    app.command("history")(history)


def _ask(check: Any, label: str, default: str | None = None) -> Any:
    """Ask until ``check`` accepts the answer; a wrong answer is said at once and asked again,
    so the answers already given are kept."""
    from jatac.cli import report_error
    from jatac.errors import Refused

    while True:
        answer = str(typer.prompt(label, default=default, show_default=bool(default)))
        try:
            return check(answer)
        except Refused as e:
            report_error(e)


def _ask_choice(repo: Any, field: str, label: str, what: str, default: str | None = None) -> str:
    """A numbered list of names to choose from; the answer is a number, an id or a name."""
    from jatac.cases.answers import choices, pick

    options = choices(repo, field)
    for n, option in enumerate(options, start=1):
        shown = option.name if option.name == option.id else f"{option.name} ({option.id})"
        typer.echo(f"  {n:>2}. {shown}")
    number = next((str(n) for n, o in enumerate(options, start=1) if o.id == default), None)
    return str(_ask(lambda a: pick(options, a, what), label, default=number))


def _ask_description(repo: Any) -> str:
    """Several lines, ended by an empty line (or the end of input)."""
    from jatac.cases.answers import check_text
    from jatac.cli import report_error
    from jatac.errors import Refused

    while True:
        typer.echo("Description: what is happening, when, who is affected (end with an empty line):")
        lines: list[str] = []
        while True:
            try:
                line = input()
            except EOFError:
                break
            if not line.strip():
                break
            lines.append(line.rstrip())
        try:
            return check_text(repo, "description", "\n".join(lines))
        except Refused as e:
            report_error(e)


def _interview(repo: Any, given: dict[str, Any], priority: bool = True) -> dict[str, Any]:
    """Ask for each answer not given as an option, checking each as it is typed."""
    from jatac.cases.answers import check_text

    answers = dict(given)
    if not answers["title"]:
        answers["title"] = _ask(
            lambda a: check_text(repo, "title", a), "Title (what the problem is, in a line)"
        )
    if not answers["category"]:
        answers["category"] = _ask_choice(repo, "category", "Category", "categories")
    if not answers["location"]:
        answers["location"] = _ask_choice(repo, "location", "Locality", "localities")
    if answers["place"] is None:
        answers["place"] = (
            _ask(
                lambda a: check_text(repo, "place", a) if a.strip() else "",
                "Place (street, shops or estate; never a home address; Enter to leave out)",
                default="",
            )
            or None
        )
    if not answers["raised_by"]:
        answers["raised_by"] = _ask_choice(repo, "raised_by", "Raised by (agency)", "agencies")
    if priority:
        answers["priority"] = _ask_choice(
            repo, "priority", "Priority", "priorities", default=answers["priority"]
        )
    if answers["description"] is None:
        answers["description"] = _ask_description(repo)
    return answers


def _redo(repo: Any, answers: dict[str, Any], problems: list[Any]) -> bool:
    """After the case as a whole was refused: ask again only the answers the problems name.
    False when a problem names none of them (nothing to ask)."""
    fields = {p.field.split(".")[0].split("[")[0] for p in problems}
    asked = fields & {"title", "category", "location", "place", "raised_by", "description"}
    if not asked:
        return False
    for field in asked:
        answers[field] = "" if field != "place" and field != "description" else None
    answers.update(_interview(repo, answers, priority=False))
    return True


def new_issue(
    title: str = typer.Option(None, "--title", help="What the problem is, in a line."),
    category: str = typer.Option(
        None,
        "--category",
        help="A category id from jatac.yaml (asb, drugs ...).",
        autocompletion=completion.categories,
    ),
    location: str = typer.Option(
        None,
        "--location",
        help="A locality from jatac.yaml, by id or name.",
        autocompletion=completion.localities,
    ),
    place: str = typer.Option(
        None, "--place", help="The street, shops or estate, in words (never a home address)."
    ),
    raised_by: str = typer.Option(
        None,
        "--raised-by",
        help="The agency raising it (id from jatac.yaml).",
        autocompletion=completion.agencies,
    ),
    priority: str = typer.Option("medium", "--priority", help="high, medium or low."),
    risk: str = typer.Option(None, "--risk", help="Risk level (high, medium, low) if not the priority."),
    description: str = typer.Option(None, "--description", help="What is happening, when, who is affected."),
    marking: str = typer.Option(None, "--marking", help="OFFICIAL or OFFICIAL-SENSITIVE."),
    tags: list[str] = typer.Option([], "--tag", help="A tag (repeat for more)."),
    interactive: bool = typer.Option(
        False,
        "--interactive",
        "-i",
        help="Ask for each answer not given, with the choices numbered (the default in a terminal).",
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Raise a new case. Asks for what is missing when run in a terminal (or with --interactive),
    checking each answer as it is typed."""
    from jatac.cases.new_case import raise_case
    from jatac.errors import InvalidRecord
    from jatac.guard.privacy import PersonalData

    repo = open_repo()
    missing = [
        n
        for n, v in (
            ("--title", title),
            ("--category", category),
            ("--location", location),
            ("--raised-by", raised_by),
        )
        if not v
    ]
    asking = interactive or (bool(missing) and sys.stdin.isatty())
    if missing and not asking:
        raise typer.BadParameter(f"missing {', '.join(missing)} (no terminal to ask; or use --interactive)")
    answers: dict[str, Any] = {
        "title": title,
        "category": category,
        "location": location,
        "place": place,
        "raised_by": raised_by,
        "priority": priority,
        "description": description,
    }
    if asking:
        answers = _interview(repo, answers)
    while True:
        try:
            record, others, closed = raise_case(
                repo,
                **{**answers, "description": answers["description"] or ""},
                risk=risk,
                marking=marking,
                tags=tags,
                no_commit=no_commit,
            )
            break
        except (InvalidRecord, PersonalData) as e:
            if not asking:
                raise
            from jatac.cli import report_error

            report_error(e)
            if not _redo(repo, answers, e.problems):
                raise typer.Exit(1) from None
    success(f"{record.id} raised: {record.title}")
    for other in others:
        warn(
            f"{other['id']} is also open at {record.location} for {record.category}: {other['title']}. "
            "Is it the same problem?"
        )
    if closed:
        shown = ", ".join(f"{d['id']} ({d['closed_on']}: {d['title']})" for d in closed[:5])
        more = f" and {len(closed) - 5} more" if len(closed) > 5 else ""
        warn(
            f"{record.location} has come back: closed there in the last 3 years: {shown}{more}. "
            "`jatac lessons` shows what worked."
        )
    if no_commit:
        typer.echo("Staged, not committed (--no-commit).")


CASE_COLUMNS = [
    ("id", "Case"),
    ("title", "Title"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("category", "Category"),
    ("location", "Locality"),
    ("lead", "Lead"),
    ("raised_on", "Raised"),
]


def list_cases(
    status: list[str] = typer.Option([], "--status", help="Only this status (repeat for more)."),
    category: str = typer.Option(
        None, "--category", help="Only this category.", autocompletion=completion.categories
    ),
    location: str = typer.Option(
        None, "--location", help="Only this locality (id or name).", autocompletion=completion.localities
    ),
    agency: str = typer.Option(
        None, "--agency", help="Only cases this agency raised or leads.", autocompletion=completion.agencies
    ),
    all_: bool = typer.Option(False, "--all", "-a", help="Include closed, rejected, referred."),
    escalated: bool = typer.Option(False, "--escalated", help="Only escalated cases, with level."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """List open cases (or all with --all); adopted cases past review are flagged DUE."""
    from jatac.cases.listing import CaseFilter
    from jatac.cases.listing import list_cases as find
    from jatac.clock import today
    from jatac.models.facts import summary

    check_format(fmt)
    repo = open_repo()
    statuses = set(status) | ({"escalated"} if escalated else set())
    keep = CaseFilter(statuses or None, category, location, agency, include_closed=all_)
    records, problems = find(repo, keep)
    rows = [summary(r, repo.settings.review_days, today()) for r in records]
    columns = list(CASE_COLUMNS)
    if fmt == "table":
        columns.append(("next_review", "Review"))
        for row in rows:
            if row["review_due"]:
                row["next_review"] += " DUE"
    if escalated:
        columns.append(("escalated_to", "Escalated to"))
    title = f"{repo.settings.name}: {len(rows)} {'case' if len(rows) == 1 else 'cases'}"
    print_rows(rows, fmt, columns, title=title)
    due = sum(1 for r in rows if r["review_due"])
    if due and fmt == "table":
        typer.secho(f"{due} adopted case(s) past their review date.", fg="yellow", err=True)
    if problems:
        typer.secho(
            f"{len(problems)} file(s) could not be read; run `jatac validate`.",
            fg="yellow",
            err=True,
        )


def show(
    case_id: str = typer.Argument(
        ..., metavar="CASE", help="The case id, e.g. JAT-2026-0001.", autocompletion=completion.case_ids
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or yaml."),
) -> None:
    """Show one case."""
    from jatac.storage.repository import KINDS

    check_format(fmt, ("text", "json", "yaml"))
    repo = open_repo()
    checked = repo.record(KINDS["case"], case_id, as_data=True)
    if fmt == "yaml":
        from jatac.guard.inert import visible
        from jatac.storage.repository import read_text

        text = read_text(repo.path(KINDS["case"], case_id), repo.relpath(KINDS["case"], case_id))
        typer.echo(visible(text, lines=True), nl=False)
        return
    data = {key: value for key, value in checked.items() if value is not None}
    if fmt == "json":
        print_json(data)
        return
    _print_case(repo, data)


def _print_case(repo: Any, data: dict[str, Any]) -> None:
    """One case as labelled lines (plain echo: `show` is the command people run most); what
    the file holds is shown, never obeyed (a control character prints escaped)."""
    from jatac.guard.inert import visible

    sensitive = data.get("marking", "OFFICIAL") != "OFFICIAL"
    if sensitive:
        typer.secho(visible(data["marking"]), fg="red", bold=True)
    typer.echo(typer.style(visible(data["id"]), bold=True) + f"  {visible(data['title'])}")
    for key, value in data.items():
        if key in {"id", "title", "description"} or value in ([], ""):
            continue
        if key == "escalations":
            value = "; ".join(f"{e['on']} to {e['to']}: {e['reason']}" for e in value)
        elif key == "changes":  # the dated changes of status, priority ...
            value = "; ".join(
                f"{c['on']} {c['field']} {c.get('from') or '(none)'} -> {c.get('to') or '(none)'}"
                for c in value
            )
        elif key == "reviews":
            value = "; ".join(
                f"{r['on']}: {r['note']}" + (f" (next by {r['next']})" if r.get("next") else "")
                for r in value
            )
        elif key == "people":
            value = ", ".join(f"{p['ref']} ({p['role']})" for p in value)
        elif key == "references":
            value = "; ".join(
                f"{r['system']} {r['ref']}" + (f" ({r['note']})" if r.get("note") else "") for r in value
            )
        elif key == "links":
            value = "; ".join(
                f"{link['how']} {link['case']}" + (f" ({link['note']})" if link.get("note") else "")
                for link in value
            )
        elif key == "evidence":
            value = "; ".join(f"{e['name']} ({e['size']:,} bytes, {e['added_on']})" for e in value)
        elif key == "not_personal":
            value = "; ".join(f"{p['text']} ({p['reason']})" for p in value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        typer.echo(typer.style(f"{key.replace('_', ' '):<16}", dim=True) + visible(value))
    if data.get("description"):
        typer.echo("")
        typer.echo(visible(data["description"], lines=True))
    if sensitive:
        typer.secho(f"\n{visible(data['marking'])}", fg="red", bold=True)


def edit(
    case_id: str = typer.Argument(
        ..., metavar="CASE", help="The case id, e.g. JAT-2026-0001.", autocompletion=completion.case_ids
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Open a case in your editor ($VISUAL or $EDITOR, else vi; Notepad on Windows); on save it is
    checked, then committed."""
    from jatac.cases.lifecycle import CASE, apply_edit
    from jatac.cli.editing import edit_until_valid

    repo = open_repo()
    loaded = repo.open(CASE, case_id)
    edit_until_valid(
        loaded.text,
        f"{case_id}.yaml",
        lambda text: apply_edit(repo, case_id, text, no_commit=no_commit),
        done=f"{case_id} saved" + (" (staged, not committed)" if no_commit else ""),
    )


def set_fields(
    case_id: str = typer.Argument(
        ..., metavar="CASE", help="The case id, e.g. JAT-2026-0001.", autocompletion=completion.case_ids
    ),
    assignments: list[str] = typer.Argument(
        ..., metavar="FIELD=VALUE...", help="Fields to change; FIELD= empties one."
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Change fields of a case from a script: jatac set JAT-2026-0001 priority=high."""
    from jatac.cases.lifecycle import set_fields as change

    repo = open_repo()
    body = change(repo, case_id, assignments, no_commit=no_commit)
    if not body:
        typer.echo("No change.")
        return
    success(f"{case_id} changed" + (" (staged, not committed)" if no_commit else ""))
    for line in body:
        typer.echo(f"  {line}")


def history(
    case_id: str = typer.Argument(
        ..., metavar="CASE", help="The case id, e.g. JAT-2026-0001.", autocompletion=completion.case_ids
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """A case's whole story, oldest first: who changed what and when, in the case, its SARA
    package and actions, and the minutes, agenda items and fund requests that name it."""
    from jatac.git.history import case_history

    check_format(fmt, ("text", "json"))
    repo = open_repo()
    entries = case_history(repo, case_id)
    if fmt == "json":
        print_json([e.as_dict() for e in entries])
        return
    if not entries:
        typer.echo(f"{case_id} has no committed history yet.")
        return
    from jatac.guard.inert import visible

    for entry in entries:
        c = entry.commit
        when = datetime.fromisoformat(c.when).strftime("%Y-%m-%d %H:%M")
        # commits arrive from every partner's push: their words are shown, never obeyed
        typer.secho(visible(f"{when}  {c.author}  {c.subject}"), bold=True)
        for touched in entry.touched:
            only_layout = "" if touched.changes else ": layout or comments only"
            typer.echo(f"  {visible(touched.record)}{only_layout}")
            for change in touched.changes:
                typer.echo(f"    {_short(_line(change))}")


def _line(change: Any) -> str:
    """A change as history shows it: a field filled in shows its value alone."""
    from jatac.storage.diff import shown

    if change.kind == "changed" and not change.multiline:
        if change.before is None:
            return f"{change.field}: {shown(change.after)}"
        if change.after is None:
            return f"{change.field}: {shown(change.before)} (removed)"
    return str(change.text())


def _short(value: Any) -> str:
    from jatac.guard.inert import visible

    text = visible(str(value).strip().replace("\n", " "))
    return text if len(text) <= 100 else text[:97] + "..."
