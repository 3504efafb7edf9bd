"""A case's story: every commit about it, in time order, with what each changed.

The commits are those whose message names the case (``Jatac-Case: ID``: every jatac change
about a case carries it, to its file, its SARA package and actions, the minutes decisions,
agenda items and fund requests that name it), and any commit that touched the case's file
or its package without naming it (a commit made by hand). Each entry says which records
it touched and how, field by field; of a shared record (the minutes, the fund, a meeting)
only the parts that name the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from jatac.git.audit import Audit, Commit, commits_touching, log, read_blobs
from jatac.git.history_index import up_to_date
from jatac.storage.diff import FieldChange, diff, told
from jatac.storage.repository import KINDS, Repository

KINDS_BY_FOLDER = {kind.folder: kind.name for kind in KINDS.values()}


@dataclass
class Touched:
    """One record a commit touched: which, and what changed in it."""

    record: str  # "case", "SARA package", "minutes 2026-12-07-coordinating" ...
    path: str
    changes: list[FieldChange]


@dataclass
class Entry:
    """One commit in a case's story."""

    commit: Commit
    touched: list[Touched]

    @property
    def command(self) -> str | None:
        return next(iter(self.commit.trailer("Jatac-Command")), None)

    @property
    def meeting(self) -> str | None:
        return next(iter(self.commit.trailer("Jatac-Meeting")), None)

    def as_dict(self) -> dict[str, Any]:
        c = self.commit
        return {
            "commit": c.sha,
            "author": c.author,
            "email": c.email,
            "date": c.when,
            "subject": c.subject,
            "command": self.command,
            "meeting": self.meeting,
            "records": [{"record": t.record, "path": t.path} for t in self.touched],
            "changes": [
                {"record": t.record, "path": t.path, **change.as_dict()}
                for t in self.touched
                for change in t.changes
            ],
        }


def _data(text: str | None, relpath: str) -> Any:
    if text is None:
        return {}
    from jatac.storage.yaml_fast import fast_load

    data = fast_load(text)
    if data is not None:
        return data
    from jatac.storage.yaml_roundtrip import (  # the careful path: ruamel, loaded only here
        YamlProblem,
        parse,
        plain,
    )

    try:
        return plain(parse(text, relpath))
    except YamlProblem:
        return {"(file)": "not readable YAML in this version"}


def _naming(case_id: str) -> dict[str, Callable[[Any], Any]]:
    """Per folder of a shared record: the part of one version that names the case."""

    def names(item: Any) -> bool:
        return isinstance(item, dict) and item.get("case") == case_id

    def listed(data: Any, key: str) -> list[Any]:
        value = data.get(key) if isinstance(data, dict) else None
        return value if isinstance(value, list) else []

    def minutes(data: Any) -> Any:
        # keyed by the item's path, so an item appears when a decision naming the case does
        part = {}
        for item in listed(data, "items"):
            decisions = [d for d in listed(item, "decisions") if names(d)]
            if decisions:
                part[f"items[{item.get('ref')}]"] = {"decisions": decisions}
        return part

    return {
        KINDS["fund"].folder: lambda data: {"requests": [r for r in listed(data, "requests") if names(r)]},
        KINDS["meeting"].folder: lambda data: {"items": [i for i in listed(data, "items") if names(i)]},
        KINDS["minutes"].folder: minutes,
    }


def case_history(repo: Repository, case_id: str) -> list[Entry]:
    """Every commit about the case, oldest first."""
    case_path = KINDS["case"].relpath(case_id)  # a bad id is refused here, before git runs
    package_path = KINDS["sara"].relpath(case_id)
    audit = Audit(repo.root)
    audit.require_repo()
    exists = (repo.root / case_path).exists()
    if exists:
        # not for an id with no file: a mistyped one is told "no such case" without first
        # indexing the history (a deleted case's history is still found, only slower)
        audit.refresh_commit_graph()
    shared = _naming(case_id)
    kept = up_to_date(audit)
    # the commits that name the case, and any that touched its file or package without
    # naming it (made by hand); one `git log` a file keeps to the commit-graph's path filters
    found = set(kept.naming(case_id)) | commits_touching(audit, [case_path, package_path])
    if not found and not exists:
        from jatac.errors import NotFound

        raise NotFound(f"there is no case {case_id}", hint="`jatac list --all` shows every case.")
    places = kept.places()
    ordered = sorted(found, key=lambda sha: places.get(sha, len(places)))  # oldest first
    commits = log(audit, "--no-walk=unsorted", *ordered) if ordered else []

    own = {case_path: "case", package_path: "SARA package"}

    def wanted(path: str) -> bool:  # not another case's file (an import touches a thousand)
        return path in own or path.split("/", 1)[0] in shared

    texts = read_blobs(
        audit, (b for c in commits for p, pair in c.files.items() if wanted(p) for b in pair if b)
    )
    versions: dict[tuple[str | None, str], Any] = {}  # (blob, path): its data

    def version(blob: str | None, path: str) -> Any:
        if (blob, path) not in versions:
            versions[blob, path] = _data(texts.get(blob) if blob else None, path)
        return versions[blob, path]

    entries = []
    for commit in commits:
        touched = []
        for path, (old, new) in commit.files.items():
            folder, stem = path.split("/", 1)[0], PurePosixPath(path).stem
            if not wanted(path):
                continue  # another case's file, jatac.yaml ...
            if path in own:
                record, part = own[path], None
            else:
                record, part = f"{KINDS_BY_FOLDER[folder]} {stem}", shared[folder]
            before, after = version(old, path), version(new, path)
            if part is not None:
                before, after = part(before), part(after)
                if before == after:
                    continue  # the commit changed other parts of a shared record
            touched.append(Touched(record, path, told(diff(before, after))))
        entries.append(Entry(commit, touched))
    return entries
