"""Minutes: scaffolded from the agenda, filled in by the coordinator, rendered, and applied.

Applying carries each structured decision (adopt, new action, close,
escalate, reject, refer) into the cases, one commit each naming the
meeting, on or after the meeting's day. It is idempotent: a decision already
in effect is left alone.

Minutes are a draft until circulated, then agreed as a correct record at the
group's next meeting (``agree``), then locked. Once agreed they change only by
a recorded correction (what, why, and the meeting that agreed it), kept beside
them: never edited in, by jatac or by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.clock import as_of, today
from jatac.errors import JatacError, NotFound, Problem, Refused
from jatac.git.agreed import (
    AGREED_DIGEST,
    CORRECTIONS_DIGEST,
    corrections_digest,
    record_digest,
    require_as_agreed,
    seal_agreement,
)
from jatac.git.change import Change
from jatac.guard.marking import require_marking
from jatac.meetings.files import MEETING, Planned, find, following
from jatac.models.case import Issue, Status
from jatac.models.meeting import AGREED, Correction, Decision, Do, MeetingStatus, Minutes, MinutesState
from jatac.models.sara import SaraPackage
from jatac.storage.fs import inside
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, form, set_field, to_yaml

if TYPE_CHECKING:
    from jatac.meetings.agenda import Agenda

MINUTES = KINDS["minutes"]
CASE = KINDS["case"]


def _points(key: str, agenda: Agenda) -> list[str]:
    """What the agenda lists under a section, for a note above the minute item (the agenda is
    already redacted for its audience: nothing withheld reaches the minutes)."""
    items, fund, closure = agenda.proposals, agenda.fund, agenda.closure

    def by(item: Any) -> str:  # the agency that proposed an item, by its name
        return agenda.agency_name.get(item.by, item.by)

    if key == "new_issues":
        return [f"{c.id} {c.title}" for c in items.proposed_on_time] + [
            f"{i.title} (proposed by {by(i)})" for i in items.new_items
        ]
    if key == "late_items":
        return [f"{i.title} (proposed by {by(i)})" for i in items.late_items] + [
            f"{c.id} {c.title}" for c in items.proposed_late
        ]
    if key == "partners_items":
        return [f"{i.title} (proposed by {by(i)})" for i in items.new_items + items.late_items]
    if key == "fund":
        return [f"{r.id} £{r.amount:,.2f}: {r.purpose}" for r in fund.fund_requests] + [
            f"{i.title} (proposed by {by(i)})" for i in fund.fund_items
        ]
    if key == "closure":
        # a case escalated and being evaluated is one point, not two
        return list(
            dict.fromkeys(c.id for c in closure.escalated + closure.for_closure + closure.being_evaluated)
        )
    if key == "aob":
        return [f"{i.title} (proposed by {by(i)})" for i in items.aob_items]
    return []


def _ready_decisions(key: str, agenda: Agenda) -> CommentedSeq:
    """Decisions the group is there to make, ready to fill in: approve each fund request or not."""
    decisions = CommentedSeq()
    if key == "fund":
        from jatac.partnership.fund import UNDECIDED

        for r in agenda.fund.fund_requests:
            if r.status in UNDECIDED:
                ready = CommentedMap([("do", "fund"), ("request", r.id), ("approve", None)])
                ready.fa.set_flow_style()
                decisions.append(ready)
                decisions.yaml_add_eol_comment("approve: true or false", len(decisions) - 1)
    if not decisions:
        decisions.fa.set_flow_style()
    return decisions


def scaffold(repo: Repository, planned: Planned, agenda: Agenda) -> CommentedMap:
    """The minutes to fill in: attendance by agency, then the agenda's items, numbered as it numbers them."""
    doc = CommentedMap()
    doc["meeting"] = planned.id
    doc.yaml_set_start_comment(
        f"Minutes of the {planned.group.name}, {planned.day}.\n"
        "attendance status: present, apologies or absent. Under each item: what was heard,\n"
        "the RESOLVED decisions as text, and `decisions` that `jatac minutes apply` carries out:\n"
        "  - {do: adopt, case: ID, lead: AGENCY, problem_manager: ROLE}\n"
        "  - {do: action, case: ID, what: ..., owner: AGENCY, due: YYYY-MM-DD}\n"
        "  - {do: close, case: ID, outcome: resolved}\n"
        "  - {do: escalate, case: ID, to: performance-group, reason: ...}   (one level at a time; the chair\n"
        "    may decide on more: skip_level: true)\n"
        "  - {do: reject, case: ID, reason: ...}         - {do: refer, case: ID, to: ..., reason: ...}\n"
        "  - {do: review, case: ID, note: what it found}   (next: YYYY-MM-DD, if the group sets it)\n"
        "  - {do: fund, request: FR-2026-003, approve: true}   (true: approved, false: refused; a request\n"
        "    the meeting did not decide: remove its line, and it comes back on the next agenda)"
    )
    doc["marking"] = agenda.marking
    doc["chair"] = planned.chair or ""
    attendance = CommentedSeq()
    for agency in repo.config.agencies:
        for member in agency.members_of(planned.group.id):
            attendance.append(CommentedMap([("agency", agency.id), ("role", member.role), ("status", None)]))
    doc["attendance"] = attendance

    items = CommentedSeq()
    for section in agenda.sections:
        item = form(
            [
                ("ref", section.ref, ""),
                ("title", section.title, ""),
                ("heard", "", ""),
                ("resolved", CommentedSeq([section.resolved] if section.resolved else []), ""),
            ]
        )
        if not item["resolved"]:
            item["resolved"].fa.set_flow_style()
        item["decisions"] = _ready_decisions(section.key, agenda)
        points = _points(section.key, agenda)
        if points:
            note = "On the agenda:\n" + "\n".join(f"  {p}" for p in points)
            item.yaml_set_comment_before_after_key("heard", before=note, indent=4)
        items.append(item)
    doc["items"] = items
    if agenda.next_meeting:
        doc["next_meeting"] = agenda.next_meeting
    return doc


