"""Minutes: scaffolded from the agenda, filled in by the coordinator, rendered, and applied.

Applying carries each structured decision (adopt, new action, close,
escalate, reject, refer) into the cases, one commit each naming the
meeting. It is idempotent: a decision already in effect is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.clock import as_of, today
from jatac.errors import JatacError, NotFound, Problem, Refused
from jatac.git.change import Change
from jatac.guard.marking import require_marking
from jatac.meetings.files import MEETING, Planned, find, following
from jatac.models.case import Issue, Status
from jatac.models.meeting import Decision, Do, MeetingStatus, Minutes
from jatac.models.sara import SaraPackage
from jatac.storage.fs import inside
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, form, to_yaml

MINUTES = KINDS["minutes"]
CASE = KINDS["case"]


def _points(key: str, agenda: dict[str, Any]) -> list[str]:
    """What the agenda lists under a section, for a note above the minute item (the agenda's
    context is already redacted for its audience: nothing withheld reaches the minutes)."""
    if key == "new_issues":
        return [f"{c.id} {c.title}" for c in agenda["proposed_on_time"]] + [
            f"{i.title} (proposed by {agenda['agency_name'].get(i.by, i.by)})" for i in agenda["new_items"]
        ]
    if key == "late_items":
        return [
            f"{i.title} (proposed by {agenda['agency_name'].get(i.by, i.by)})" for i in agenda["late_items"]
        ] + [f"{c.id} {c.title}" for c in agenda["proposed_late"]]
    if key == "partners_items":
        return [
            f"{i.title} (proposed by {agenda['agency_name'].get(i.by, i.by)})"
            for i in agenda["new_items"] + agenda["late_items"]
        ]
    if key == "fund":
        return [f"{r.id} £{r.amount:,.2f}: {r.purpose}" for r in agenda["fund_requests"]] + [
            f"{i.title} (proposed by {agenda['agency_name'].get(i.by, i.by)})" for i in agenda["fund_items"]
        ]
    if key == "closure":
        # a case escalated and being evaluated is one point, not two
        return list(
            dict.fromkeys(
                c.id for c in agenda["escalated"] + agenda["for_closure"] + agenda["being_evaluated"]
            )
        )
    if key == "aob":
        return [
            f"{i.title} (proposed by {agenda['agency_name'].get(i.by, i.by)})" for i in agenda["aob_items"]
        ]
    return []


def _ready_decisions(key: str, agenda: dict[str, Any]) -> CommentedSeq:
    """Decisions the group is there to make, ready to fill in: approve each fund request or not."""
    decisions = CommentedSeq()
    if key == "fund":
        from jatac.partnership.fund import UNDECIDED

        for r in agenda["fund_requests"]:
            if r.status in UNDECIDED:
                ready = CommentedMap([("do", "fund"), ("request", r.id), ("approve", None)])
                ready.fa.set_flow_style()
                decisions.append(ready)
                decisions.yaml_add_eol_comment("approve: true or false", len(decisions) - 1)
    if not decisions:
        decisions.fa.set_flow_style()
    return decisions


def scaffold(repo: Repository, planned: Planned, agenda: dict[str, Any]) -> CommentedMap:
    """The minutes to fill in: attendance by agency, then the agenda's items, numbered as it numbers them."""
    prefix = repo.config.prefix
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
    doc["marking"] = agenda["marking"]
    doc["chair"] = planned.chair or ""
    attendance = CommentedSeq()
    for agency in repo.config.agencies:
        for member in agency.members_of(planned.group.id):
            attendance.append(CommentedMap([("agency", agency.id), ("role", member.role), ("status", None)]))
    doc["attendance"] = attendance

    items = CommentedSeq()
    for section in agenda["sections"]:
        item = form(
            [
                ("ref", f"{prefix}{section.number:02d}", ""),
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
    if agenda["next_meeting"]:
        doc["next_meeting"] = agenda["next_meeting"]
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
                loaded = repo.load(MEETING, planned.id)
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
    return planned, repo.read(MINUTES, planned.id)


def render_context(repo: Repository, planned: Planned, minutes: Minutes) -> dict[str, Any]:
    """What the minutes template shows; marked, like the agenda, by the highest of what it holds
    (minutes naming an OFFICIAL-SENSITIVE case are OFFICIAL-SENSITIVE, whatever they say)."""
    from jatac.guard.audience import decide

    cfg = repo.config
    reader = decide(repo, planned.group, "core", repo.load_facts(CASE)[0])
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


def _record_hand_edits(repo: Repository, relpath: str, meeting_id: str) -> None:
    """Minutes typed in an editor are committed (they are valid: they were just loaded) before
    the decisions they record are carried out, so the trail shows what was decided first.
    Like every commit, through the one change path: locked, checked for personal data."""
    from jatac.git.audit import Audit
    from jatac.storage.yaml_fast import fast_load

    audit = Audit(repo.root)
    audit.require_repo()
    if audit.hand_edited([relpath]):
        at_head = audit.file_at("HEAD", relpath)  # None: not committed before
        committed = None if at_head is None else fast_load(at_head.decode("utf-8"))
        now = fast_load(inside(repo.root, relpath).read_bytes().decode("utf-8"))
        with Change(
            repo,
            command="minutes apply",
            subject=f"{meeting_id}: minutes recorded",
            cases=decided_cases(committed, now),
            trailers={"Jatac-Meeting": meeting_id},
        ) as change:
            change.take(relpath)


def apply_edit(repo: Repository, planned: Planned, text: str) -> list[str]:
    from jatac.git.revision import commit_revision, parse_edit, revise

    edited = parse_edit(repo.load(MINUTES, planned.id), text)
    revision = revise(repo, edited, edited.doc)
    before = revision.loaded.record.model_dump(mode="json") if revision.loaded.record else None
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
    """Decisions that cannot be carried out whatever the order: unknown cases, dates before raising."""
    problems = []
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
            if d.do is Do.escalate and d.to not in repo.config.escalation_by_id:
                problems.append(Problem(relpath, None, None, where, f"unknown escalation level {d.to!r}"))
    return problems


def _already(repo: Repository, d: Decision, meeting_id: str) -> str | None:
    """Why ``d`` is already in effect, or None."""
    from jatac.cases import reviews

    if d.do is Do.fund:
        from jatac.partnership.fund import find_request

        request = find_request(repo, d.request or "")[2]
        done = request.status.value in {"approved", "refused"}
        return f"{request.id} is already {request.status.value}" if done else None
    case: Issue = repo.read(CASE, d.case or "")
    if d.do is Do.adopt and case.status in {Status.adopted, Status.escalated, Status.closed}:
        return f"{case.id} is already {case.status.value}"
    if d.do is Do.close and case.status is Status.closed:
        return f"{case.id} is already closed"
    if d.do is Do.escalate and any(e.to == d.to for e in case.escalations):
        return f"{case.id} is already escalated to {d.to}"
    if d.do is Do.reject and case.status is Status.rejected:
        return f"{case.id} is already rejected"
    if d.do is Do.refer and case.status is Status.referred:
        return f"{case.id} is already referred"
    if d.do is Do.review and reviews.already(case, d.note or "", today()):
        return f"{case.id} already has this review"
    if d.do is Do.action and (repo.root / repo.relpath(KINDS["sara"], case.id)).exists():
        package: SaraPackage = repo.read(KINDS["sara"], case.id)
        if any(a.meeting == meeting_id and a.what == d.what for a in package.response.actions):
            return f"{case.id} already has this action from the meeting"
    return None


def _carry_out(repo: Repository, d: Decision, meeting_id: str) -> None:
    from jatac.cases import lifecycle as cases
    from jatac.cases import reviews, sara
    from jatac.partnership import fund

    if d.do is Do.fund:
        fund.decide(repo, d.request or "", approve=bool(d.approve), meeting=meeting_id)
        return
    assert d.case is not None  # the model requires it for every other decision
    if d.do is Do.adopt:
        sara.adopt(
            repo,
            d.case,
            lead=d.lead or "",
            problem_manager=d.problem_manager or "",
            risk=d.risk.value if d.risk else None,
            meeting=meeting_id,
        )
    elif d.do is Do.action:
        sara.add_action(
            repo,
            d.case,
            d.what or "",
            owner=d.owner or "",
            due=d.due or date.min,
            role=d.role,
            meeting=meeting_id,
        )
    elif d.do is Do.close:
        sara.close(repo, d.case, outcome=d.outcome or "", meeting=meeting_id)
    elif d.do is Do.escalate:
        sara.escalate(
            repo, d.case, to=d.to or "", reason=d.reason or "", skip_level=d.skip_level, meeting=meeting_id
        )
    elif d.do is Do.reject:
        cases.set_fields(repo, d.case, ["status=rejected", f"decision_note={d.reason}"], meeting=meeting_id)
    elif d.do is Do.review:
        reviews.record(repo, d.case, note=d.note or "", next_on=d.next, meeting=meeting_id)
    elif d.do is Do.refer:
        cases.set_fields(
            repo,
            d.case,
            ["status=referred", f"referred_to={d.to}", f"decision_note={d.reason}"],
            meeting=meeting_id,
        )


def apply(repo: Repository, when: str | None, group: str | None = None) -> list[Outcome]:
    """Carry every decision into the cases, in order, dated the day of the meeting."""
    from jatac.errors import InvalidRecord

    planned, minutes = load(repo, when, group)
    relpath = repo.relpath(MINUTES, planned.id)
    require_marking(repo, MINUTES, minutes, relpath)  # hand edits are committed before the decisions
    problems = _check(repo, minutes, relpath)
    if problems:
        raise InvalidRecord(problems, hint="Nothing was applied. Correct the minutes and apply again.")
    _record_hand_edits(repo, relpath, planned.id)
    outcomes = []
    with as_of(planned.day):
        for item in minutes.items:
            for d in item.decisions:
                reason = _already(repo, d, planned.id)
                if reason:
                    outcomes.append(Outcome(item.ref, d, False, reason))
                    continue
                try:
                    _carry_out(repo, d, planned.id)
                except JatacError as e:
                    applied = sum(o.applied for o in outcomes)
                    raise JatacError(
                        f"{item.ref}, {d.do.value} {d.case or d.request}: {e}",
                        hint=f"{applied} decision(s) before it were applied and committed; "
                        "correct this one and apply again (applied ones are skipped).",
                    ) from None
                outcomes.append(Outcome(item.ref, d, True, "applied"))
    return outcomes
