"""The JATAC fund: request, consider (support team), amend, decide (JATAC), spend; one commit each."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.clock import today
from jatac.errors import NotFound, Refused
from jatac.git.revision import Revision, commit_revision, revise
from jatac.guard.marking import required_marking
from jatac.models.fund import REQUEST_ID_RE, Amended, FundLedger, FundRequest, FundStatus
from jatac.models.vocab import Marking
from jatac.storage.problems import check_new
from jatac.storage.repository import KINDS, Loaded, Repository
from jatac.storage.yaml_roundtrip import ensure, set_field, to_yaml

FUND = KINDS["fund"]
REQUEST_FIELDS = list(FundRequest.model_fields)


def fund_year(repo: Repository, day: date) -> str:
    """The financial year a day falls in, e.g. 2026-27 (the year starts on fund.year_starts)."""
    month, dom = repo.config.fund.first_day
    first = day.year if (day.month, day.day) >= (month, dom) else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def year_start(repo: Repository, year: str) -> date:
    """The first day of a financial year (2026-27: 1 April 2026)."""
    month, dom = repo.config.fund.first_day
    return date(int(year[:4]), month, dom)


def parse_year(repo: Repository, text: str | None) -> str:
    if text is None:
        return fund_year(repo, today())
    from jatac.models.common import FUND_YEAR_RE
    from jatac.models.dates import YEARS, in_years

    match = FUND_YEAR_RE.fullmatch(text)
    if not match or (int(match["year"]) + 1) % 100 != int(match["next"]):
        raise Refused(f"{text!r} is not a financial year", hint="Write it as 2026-27.")
    if not in_years(int(match["year"])):
        raise Refused(f"{text} is not a year jatac keeps a fund for", hint=f"Give a year {YEARS}.")
    return text


def _ledger_path_exists(repo: Repository, year: str) -> bool:
    return (repo.root / repo.relpath(FUND, year)).exists()


def read_ledger(repo: Repository, year: str) -> FundLedger:
    if not _ledger_path_exists(repo, year):
        return FundLedger(year=year)
    ledger: FundLedger = repo.record(FUND, year)
    return ledger


def _load_for_change(repo: Repository, year: str) -> Loaded:
    if _ledger_path_exists(repo, year):
        return repo.open(FUND, year)
    doc = CommentedMap([("year", year), ("requests", CommentedSeq())])
    return Loaded(FUND, repo.relpath(FUND, year), "", doc, None)


def balance(repo: Repository, ledger: FundLedger) -> float:
    return round(repo.config.fund.budget_for(ledger.year) - ledger.approved, 2)


def find_request(repo: Repository, request_id: str) -> tuple[Loaded, CommentedMap, FundRequest]:
    """A fund request by its number: its ledger opened for change, its entry there, and the request."""
    match = REQUEST_ID_RE.fullmatch(request_id)
    if match is None:
        raise Refused(f"{request_id!r} is not a fund request", hint="Requests look like FR-2026-003.")
    year = f"{match['year']}-{(int(match['year']) + 1) % 100:02d}"
    if not _ledger_path_exists(repo, year):
        raise NotFound(f"there is no fund request {request_id}")
    loaded = repo.open(FUND, year)
    request = loaded.record.request(request_id)
    if request is None:
        raise NotFound(f"there is no fund request {request_id}", hint="`jatac report fund` lists them.")
    item = next(r for r in loaded.doc["requests"] if r.get("id") == request_id)
    return loaded, item, request


def _commit(
    repo: Repository,
    loaded: Loaded,
    command: str,
    subject: str,
    case: str | list[str] | None,
    meeting: str | None = None,
) -> Revision:
    revision = revise(repo, loaded, loaded.doc)
    # a request for a case is part of the case's story: `jatac history CASE` finds it by this
    trailers = {"Jatac-Case": case} if case else None
    return commit_revision(
        repo, revision, command=command, subject=subject, meeting=meeting, trailers=trailers
    )


def _pounds(amount: float) -> float:
    if not math.isfinite(amount):
        raise Refused(f"{amount} is not a number of pounds", hint="For example: --amount 1500")
    return amount


def request(repo: Repository, case_id: str | None, *, amount: float, purpose: str, by: str) -> FundRequest:
    _pounds(amount)
    if case_id is not None:
        repo.record(KINDS["case"], case_id)  # it must exist
    year = fund_year(repo, today())
    loaded = _load_for_change(repo, year)
    existing = loaded.record.requests if loaded.record else []
    first = int(year[:4])
    number = max((int(r.id.rsplit("-", 1)[1]) for r in existing), default=0) + 1
    new = check_new(
        FundRequest,
        {
            "id": f"FR-{first}-{number:03d}",
            "case": case_id,
            "amount": amount,
            "purpose": purpose,
            "by": by,
            "requested_on": today(),
        },
        repo.config,
        "new fund request",
    )
    if required_marking(repo, new.model_dump(mode="json")) is Marking.OFFICIAL_SENSITIVE:
        new = new.model_copy(update={"marking": Marking.OFFICIAL_SENSITIVE})  # as its case is
    ensure(loaded.doc, "requests", CommentedSeq(), list(FundLedger.model_fields)).append(
        to_yaml(new.model_dump())
    )
    _commit(
        repo,
        loaded,
        "fund request",
        f"{new.id}: fund request £{amount:,.2f} by {by}" + (f" for {case_id}" if case_id else ""),
        case_id,
    )
    return new


def consider(repo: Repository, request_id: str, *, support: bool, note: str | None = None) -> FundRequest:
    loaded, item, req = find_request(repo, request_id)
    if req.status is not FundStatus.requested:
        raise Refused(f"{request_id} is already {req.status.value}")
    status = FundStatus.supported if support else FundStatus.not_supported
    set_field(item, "status", status.value, REQUEST_FIELDS)
    set_field(item, "considered_on", today(), REQUEST_FIELDS)
    set_field(item, "consideration", note, REQUEST_FIELDS)
    _commit(repo, loaded, "fund consider", f"{request_id}: {status.value} by the support team", req.case)
    return find_request(repo, request_id)[2]


UNDECIDED = frozenset({FundStatus.requested, FundStatus.supported, FundStatus.not_supported})


def _money(amount: float) -> str:
    return f"£{amount:,.2f}"


def amend(
    repo: Repository,
    request_id: str,
    *,
    amount: float | None = None,
    purpose: str | None = None,
    case: str | None = None,
) -> tuple[FundRequest, list[str]]:
    """Change an undecided request's amount, purpose or case, keeping its number; each change
    is recorded in the request (dated, with what it replaced). Returns it and what changed."""
    loaded, item, req = find_request(repo, request_id)
    if req.status not in UNDECIDED:
        raise Refused(
            f"{request_id} was {req.status.value} on {req.decided_on}: a decided request is not amended",
            hint="Make a new request with `jatac fund request` for a different sum or purpose.",
        )
    if amount is None and purpose is None and case is None:
        raise Refused("say what to amend", hint="Give --amount, --purpose or --case.")
    if amount is not None:
        _pounds(amount)
    given = {k: v for k, v in {"amount": amount, "purpose": purpose, "case": case}.items() if v is not None}
    # the new values checked as the request will hold them, and said of the command, not the file
    checked = check_new(
        FundRequest,
        {**req.model_dump(exclude={"amendments"}), **given},
        repo.config,
        f"amended {request_id}",
    )
    if case is not None:
        repo.record(KINDS["case"], case)  # it must exist
    wanted: dict[Amended, Any] = {Amended(k): getattr(checked, k) for k in given}
    changes = [
        (what, getattr(req, what.value), value)
        for what, value in wanted.items()
        if value is not None and not _same(what, getattr(req, what.value), value)
    ]
    if not changes:
        raise Refused(f"{request_id} already says so: nothing to amend")
    on = today()
    amendments = ensure(item, "amendments", CommentedSeq(), REQUEST_FIELDS)
    for what, before, after in changes:
        set_field(item, what.value, after, REQUEST_FIELDS)
        amendments.append(to_yaml({"on": on, "what": what.value, "before": before, "after": after}))
    said = []
    for what, before, after in changes:
        if what is Amended.amount:
            said.append(f"amount {_money(before)} -> {_money(after)}")
        elif what is Amended.case:
            said.append(f"case {before or '(none)'} -> {after}")
        else:
            said.append(f"purpose now {_shortened(after)!r}")
    # an amendment naming an OFFICIAL-SENSITIVE case makes the request so; it is never lowered,
    # as its amendments still name the case it was about
    if req.marking is Marking.OFFICIAL and required_marking(repo, item) is Marking.OFFICIAL_SENSITIVE:
        set_field(item, "marking", Marking.OFFICIAL_SENSITIVE.value, REQUEST_FIELDS)
    named = [req.case, *(after for what, _, after in changes if what is Amended.case)]
    cases = [c for c in dict.fromkeys(named) if c]
    _commit(repo, loaded, "fund amend", f"{request_id}: amended, " + ", ".join(said), cases or None)
    return find_request(repo, request_id)[2], said


def awaiting_decision(repo: Repository, day: date) -> list[FundRequest]:
    """The requests awaiting the group's decision on ``day``: considered by the support team by
    then and not decided before it, each as it stood that day (later amendments undone)."""
    ledgers: list[FundLedger] = repo.records(FUND)[0]
    found = [
        r.as_at(day)
        for ledger in ledgers
        for r in ledger.requests
        if r.considered_on is not None
        and r.considered_on <= day
        and (r.decided_on is None or r.decided_on >= day)
    ]
    return sorted(found, key=lambda r: (r.considered_on or day, r.id))


def chair_actions(repo: Repository, since: date, before: date) -> list[FundRequest]:
    """Requests the chair decided between meetings, from ``since`` (the group's last meeting)
    to the day before ``before``: the next agenda lists them for the group to note."""
    ledgers: list[FundLedger] = repo.records(FUND)[0]
    found = [
        r
        for ledger in ledgers
        for r in ledger.requests
        if r.chair_action is not None and r.decided_on is not None and since <= r.decided_on < before
    ]
    return sorted(found, key=lambda r: (r.decided_on or before, r.id))


def _shortened(text: str, most: int = 50) -> str:
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."


def _same(what: Amended, before: Any, after: Any) -> bool:
    if what is Amended.amount:
        return abs(float(before) - float(after)) < 0.005
    if what is Amended.purpose:
        return str(before).strip() == str(after).strip()
    return bool(before == after)


def decide(
    repo: Repository,
    request_id: str,
    *,
    approve: bool,
    meeting: str | None = None,
    chair_action: str | None = None,
    against_advice: str | None = None,
    note: str | None = None,
) -> FundRequest:
    """The group's decision on a request, as the terms of reference have it: taken at a
    meeting that has happened (``meeting``, its id: the decision is dated that day), or by the
    chair between meetings (``chair_action``: why it could not wait; the next agenda notes it).
    Approving what the support team did not support needs ``against_advice``: why."""
    loaded, item, req = find_request(repo, request_id)
    day = _decision_day(req, approve=approve, meeting=meeting, chair_action=chair_action)
    against_advice = _against_advice(req, approve, against_advice)
    if approve:
        left = balance(repo, loaded.record)
        if req.amount > left + 0.005:
            raise Refused(
                f"approving £{req.amount:,.2f} would overspend the {loaded.record.year} fund: "
                f"£{left:,.2f} is left",
                hint="Refuse it, or approve a smaller request.",
            )
    status = FundStatus.approved if approve else FundStatus.refused
    advice = req.status.value  # supported or not-supported: kept beside the decision
    set_field(item, "status", status.value, REQUEST_FIELDS)
    set_field(item, "decided_on", day, REQUEST_FIELDS)
    set_field(item, "meeting", meeting, REQUEST_FIELDS)
    set_field(item, "decision_note", note, REQUEST_FIELDS)
    set_field(item, "chair_action", _words(chair_action), REQUEST_FIELDS)
    set_field(item, "advice", advice, REQUEST_FIELDS)
    set_field(item, "against_advice", against_advice, REQUEST_FIELDS)
    how = " by the chair's action" if chair_action else ""
    _commit(
        repo,
        loaded,
        "fund decide",
        f"{request_id}: {status.value}{how}, £{req.amount:,.2f}"
        + (", against the support team's advice" if against_advice else ""),
        req.case,
        meeting=meeting,
    )
    return find_request(repo, request_id)[2]


def _words(text: str | None) -> str | None:
    return text.strip() if text is not None and text.strip() else None


def _decision_day(req: FundRequest, *, approve: bool, meeting: str | None, chair_action: str | None) -> date:
    """The day the decision was taken, once it is sure it may be: the request is considered and
    undecided, and the decision was taken at a meeting that has happened or by the chair."""
    from jatac.models.common import MEETING_ID_RE

    if req.status in {FundStatus.approved, FundStatus.refused}:
        how = (
            f"at the meeting {req.meeting}"
            if req.meeting
            else "by the chair's action"
            if req.chair_action
            else ""
        )
        raise Refused(f"{req.id} was already {req.status.value} on {req.decided_on} {how}".strip())
    if req.status is FundStatus.requested:
        raise Refused(
            f"{req.id} has not been considered by the support team yet",
            hint=f"First: jatac fund consider {req.id} --support (or --not-support)",
        )
    verb = "approve" if approve else "refuse"
    if meeting is not None and chair_action is not None:
        raise Refused(
            f"a decision on {req.id} is taken at a meeting or by the chair's action, not both",
            hint="Give --meeting DATE, or --chair-action --reason.",
        )
    if meeting is None:
        if _words(chair_action) is None:
            raise Refused(
                f"say where {req.id} was decided: the terms of reference have requests decided at JATAC",
                hint=f"Give the meeting: jatac fund decide {req.id} --{verb} --meeting DATE; or, decided "
                'by the chair between meetings: --chair-action --reason "why it could not wait" '
                "(the next agenda notes it).",
            )
        return today()
    match = MEETING_ID_RE.fullmatch(meeting)
    if match is None:
        raise Refused(f"{meeting!r} is not a meeting", hint="Give its date, e.g. --meeting 2026-12-14.")
    day = date.fromisoformat(meeting[:10])
    if day > today():
        raise Refused(
            f"the meeting of {day} has not taken place yet: it has decided nothing",
            hint="Record the decision on or after the meeting's day.",
        )
    if req.considered_on is not None and req.considered_on > day:
        raise Refused(
            f"{req.id} was considered by the support team on {req.considered_on}, after the meeting of {day}",
            hint="A meeting decides on what the support team has considered: give a later meeting.",
        )
    later = [a for a in req.amendments if a.on > day]
    if later:
        raise Refused(
            f"{req.id} was amended on {later[0].on}, after the meeting of {day}: the meeting decided "
            "on the request as it was",
            hint="The amended request is decided at a later meeting.",
        )
    return day


def _against_advice(req: FundRequest, approve: bool, reason: str | None) -> str | None:
    """Why the group approves what the support team did not support (required then, else None)."""
    if not approve or req.status is not FundStatus.not_supported:
        if _words(reason) is not None and approve:
            raise Refused(
                f"{req.id} is supported by the support team: approving it is not against their advice"
            )
        return None
    if _words(reason) is None:
        raise Refused(
            f"the support team did not support {req.id}: approving it is against their advice",
            hint=f'Say why: jatac fund decide {req.id} --approve --against-advice --reason "..."',
        )
    return _words(reason)


def spend(repo: Repository, request_id: str, *, amount: float, note: str) -> FundRequest:
    loaded, item, req = find_request(repo, request_id)
    if req.status is not FundStatus.approved:
        raise Refused(f"{request_id} is {req.status.value}; money is spent only against an approved request")
    if not note.strip():
        raise Refused("say what the money was spent on", hint='For example: --note "invoice 88"')
    if _pounds(amount) <= 0:
        raise Refused("the amount must be more than £0")
    if req.spent + amount > req.amount + 0.005:
        raise Refused(f"£{req.spent + amount:,.2f} would be more than the £{req.amount:,.2f} approved")
    ensure(item, "spends", CommentedSeq(), REQUEST_FIELDS).append(
        to_yaml({"on": today(), "amount": amount, "note": note.strip()})
    )
    _commit(repo, loaded, "fund spend", f"{request_id}: £{amount:,.2f} spent, {note.strip()}", req.case)
    return find_request(repo, request_id)[2]


@dataclass
class FundReport:
    year: str
    budget: float
    approved: float
    spent: float
    balance: float
    requests: list[dict[str, Any]]


def report(repo: Repository, year: str | None) -> FundReport:
    year = parse_year(repo, year)
    ledger = read_ledger(repo, year)
    rows = [
        {
            "request": r.id,
            "case": r.case,
            "by": r.by,
            "purpose": r.purpose,
            "amount": r.amount,
            "status": r.status.value,
            "spent": r.spent,
            "decided_on": r.decided_on,
            "meeting": r.meeting,
        }
        for r in ledger.requests
    ]
    budget = repo.config.fund.budget_for(year)
    return FundReport(year, budget, ledger.approved, ledger.spent, round(budget - ledger.approved, 2), rows)