def start(repo: Repository, when: str | None, group: str | None = None, no_commit: bool = False) -> Planned:
    from jatac.meetings.agenda import build

    planned = find(repo, when, group)
    relpath = repo.relpath(MINUTES, planned.id)
    if (repo.root / relpath).exists():
        raise Refused(f"the minutes of {planned.id} already exist", hint=f"Edit {relpath}.")
    doc = scaffold(repo, planned, build(repo, planned))
    require_marking(repo, MINUTES, repo.validate_doc(MINUTES, doc, relpath, planned.id), relpath, doc)
    meeting = planned.as_meeting().model_copy(update={"status": MeetingStatus.held})
    held = planned.record is not None and planned.record.status is MeetingStatus.held
    if not held:  # the meeting's file is written too: it must be marked as high as it names
        require_marking(repo, MEETING, meeting, repo.relpath(MEETING, planned.id))
    meeting_doc = to_yaml(meeting.model_dump())
    with Change(
        repo, command="minutes new", subject=f"{planned.id}: minutes started", meeting=planned.id
    ) as change:
        change.write(relpath, dump(doc))
        if not held:
            if planned.record is not None:
                loaded = repo.open(MEETING, planned.id)
                loaded.doc["status"] = MeetingStatus.held.value
                meeting_doc = loaded.doc
            change.write(repo.relpath(MEETING, planned.id), dump(meeting_doc))
    return planned


def load(repo: Repository, when: str | None, group: str | None = None) -> tuple[Planned, Minutes]:
    planned = find(repo, when, group)
    relpath = repo.relpath(MINUTES, planned.id)
    if not (repo.root / relpath).exists():
        raise NotFound(
            f"there are no minutes of {planned.id}",
            hint=f"Start them with: jatac minutes new {planned.day}",
        )
    return planned, repo.record(MINUTES, planned.id)


def render_context(repo: Repository, planned: Planned, minutes: Minutes) -> dict[str, Any]:
    """What the minutes template shows; marked, like the agenda, by the highest of what it holds
    (minutes naming an OFFICIAL-SENSITIVE case are OFFICIAL-SENSITIVE, whatever they say)."""
    from jatac.guard.audience import decide

    require_as_agreed(repo, minutes, "rendered")  # shown as agreed only if they are what was agreed
    cfg = repo.config
    reader = decide(repo, planned.group, "core", repo.facts(CASE)[0])
    agency_name = {a.id: a.name for a in cfg.agencies}
    by_status: dict[str, list[Any]] = {"present": [], "apologies": [], "absent": [], "not recorded": []}
    for row in minutes.attendance:
        by_status[row.status.value if row.status else "not recorded"].append(row)
    return reader.prepare(
        {
            "partnership": cfg.name,
            "group": planned.group,
            "meeting": planned.as_meeting(),
            "date": planned.day,
            "time": planned.time,
            "venue": planned.venue,
            "chair": minutes.chair or planned.chair,
            "minutes": minutes,
            "state": minutes.state.value,
            "draft": not minutes.agreed,  # DRAFT on every page until agreed as a correct record
            "attendance": by_status,
            "agency_name": agency_name,
            "next_meeting": minutes.next_meeting or following(repo, planned),
        }
    )


@dataclass
class Outcome:
    ref: str
    decision: Decision
    applied: bool
    note: str


def decided_cases(before: Any, after: Any) -> list[str]:
    """The cases whose decisions differ between two versions of minutes (plain data): a
    change to the minutes that decides about a case is part of that case's story."""

    def by_case(data: Any) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        items = data.get("items") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            decisions = item.get("decisions") if isinstance(item, dict) else None
            for d in decisions if isinstance(decisions, list) else []:
                if isinstance(d, dict) and isinstance(d.get("case"), str):
                    found.setdefault(d["case"], []).append((item.get("ref"), d))
        return found

    old, new = by_case(before), by_case(after)
    return sorted(case for case in {*old, *new} if old.get(case) != new.get(case))


