"""Sending a meeting's papers to the partners: the agenda, the minutes, and the chase of
action owners before the meeting.

Only agencies that signed the Information Sharing Protocol (and whose signature is not
past review) receive anything, at their functional mailbox in jatac.yaml; every agency
left out is named with the reason. One message per agency: an HTML body (the agenda as
``agenda --format html`` renders it), a plain-text part, the PDF attached, the marking
first in the subject (``OFFICIAL-SENSITIVE: ...``). Each sending is written into the
meeting's file (paper, issue, day, agencies) and committed, so ``git log`` and the meeting
itself say when the agenda went out, and a second issue is known as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac.clock import today
from jatac.errors import NotFound, Refused
from jatac.git.change import Change
from jatac.meetings.files import MEETING, Planned, find, upcoming
from jatac.models.config import Agency
from jatac.models.meeting import Meeting, Paper, Presence, Sending
from jatac.models.vocab import Marking
from jatac.storage.fs import inside
from jatac.storage.outputs import MAIL_HEADER
from jatac.storage.repository import Repository

if TYPE_CHECKING:
    from jatac.cases.action_log import ActionRow
    from jatac.partnership.isp import Receiver


@dataclass
class Outgoing:
    """One message to one agency."""

    agency: Agency
    message: EmailMessage
    attachments: list[tuple[str, int]]  # file name, size in bytes
    marking: Marking = Marking.OFFICIAL_SENSITIVE  # what the message carries (the highest, if unsaid)
    why: str = ""  # why this agency receives it (which member of which group)

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class Plan:
    """A paper ready to go: its messages, who is left out and why, which issue it is."""

    paper: Paper
    planned: Planned
    marking: Marking
    issue: int
    before: list[Sending]  # earlier sendings of the same paper for this meeting
    messages: list[Outgoing] = field(default_factory=list)
    left_out: list[tuple[Agency, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    again: bool = False  # to every agency as the next issue, though some have not had this one
    already: list[str] = field(default_factory=list)  # agencies this issue reached before (the rest go now)


@dataclass
class Sent:
    """What happened: the agencies reached, and those the server refused (with why)."""

    reached: list[Agency]
    refused: list[tuple[Agency, str]]
    via: str
    files: list[Path] = field(default_factory=list)
    unsent: list[Agency] = field(default_factory=list)  # not tried: the sending was cut short
    uncertain: list[Agency] = field(default_factory=list)  # on its way when it was cut short

    @property
    def cut_short(self) -> bool:
        return bool(self.unsent or self.uncertain)


# -- which issue, and whether it is late ------------------------------------------------------


def agenda_issue(planned: Planned, on: date | None = None) -> tuple[str | None, bool]:
    """What to say of an agenda about to be (re)issued, and whether it is late.

    Before any recorded sending: nothing to say, late after the send-by date. After one:
    "first issued on D (on time); this is issue N", and late only if the first issue was:
    a re-issue with late items is not the agenda going out late."""
    on = on or today()
    sent = planned.record.sendings(Paper.agenda) if planned.record else []
    if not sent:
        return None, on > planned.send_by
    first = sent[0]
    timely = "on time" if first.on <= planned.send_by else f"after its send-by date, {planned.send_by}"
    issue = _issue(sent)
    return f"The agenda was first issued on {first.on} ({timely}); this is issue {issue}.", (
        first.on > planned.send_by
    )


def _issue(before: list[Sending]) -> int:
    return max((s.issue for s in before), default=0) + 1


def _not_yet_reached(plan: Plan, included: list[Agency]) -> list[Agency]:
    """Who this run sends to. After a sending that did not reach every agency (cut short, or
    refused by the server, or an agency that can receive since), only those it has not reached,
    as the same issue: nobody gets the paper twice. Once all have it (or with ``again``), every
    agency, as the next issue. A chase goes on only from one sent today: a later chase is new."""
    if plan.again or not plan.before:
        return included
    last = max(s.issue for s in plan.before)
    this_issue = [s for s in plan.before if s.issue == last]
    if plan.paper is Paper.chase and this_issue[-1].on != today():
        return included
    reached = {a for s in this_issue for a in s.to}
    rest = [a for a in included if a.id not in reached]
    if not rest or len(rest) == len(included):
        return included
    plan.issue = last
    plan.already = [a.id for a in included if a.id in reached]
    names = ", ".join(a.name for a in included if a.id in reached)
    what = "the chase of actions" if plan.paper is Paper.chase else f"the {plan.paper.value}"
    issue = f" (issue {last})" if last > 1 else ""
    plan.warnings.append(
        f"{what}{issue} reached {names} on {this_issue[0].on}; this sends it only to the "
        f"{len(rest)} not reached yet (--again sends it to every agency, as issue {last + 1})."
    )
    return rest


# -- who receives it ---------------------------------------------------------------------------


def _mailbox_or_why(agency: Agency) -> str | None:
    if agency.email:
        return None
    return f"has no mailbox in jatac.yaml (jatac agency edit {agency.id} --email TEAM@...)"


def _group_recipients(
    repo: Repository, group_id: str, attended: dict[str, list[str]] | None = None
) -> tuple[list[Receiver], list[tuple[Agency, str]]]:
    from jatac.partnership.isp import recipients

    found = recipients(repo.config, group_id, today(), attended)
    included, left_out = [], list(found.left_out)
    for receiver in found.included:
        why = _mailbox_or_why(receiver.agency)
        if why:
            left_out.append((receiver.agency, why))
        else:
            included.append(receiver)
    return included, left_out


def core_agencies(repo: Repository, planned: Planned) -> set[str]:
    """The agencies in the core group for a meeting: a member of them sits on its group, and
    the group is a core one. A wide group's meeting has none."""
    if planned.group.audience.value != "core":
        return set()
    return {a.id for a in repo.config.agencies if a.members_of(planned.group.id)}


