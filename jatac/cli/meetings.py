"""Commands for meetings: meetings, meeting new, item add, agenda, minutes, calendar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from jatac.cli import completion
from jatac.cli.cases import NO_COMMIT
from jatac.cli.output import check_format, print_rows, success, warn
from jatac.cli.state import open_repo

meeting_app = typer.Typer(
    help="A meeting: add one outside the schedule, move one (off a bank holiday), cancel one.",
    no_args_is_help=True,
)
venue_app = typer.Typer(
    help="Where a group usually meets, or where one meeting is held.", no_args_is_help=True
)
item_app = typer.Typer(help="Partners' items for a meeting's agenda.", no_args_is_help=True)
if TYPE_CHECKING:
    from jatac.storage.repository import Repository

minutes_app = typer.Typer(
    help="Write, render and apply a meeting's minutes; circulate them, record agreement and corrections.",
    no_args_is_help=True,
)

WHEN = typer.Argument(
    None, metavar="DATE", help="The meeting's date, YYYY-MM-DD or 7/12/2026 (default: the next one)."
)
GROUP = typer.Option(None, "--group", "-g", help="The group, when two meet that day (id from jatac.yaml).")
DOC_FORMAT = typer.Option("pdf", "--format", "-f", help="pdf, html, md, or docx (Word, to edit and file).")
OUT = typer.Option(
    None,
    "--out",
    "-o",
    help="Write here: outside the case repository, or in its build/ folder (the default), "
    "which git never takes.",
)


def register(app: typer.Typer) -> None:
    app.command("meetings")(meetings)
    app.command("agenda")(agenda)
    app.command("calendar")(calendar)
    app.add_typer(meeting_app, name="meeting")
    app.add_typer(venue_app, name="venue")
    app.add_typer(item_app, name="item")
    app.add_typer(minutes_app, name="minutes")


def meetings(
    count: int = typer.Option(
        3, "--count", "-n", min=1, max=100, help="How many meetings of each group to show (1 to 100)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """The coming meetings of each group, with the agenda send-by date and the item deadline."""
    from jatac.clock import today
    from jatac.meetings.files import upcoming

    check_format(fmt)
    repo = open_repo()
    now = today()
    rows = []
    for p in upcoming(repo, now, count):
        rows.append(
            {
                "date": p.day.isoformat(),
                "day": f"{p.day:%a}",
                "time": p.time,
                "group": p.group.id,
                "group_name": p.group.name,
                "venue": p.venue,
                "items_due": p.items_due.isoformat(),
                "agenda_by": p.send_by.isoformat(),
                "items": len(p.record.items) if p.record else 0,
                "agenda_sent": _sent(p),
                "note": _note(p),
            }
        )
    columns = [
        ("date", "Date"),
        ("day", "Day"),
        ("time", "Time"),
        ("group_name", "Group"),
        ("items_due", "Items due"),
        ("agenda_by", "Agenda out by"),
        ("items", "Items"),
        ("agenda_sent", "Agenda sent"),
        ("note", "Note"),
    ]
    print_rows(rows, fmt, columns, title=f"{repo.config.name}: coming meetings")


def _sent(p: Any) -> str:
    """When the agenda went out (the first issue), and the latest issue if it went out again."""
    from jatac.models.meeting import Paper

    sent = p.record.sendings(Paper.agenda) if p.record else []
    if not sent:
        return ""
    latest = f", issue {sent[-1].issue} {sent[-1].on}" if len(sent) > 1 else ""
    return f"{sent[0].on}{latest}"


def _note(p: Any) -> str:
    """Cancelled or moved, and why, as the schedule records it."""
    if p.cancelled:
        note = "cancelled"
    elif p.moved_from:
        note = f"moved from {p.moved_from}"
    elif p.group.schedule and p.group.schedule.bank_holidays == "keep" and p.bank_holiday:
        return f"{p.bank_holiday}, a bank holiday: move it, or set the group's bank_holidays rule"
    else:
        return ""
    return f"{note} ({p.why})" if p.why else note


@meeting_app.command("new")
def meeting_new(
    group: str = typer.Option(..., "--group", "-g", help="The group (id from jatac.yaml)."),
    date: str = typer.Option(..., "--date", help="YYYY-MM-DD or day/month/year."),
    venue: str = typer.Option(None, "--venue", help="Where (default: the group's venue)."),
    chair: str = typer.Option(None, "--chair", help="Who chairs (default: the group's chair)."),
    time: str = typer.Option(None, "--time", help="HH:MM."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Create a meeting file (scheduled meetings get one when their first item is added)."""
    from jatac.meetings.files import new_meeting, parse_day

    meeting, on_schedule = new_meeting(
        open_repo(),
        group_id=group,
        day=parse_day(date),
        venue=venue,
        chair=chair,
        time=time,
        no_commit=no_commit,
    )
    success(f"Meeting {meeting.id} created.")
    if not on_schedule:
        warn(f"{date} is not on the {group} schedule in jatac.yaml: an extra meeting.")