_STATE_FIELDS = ("state", "circulated_on", "agreed_at", "corrections")


def _state_of(data: Any) -> tuple[Any, ...]:
    """What says where minutes stand (plain data): changed only by circulate, agree, correct, lock."""
    return tuple(data.get(k) if isinstance(data, dict) else None for k in _STATE_FIELDS)


def _refuse_change_of_state(before: Any, after: Any, meeting_id: str) -> None:
    """Refused: agreed minutes re-edited, or a state written in by hand rather than recorded."""
    day = meeting_id[:10]
    was = before.get("state") if isinstance(before, dict) else None
    if was in {s.value for s in AGREED}:
        raise Refused(
            f"the minutes of {meeting_id} are {was}: they are not edited again",
            hint=f'Record a correction: jatac minutes correct {day} --what "..." --why "..." --at DATE '
            "(the meeting that agreed it).",
        )
    if _state_of(before) != _state_of(after):
        raise Refused(
            f"the minutes of {meeting_id} say where they stand (state, circulated_on, agreed_at, "
            "corrections) only as jatac records it",
            hint=f"Use jatac minutes circulate {day}, minutes agree {day} --at DATE, or minutes correct.",
        )


def _record_hand_edits(
    repo: Repository, relpath: str, meeting_id: str, command: str = "minutes apply"
) -> None:
    """Minutes typed in an editor are committed (they are valid: they were just loaded) before
    the decisions they record are carried out, so the trail shows what was decided first.
    Like every commit, through the one change path: locked, checked for personal data.
    Agreed minutes edited by hand, or a state typed in, are refused (the file is left as it is)."""
    from jatac.git.audit import Audit
    from jatac.storage.yaml_fast import fast_load

    audit = Audit(repo.root)
    audit.require_repo()
    if audit.hand_edited([relpath]):
        at_head = audit.file_at("HEAD", relpath)  # None: not committed before
        committed = None if at_head is None else fast_load(at_head.decode("utf-8"))
        now = fast_load(inside(repo.root, relpath).read_bytes().decode("utf-8"))
        _refuse_change_of_state(committed or {}, now, meeting_id)
        with Change(
            repo,
            command=command,
            subject=f"{meeting_id}: minutes recorded",
            cases=decided_cases(committed, now),
            trailers={"Jatac-Meeting": meeting_id},
        ) as change:
            change.take(relpath)


def apply_edit(repo: Repository, planned: Planned, text: str) -> list[str]:
    from jatac.git.revision import commit_revision, parse_edit, revise

    edited = parse_edit(repo.open(MINUTES, planned.id), text)
    revision = revise(repo, edited, edited.doc)
    before = revision.loaded.record.model_dump(mode="json") if revision.loaded.record else None
    _refuse_change_of_state(before or {}, revision.record.model_dump(mode="json"), planned.id)
    cases = decided_cases(before, revision.record.model_dump(mode="json"))
    commit_revision(
        repo,
        revision,
        command="minutes edit",
        subject=f"{planned.id}: minutes updated" + (f", {revision.phrase}" if revision.phrase else ""),
        trailers={"Jatac-Case": cases},
    )
    return revision.body if revision.changed else []


def _check(repo: Repository, minutes: Minutes, relpath: str) -> list[Problem]:
    """Decisions that cannot be carried out whatever the order: unknown cases, dates before raising,
    a fund request decided twice, or against what the fund records."""
    problems = []
    fund_decisions: dict[str, tuple[str, bool]] = {}  # request -> (item, approve) first seen
    for item in minutes.items:
        for n, d in enumerate(item.decisions, start=1):
            where = f"items {item.ref} decisions {n}"
            if d.case and not (repo.root / repo.relpath(CASE, d.case)).exists():
                problems.append(Problem(relpath, None, None, where, f"there is no case {d.case}"))
            if d.do is Do.fund and d.approve is None:
                problems.append(
                    Problem(
                        relpath,
                        None,
                        None,
                        where,
                        f"the decision on {d.request} is not filled in: approve: true (approved) or "
                        "false (refused); if the meeting did not decide it, remove the line",
                    )
                )
            if d.do is Do.fund:
                from jatac.errors import NotFound as Missing
                from jatac.partnership.fund import find_request

                try:
                    find_request(repo, d.request or "")
                except (Missing, Refused) as e:
                    problems.append(Problem(relpath, None, None, where, str(e)))
                else:
                    conflict = _fund_conflict(repo, d)
                    if conflict:
                        problems.append(Problem(relpath, None, None, where, conflict))
                if d.approve is not None:
                    earlier = fund_decisions.setdefault(d.request or "", (item.ref, d.approve))
                    if earlier[1] != d.approve:
                        problems.append(
                            Problem(
                                relpath,
                                None,
                                None,
                                where,
                                f"{d.request} is decided twice: {_verdict(earlier[1])} under {earlier[0]}, "
                                f"{_verdict(d.approve)} here; the minutes record one decision on it",
                            )
                        )
            if d.do is Do.escalate and d.to not in repo.config.escalation_by_id:
                problems.append(Problem(relpath, None, None, where, f"unknown escalation level {d.to!r}"))
    return problems


