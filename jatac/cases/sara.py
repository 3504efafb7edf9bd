"""The life of an adopted case: adopt, action plan, evaluate, escalate, close.

Each function is one change to the repository and one commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.cases.action_log import ActionLog, ActionRow, AsAt, action_log, from_data, from_models
from jatac.cases.lifecycle import CASE, revise_case
from jatac.clock import today
from jatac.errors import InvalidRecord, NotFound, Problem, Refused
from jatac.git.change import Change
from jatac.git.revision import Revision, commit_revision, date_changes, revise
from jatac.models.case import Issue, Outcome, Status, passed_over
from jatac.models.sara import Action, ActionChange, ActionStatus, Response, SaraPackage, split_action_ref
from jatac.storage.problems import check_new
from jatac.storage.repository import KINDS, Loaded, Repository
from jatac.storage.yaml_roundtrip import dump, ensure, form, position, set_field, to_yaml

SARA = KINDS["sara"]
PACKAGE_FIELDS = list(SaraPackage.model_fields)
ACTION_FIELDS = list(Action.model_fields)


def _check_agency(repo: Repository, agency: str, what: str = "agency") -> None:
    known = repo.config.agency_by_id
    if agency not in known:
        raise Refused(f"unknown {what} {agency!r}", hint="Agencies: " + ", ".join(sorted(known)))


def load_case(repo: Repository, case_id: str) -> Loaded:
    return repo.open(CASE, case_id)


def read_package(repo: Repository, case_id: str) -> SaraPackage:
    """The package, for reading only."""
    _require_package(repo, case_id)
    package: SaraPackage = repo.record(SARA, case_id)
    return package


def load_package(repo: Repository, case_id: str, case: Issue | None = None) -> Loaded:
    """The package, to change it (``case``: its case, if read already: not read twice)."""
    _require_package(repo, case_id)
    return repo.open(SARA, case_id, case)


def _require_package(repo: Repository, case_id: str) -> None:
    CASE.check_id(case_id)
    if not (repo.root / repo.relpath(SARA, case_id)).exists():
        raise NotFound(
            f"{case_id} has no SARA package",
            hint=f"A case gets one when it is adopted: jatac adopt {case_id} --lead AGENCY "
            "--problem-manager ROLE",
        )


# -- adopt ----------------------------------------------------------------------


def package_form(case: Issue, locality_name: str) -> CommentedMap:
    """A new package: every stage present, blanks to fill in, a hint on each line."""
    doc = CommentedMap()
    doc["case"] = case.id
    doc.yaml_set_start_comment(
        f"SARA problem-solving package for {case.id}: {case.title}\n"
        "Fill in each stage as the work goes; `jatac sara show` lists what is still missing."
    )
    doc["objective"] = form(
        [
            ("impact", None, "eliminate, reduce, reduce-harm, handle-better or hand-over"),
            ("reduce_by_percent", None, "for reduce: by how much"),
            ("measure", None, "what will be counted, e.g. ASB calls about the parade"),
            ("baseline", None, "the count now, with its period"),
        ]
    )
    doc["scanning"] = form(
        [
            ("problem", case.description or case.title, "the problem, in a few lines"),
            (
                "came_to_notice",
                f"Raised by {case.raised_by} on {case.raised_on}.",
                "how it came to notice",
            ),
            ("locations", CommentedSeq([case.place or locality_name]), ""),
            ("time_pattern", None, "days and times it happens"),
            ("affected", "", "who is affected (no names)"),
        ]
    )
    triangle = form([("victim", "", ""), ("offender", "", ""), ("location", "", "")])
    doc["analysis"] = form(
        [
            ("data", CommentedSeq(), "figures from each agency: agency, source, period, figure"),
            ("triangle", triangle, "victim, offender, location"),
            ("hypotheses", CommentedSeq(), "why it happens, to test"),
            ("causes", CommentedSeq(), "causes found: id (C1, C2 ...) and cause"),
        ]
    )
    doc["response"] = form(
        [
            ("tactics", CommentedSeq(), "tactic and the causes it targets (targets: [C1])"),
            ("actions", CommentedSeq(), "added with jatac action add"),
        ]
    )
    for key in ("analysis", "response"):
        for inner in doc[key]:
            if isinstance(doc[key][inner], CommentedSeq):
                doc[key][inner].fa.set_flow_style()
    return doc


def adopt(
    repo: Repository,
    case_id: str,
    *,
    lead: str,
    problem_manager: str,
    risk: str | None = None,
    meeting: str | None = None,
    no_commit: bool = False,
) -> Issue:
    _check_agency(repo, lead, "lead agency")
    if not problem_manager.strip():
        raise Refused("a problem manager is needed", hint='For example: --problem-manager "ASB Team Leader"')
    loaded = load_case(repo, case_id)
    case: Issue = loaded.record
    if case.status is not Status.proposed:
        raise Refused(
            f"{case_id} is {case.status.value}; only a proposed case can be adopted",
            hint="A closed case is reopened with: jatac set CASE status=adopted"
            if case.status is Status.closed
            else None,
        )
    doc = loaded.doc
    for key, value in (
        ("status", Status.adopted.value),
        ("lead", lead),
        ("problem_manager", problem_manager.strip()),
        ("adopted_on", today()),
        ("risk", risk),
    ):
        if value is not None:
            set_field(doc, key, value, CASE.fields)
    revision = revise_case(repo, loaded, doc)
    package_path = repo.relpath(SARA, case_id)
    new_package = not (repo.root / package_path).exists()
    if new_package:
        locality = repo.config.locality_by_id[case.location].name
        package_text = dump(package_form(revision.record, locality))
        repo.validate_doc(
            SARA,
            package_form(revision.record, locality),
            package_path,
            case_id,
            case=revision.record,
        )
    with Change(
        repo,
        command="adopt",
        subject=f"{case_id}: adopted, lead {lead}",
        cases=[case_id],
        no_commit=no_commit,
        meeting=meeting,
    ) as change:
        revision.write(change)
        if new_package:
            change.body.append(f"SARA package started: {package_path}")
            change.write(package_path, package_text)
    return revision.record


# -- the package ----------------------------------------------------------------


def package_for_edit(repo: Repository, case_id: str) -> Loaded:
    """The package to edit: its file, or a blank form for an adopted case without one."""
    try:
        return load_package(repo, case_id)
    except NotFound:
        case = _open_case(repo, case_id, "a SARA package")
        doc = package_form(case, repo.config.locality_by_id[case.location].name)
        return Loaded(SARA, repo.relpath(SARA, case_id), "", doc, None)


def apply_package_edit(repo: Repository, case_id: str, text: str, *, no_commit: bool = False) -> list[str]:
    from jatac.git.revision import parse_edit

    edited = parse_edit(package_for_edit(repo, case_id), text)
    revision = revise_package(repo, edited, edited.doc, case=repo.record(CASE, case_id))
    commit_revision(repo, revision, command="sara edit", no_commit=no_commit)
    return revision.body if revision.changed else []


def revise_package(repo: Repository, loaded: Loaded, doc: CommentedMap, case: Issue) -> Revision:
    """The package's next state, whatever changed it (a command or an edit by hand): a change
    of an action's due date or owner is dated in the action's ``changes``; an action is never
    removed, and a finished one stays finished, or the figures already reported for the
    periods it was open in would change."""
    old: SaraPackage | None = loaded.record
    actions = (doc.get("response") or {}).get("actions") if isinstance(doc.get("response"), dict) else None
    if old is not None and isinstance(actions, list):
        items = {item.get("id"): (n, item) for n, item in enumerate(actions) if isinstance(item, dict)}
        for action in old.response.actions:
            n, item = items.get(action.id, (0, None))
            if item is None:
                raise _kept(
                    loaded,
                    doc,
                    ("response", "actions"),
                    f"action {action.id} is gone: an action is "
                    f"never removed; cancel it: jatac action cancel {old.case}/{action.id} --note ...",
                )
            finished = action.status is not ActionStatus.open
            if finished and str(item.get("status", "")).strip() != action.status.value:
                on = action.done_on or action.cancelled_on
                raise _kept(
                    loaded,
                    doc,
                    ("response", "actions", n, "status"),
                    f"action {action.id} was "
                    f"{action.status.value}{f' on {on}' if on else ''} and stays so; add a new "
                    f"action: jatac action add {old.case} ...",
                )
            date_changes(
                item, {"due": action.due.isoformat(), "owner": action.owner}, ActionChange, ACTION_FIELDS
            )
    return revise(repo, loaded, doc, case=case)


def _kept(loaded: Loaded, doc: CommentedMap, where: tuple[str | int, ...], message: str) -> InvalidRecord:
    line, col = position(doc, where)
    field = ".".join(str(p) for p in where)
    return InvalidRecord(
        [Problem(loaded.relpath, line, col, field, message)],
        hint="The Performance Group's figures for a past period count every action as it was then.",
    )


def _open_case(repo: Repository, case_id: str, doing: str) -> Issue:
    case: Issue = repo.record(CASE, case_id)
    if case.status not in {Status.adopted, Status.escalated}:
        raise Refused(f"{case_id} is {case.status.value}; {doing} is for adopted cases")
    return case


def _actions_doc(doc: CommentedMap) -> CommentedSeq:
    response = ensure(doc, "response", CommentedMap(), PACKAGE_FIELDS)
    actions: CommentedSeq = ensure(response, "actions", CommentedSeq(), list(Response.model_fields))
    if actions.fa.flow_style():
        actions.fa.set_block_style()
    return actions


def add_action(
    repo: Repository,
    case_id: str,
    what: str,
    *,
    owner: str,
    due: date,
    role: str | None = None,
    meeting: str | None = None,
    no_commit: bool = False,
) -> Action:
    case = _open_case(repo, case_id, "an action plan")
    _check_agency(repo, owner, "owner agency")
    if due < case.raised_on:
        raise Refused(f"due {due} is before the case was raised ({case.raised_on})")
    loaded = load_package(repo, case_id, case)
    package: SaraPackage = loaded.record
    action = check_new(
        Action,
        {
            "id": package.next_action_id(),
            "what": what,
            "owner": owner,
            "role": role,
            "due": due,
            "set_on": min(today(), due),
            "meeting": meeting,
        },
        repo.config,
        "new action",
    )
    doc = loaded.doc
    _actions_doc(doc).append(to_yaml(action.model_dump()))
    revision = revise_package(repo, loaded, doc, case=case)
    commit_revision(
        repo,
        revision,
        command="action add",
        no_commit=no_commit,
        meeting=meeting,
        subject=f"{case_id}: action {action.id} for {owner}, due {due}",
    )
    return action


def _find_action(repo: Repository, ref: str) -> tuple[Loaded, CommentedMap, Action, Issue]:
    parts = split_action_ref(ref)
    if parts is None:
        raise Refused(f"{ref!r} is not an action", hint="Actions are named CASE/An, e.g. JAT-2026-0001/A2.")
    case_id, action_id = parts
    case = _open_case(repo, case_id, "changing actions")
    loaded = load_package(repo, case_id, case)
    action = loaded.record.action(action_id)
    if action is None:
        have = ", ".join(a.id for a in loaded.record.response.actions) or "none yet"
        raise NotFound(f"{case_id} has no action {action_id}", hint=f"Its actions: {have}.")
    item = next(a for a in _actions_doc(loaded.doc) if a.get("id") == action_id)
    return loaded, item, action, case


def _add_update(item: CommentedMap, note: str) -> None:
    updates = ensure(item, "updates", CommentedSeq(), list(Action.model_fields))
    updates.append(to_yaml({"on": today(), "note": note}))


def update_action(
    repo: Repository,
    ref: str,
    *,
    note: str | None = None,
    due: date | None = None,
    owner: str | None = None,
    no_commit: bool = False,
) -> Action:
    loaded, item, action, case = _find_action(repo, ref)
    if action.status is not ActionStatus.open:
        raise Refused(f"{ref} is {action.status.value}; only an open action is updated")
    if not (note or due or owner):
        raise Refused("nothing to update", hint="Give --note, --due or --owner.")
    order = list(Action.model_fields)
    words = []
    if due is not None:
        set_field(item, "due", due, order)
        words.append(f"due {action.due} -> {due}")
    if owner is not None:
        _check_agency(repo, owner, "owner agency")
        set_field(item, "owner", owner, order)
        words.append(f"owner {action.owner} -> {owner}")
    if note:
        _add_update(item, note)
    revision = revise_package(repo, loaded, loaded.doc, case=case)
    commit_revision(
        repo,
        revision,
        command="action update",
        no_commit=no_commit,
        subject=f"{case.id}: action {action.id} updated" + (f", {', '.join(words)}" if words else ""),
    )
    return revision.record.action(action.id)


def finish_action(
    repo: Repository, ref: str, *, note: str, cancel: bool = False, no_commit: bool = False
) -> Action:
    loaded, item, action, case = _find_action(repo, ref)
    if action.status is not ActionStatus.open:
        raise Refused(f"{ref} is already {action.status.value}")
    if not note or not note.strip():
        raise Refused(
            "say what was done" if not cancel else "say why it is cancelled",
            hint=f'For example: --note "{"No longer needed" if cancel else "Installed 12 Dec"}"',
        )
    order = list(Action.model_fields)
    status = ActionStatus.cancelled if cancel else ActionStatus.done
    set_field(item, "status", status.value, order)
    set_field(item, "cancelled_on" if cancel else "done_on", today(), order)
    _add_update(item, note.strip())
    revision = revise_package(repo, loaded, loaded.doc, case=case)
    commit_revision(
        repo,
        revision,
        command="action cancel" if cancel else "action done",
        no_commit=no_commit,
        subject=f"{case.id}: action {action.id} {status.value}",
    )
    return revision.record.action(action.id)


def as_dict(row: ActionRow, as_at: AsAt) -> dict[str, Any]:
    """An action row as `action list` writes it (JSON, CSV and the table)."""
    return {
        "action": row.ref,
        "case": row.case,
        "title": row.case_title,
        "what": row.what,
        "owner": row.owner,
        "role": row.role,
        "due": row.due.isoformat(),
        "status": "overdue" if row.overdue else row.status,
        "days_overdue": row.days_overdue,
        "last_update": row.last_update or None,
        "meeting": row.meeting,
        "overdue_counted_to": as_at.day.isoformat(),
    }


def read_action_log(repo: Repository, as_at: AsAt | None = None) -> ActionLog:
    """The repository's one action log (jatac/cases/action_log.py), from the read index:
    overdue counted to today unless ``as_at`` says otherwise."""
    facts, _ = repo.facts(CASE)
    packages, _ = repo.records(SARA, as_data=True)
    pending = from_data({d["id"]: d for d in facts}, packages)
    return action_log(pending, repo.config.agencies, as_at or AsAt(today()))


def case_actions(repo: Repository, case: Issue, package: SaraPackage, as_at: AsAt) -> list[ActionRow]:
    """One case's whole action plan: its open actions as the action log has them (in its
    order), then the finished ones (and, of a closed case, every one) by number."""
    log = action_log(from_models([case], {case.id: package}), repo.config.agencies, as_at)
    rows = log.rows()
    logged = {r.ref for r in rows}
    names = {a.id: a.name for a in repo.config.agencies}
    for a in package.response.actions:
        if f"{case.id}/{a.id}" in logged:
            continue
        rows.append(
            ActionRow(
                ref=f"{case.id}/{a.id}",
                case=case.id,
                case_title=case.title,
                what=a.what,
                owner=a.owner,
                owner_name=names.get(a.owner, a.owner),
                due=a.due,
                overdue=False,
                days_overdue=0,
                last_update=a.updates[-1].note if a.updates else "",
                marking=case.marking.value,
                role=a.role,
                meeting=a.meeting,
                status=a.status.value,
            )
        )
    return rows


def action_rows(
    repo: Repository,
    *,
    overdue_only: bool = False,
    agency: str | None = None,
    case_id: str | None = None,
    include_finished: bool = False,
    as_at: AsAt | None = None,
) -> list[ActionRow]:
    """The chase list: the action log's rows (open actions of open cases, in its one order),
    or one case's actions (``include_finished``: finished ones too)."""
    if agency:
        _check_agency(repo, agency)
    as_at = as_at or AsAt(today())
    if case_id:
        case = repo.record(CASE, case_id)
        rows = case_actions(repo, case, read_package(repo, case_id), as_at)
        if not include_finished:
            rows = [r for r in rows if r.status == "open"]
    else:
        rows = read_action_log(repo, as_at).rows()
    return [r for r in rows if (not overdue_only or r.overdue) and (not agency or r.owner == agency)]


