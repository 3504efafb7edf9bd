"""Agreed minutes stay as agreed: what was agreed is the file as the agreeing commit left it.

Minutes say they are agreed (or locked) only through `jatac minutes agree`, whose commit
names the meeting. A pushed commit that edits agreed minutes, or minutes pushed with a state
of agreed that no agreeing commit gave them, is a problem for `jatac validate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jatac.errors import Problem
from jatac.git.audit import Audit, log

if TYPE_CHECKING:
    from jatac.storage.repository import Repository

# what may change after agreement: where they stand, their corrections, their marking (only
# ever raised) and the personal-data check's acknowledgements
_NOT_THE_RECORD = ("state", "corrections", "marking", "not_personal")


def _record(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _NOT_THE_RECORD}


def agreed_problems(repo: Repository, minutes: list[dict[str, Any]]) -> list[Problem]:
    """``minutes``: every valid minutes file's checked data."""
    from jatac.models.meeting import Minutes
    from jatac.storage.repository import KINDS
    from jatac.storage.yaml_fast import fast_load

    agreed = [m for m in minutes if m.get("state") in {"agreed", "locked"}]
    if not agreed:
        return []
    audit = Audit(repo.root)
    kind = KINDS["minutes"]
    problems = []
    for data in agreed:
        relpath = repo.relpath(kind, data["meeting"])
        commits = [
            c
            for c in log(audit, "--grep=^Jatac-Command: minutes agree$", "--", relpath)
            if data["meeting"] in c.trailer("Jatac-Meeting")
        ]
        if not commits:
            problems.append(
                Problem(
                    relpath,
                    None,
                    None,
                    "state",
                    f"the minutes say they are {data['state']}, but they were never agreed "
                    "(no `jatac minutes agree` in the history): circulate and agree them",
                )
            )
            continue
        first = commits[-1]  # newest first: the first agreement is what was agreed
        raw = audit.file_at(first.sha, relpath)
        then = fast_load(raw.decode("utf-8")) if raw is not None else None
        if then is None and raw is not None:  # the fast reader declines some text: the careful one
            from jatac.storage.yaml_roundtrip import parse, plain

            then = plain(parse(raw.decode("utf-8"), relpath))
        try:
            was = Minutes.model_validate(then, context={"config": repo.config}).model_dump(mode="json")
        except ValueError:
            was = None
        if was is None or _record(was) != _record(data):
            problems.append(
                Problem(
                    relpath,
                    None,
                    None,
                    "",
                    f"changed since they were agreed (commit {first.sha[:10]}): agreed minutes change "
                    "only by a recorded correction (jatac minutes correct)",
                )
            )
    return problems