def _verdict(approve: bool) -> str:
    return "approved" if approve else "refused"


# -- each kind of decision: whether it is already in effect, and how it is carried out ------


def _case(repo: Repository, d: Decision) -> Issue:
    return repo.record(CASE, d.case or "")


def _fund_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    """Already so (the same decision recorded), or None; a contradicting record is a conflict
    that ``_check`` refuses before anything is carried out."""
    from jatac.partnership.fund import find_request

    request = find_request(repo, d.request or "")[2]
    if request.status.value not in {"approved", "refused"}:
        return None
    how = (
        f"at the meeting {request.meeting}"
        if request.meeting
        else "by the chair's action"
        if request.chair_action
        else f"on {request.decided_on}"
    )
    return f"{request.id} is already {request.status.value} {how}"


def _fund_conflict(repo: Repository, d: Decision) -> str | None:
    """What the fund records against this decision: decided the other way."""
    from jatac.partnership.fund import find_request

    request = find_request(repo, d.request or "")[2]
    decided = {"approved": True, "refused": False}.get(request.status.value)
    if decided is None or d.approve is None or decided == d.approve:
        return None
    how = f" at the meeting {request.meeting}" if request.meeting else ""
    how = how or (" by the chair's action" if request.chair_action else "")
    wanted = "approve" if d.approve else "refuse"
    return (
        f"a conflict: the fund records {request.id} as {request.status.value} on {request.decided_on}{how}, "
        f"but these minutes {wanted} it; correct the minutes (or the fund ledger) so they agree"
    )


