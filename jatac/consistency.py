"""Checks across records: each must be valid alone, and they must agree with each other."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jatac.errors import Problem
from jatac.models.case import Status
from jatac.models.sara import Assessment

if TYPE_CHECKING:
    from jatac.store import Repository


def cross_check(
    repo: Repository,
    cases: dict[str, Any],
    loaded: dict[str, Any] | None = None,
    package_ids: set[str] | None = None,
) -> list[Problem]:
    """``cases`` and ``loaded`` (the valid SARA packages; an invalid one is reported on its own):
    checked data by id, as the index holds it. ``package_ids``: every package file's id, if
    the caller has listed them."""
    from jatac.store import KINDS

    case_kind, sara_kind = KINDS["case"], KINDS["sara"]
    packages = package_ids if package_ids is not None else set(repo.ids(sara_kind))
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
    return problems