def _admit(repo: Repository, plan: Plan, outgoing: Outgoing) -> None:
    """The one guard every message passes on its way into a plan: an OFFICIAL-SENSITIVE
    message goes only to an agency in the core group for the meeting, whatever else a
    caller or a membership list says; any other is left out, with why."""
    if outgoing.marking is Marking.OFFICIAL or outgoing.agency.id in core_agencies(repo, plan.planned):
        plan.messages.append(outgoing)
        return
    plan.left_out.append(
        (
            outgoing.agency,
            f"the {plan.paper.value} is {outgoing.marking.value} and it is not in the core group "
            f"for this meeting ({plan.planned.group.name})",
        )
    )


def _check_guard(repo: Repository, plan: Plan) -> None:
    """At the point of sending, the same rule again: a plan built by hand cannot pass it."""
    core = core_agencies(repo, plan.planned)
    for outgoing in plan.messages:
        if outgoing.marking is not Marking.OFFICIAL and outgoing.agency.id not in core:
            raise Refused(
                f"the {plan.paper.value} is {outgoing.marking.value}: it is not sent to "
                f"{outgoing.agency.name}, which is not in the core group for {plan.planned.id}",
                hint="Nothing was sent or recorded.",
            )


# -- the messages ---------------------------------------------------------------------------------