def _fund(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.partnership import fund

    request = fund.find_request(repo, d.request or "")[2]
    # the reason in the minutes is why the group approved against the support team's advice
    against = d.reason if d.approve and request.status.value == "not-supported" else None
    fund.decide(repo, d.request or "", approve=bool(d.approve), meeting=meeting_id, against_advice=against)


def _adopt_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    if case.status in {Status.adopted, Status.escalated, Status.closed}:
        return f"{case.id} is already {case.status.value}"
    return None


def _adopt(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import sara

    sara.adopt(
        repo,
        d.case or "",
        lead=d.lead or "",
        problem_manager=d.problem_manager or "",
        risk=d.risk.value if d.risk else None,
        meeting=meeting_id,
    )


def _action_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    if (repo.root / repo.relpath(KINDS["sara"], case.id)).exists():
        package: SaraPackage = repo.record(KINDS["sara"], case.id)
        if any(a.meeting == meeting_id and a.what == d.what for a in package.response.actions):
            return f"{case.id} already has this action from the meeting"
    return None


def _action(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import sara

    sara.add_action(
        repo,
        d.case or "",
        d.what or "",
        owner=d.owner or "",
        due=d.due or date.min,
        role=d.role,
        meeting=meeting_id,
    )


def _close_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    return f"{case.id} is already closed" if case.status is Status.closed else None


def _close(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import sara

    sara.close(repo, d.case or "", outcome=d.outcome or "", meeting=meeting_id)


def _escalate_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    return (
        f"{case.id} is already escalated to {d.to}" if any(e.to == d.to for e in case.escalations) else None
    )


def _escalate(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import sara

    sara.escalate(
        repo, d.case or "", to=d.to or "", reason=d.reason or "", skip_level=d.skip_level, meeting=meeting_id
    )


def _reject_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    return f"{case.id} is already rejected" if case.status is Status.rejected else None


def _reject(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import lifecycle

    lifecycle.set_fields(
        repo, d.case or "", ["status=rejected", f"decision_note={d.reason}"], meeting=meeting_id
    )


def _refer_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    case = _case(repo, d)
    return f"{case.id} is already referred" if case.status is Status.referred else None


def _refer(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import lifecycle

    lifecycle.set_fields(
        repo,
        d.case or "",
        ["status=referred", f"referred_to={d.to}", f"decision_note={d.reason}"],
        meeting=meeting_id,
    )


def _review_already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    from jatac.cases import reviews

    case = _case(repo, d)
    return f"{case.id} already has this review" if reviews.already(case, d.note or "", today()) else None


def _review(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import reviews

    reviews.record(repo, d.case or "", note=d.note or "", next_on=d.next, meeting=meeting_id)


@dataclass(frozen=True)
class Handler:
    """What `minutes apply` does with one kind of decision: ``already`` says why it is already in
    effect (or None), ``carry_out`` makes it so; both get the repository, the decision, the meeting."""

    already: Callable[[Repository, Decision, str], str | None]
    carry_out: Callable[[Repository, Decision, str], None]


HANDLERS: dict[Do, Handler] = {
    Do.adopt: Handler(_adopt_already, _adopt),
    Do.action: Handler(_action_already, _action),
    Do.close: Handler(_close_already, _close),
    Do.escalate: Handler(_escalate_already, _escalate),
    Do.reject: Handler(_reject_already, _reject),
    Do.refer: Handler(_refer_already, _refer),
    Do.fund: Handler(_fund_already, _fund),
    Do.review: Handler(_review_already, _review),
}
assert set(HANDLERS) == set(Do), "every kind of decision has its handler"


def apply(repo: Repository, when: str | None, group: str | None = None) -> list[Outcome]:
    """Carry every decision into the cases, in order, dated the day of the meeting."""
    from jatac.errors import InvalidRecord

    planned, minutes = load(repo, when, group)
    relpath = repo.relpath(MINUTES, planned.id)
    require_as_agreed(repo, minutes, "applied")  # decisions carried out are those agreed
    require_marking(repo, MINUTES, minutes, relpath)  # hand edits are committed before the decisions
    problems = _check(repo, minutes, relpath)
    if problems:
        raise InvalidRecord(problems, hint="Nothing was applied. Correct the minutes and apply again.")
    # a decision takes effect on the day it is made: never before the meeting has been held
    if today() < planned.day:
        raise Refused(
            f"the meeting of {planned.day} has not taken place yet: its decisions cannot be applied",
            hint=f"Apply the minutes on or after {planned.day}.",
        )
    _record_hand_edits(repo, relpath, planned.id)
    _try_first(repo, minutes, planned)
    return _carry_out(repo, minutes, planned)


def _try_first(repo: Repository, minutes: Minutes, planned: Planned) -> None:
    """Every decision carried out on a copy of the repository first, in order, by the same
    rules: one that would be refused stops the apply before any is made (all or nothing)."""
    from jatac.git.trial import files_changed, head, trial_copy

    if all(HANDLERS[d.do].already(repo, d, planned.id) for item in minutes.items for d in item.decisions):
        return  # nothing to carry out
    with trial_copy(repo) as trial:
        base = head(trial)
        try:
            _carry_out(trial, minutes, planned)
        except _Failed as e:
            raise JatacError(
                str(e),
                hint="Nothing was applied. Correct this decision in the minutes and apply again.",
            ) from None
        touched = files_changed(trial, base)
    from jatac.git.audit import Audit

    Audit(repo.root).require_clean(touched)  # a file edited by hand would stop it half way


class _Failed(JatacError):
    """A decision refused while the minutes were being carried out."""


def _carry_out(repo: Repository, minutes: Minutes, planned: Planned) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with as_of(planned.day):
        for item in minutes.items:
            for d in item.decisions:
                handler = HANDLERS[d.do]
                reason = handler.already(repo, d, planned.id)
                if reason:
                    outcomes.append(Outcome(item.ref, d, False, reason))
                    continue
                try:
                    handler.carry_out(repo, d, planned.id)
                except JatacError as e:
                    applied = sum(o.applied for o in outcomes)
                    raise _Failed(
                        f"{item.ref}, {d.do.value} {d.case or d.request}: {e}",
                        hint=f"{applied} decision(s) before it were applied and committed; "
                        "correct this one and apply again (applied ones are skipped).",
                    ) from None
                outcomes.append(Outcome(item.ref, d, True, "applied"))
    return outcomes


# -- draft, circulated, agreed, locked ----------------------------------------------------------


def require_editable(repo: Repository, when: str | None, group: str | None = None) -> Planned:
    """The meeting, if its minutes may still be edited (not yet agreed); else refused with the way."""
    planned, minutes = load(repo, when, group)
    if minutes.agreed:
        _refuse_change_of_state({"state": minutes.state.value}, {}, planned.id)
    return planned


def _committed(repo: Repository, planned: Planned, command: str) -> tuple[Any, str]:
    """The minutes' file, opened for a change of state: hand edits of a draft are committed
    first (as ``minutes apply`` does), of agreed minutes refused."""
    relpath = repo.relpath(MINUTES, planned.id)
    _record_hand_edits(repo, relpath, planned.id, command)
    return repo.open(MINUTES, planned.id), relpath


def _record_state(
    repo: Repository,
    planned: Planned,
    command: str,
    subject: str,
    fields: dict[str, Any],
    body: list[str],
    fixed: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> Minutes:
    """``fixed``: the trailers that fix what the command leaves (the agreed record's digest),
    from the minutes as they will be committed."""
    loaded, relpath = _committed(repo, planned, command)
    order = list(Minutes.model_fields)
    for key, value in fields.items():
        set_field(loaded.doc, key, value, order)
    record: Minutes = repo.validate_doc(MINUTES, loaded.doc, relpath, planned.id)
    require_marking(repo, MINUTES, record, relpath, loaded.doc)
    trailers: dict[str, str | Sequence[str]] = {
        "Jatac-Meeting": planned.id,
        **(fixed(record.model_dump(mode="json")) if fixed else {}),
    }
    with Change(repo, command=command, subject=subject, trailers=trailers) as change:
        change.body.extend(body)
        change.write(relpath, dump(loaded.doc), expect=loaded.text)
    return record


def _meeting_after(repo: Repository, planned: Planned, at: str, what: str) -> Planned:
    """The group's meeting on ``at``: after ``planned``, and held (today is on or after it)."""
    later = find(repo, at, planned.group.id)
    if later.day <= planned.day:
        raise Refused(
            f"minutes are {what} at a later meeting of the {planned.group.name} than {planned.day}",
            hint="Give the date of the meeting that "
            + ("agreed them." if what == "agreed" else "agreed it."),
        )
    if later.day > today():
        raise Refused(
            f"the meeting of {later.day} has not taken place yet", hint="Record it on or after that day."
        )
    return later


def circulate(repo: Repository, when: str | None, group: str | None = None) -> Minutes:
    """Draft minutes sent to the group: still a draft (for comment) until agreed."""
    planned, minutes = load(repo, when, group)
    if minutes.state is not MinutesState.draft:
        raise Refused(f"the minutes of {planned.id} are already {minutes.state.value}")
    if today() < planned.day:
        raise Refused(f"the meeting of {planned.day} has not taken place yet")
    return _record_state(
        repo,
        planned,
        "minutes circulate",
        f"{planned.id}: minutes circulated",
        {"state": MinutesState.circulated.value, "circulated_on": today()},
        [f"state: draft -> circulated, {today()}"],
    )


def agree(repo: Repository, when: str, at: str, group: str | None = None) -> Minutes:
    """The minutes agreed as a correct record at the group's meeting on ``at`` (a later one)."""
    planned, minutes = load(repo, when, group)
    if minutes.agreed:
        raise Refused(
            f"the minutes of {planned.id} were agreed at the meeting of {minutes.agreed_at}",
            hint=f'A change to them is a correction: jatac minutes correct {planned.day} --what "..." '
            '--why "..." --at DATE',
        )
    later = _meeting_after(repo, planned, at, "agreed")
    if minutes.state is MinutesState.draft:
        raise Refused(
            f"the minutes of {planned.id} are a draft nobody has been sent",
            hint=f"Circulate them first: jatac minutes circulate {planned.day}",
        )
    require_as_agreed(repo, minutes, "agreed")  # minutes once agreed and since reset by hand
    record = _record_state(
        repo,
        planned,
        "minutes agree",
        f"{planned.id}: minutes agreed as a correct record at the meeting of {later.day}",
        {"state": MinutesState.agreed.value, "agreed_at": later.day},
        [f"state: {minutes.state.value} -> agreed", f"Agreed at: {later.id}"],
        lambda data: {AGREED_DIGEST: record_digest(data)},
    )
    # what was agreed, kept on this computer too: a history rewritten later cannot change it here
    seal_agreement(repo, repo.relpath(MINUTES, planned.id), record_digest(record.model_dump(mode="json")))
    return record


def correct(repo: Repository, when: str, what: str, why: str, at: str, group: str | None = None) -> Minutes:
    """A correction to agreed minutes, agreed at the meeting on ``at``: recorded beside them."""
    planned, minutes = load(repo, when, group)
    what, why = what.strip(), why.strip()
    if not what or not why:
        raise Refused("a correction says what changes and why", hint='--what "..." --why "..."')
    if minutes.state is MinutesState.locked:
        raise Refused(f"the minutes of {planned.id} are locked: they take no more corrections")
    if not minutes.agreed:
        raise Refused(
            f"the minutes of {planned.id} are not agreed yet ({minutes.state.value})",
            hint=f"Until they are agreed, edit them: jatac minutes edit {planned.day}",
        )
    later = _meeting_after(repo, planned, at, "corrected")
    if minutes.agreed_at and later.day < minutes.agreed_at:
        raise Refused(f"the minutes were agreed on {minutes.agreed_at}: a correction comes at or after that")
    correction = Correction(what=what, why=why, at=later.day)
    corrections = [c.model_dump() for c in [*minutes.corrections, correction]]
    require_as_agreed(repo, minutes, "corrected")  # a correction is to what was agreed
    return _record_state(
        repo,
        planned,
        "minutes correct",
        f"{planned.id}: minutes corrected at the meeting of {later.day}",
        {"corrections": corrections},
        [f"What: {what}", f"Why: {why}", f"Agreed at: {later.id}"],
        lambda data: {CORRECTIONS_DIGEST: corrections_digest(data)},
    )


def lock(repo: Repository, when: str, group: str | None = None) -> Minutes:
    """Agreed minutes closed to corrections (filed)."""
    planned, minutes = load(repo, when, group)
    if minutes.state is not MinutesState.agreed:
        raise Refused(
            f"only agreed minutes are locked; those of {planned.id} are {minutes.state.value}",
            hint=f"Agree them first: jatac minutes agree {planned.day} --at DATE",
        )
    require_as_agreed(repo, minutes, "locked")  # what is filed is what was agreed
    return _record_state(
        repo,
        planned,
        "minutes lock",
        f"{planned.id}: minutes locked",
        {"state": MinutesState.locked.value},
        ["state: agreed -> locked"],
    )


def state_of(repo: Repository, planned: Planned) -> str:
    """Where the minutes of ``planned`` stand, in words for an agenda: 'draft', 'circulated on ...'."""
    relpath = repo.relpath(MINUTES, planned.id)
    if not (repo.root / relpath).exists():
        return "not yet written"
    from jatac.render.engine import shortdate

    try:
        minutes: Minutes = repo.record(MINUTES, planned.id)
    except JatacError:
        return "not readable: see jatac validate"
    require_as_agreed(repo, minutes, "put on the agenda")  # the agenda says they are agreed
    if minutes.state is MinutesState.circulated:
        return f"draft, circulated {shortdate(minutes.circulated_on)}"
    if minutes.agreed:
        return f"{minutes.state.value}, at the meeting of {shortdate(minutes.agreed_at)}"
    return "draft"


# -- filling minutes in without an editor ----------------------------------------------------


def _fillable(repo: Repository, when: str, group: str | None, command: str) -> tuple[Planned, Any, str]:
    """Minutes still being written (not agreed), opened for a change; hand edits committed first."""
    planned = require_editable(repo, when, group)
    loaded, relpath = _committed(repo, planned, command)
    return planned, loaded, relpath


def _save(
    repo: Repository, planned: Planned, loaded: Any, relpath: str, command: str, subject: str, body: list[str]
) -> Minutes:
    record: Minutes = repo.validate_doc(MINUTES, loaded.doc, relpath, planned.id)
    require_marking(repo, MINUTES, record, relpath, loaded.doc)
    with Change(
        repo, command=command, subject=subject[:120], trailers={"Jatac-Meeting": planned.id}
    ) as change:
        change.body.extend(body)
        change.write(relpath, dump(loaded.doc), expect=loaded.text)
    return record


def _ref(repo: Repository, minutes: Minutes, ref: str) -> int:
    """Where the item numbered ``ref`` is (JAT03, or 3 alone), as the agenda numbers it."""
    wanted = ref.strip().upper()
    if wanted.isdigit():
        wanted = f"{repo.config.prefix}{int(wanted):02d}"
    refs = [i.ref for i in minutes.items]
    if wanted not in refs:
        raise NotFound(
            f"the minutes of {minutes.meeting} have no item {ref!r}",
            hint="Items: " + ", ".join(f"{i.ref} {i.title}" for i in minutes.items[:12]),
        )
    return refs.index(wanted)


def record_item(
    repo: Repository,
    when: str,
    ref: str,
    *,
    heard: str | None = None,
    resolved: list[str] | None = None,
    decisions: list[str] | None = None,
    group: str | None = None,
) -> tuple[Minutes, str, list[str]]:
    """What the meeting heard under an item (replacing what was written), what it RESOLVED and
    the decisions `minutes apply` carries out (each added after those already there; a fund
    decision fills in the one left blank for its request). Returns the minutes, the item's ref
    and what changed."""
    resolved = [r.strip() for r in resolved or [] if r.strip()]
    parsed = [parse_decision(repo, d) for d in decisions or []]
    if (heard is None or not heard.strip()) and not resolved and not parsed:
        raise Refused(
            "say what the meeting heard, resolved or decided",
            hint='--heard "...", --resolved "..." and/or --decision "do=... case=..."',
        )
    planned, loaded, relpath = _fillable(repo, when, group, "minutes record")
    at = _ref(repo, loaded.record, ref)
    item = loaded.doc["items"][at]
    the_ref = loaded.record.items[at].ref
    body: list[str] = []
    fields = ["ref", "title", "heard", "resolved", "decisions"]
    if heard is not None and heard.strip() and heard.strip() != loaded.record.items[at].heard:
        # put in afresh: assigned over the scaffold's '' it would keep its quotes
        at_key = list(item).index("heard") if "heard" in item else 2
        item.pop("heard", None)
        item.insert(at_key, "heard", to_yaml(heard.strip()))
        body.append(f"{the_ref} heard: {heard.strip()}")
    existing = list(loaded.record.items[at].resolved)
    fresh = [r for r in resolved if r not in existing]
    if fresh:
        set_field(item, "resolved", existing + fresh, fields)
        body.extend(f"{the_ref} RESOLVED: {r}" for r in fresh)
    for decision in parsed:
        said = _add_decision(item, loaded.record.items[at].decisions, decision)
        if said:
            body.append(f"{the_ref} decision: {said}")
    if not body:
        return loaded.record, the_ref, []
    subject = f"{planned.id}: minutes, {the_ref} recorded"
    return _save(repo, planned, loaded, relpath, "minutes record", subject, body), the_ref, body


def parse_decision(repo: Repository, text: str) -> Decision:
    """A decision written as KEY=VALUE words, as the minutes hold it:
    'do=action case=JAT-2026-0002 what="Increase patrols" owner=tvp due=2027-01-08'."""
    import shlex

    from pydantic import ValidationError

    try:
        words = shlex.split(text)
    except ValueError as e:
        raise Refused(f"the decision {text!r} cannot be read ({e})", hint=_DECISION_HINT) from None
    raw: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise Refused(f"{word!r} in the decision is not KEY=VALUE", hint=_DECISION_HINT)
        raw[key.strip().replace("-", "_")] = value.strip()
    unknown = set(raw) - set(Decision.model_fields)
    if unknown:
        raise Refused(
            f"a decision has no {', '.join(sorted(unknown))}",
            hint="Keys: " + ", ".join(Decision.model_fields),
        )
    try:
        return Decision.model_validate(raw, context={"config": repo.config})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Refused(
            f"the decision {text!r}: {where + ': ' if where else ''}{first['msg']}", hint=_DECISION_HINT
        ) from None


_DECISION_HINT = (
    'For example: --decision "do=fund request=FR-2026-003 approve=true" or '
    "--decision \"do=action case=JAT-2026-0002 what='Increase patrols' owner=tvp due=2027-01-08\""
)


def _add_decision(item: Any, there: list[Decision], decision: Decision) -> str:
    """Add a decision to an item's list (a blank fund decision for the same request is filled in
    instead); returns it as words, or "" when the item already holds it."""
    written = to_yaml(decision.model_dump(exclude_none=True, exclude_defaults=True))
    written.fa.set_flow_style()
    said = " ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in written.items())
    if decision in there:
        return ""
    blank = next(
        (
            n
            for n, d in enumerate(there)
            if decision.do is Do.fund
            and d.do is Do.fund
            and d.request == decision.request
            and d.approve is None
        ),
        None,
    )
    seq = item.get("decisions")
    if not isinstance(seq, CommentedSeq):  # decisions come last in an item
        seq = CommentedSeq()
        item.pop("decisions", None)
        item["decisions"] = seq
    if seq.fa.flow_style():
        seq.fa.set_block_style()
    if blank is not None:
        seq[blank] = written
    else:
        seq.append(written)
    return said


def record_attendance(
    repo: Repository,
    when: str,
    agency: str,
    *,
    role: str | None = None,
    status: str = "present",
    group: str | None = None,
) -> tuple[Minutes, str, bool]:
    """An agency's attendance (present, apologies or absent): all its places at the meeting, or
    the one ``role`` names; a role the minutes do not list is added as a new line. Returns the
    minutes, the line said ("" when already so) and whether a line was added."""
    from jatac.models.meeting import Attendance, Presence

    if agency not in repo.config.agency_by_id:
        raise Refused(f"unknown agency {agency!r}", hint="Agencies: " + ", ".join(repo.config.agency_by_id))
    planned, loaded, relpath = _fillable(repo, when, group, "minutes attend")
    rows = loaded.record.attendance
    wanted = role.strip() if role and role.strip() else None
    matches = [
        n
        for n, row in enumerate(rows)
        if row.agency == agency and (wanted is None or (row.role or "").casefold() == wanted.casefold())
    ]
    state = Presence(status).value
    order = list(Attendance.model_fields)
    changing = [n for n in matches if (rows[n].status.value if rows[n].status else None) != state]
    if matches and not changing:
        return loaded.record, "", False
    if matches:
        for n in changing:
            set_field(loaded.doc["attendance"][n], "status", state, order)
        shown = ", ".join(rows[n].role or agency for n in changing)
    else:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        from jatac.storage.yaml_roundtrip import ensure

        seq = ensure(loaded.doc, "attendance", CommentedSeq(), list(Minutes.model_fields))
        line = CommentedMap([("agency", agency), ("role", wanted), ("status", state)])
        if wanted is None:
            del line["role"]
        seq.append(line)
        shown = wanted or agency
    said = f"{agency} ({shown}): {state}"
    record = _save(
        repo, planned, loaded, relpath, "minutes attend", f"{planned.id}: attendance, {said}", [said]
    )
    return record, said, not matches
