"""Which commits name which case, and the order of every commit: kept for `history`.

Every jatac commit about a case names it in a ``Jatac-Case:`` trailer, so `git log
--grep` finds a case's story; but it opens every commit's message each time (0.15 s over
5,000 commits, growing with the history). This keeps the answer in
``.jatac/index/history.json`` (git-ignored, local): the commits of HEAD's history, oldest
first, and for each case the places of the commits that name it. Each `history` brings it
up to date from the commits made since (a few milliseconds); a history that was rewritten
(a reset, a rebase) is read again whole. Each commit's place also orders a case's commits
exactly, those made in the same second too.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from jatac.errors import GitError
from jatac.git.audit import Audit

FORMAT = 1
_SEP, _END = "\x1f", "\x1e"
_TRAILER = "Jatac-Case: "


@dataclass
class HistoryIndex:
    head: str | None = None
    commits: list[str] = field(default_factory=list)  # oldest first
    cases: dict[str, list[int]] = field(default_factory=dict)  # case id: places in ``commits``

    def naming(self, case_id: str) -> list[str]:
        return [self.commits[i] for i in self.cases.get(case_id, [])]

    def places(self) -> dict[str, int]:
        return {sha: i for i, sha in enumerate(self.commits)}

    def add(self, audit: Audit, selection: str) -> None:
        """Append the commits ``git log SELECTION`` gives (newest first), oldest first."""
        out = audit.run("log", f"--format={_END}%H{_SEP}%b", selection)
        found = []
        for piece in out.split(_END)[1:]:
            sha, _, body = piece.partition(_SEP)
            names = [line[len(_TRAILER) :].strip() for line in body.splitlines() if line.startswith(_TRAILER)]
            found.append((sha.strip(), names))
        for sha, names in reversed(found):
            place = len(self.commits)
            self.commits.append(sha)
            for case_id in dict.fromkeys(names):
                self.cases.setdefault(case_id, []).append(place)


def _head(audit: Audit) -> str | None:
    try:
        return audit.run("rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except GitError:  # a repository with no commit yet
        return None


def _read(root: Any, path: Any) -> HistoryIndex | None:
    """The kept index, if jatac made it on this computer (local state is sealed)."""
    from jatac.storage import local_state

    payload = local_state.read(root, path)
    if payload is None:
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
        saved = json.loads(payload)
        if saved["format"] == FORMAT:
            cases = {str(k): [int(i) for i in v] for k, v in saved["cases"].items()}
            return HistoryIndex(saved["head"], [str(s) for s in saved["commits"]], cases)
    return None


def up_to_date(audit: Audit) -> HistoryIndex:
    """The index for HEAD: read, brought up to date with the commits since, and saved."""
    from jatac.storage import index, local_state
    from jatac.storage.lock import local_dir

    head = _head(audit)
    path = local_dir(audit.root, "index", "history.json")
    kept = _read(audit.root, path) if index.enabled() else None
    if kept is not None and kept.head == head:
        return kept
    if head is None:
        return HistoryIndex()
    current = kept
    if current is not None and current.head is not None:
        try:  # the history kept is still HEAD's past (not reset or rebased away)
            audit.run("merge-base", "--is-ancestor", current.head, head)
        except GitError:
            current = None
    if current is None or current.head is None:
        current = HistoryIndex()
        current.add(audit, head)
    else:
        current.add(audit, f"{current.head}..{head}")
    current.head = head
    if index.enabled():
        with contextlib.suppress(OSError):  # a read-only clone still answers, only slower
            data = {"format": FORMAT, "head": head, "commits": current.commits, "cases": current.cases}
            local_state.write(
                audit.root, path, json.dumps(data, separators=(",", ":")).encode(), durable=False
            )
    return current