def _message(
    sender: str | None,
    agency: Agency,
    subject: str,
    text: str,
    html: str | None,
    files: dict[str, bytes],
    marking: Marking,
    why: str,
) -> Outgoing:
    import email.policy
    from email.utils import format_datetime, make_msgid

    # lines up to 200 before folding: Python folds a long subject before its first word, and the
    # marking then reads " OFFICIAL-SENSITIVE" in some clients (RFC 5322 allows 998)
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=200))
    if sender:
        message["From"] = sender
    message["To"] = str(agency.email)
    message["Subject"] = subject
    message["Date"] = format_datetime(_now())
    message[MAIL_HEADER] = "jatac"  # how the pre-commit hook knows a mail draft, if one is ever added
    message["Message-ID"] = make_msgid(domain=(sender or "jatac.invalid").rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data in files.items():
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return Outgoing(agency, message, [(name, len(data)) for name, data in files.items()], marking, why)


def _now() -> Any:
    from datetime import datetime

    return datetime.now().astimezone()


def _subject(marking: str, what: str, issue: int) -> str:
    # UK government practice: the marking first in the subject line
    return f"{marking}: {what}" + (f" (issue {issue})" if issue > 1 else "")


def _render(repo: Repository, template: str, context: dict[str, Any]) -> tuple[str, str, bytes]:
    from jatac.render.engine import render, render_source

    text = render_source(repo.root, template, "md", context)
    html = render_source(repo.root, template, "html", context)
    return text, html, render(repo.root, template, "pdf", context)


def prepare_agenda(
    repo: Repository, when: str | None, group: str | None, sender: str | None = None, again: bool = False
) -> Plan:
    from jatac.meetings.agenda import build

    planned = find(repo, when, group)
    if planned.cancelled:
        raise Refused(f"the meeting on {planned.day} is cancelled")
    agenda = build(repo, planned)
    marking = Marking(agenda.marking)
    before = planned.record.sendings(Paper.agenda) if planned.record else []
    plan = Plan(Paper.agenda, planned, marking, _issue(before), before, again=again)
    included, plan.left_out = _group_recipients(repo, planned.group.id)
    keep = {a.id for a in _not_yet_reached(plan, [r.agency for r in included])}
    included = [r for r in included if r.agency.id in keep]
    note, late = agenda_issue(planned)
    if note and not plan.already:  # the rest of an issue is not the next issue
        plan.warnings.append(note)
    if late:
        plan.warnings.append(
            f"the agenda for {planned.day} was due out by {planned.send_by} (the Monday before)."
        )
    if not included:
        return plan
    text, html, pdf = _render(repo, agenda.template, agenda.as_template())
    _to_each(repo, plan, included, sender, "Agenda", text, html, pdf)
    return plan


def _to_each(
    repo: Repository,
    plan: Plan,
    included: list[Receiver],
    sender: str | None,
    paper: str,
    text: str,
    html: str,
    pdf: bytes,
) -> None:
    """One message a receiving agency: the paper in the body, its PDF attached."""
    planned = plan.planned
    what = f"{paper}: {planned.group.name}, {planned.day:%A} {planned.day.day} {planned.day:%B %Y}"
    subject = _subject(plan.marking.value, what, plan.issue)
    pdf_name = f"{paper.lower()}-{planned.id}.pdf"
    for receiver in included:
        outgoing = _message(
            sender, receiver.agency, subject, text, html, {pdf_name: pdf}, plan.marking, receiver.why
        )
        _admit(repo, plan, outgoing)


def prepare_minutes(
    repo: Repository, when: str, group: str | None, sender: str | None = None, again: bool = False
) -> Plan:
    from jatac.meetings.minutes import load, render_context

    planned, minutes = load(repo, when, group)
    context = render_context(repo, planned, minutes)
    marking = Marking(context["marking"])
    if planned.group.audience.value == "wide" and marking is not Marking.OFFICIAL:
        # minutes are written for the core audience; the wide group gets OFFICIAL ones only,
        # as on the site (nothing withheld reaches the wide group)
        raise Refused(
            f"the minutes of {planned.id} are marked {marking.value}: they are not sent to the wide group",
            hint="Leave the sensitive case out of these minutes (the wide group's minutes are OFFICIAL).",
        )
    before = planned.record.sendings(Paper.minutes) if planned.record else []
    plan = Plan(Paper.minutes, planned, marking, _issue(before), before, again=again)
    # the group's agencies, and those that attended this meeting (a guest, a deputy)
    attended: dict[str, list[str]] = {}
    for line in minutes.attendance:
        if line.status is Presence.present:
            attended.setdefault(line.agency, []).extend([line.role] if line.role else [])
    included, plan.left_out = _group_recipients(repo, planned.group.id, attended)
    keep = {a.id for a in _not_yet_reached(plan, [r.agency for r in included])}
    included = [r for r in included if r.agency.id in keep]
    if before and not plan.already:
        plan.warnings.append(f"the minutes were sent on {before[0].on}; this is issue {plan.issue}.")
    if not included:
        return plan
    text, html, pdf = _render(repo, "minutes", context)
    _to_each(repo, plan, included, sender, "Minutes", text, html, pdf)
    return plan


def _next_core_meeting(repo: Repository) -> Planned:
    for planned in upcoming(repo, today(), 1):
        if planned.group.audience.value == "core" and not planned.cancelled:
            return planned
    raise NotFound(
        "no coming meeting of a core group to chase actions for", hint="`jatac meetings` shows the schedule."
    )


def prepare_chase(repo: Repository, days: int = 7, sender: str | None = None, again: bool = False) -> Plan:
    """Each owner agency's open actions that are overdue or due within ``days``, before the next
    meeting of the core group (where the action log is gone through)."""
    from jatac.cases.action_log import AsAt
    from jatac.cases.sara import read_action_log
    from jatac.partnership.isp import status

    planned = _next_core_meeting(repo)
    now = today()
    horizon = now + timedelta(days=days)
    # the one action log (no agenda built for it), overdue counted to today as the mail says;
    # the core group's audience sees every case, so nothing is withheld from an owner's chase
    log = read_action_log(repo, AsAt(now))
    rows = [r for r in log.rows() if r.due <= horizon]
    by_owner: dict[str, list[ActionRow]] = {}
    for row in rows:
        by_owner.setdefault(row.owner, []).append(row)
    before = planned.record.sendings(Paper.chase) if planned.record else []
    sensitive = any(r.marking == Marking.OFFICIAL_SENSITIVE.value for r in rows)
    marking = Marking.OFFICIAL_SENSITIVE if sensitive else Marking.OFFICIAL
    plan = Plan(Paper.chase, planned, marking, _issue(before), before, again=again)
    cfg = repo.config
    for owner, actions in by_owner.items():
        agency = cfg.agency_by_id.get(owner)
        if agency is None:
            continue
        state = status(cfg, agency, now)
        why = None if state.may_receive else state.why
        why = why or _mailbox_or_why(agency)
        if why:
            plan.left_out.append((agency, why))
            continue
        own = (
            Marking.OFFICIAL_SENSITIVE
            if any(r.marking == Marking.OFFICIAL_SENSITIVE.value for r in actions)
            else Marking.OFFICIAL
        )
        text, html = _chase_body(cfg.name, agency, actions, planned, log.counted_to)
        subject = _subject(
            own.value,
            f"Actions for {agency.name} before the {planned.group.name} "
            f"on {planned.day.day} {planned.day:%B %Y}",
            1,
        )
        late = sum(1 for r in actions if r.overdue)
        why = (
            f"it owns {len(actions)} action{'s' if len(actions) != 1 else ''} due by {horizon} "
            f"({late} {log.counted_to}): " + ", ".join(r.ref for r in actions)
        )
        _admit(repo, plan, _message(sender, agency, subject, text, html, {}, own, why))
    going = {a.id for a in _not_yet_reached(plan, [m.agency for m in plan.messages])}
    plan.messages = [m for m in plan.messages if m.agency.id in going]
    return plan


def _chase_body(
    partnership: str, agency: Agency, actions: list[ActionRow], planned: Planned, counted_to: str
) -> tuple[str, str]:
    from html import escape

    def state(row: ActionRow) -> str:
        late = row.days_overdue
        return f"overdue by {late} day{'s' if late != 1 else ''}" if row.overdue else f"due {row.due}"

    lines = [
        f"{partnership}: actions owned by {agency.name}",
        "",
        f"Before the {planned.group.name} on {planned.day:%A} {planned.day.day} {planned.day:%B %Y}, "
        "please send the coordinator an update on each of these actions",
        f"(overdue first, then by due date; {counted_to}):",
        "",
    ]
    rows = []
    for row in actions:
        lines.append(f"- {row.ref} ({state(row)}): {row.what}")
        lines.append(f"  Case: {row.case_title}")
        if row.last_update:
            lines.append(f"  Last update: {row.last_update}")
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{escape(str(v))}</td>"
                for v in (row.ref, state(row), row.what, row.case_title, row.last_update)
            )
            + "</tr>"
        )
    html = (
        "<!DOCTYPE html><html><body>"
        f"<h1>{escape(partnership)}: actions owned by {escape(agency.name)}</h1>"
        f"<p>Before the {escape(planned.group.name)} on {planned.day:%A} {planned.day.day} "
        f"{planned.day:%B %Y}, please send the coordinator an update on each of these actions "
        f"(overdue first, then by due date; {escape(counted_to)}):</p>"
        "<table><tr><th>Action</th><th>When</th><th>What</th><th>Case</th><th>Last update</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return "\n".join(lines) + "\n", html


# -- sending, writing .eml drafts, and the record -------------------------------------------------


def _eml_name(outgoing: Outgoing, plan: Plan) -> str:
    issue = f"-issue{plan.issue}" if plan.issue > 1 else ""
    return f"{plan.paper.value}-{plan.planned.id}{issue}-{outgoing.agency.id}.eml"


def _none_can_receive(plan: Plan) -> Refused:
    return Refused(
        f"no agency can receive the {plan.paper.value}",
        hint="Agencies receive papers once they have signed the ISP and have a mailbox in jatac.yaml.",
    )


def write_drafts(repo: Repository, plan: Plan, eml_dir: Path) -> Sent:
    """The plan's messages as .eml drafts in ``eml_dir``, to open and send from Outlook.

    Nothing is recorded: a draft is not the paper sent (the sending that follows is issue 1,
    not issue 2). Each draft says it is unsent (``X-Unsent: 1``, so Outlook opens it to be
    sent) and whom it is from."""
    from jatac.meetings.mail import sender
    from jatac.render.documents import destination
    from jatac.storage.outputs import staged_files

    _check_guard(repo, plan)
    if not plan.messages:
        raise _none_can_receive(plan)
    # every refusal before the first file: where they go, then whom they are from
    files = [destination(repo, eml_dir / _eml_name(o, plan), _eml_name(o, plan)) for o in plan.messages]
    if any("From" not in o.message for o in plan.messages):
        address = sender(repo.root)
        for outgoing in plan.messages:
            if "From" not in outgoing.message:
                outgoing.message["From"] = address
    # all of the drafts arrive together, or none does
    folder = destination(repo, eml_dir, eml_dir.name)
    with staged_files(folder) as staging:
        for outgoing, path in zip(plan.messages, files, strict=True):
            outgoing.message["X-Unsent"] = "1"
            (staging / path.name).write_bytes(bytes(outgoing.message))
    return Sent([o.agency for o in plan.messages], [], "eml", [folder / p.name for p in files])


@contextmanager
def _first_ctrl_c_stops() -> Iterator[Callable[[], bool]]:
    """While papers go out, a first Ctrl-C stops the sending after the message on its way (so
    what was delivered is known exactly and recorded); a second stops it at once."""
    import signal
    import threading

    asked: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return

    def on_ctrl_c(signum: int, frame: Any) -> None:
        if asked:
            raise KeyboardInterrupt
        asked.append(True)

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield lambda: bool(asked)
    finally:
        signal.signal(signal.SIGINT, previous)


def send(repo: Repository, plan: Plan, *, eml_dir: Path | None = None, no_commit: bool = False) -> Sent:
    """Send the plan's messages and record exactly what was delivered (``eml_dir``: write them as
    drafts instead, see ``write_drafts``).

    Each message the server takes is written to a journal in jatac's local state before the
    next goes; when the sending ends, or is cut short by Ctrl-C, the agencies reached are
    recorded in the meeting's file and committed (after a kill, the next jatac command does it,
    see ``settle``). If the mail server cannot be reached nothing is recorded; agencies the
    server refused are not recorded as sent."""
    _check_guard(repo, plan)
    if eml_dir is not None:
        return write_drafts(repo, plan, eml_dir)
    if not plan.messages:
        raise _none_can_receive(plan)
    from jatac.meetings import delivered
    from jatac.meetings.mail import MailProblem, deliver, settings

    if settle(repo):
        raise Refused(
            f"an earlier sending of {plan.planned.id} that was cut short has just been recorded",
            hint="Run the command again: it sends the paper only to the agencies it has not reached.",
        )
    smtp = settings(repo.root)
    for outgoing in plan.messages:
        if "From" not in outgoing.message:
            outgoing.message["From"] = smtp.sender
    agency_of = {id(o.message): o.agency.id for o in plan.messages}
    head = _head(plan)
    with _first_ctrl_c_stops() as stopping, _change(repo, plan.planned.id, no_commit) as change:
        # the record cannot be written over someone's edit: found out before anything is sent
        relpath = repo.relpath(MEETING, plan.planned.id)
        change.audit.require_clean([relpath])
        # and a meeting file that cannot be read (a partner's broken push) is refused now, with
        # its problems, not after the mail has gone and the record cannot be written
        loaded = _loaded(repo, relpath, plan.planned.id)
        journal = delivered.start(repo.root, head, [o.agency.id for o in plan.messages])
        try:
            deliver(
                smtp,
                [o.message for o in plan.messages],
                going=lambda m: journal.going_to(agency_of[id(m)]),
                done=lambda m, why: journal.answer(agency_of[id(m)], why),
                stop=stopping,
            )
        except KeyboardInterrupt:
            if not journal.reached:
                journal.clear()
                raise
            # a second Ctrl-C: what was delivered is recorded all the same
        except MailProblem:
            journal.clear()
            raise
        if not journal.reached:
            journal.clear()
            why = journal.refused[0][1] if journal.refused else "nothing was sent"
            raise Refused(
                f"the mail server refused every message: {why}", hint="Nothing was sent or recorded."
            )
        _write(repo, change, plan.planned, journal, loaded)
    journal.clear()
    return _sent(repo, journal, "smtp")


def _change(repo: Repository, meeting: str, no_commit: bool) -> Change:
    return Change(repo, command="send", subject="", trailers={"Jatac-Meeting": meeting}, no_commit=no_commit)


def _loaded(repo: Repository, relpath: str, meeting: str) -> Any:
    return repo.open(MEETING, meeting) if inside(repo.root, relpath, "meeting").exists() else None


def _head(plan: Plan) -> dict[str, Any]:
    """What the journal keeps of the sending, to record it if this process cannot."""
    return {
        "meeting": plan.planned.id,
        "date": plan.planned.day.isoformat(),
        "group": plan.planned.group.id,
        "paper": plan.paper.value,
        "issue": plan.issue,
        "on": today().isoformat(),
        "marking": plan.marking.value,
        "send_by": plan.planned.send_by.isoformat(),
        "already": plan.already,
        "left_out": [[a.id, why] for a, why in plan.left_out],
    }


def _sent(repo: Repository, journal: Any, via: str) -> Sent:
    by_id = repo.config.agency_by_id

    def agencies(ids: list[str]) -> list[Agency]:
        return [by_id[a] for a in ids if a in by_id]

    return Sent(
        agencies(journal.reached),
        [(by_id[a], why) for a, why in journal.refused if a in by_id],
        via,
        unsent=agencies(journal.unsent),
        uncertain=agencies([journal.going] if journal.going else []),
    )


def _write(repo: Repository, change: Change, planned: Planned, journal: Any, loaded: Any) -> None:
    """The sending as the journal tells it, in the meeting's file and the commit message."""
    head = journal.head
    paper = Paper(head["paper"])
    on = date.fromisoformat(head["on"])
    sending = Sending(
        paper=paper, issue=head["issue"], on=on, to=journal.reached, via="smtp", marking=head["marking"]
    )
    what = {Paper.agenda: "agenda", Paper.minutes: "minutes", Paper.chase: "chase of actions"}[paper]
    issue = f" (issue {sending.issue})" if sending.issue > 1 else ""
    count = len(journal.reached)
    rest = f", the rest of issue {sending.issue}" if head["already"] else ""
    cut = " (cut short)" if journal.going or journal.unsent else ""
    change.command = f"send {paper.value}"
    change.subject = (
        f"{planned.id}: {what}{'' if rest else issue} sent to {count} agenc{'y' if count == 1 else 'ies'}"
        f"{rest}{cut}"
    )[:120]
    change.body.append(f"To: {', '.join(journal.reached)}")
    if paper is Paper.agenda:
        send_by = date.fromisoformat(head["send_by"])
        timely = "on time" if on <= send_by else "late"
        change.body.append(f"On {on}, {timely}: the agenda was due out by {send_by}.")
    if head["already"]:
        change.body.append(f"Reached before, in this issue: {', '.join(head['already'])}")
    for agency, why in journal.refused:
        change.body.append(f"Not delivered to {agency}: {why}")
    if journal.going:
        change.body.append(
            f"May have reached {journal.going}: the sending was cut short while its message was on its way."
        )
    if journal.unsent:
        change.body.append(f"Not sent to {', '.join(journal.unsent)}: the sending was cut short.")
    for agency, why in head["left_out"]:
        change.body.append(f"Left out: {agency}, {why}")
    _record(repo, change, planned, sending, loaded)


def _already_recorded(planned: Planned, journal: Any) -> bool:
    """The journal's sending is in the meeting's file: the commit landed, the clean-up did not."""
    record = planned.record
    if record is None:
        return False
    return any(
        s.paper.value == journal.head["paper"]
        and s.issue == journal.head["issue"]
        and s.on.isoformat() == journal.head["on"]
        and s.to == journal.reached
        for s in record.sent
    )


def settle(repo: Repository, no_commit: bool = False) -> bool:
    """Record what a sending cut short (killed, or its commit interrupted) delivered: the
    agencies its journal says the server took the paper for. True if it recorded one.

    The journal is believed only if it opens with this user's key; one that does not is named
    and left alone. A sending still going on (its jatac holds the lock) is not touched."""
    from jatac.errors import Busy
    from jatac.meetings import delivered
    from jatac.storage.lock import NOTICES, RepoLock

    if not delivered.path(repo.root).exists():
        return False
    lock = RepoLock(repo.root, wait=0)
    try:
        lock.acquire()
    except Busy:
        return False  # its jatac is alive and still sending
    try:
        try:
            journal = delivered.read(repo.root)
        except delivered.NotMadeHere:
            NOTICES.append(
                f"{delivered.NAME} in .jatac/ was not made by jatac on this computer (or is damaged), so "
                "nobody in it was taken as having received a paper. If it came by git, `jatac doctor` "
                "says how to stop sharing .jatac/."
            )
            return False
        if journal is None:
            return False
        head = journal.head
        planned = find(repo, head["date"], head["group"])
        if not journal.reached or _already_recorded(planned, journal):
            journal.clear()
            return False
        with _change(repo, planned.id, no_commit) as change:
            relpath = repo.relpath(MEETING, planned.id)
            change.audit.require_clean([relpath])
            _write(repo, change, planned, journal, _loaded(repo, relpath, planned.id))
        journal.clear()
        what = "the chase of actions" if head["paper"] == Paper.chase.value else f"the {head['paper']}"
        note = (
            f"An interrupted sending of {what} for {planned.id} reached {', '.join(journal.reached)}; "
            "that is now recorded and committed."
        )
        if journal.going:
            note += f" It may also have reached {journal.going} (its message was on its way)."
        NOTICES.append(note)
        return True
    finally:
        lock.release()


def _record(repo: Repository, change: Change, planned: Planned, sending: Sending, loaded: Any) -> None:
    """The sending, in the meeting's file (``loaded``: the file as read before sending, or None)."""
    from ruamel.yaml.comments import CommentedSeq

    from jatac.storage.yaml_roundtrip import dump, ensure, to_yaml

    relpath = repo.relpath(MEETING, planned.id)
    if loaded is None:
        meeting = planned.as_meeting().model_copy(update={"sent": [sending]})
        doc = to_yaml(meeting.model_dump())
        text = None
    else:
        doc, text = loaded.doc, loaded.text
        sent = ensure(doc, "sent", CommentedSeq(), list(Meeting.model_fields))
        sent.append(to_yaml(sending.model_dump()))
    repo.validate_doc(MEETING, doc, relpath, planned.id)
    change.write(relpath, dump(doc), expect=text)