@meeting_app.command("move")
def meeting_move(
    when: str = typer.Argument(
        ..., metavar="DATE", help="The meeting's date now, YYYY-MM-DD or day/month/year."
    ),
    to: str = typer.Option(..., "--to", help="The day it moves to, YYYY-MM-DD or day/month/year."),
    reason: str = typer.Option(None, "--reason", help='Why, e.g. "Spring bank holiday".'),
    group: str = GROUP,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Move a meeting to another day; its item deadline and agenda date move with it."""
    from jatac.meetings.files import parse_day
    from jatac.meetings.rescheduling import move

    done = move(open_repo(), when, parse_day(to), reason=reason, group_id=group, no_commit=no_commit)
    after = done.after
    assert after is not None
    success(f"{done.before.group.name}: the meeting of {done.before.day} moves to {after.day:%a %d %b %Y}.")
    typer.echo(f"Items due by {after.items_due}; the agenda goes out by {after.send_by}.")


@meeting_app.command("cancel")
def meeting_cancel(
    when: str = typer.Argument(..., metavar="DATE", help="The meeting's date, YYYY-MM-DD or day/month/year."),
    reason: str = typer.Option(..., "--reason", help='Why, e.g. "Christmas".'),
    group: str = GROUP,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Cancel a meeting, saying why; the meetings after it keep their dates."""
    from jatac.meetings.rescheduling import cancel

    done = cancel(open_repo(), when, reason=reason, group_id=group, no_commit=no_commit)
    success(f"{done.before.group.name}: the meeting of {done.before.day} is cancelled.")


@venue_app.command("set")
def venue_set(
    venue: str = typer.Argument(..., metavar="VENUE", help='Where, e.g. "Civic Offices, Committee Room 2".'),
    group: str = typer.Option(None, "--group", "-g", help="The group (id from jatac.yaml)."),
    meeting: str = typer.Option(
        None,
        "--meeting",
        metavar="DATE",
        help="Only this meeting (its date); without it, the group's usual venue.",
    ),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Set where a group usually meets (--group), or where one meeting is held (--meeting DATE)."""
    repo = open_repo()
    if meeting is not None:
        from jatac.meetings.rescheduling import set_meeting_venue

        held = set_meeting_venue(repo, meeting, venue, group_id=group, no_commit=no_commit)
        success(f"{held.id}: meets at {held.venue}.")
        return
    if group is None:
        raise typer.BadParameter(
            "say which: --group GROUP (its usual venue) or --meeting DATE", param_hint="--group"
        )
    from jatac.partnership.config_edits import set_group_venue

    changed = set_group_venue(repo, group, venue, no_commit=no_commit)
    success(f"{changed.name} meets at {changed.venue}.")


@item_app.command("add")
def item_add(
    when: str = typer.Argument(..., metavar="DATE", help="The meeting's date, YYYY-MM-DD or day/month/year."),
    title: str = typer.Argument(..., help="The item, in a line."),
    by: str = typer.Option(
        ..., "--by", help="The agency proposing it (id from jatac.yaml).", autocompletion=completion.agencies
    ),
    case: str = typer.Option(
        None, "--case", help="The case it is about, if any.", autocompletion=completion.case_ids
    ),
    kind: str = typer.Option("issue", "--kind", help="issue, fund (a fund request) or aob."),
    late: bool = typer.Option(False, "--late", help="After the item deadline: the Chair has been told."),
    group: str = GROUP,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Add a partner's item to a meeting's agenda (after the item deadline only with --late)."""
    from jatac.meetings.files import add_item

    planned, item = add_item(
        open_repo(),
        when,
        title,
        by=by,
        case=case,
        kind=kind,
        late=late,
        group_id=group,
        no_commit=no_commit,
    )
    success(f"{planned.id}: item {item.id} added" + (" as a late item" if item.late else "") + ".")
    if late and not item.late:
        typer.echo(f"It is before the item deadline ({planned.items_due}), so it is not a late item.")


@item_app.command("list")
def item_list(
    when: str = WHEN,
    group: str = GROUP,
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """The partners' items on a meeting's agenda: number, title, who proposed it, late or not."""
    from jatac.meetings.items import items

    check_format(fmt)
    planned, found = items(open_repo(), when, group)
    rows = [
        {
            "id": i.id,
            "title": i.title,
            "by": i.by,
            "kind": i.kind.value,
            "case": i.case or "",
            "added_on": i.added_on.isoformat(),
            "late": "late" if i.late else "",
            "note": i.note,
        }
        for i in found
    ]
    columns = [
        ("id", "Item"),
        ("title", "Title"),
        ("by", "By"),
        ("kind", "Kind"),
        ("case", "Case"),
        ("added_on", "Added"),
        ("late", "Late"),
    ]
    if not rows and fmt == "table":
        typer.echo(f"No partners' items for {planned.id} yet (items due by {planned.items_due}).")
        return
    print_rows(rows, fmt, columns, title=f"{planned.group.name}, {planned.day}: partners' items")


@item_app.command("edit")
def item_edit(
    when: str = typer.Argument(..., metavar="DATE", help="The meeting's date, YYYY-MM-DD."),
    ref: str = typer.Argument(
        ..., metavar="ITEM", help="The item's number, as `item list` shows it (I1 ...)."
    ),
    title: str = typer.Option(None, "--title", help="The item, in a line."),
    by: str = typer.Option(None, "--by", help="The agency proposing it (id from jatac.yaml)."),
    case: str = typer.Option(None, "--case", help='The case it is about ("" for none).'),
    kind: str = typer.Option(None, "--kind", help="issue, fund (a fund request) or aob."),
    note: str = typer.Option(None, "--note", help='A note for the Chair ("" to remove it).'),
    group: str = GROUP,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Change a partner's item before the meeting (its title, who proposes it, its case, kind or note)."""
    from jatac.meetings.items import edit_item

    changes = {
        k: v
        for k, v in {"title": title, "by": by, "case": case, "kind": kind, "note": note}.items()
        if v is not None
    }
    if not changes:
        raise typer.BadParameter("say what changes: --title, --by, --case, --kind or --note")
    planned, item, said = edit_item(open_repo(), when, ref, changes, group_id=group, no_commit=no_commit)
    if not said:
        typer.echo("No change.")
        return
    success(f"{planned.id}: item {item.id} changed.")
    for line in said:
        typer.echo(f"  {line}")


@item_app.command("remove")
def item_remove(
    when: str = typer.Argument(..., metavar="DATE", help="The meeting's date, YYYY-MM-DD."),
    ref: str = typer.Argument(
        ..., metavar="ITEM", help="The item's number, as `item list` shows it (I1 ...)."
    ),
    reason: str = typer.Option(None, "--reason", help='Why, e.g. "withdrawn by the police".'),
    group: str = GROUP,
    no_commit: bool = NO_COMMIT,
) -> None:
    """Withdraw a partner's item from the agenda before the meeting (git keeps it)."""
    from jatac.meetings.items import remove_item

    planned, item = remove_item(open_repo(), when, ref, reason=reason, group_id=group, no_commit=no_commit)
    success(f"{planned.id}: item {item.id} withdrawn ({item.title}).")


def agenda(
    when: str = WHEN,
    fmt: str = DOC_FORMAT,
    out: Path = OUT,
    group: str = GROUP,
    audience: str = typer.Option(
        None,
        "--audience",
        help="core or wide (default: the group's); wide leaves out OFFICIAL-SENSITIVE cases.",
    ),
    include_personal: bool = typer.Option(
        False, "--include-personal", help="Core only: people's names instead of their references."
    ),
    recipients: bool = typer.Option(
        False, "--recipients", help="Also list who may receive it (agencies that signed the ISP)."
    ),
) -> None:
    """Assemble a meeting's agenda from the cases and render it (PDF, HTML, Markdown or Word)."""
    from jatac.clock import today
    from jatac.meetings.agenda import build
    from jatac.meetings.files import find
    from jatac.render.documents import build_is_ignored, write

    check_format(fmt, ("pdf", "html", "md", "docx"))
    repo = open_repo()
    planned = find(repo, when, group)
    agenda = build(repo, planned, audience, include_personal)
    path = write(repo, agenda.template, fmt, agenda.as_template(), agenda.stem, out)
    typer.echo(str(path))
    if agenda.withheld:
        typer.echo(f"{agenda.withheld} OFFICIAL-SENSITIVE item(s) withheld from this version.", err=True)
    if recipients:
        _print_recipients(repo, planned.group.id)
    from jatac.meetings.sending import agenda_issue

    # once a sending is recorded, a re-issue (late items added) is not the agenda going out late
    note, late = agenda_issue(planned, today())
    if note:
        typer.echo(note, err=True)
    if late:
        warn(f"the agenda for {planned.day} was due out by {planned.send_by} (the Monday before).")
    if out is None and not build_is_ignored(repo):
        warn("build/ is not in this repository's .gitignore; add it so rendered files stay out of git.")


def calendar(
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="The .ics file to write: outside the case repository, or in build/ "
        "(default: build/meetings.ics).",
    ),
    months: int = typer.Option(12, "--months", min=1, max=60, help="How far ahead, in months (1 to 60)."),
) -> None:
    """Write the meeting schedule (meetings, agenda send-by dates, item deadlines) as an .ics file."""
    from jatac.meetings.calendar import write_calendar

    path, count = write_calendar(open_repo(), out, months=months)
    success(f"{path}: {count} meetings with their deadlines.")


@minutes_app.command("new")
def minutes_new(when: str = WHEN, group: str = GROUP) -> None:
    """Start a meeting's minutes from its agenda: attendance by agency, numbered items."""
    from jatac.meetings.minutes import MINUTES, start

    repo = open_repo()
    planned = start(repo, when, group)
    success(f"Minutes started: {repo.relpath(MINUTES, planned.id)}")
    typer.echo("Fill them in (attendance, what was heard, RESOLVED, decisions), then:")
    typer.echo(f"  jatac minutes render {planned.day}   and   jatac minutes apply {planned.day}")


@minutes_app.command("render")
def minutes_render(when: str = WHEN, fmt: str = DOC_FORMAT, out: Path = OUT, group: str = GROUP) -> None:
    """Render a meeting's minutes (PDF, HTML, Markdown or Word) to circulate; a draft says DRAFT."""
    from jatac.meetings.minutes import load, render_context
    from jatac.render.documents import write

    check_format(fmt, ("pdf", "html", "md", "docx"))
    repo = open_repo()
    planned, minutes = load(repo, when, group)
    path = write(repo, "minutes", fmt, render_context(repo, planned, minutes), f"minutes-{planned.id}", out)
    typer.echo(str(path))


@minutes_app.command("apply")
def minutes_apply(when: str = WHEN, group: str = GROUP) -> None:
    """Carry the minutes' decisions into the cases (adopt, actions, close ...); safe to run twice."""
    from jatac.meetings.minutes import apply

    outcomes = apply(open_repo(), when, group)
    applied = [o for o in outcomes if o.applied]
    for o in outcomes:
        mark = "applied" if o.applied else f"already done ({o.note})"
        target = o.decision.case or o.decision.request
        typer.echo(f"  {o.ref}  {o.decision.do.value} {target}: {mark}")
    if not outcomes:
        typer.echo("The minutes record no decisions to apply.")
    else:
        success(f"{len(applied)} decision(s) applied, {len(outcomes) - len(applied)} already in effect.")


@minutes_app.command("edit")
def minutes_edit(when: str = WHEN, group: str = GROUP) -> None:
    """Open a meeting's minutes in your editor; on save they are checked, then committed.
    Agreed minutes are not edited: record a correction (minutes correct)."""
    from jatac.cli.editing import edit_until_valid
    from jatac.meetings.minutes import MINUTES, apply_edit, require_editable

    repo = open_repo()
    planned = require_editable(repo, when, group)
    text = repo.open(MINUTES, planned.id).text
    edit_until_valid(
        text,
        f"minutes-{planned.id}.yaml",
        lambda t: apply_edit(repo, planned, t),
        done=f"Minutes of {planned.id} saved",
    )


MINUTES_DATE = typer.Argument(..., metavar="DATE", help="The date of the meeting the minutes record.")


@minutes_app.command("circulate")
def minutes_circulate(when: str = MINUTES_DATE, group: str = GROUP) -> None:
    """Record that the draft minutes went out to the group (still a draft until agreed)."""
    from jatac.meetings.minutes import circulate

    minutes = circulate(open_repo(), when, group)
    success(f"Minutes of {minutes.meeting} circulated on {minutes.circulated_on} (a draft until agreed).")


@minutes_app.command("agree")
def minutes_agree(
    when: str = MINUTES_DATE,
    at: str = typer.Option(
        ..., "--at", metavar="DATE", help="The date of the group's later meeting that agreed them."
    ),
    group: str = GROUP,
) -> None:
    """Record that the group agreed the minutes as a correct record, at its next meeting."""
    from jatac.meetings.minutes import agree

    minutes = agree(open_repo(), when, at, group)
    success(f"Minutes of {minutes.meeting} agreed as a correct record at the meeting of {minutes.agreed_at}.")
    typer.echo("From now on they change only by a recorded correction (jatac minutes correct).")


@minutes_app.command("correct")
def minutes_correct(
    when: str = MINUTES_DATE,
    what: str = typer.Option(..., "--what", help='What is corrected, e.g. "JAT05: the lead is tvp".'),
    why: str = typer.Option(..., "--why", help="Why, as the meeting heard it."),
    at: str = typer.Option(
        ..., "--at", metavar="DATE", help="The date of the group's meeting that agreed the correction."
    ),
    group: str = GROUP,
) -> None:
    """Record a correction to agreed minutes: what, why, and at which meeting (kept beside them)."""
    from jatac.meetings.minutes import correct

    minutes = correct(open_repo(), when, what, why, at, group)
    success(f"Correction to the minutes of {minutes.meeting} recorded ({len(minutes.corrections)} in all).")


@minutes_app.command("record")
def minutes_record(
    when: str = MINUTES_DATE,
    ref: str = typer.Argument(
        ..., metavar="ITEM", help="The item's number on agenda and minutes alike (JAT03)."
    ),
    heard: str = typer.Option(None, "--heard", help="What the meeting heard under the item (replaces it)."),
    resolved: list[str] = typer.Option(
        [], "--resolved", help="A RESOLVED decision, in words (repeat for more; added to those there)."
    ),
    decisions: list[str] = typer.Option(
        [],
        "--decision",
        help='A decision `minutes apply` carries out, as KEY=VALUE words: "do=fund request=FR-2026-003 '
        'approve=true", "do=action case=JAT-2026-0002 what=\'Increase patrols\' owner=tvp due=2027-01-08" '
        "(repeat for more).",
    ),
    group: str = GROUP,
) -> None:
    """Write what was heard, RESOLVED and decided under one item of the minutes, without an editor."""
    from jatac.meetings.minutes import record_item

    minutes, the_ref, said = record_item(
        open_repo(), when, ref, heard=heard, resolved=resolved, decisions=decisions, group=group
    )
    if not said:
        typer.echo("No change.")
        return
    success(f"Minutes of {minutes.meeting}: {the_ref} recorded.")
    for line in said:
        typer.echo(f"  {line}")


@minutes_app.command("attend")
def minutes_attend(
    when: str = MINUTES_DATE,
    agency: str = typer.Option(..., "--agency", help="The agency (id from jatac.yaml)."),
    role: str = typer.Option(
        None, "--role", help="Only this member's place (default: all the agency's places)."
    ),
    apologies: bool = typer.Option(False, "--apologies", help="Sent apologies (default: present)."),
    absent: bool = typer.Option(False, "--absent", help="Neither came nor sent apologies."),
    group: str = GROUP,
) -> None:
    """Record an agency's attendance in the minutes: present, or --apologies, or --absent."""
    from jatac.meetings.minutes import record_attendance

    if apologies and absent:
        raise typer.BadParameter("either --apologies or --absent, not both")
    status = "apologies" if apologies else "absent" if absent else "present"
    minutes, said, added = record_attendance(open_repo(), when, agency, role=role, status=status, group=group)
    if not said:
        typer.echo("No change: already recorded so.")
        return
    success(f"Minutes of {minutes.meeting}: {said}.")
    if added:
        typer.echo("A new line in the attendance: the minutes did not list that place for the agency.")


@minutes_app.command("lock")
def minutes_lock(when: str = MINUTES_DATE, group: str = GROUP) -> None:
    """Close agreed minutes to further corrections (when they are filed)."""
    from jatac.meetings.minutes import lock

    minutes = lock(open_repo(), when, group)
    success(f"Minutes of {minutes.meeting} locked.")


def _print_recipients(repo: Repository, group_id: str) -> None:
    from jatac.cli.output import print_left_out
    from jatac.clock import today
    from jatac.partnership.isp import recipients

    found = recipients(repo.config, group_id, today())
    typer.echo("\nSend to (a member sits on the group, and the agency signed the ISP):")
    for receiver in found.included:
        typer.echo(f"  {receiver.agency.name}: {receiver.why}")
    print_left_out(found.left_out)