# -- evaluate, escalate, close ------------------------------------------------------


def assessment_form(package: SaraPackage) -> CommentedMap:
    measure = form(
        [
            ("measure", package.objective.measure or "incidents", "what was counted"),
            ("before", None, "the count before the response"),
            ("before_period", package.objective.baseline, ""),
            ("after", None, "the count after"),
            ("after_period", None, ""),
        ]
    )
    return form(
        [
            ("completed_on", None, "the date the evaluation was completed"),
            ("process", "", "was the response delivered as planned?"),
            ("impact", "", "were the objectives met?"),
            ("objective_met", None, "met, partly or not-met"),
            ("measures", CommentedSeq([measure]), "before and after"),
            ("results", CommentedSeq(), "what changed (outputs stay in the response)"),
            ("cost", None, "in pounds"),
            ("funding", None, "where the money came from"),
            ("worked", "", ""),
            ("did_not_work", "", ""),
            ("good_practice", "", ""),
            ("learning", "", "learning points for next time"),
            ("recommendation", None, "close, continue or escalate"),
        ]
    )


def evaluate(repo: Repository, case_id: str, *, no_commit: bool = False) -> Revision:
    case = _open_case(repo, case_id, "an evaluation")
    loaded = load_package(repo, case_id, case)
    package: SaraPackage = loaded.record
    if package.assessment is not None:
        raise Refused(
            f"{case_id}'s evaluation form is already started",
            hint=f"Fill it in with: jatac sara edit {case_id}",
        )
    doc = loaded.doc
    doc["assessment"] = assessment_form(package)
    results = doc["assessment"]["results"]
    results.fa.set_flow_style()
    revision = revise_package(repo, loaded, doc, case=case)
    revision.body = ["evaluation form started (assessment stage)"]
    return commit_revision(
        repo,
        revision,
        command="evaluate",
        no_commit=no_commit,
        subject=f"{case_id}: evaluation form started",
    )


