"""Checks across records: each must be valid alone, and they must agree with each other
(a package has its adopted case, a closed case its evaluation, a record is marked as high
as the cases it names: the rule is ``jatac.guard.marking``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jatac.errors import InvalidRecord, Problem
from jatac.guard.audience import CaseIds
from jatac.guard.marking import MARKED, SENSITIVE, marking_problems
from jatac.models.case import Status

if TYPE_CHECKING:
    from jatac.storage.repository import Repository


def cross_check(
    repo: Repository,
    cases: dict[str, Any],
    loaded: dict[str, Any] | None = None,
    package_ids: set[str] | None = None,
) -> list[Problem]:
    """``cases`` and ``loaded`` (the valid SARA packages; an invalid one is reported on its own):
    checked data by id, as the index holds it. ``package_ids``: every package file's id, if
    the caller has listed them."""
    from jatac.models.sara import Assessment
    from jatac.storage.repository import KINDS

    case_kind, sara_kind = KINDS["case"], KINDS["sara"]
    packages = package_ids if package_ids is not None else set(repo.placed_ids(sara_kind))
    problems = []

    def problem(kind: Any, record_id: str, field: str, message: str) -> None:
        # the path is worked out only when there is a problem to report (10,000 cases pass)
        problems.append(Problem(repo.relpath(kind, record_id), None, None, field, message))

    for package_id in sorted(packages):
        case = cases.get(package_id)
        if case is None and not (repo.root / repo.relpath(case_kind, package_id)).exists():
            problem(sara_kind, package_id, "case", f"there is no case {package_id}")
        elif case is not None and case["adopted_on"] is None:
            problem(sara_kind, package_id, "case", f"{package_id} was never adopted ({case['status']})")
    for case_id, case in cases.items():
        status = case["status"]
        if status in {Status.adopted, Status.escalated} and case_id not in packages:
            message = f"{status}, but has no SARA package; create it with `jatac sara edit {case_id}`"
            problem(case_kind, case_id, "status", message)
        if status == Status.closed and case["adopted_on"] is not None:
            package = (loaded or {}).get(case_id)
            assessment = package and package["assessment"]
            if not assessment or Assessment.model_validate(assessment).missing():
                problem(case_kind, case_id, "status", "closed after adoption without a complete evaluation")
    for case_id, case in cases.items():
        for link in case.get("links") or []:
            other = link["case"]
            if other not in cases and not (repo.root / repo.relpath(case_kind, other)).exists():
                problem(case_kind, case_id, "links", f"links to {other}, which does not exist")
    from jatac.cases.details import check_evidence

    problems.extend(check_evidence(repo, cases))
    ids = CaseIds(repo.config.prefix)
    sensitive = frozenset().union(*(ids.mentioned(i) for i, c in cases.items() if c["marking"] == SENSITIVE))
    if sensitive:  # only then can a record name one
        for name in MARKED:
            kind = KINDS[name]
            for data in repo.records(kind, as_data=True)[0]:
                relpath = repo.relpath(kind, data[kind.id_field])
                problems.extend(marking_problems(kind, data, relpath, ids, sensitive))
    return problems


def validate_repository(repo: Repository) -> list[Problem]:
    """Every problem in the repository: config first, then every record file."""
    try:
        repo.validate_config()
    except InvalidRecord as e:
        return e.problems
    from jatac.git.recovery import shared_local_state
    from jatac.storage.repository import KINDS, CaseModels

    # jatac's local state arriving by git is a problem before any record is read
    problems: list[Problem] = shared_local_state(repo.root)
    # as checked data: a warm validate of 10,000 cases need not build 10,000 models
    cases: dict[str, Any] = {}
    packages: dict[str, Any] = {}
    ledgers: list[dict[str, Any]] = []
    minutes: list[dict[str, Any]] = []
    listed = {name: repo.entries(kind) for name, kind in KINDS.items()}
    for name, kind in KINDS.items():
        records, kind_problems = repo.facts(kind, CaseModels(repo, cases), listed[name])
        if kind is KINDS["case"]:
            cases = {r["id"]: r for r in records}
        elif kind is KINDS["sara"]:
            packages = {r["case"]: r for r in records}
        elif kind is KINDS["fund"]:
            ledgers = records
        elif kind is KINDS["minutes"]:
            minutes = records
        problems.extend(kind_problems)  # a file in another year's folder among them (the reader's rule)
    sara = KINDS["sara"]
    package_ids = {
        stem
        for rel, stem in listed["sara"]
        if (match := sara.id_re.fullmatch(stem)) is not None and not sara.misplaced(rel, match)
    }
    problems.extend(cross_check(repo, cases, packages, package_ids))
    problems.extend(fund_problems(repo, ledgers))
    from jatac.git.agreed import agreed_problems

    problems.extend(agreed_problems(repo, minutes))
    return problems


def fund_problems(repo: Repository, ledgers: list[dict[str, Any]]) -> list[Problem]:
    """The fund's own rules across a ledger (``jatac.models.fund.ledger_problems``): a pushed
    ledger approving beyond the budget, or holding what no fund command writes."""
    from jatac.clock import today
    from jatac.models.fund import FundLedger, ledger_problems
    from jatac.storage.repository import KINDS

    kind, fund = KINDS["fund"], repo.config.fund
    groups = set(repo.config.group_by_id)
    problems = []
    for data in ledgers:
        ledger = FundLedger.model_validate(data)
        found = ledger_problems(ledger, fund.budget_for(ledger.year), groups)
        for n, r in enumerate(ledger.requests):
            for k, spend in enumerate(r.spends):
                if spend.on > today():  # `fund spend` records money spent, not money to be spent
                    found.append(
                        (("requests", n, "spends", k, "on"), f"money spent on {spend.on}, a day to come")
                    )
        if not found:
            continue
        relpath = repo.relpath(kind, ledger.year)
        doc = repo.open(kind, ledger.year).doc  # only now: lines and columns for what is wrong
        from jatac.storage.yaml_roundtrip import position

        for where, message in found:
            line, col = position(doc, where)
            field = ".".join(str(p) for p in where)
            problems.append(Problem(relpath, line, col, field, message))
    return problems