def escalate(
    repo: Repository,
    case_id: str,
    *,
    to: str,
    reason: str,
    skip_level: bool = False,
    no_commit: bool = False,
    meeting: str | None = None,
) -> Issue:
    """Take a case up one level (JATAC -> Performance Group -> RAG); more than one only with
    ``skip_level``, a chair's decision, recorded in the escalation and the commit."""
    levels = [e.id for e in repo.config.escalation]
    if to not in levels:
        raise Refused(f"unknown escalation level {to!r}", hint="Levels, in order: " + " -> ".join(levels))
    if not reason.strip():
        raise Refused(
            "an escalation needs a reason",
            hint='For example: --reason "No reduction after 3 months"',
        )
    loaded = load_case(repo, case_id)
    case: Issue = loaded.record
    if case.status not in {Status.adopted, Status.escalated}:
        raise Refused(f"{case_id} is {case.status.value}; only an adopted case is escalated")
    # a case handed back to the partnership's own group goes up from the first level again
    current = case.escalated_to if case.status is Status.escalated else None
    if current is not None and levels.index(to) <= levels.index(current):
        above = levels[levels.index(current) + 1 :]
        raise Refused(
            f"{case_id} is already escalated to {current}",
            hint=f"The next level is {above[0]}." if above else "It is at the highest level.",
        )
    skipped = passed_over(levels, current, to)
    if skipped and not skip_level:
        name = repo.config.escalation_by_id[skipped[0]].name
        raise Refused(
            f"{case_id} goes up one level at a time: the next level is {skipped[0]} ({name})",
            hint=f"Escalate to {skipped[0]} first; or, if the chair has decided it goes straight to "
            f"{to}, add --skip-level (the --reason says why).",
        )
    if skip_level and not skipped:
        raise Refused(
            f"{to} is the next level for {case_id}: no level is skipped", hint="Leave out --skip-level."
        )
    doc = loaded.doc
    set_field(doc, "status", Status.escalated.value, CASE.fields)
    escalations = ensure(doc, "escalations", CommentedSeq(), CASE.fields)
    step = to_yaml({"to": to, "on": today(), "reason": reason.strip(), "skipped": skipped})
    if skipped:
        step["skipped"].fa.set_flow_style()  # skipped: [performance-group]
    escalations.append(step)
    revision = revise_case(repo, loaded, doc)
    if skipped:
        revision.body.append(f"Skipped {', '.join(skipped)} by the chair's decision: {reason.strip()}")
    commit_revision(
        repo,
        revision,
        command="escalate",
        no_commit=no_commit,
        meeting=meeting,
        subject=f"{case_id}: escalated to {to}"
        + (f", skipping {', '.join(skipped)} (chair's decision)" if skipped else ""),
    )
    return revision.record


def close(
    repo: Repository,
    case_id: str,
    *,
    outcome: str,
    note: str | None = None,
    no_commit: bool = False,
    meeting: str | None = None,
) -> Issue:
    outcomes = [o.value for o in Outcome]
    if outcome not in outcomes:
        raise Refused(f"{outcome!r} is not an outcome", hint="Outcomes: " + ", ".join(outcomes))
    loaded = load_case(repo, case_id)
    case: Issue = loaded.record
    if case.status is Status.proposed:
        raise Refused(
            f"{case_id} was never adopted",
            hint=f"A proposed case is rejected or referred: jatac set {case_id} status=rejected "
            '"decision_note=..."',
        )
    if case.status not in {Status.adopted, Status.escalated}:
        raise Refused(f"{case_id} is already {case.status.value}")
    package: SaraPackage = read_package(repo, case_id)
    if package.assessment is None:
        raise Refused(
            f"{case_id} has no evaluation; an adopted case is not closed without one",
            hint=f"Start the evaluation form with: jatac evaluate {case_id}",
        )
    missing = package.assessment.missing()
    if missing:
        raise Refused(
            f"{case_id}'s evaluation is not complete: no {', no '.join(missing)}",
            hint=f"Fill it in with: jatac sara edit {case_id}",
        )
    still_open = [a.id for a in package.response.actions if a.status is ActionStatus.open]
    if still_open:
        raise Refused(
            f"{case_id} still has open actions: {', '.join(still_open)}",
            hint=f"Mark each done or cancelled: jatac action done {case_id}/{still_open[0]} --note",
        )
    doc = loaded.doc
    set_field(doc, "status", Status.closed.value, CASE.fields)
    set_field(doc, "outcome", outcome, CASE.fields)
    set_field(doc, "closed_on", today(), CASE.fields)
    if note:
        set_field(doc, "decision_note", note, CASE.fields)
    revision = revise_case(repo, loaded, doc)
    commit_revision(
        repo,
        revision,
        command="close",
        no_commit=no_commit,
        meeting=meeting,
        subject=f"{case_id}: closed, {outcome}",
    )
    return revision.record
