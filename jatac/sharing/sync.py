"""Working together over a shared git remote: pull, renumber clashing ids, push, say what came in.

Two coordinators working offline can both raise JAT-2026-0031. On sync the
one not yet on the shared repository (ours) is renumbered (its file, and
every reference to it in packages, meetings, minutes and the fund) in a
commit that says so. Edits to different fields of one case merge as git
merges lines; a real conflict is shown field by field and settled with
`jatac resolve` or by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jatac.errors import GitError, JatacError, Refused
from jatac.git import remote
from jatac.git.audit import Audit
from jatac.git.change import Change
from jatac.sharing.tells import Tell, parsed
from jatac.storage.fs import inside
from jatac.storage.lock import RepoLock
from jatac.storage.repository import KINDS, Repository


class Conflicted(JatacError):
    """A pull stopped on conflicts a person has to settle."""

    exit_code = 4


@dataclass
class Report:
    pulled: int = 0
    pushed: int = 0
    new_cases: list[tuple[str, str]] = field(default_factory=list)
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)
    other_files: int = 0
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    merged: bool = False
    # what the push changed that the coordinator must know (jatac/sharing/tells.py)
    tells: list[Tell] = field(default_factory=list)


@dataclass
class FieldConflict:
    path: str
    case: str
    field: str
    mine: Any
    theirs: Any


def _audit(repo: Repository) -> Audit:
    audit = Audit(repo.root)
    audit.require_repo()
    return audit


def _upstream(audit: Audit) -> str:
    shared = remote.upstream(audit)
    if shared is None:
        raise Refused(
            "this repository has no shared remote to sync with",
            hint=_remote_hint(audit),
        )
    return shared


def _remote_hint(audit: Audit) -> str:
    branch = remote.branch(audit) or "main"
    return (
        "Set one up once, with the shared repository's address in place of ADDRESS: "
        f"git remote add origin ADDRESS && git push -u origin {branch}"
    )


def _added(audit: Audit, base: str, tip: str, folder: str) -> dict[str, str]:
    """Case files added between ``base`` and ``tip``: id -> path relative to the repository."""
    return {Path(p).stem: p for p in remote.added(audit, base, tip, folder) if p.endswith(".yaml")}


def _ids_at(audit: Audit, rev: str, folder: str) -> set[str]:
    prefix_re = re.compile(r"(?:^|/)" + re.escape(folder) + r"/[0-9]{4}/([^/]+)\.yaml$")
    return {m.group(1) for line in remote.files_at(audit, rev) if (m := prefix_re.search(line))}


def _next_free(case_id: str, taken: set[str]) -> str:
    prefix, year, _ = case_id.rsplit("-", 2)
    numbers = [int(i.rsplit("-", 1)[1]) for i in taken if i.startswith(f"{prefix}-{year}-")]
    return f"{prefix}-{year}-{max(numbers, default=0) + 1:04d}"


REFERENCING = ("issues", "sara", "meetings", "minutes", "fund")
_KIND_OF = {"issues": "case", "sara": "sara", "meetings": "meeting", "minutes": "minutes", "fund": "fund"}


def renumber(repo: Repository, change: Change, old: str, new: str) -> None:
    """Give case ``old`` the id ``new`` within ``change``: move its files, rewrite every reference."""
    word = re.compile(r"(?<![\w-])" + re.escape(old) + r"(?![\w-])")
    for kind in (KINDS["case"], KINDS["sara"]):
        src = inside(repo.root, kind.relpath(old), kind.name)
        if src.exists():
            change.write(kind.relpath(new), word.sub(new, src.read_text(encoding="utf-8")), expect=None)
            change.remove(kind.relpath(old))
    for folder in REFERENCING:
        for rel, _ in repo.entries(KINDS[_KIND_OF[folder]]):
            if rel in change.paths:
                continue
            text = inside(repo.root, rel).read_text(encoding="utf-8")
            if word.search(text):
                change.write(rel, word.sub(new, text))


def _came_in(repo: Repository, audit: Audit, before: str, after: str, report: Report) -> None:
    from jatac.sharing.tells import tells

    if before == after:
        return
    changed = remote.changed(audit, before, after)
    report.tells = tells(repo, audit, before, after, changed)
    told = {t.path for t in report.tells}
    for state, path in changed:
        if path.startswith("issues/") and path.endswith(".yaml"):
            new = _yaml_at(audit, after, path)
            if state.startswith("A") and new:
                report.new_cases.append((Path(path).stem, str(new.get("title", ""))))
                continue
            old = _yaml_at(audit, before, path)
            if old and new and old.get("status") != new.get("status"):
                report.status_changes.append(
                    (Path(path).stem, str(old.get("status")), str(new.get("status")))
                )
                continue
        if path not in told:  # a file named above is not counted again
            report.other_files += 1


def _yaml_at(audit: Audit, rev: str, path: str) -> dict[str, Any] | None:
    text = remote.text_at(audit, rev, path)
    return None if text is None else parsed(text, path)


def is_record(relpath: str) -> bool:
    """A file jatac reads as part of the partnership's records (the settings, a case, a
    meeting ...), as opposed to anything else a person saves in the folder."""
    from jatac.storage.repository import CONFIG_FILE

    first = relpath.split("/", 1)[0]
    return relpath == CONFIG_FILE or first == "templates" or any(first == k.folder for k in KINDS.values())


def _blocking(audit: Audit) -> list[str]:
    """What a pull would mix with: changed or staged tracked files, and untracked records.
    An untracked file that is no record (``Agenda notes.docx``) is left where it is."""
    untracked = set(audit.untracked())
    changed = {p for p in audit.hand_edited(["."]) if p not in untracked or is_record(p)}
    return sorted(changed | set(remote.staged(audit)))


def _put_aside_hint(paths: list[str]) -> str:
    named = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return (
        f"Not committed: {named}. Either commit them (in the repository's folder: "
        'git add -A && git commit -m "Edited by hand"), or put them aside for the sync with '
        "git stash --include-untracked, run jatac sync, then bring them back with git stash pop."
    )


def sync(repo: Repository, progress: Callable[[str], None] = lambda _: None) -> Report:
    """Pull, renumber clashing ids, push. ``progress`` is told each step as it starts (a
    slow remote makes a person wonder whether anything is happening)."""
    audit = _audit(repo)
    audit.identity()
    if remote.in_progress(audit):
        return continue_sync(repo)
    blocking = _blocking(audit)
    if blocking:
        raise Refused("there are changes not yet committed", hint=_put_aside_hint(blocking))
    upstream = _upstream(audit)
    report = Report()
    lock = RepoLock(repo.root)
    lock.acquire()
    try:
        progress(f"Fetching from {remote.remote_url(audit, upstream)} ...")
        remote.fetch(audit)
        in_the_way = sorted(set(audit.untracked()) & set(remote.files_at(audit, upstream)))
        if in_the_way:
            raise Refused(
                f"{', '.join(in_the_way)} came in from the shared repository, and a file of that name "
                "that is not committed is already here",
                hint="Move yours out of the folder (or rename it), then run jatac sync again.",
            )
        base = remote.merge_base(audit, "HEAD", upstream)
        report.pulled = remote.count(audit, "HEAD", upstream)
        folder = KINDS["case"].folder
        ours, theirs = _added(audit, base, "HEAD", folder), _added(audit, base, upstream, folder)
        clashes = sorted(set(ours) & set(theirs))
        if clashes:
            taken = _ids_at(audit, "HEAD", folder) | _ids_at(audit, upstream, folder)
            for old in clashes:
                new = _next_free(old, taken)
                taken.add(new)
                # one change: the tree was clean when sync began, and a failure puts it back
                with Change(
                    repo,
                    command="sync",
                    subject=f"{old}: renumbered {new}, the number was taken on the shared repository",
                    cases=[new, old],
                ) as change:
                    change.body += [
                        f"Another coordinator raised {old} first; this case is now {new}.",
                        "References in packages, meetings, minutes and the fund follow.",
                    ]
                    renumber(repo, change, old, new)
                report.renumbered.append((old, new))
            # a rebase would replay the commit that first wrote the clashing file; a merge
            # compares end states, in which the clash is already gone
            progress(f"Merging {report.pulled} change(s) from {upstream} ...")
            _pull(audit, ["merge", "--no-edit", "-m", f"Sync with {upstream}", upstream])
            report.merged = True
        elif report.pulled:
            progress(f"Taking in {report.pulled} change(s) from {upstream} ...")
            _pull(audit, ["rebase", upstream])
        if report.pulled:
            _came_in(repo, audit, base, upstream, report)
        report.pushed = remote.count(audit, upstream, "HEAD")
        if report.pushed:
            progress(f"Sending {report.pushed} change(s) to {upstream} ...")
            remote.push(audit)
    finally:
        lock.release()
    return report


def _pull(audit: Audit, args: list[str]) -> None:
    try:
        remote.pull(audit, args)
    except GitError:
        raise Conflicted(
            "the shared repository and yours both changed the same lines",
            hint="Run jatac conflicts: it shows them field by field, and the jatac resolve commands that "
            "settle each (or settle them by hand); then run jatac sync again.",
        ) from None


def conflicts(repo: Repository) -> list[FieldConflict]:
    """Field-level view of the files git could not merge."""
    audit = _audit(repo)
    found = []
    rebasing = remote.rebasing(audit)
    for path in remote.unmerged(audit):
        mine, theirs = (_yaml_at(audit, f":{n}", path) for n in ((3, 2) if rebasing else (2, 3)))
        base = _yaml_at(audit, ":1", path) or {}
        for name in sorted(set(mine or {}) | set(theirs or {})):
            a, b = (mine or {}).get(name), (theirs or {}).get(name)
            if a != b and a != base.get(name) and b != base.get(name):
                if name == "changes":  # dated changes on both sides: resolve keeps each side's own
                    a, b = (f"{len(_new(x, base))} dated change(s), kept" for x in (a, b))
                found.append(FieldConflict(path, Path(path).stem, name, a, b))
    return found


def _new(log: Any, base: dict[str, Any]) -> list[Any]:
    """The entries of a case's log of dated changes added since ``base``."""
    old = base.get("changes") or []
    entries = log if isinstance(log, list) else []
    return entries[len(old) :] if entries[: len(old)] == old else entries


def _merged_log(
    mine: dict[str, Any], theirs: dict[str, Any], base: dict[str, Any], took: dict[str, str]
) -> Any:
    """The log of dated changes after a field-by-field settlement: the common entries, then each
    tracked field's new entries from the side whose value was kept (``took``: field -> side)."""
    from jatac.models.case import TRACKED

    common = mine.get("changes") or []
    common = [e for e, t in zip(common, theirs.get("changes") or [], strict=False) if e == t]
    sides = {"mine": mine, "theirs": theirs}
    kept: dict[str, list[Any]] = {}
    for side in ("mine", "theirs"):
        kept[side] = []
        for entry in (sides[side].get("changes") or [])[len(common) :]:
            name = entry.get("field") if isinstance(entry, dict) else None
            if took.get(str(name), "mine") == side or (name not in TRACKED and side == "mine"):
                kept[side].append(entry)
    merged = list(common)
    ours, other = kept["mine"], kept["theirs"]
    while ours or other:  # by date, each side's entries in their own order
        if not other or (ours and str(ours[0].get("on")) <= str(other[0].get("on"))):
            merged.append(ours.pop(0))
        else:
            merged.append(other.pop(0))
    return merged or None


def resolve(repo: Repository, case_id: str, take: str, fields: dict[str, str]) -> list[str]:
    """Settle one conflicted case file field by field; validate it; stage it. Returns the fields taken."""
    from jatac.storage.yaml_roundtrip import dump, set_field, to_yaml

    if take not in {"mine", "theirs"} or any(v not in {"mine", "theirs"} for v in fields.values()):
        raise Refused(
            "choose mine or theirs", hint="e.g. jatac resolve JAT-2026-0031 --take mine --field status=theirs"
        )
    audit = _audit(repo)
    kind = KINDS["case"]
    path = kind.relpath(case_id)
    if path not in remote.unmerged(audit):
        raise Refused(f"{case_id} has no conflict to resolve", hint="`jatac conflicts` lists them.")
    rebasing = remote.rebasing(audit)
    stage = {"mine": 3 if rebasing else 2, "theirs": 2 if rebasing else 3}
    mine, theirs = _yaml_at(audit, f":{stage['mine']}", path), _yaml_at(audit, f":{stage['theirs']}", path)
    base = _yaml_at(audit, ":1", path) or {}
    if mine is None or theirs is None:
        raise Refused(f"{case_id} was deleted on one side", hint="Settle it by hand with git, then sync.")
    merged = dict(base)
    decided = []
    took: dict[str, str] = {}  # which side each field's value came from
    order = list(kind.model.model_fields)
    for name in sorted(
        set(mine) | set(theirs) | set(base), key=lambda n: order.index(n) if n in order else 99
    ):
        a, b = mine.get(name), theirs.get(name)
        if name == "changes":
            value = _merged_log(mine, theirs, base, took)  # after the fields it dates (model order)
        elif a == b or b == base.get(name):
            value, took[name] = a, "mine"
        elif a == base.get(name):
            value, took[name] = b, "theirs"
        else:
            choice = fields.get(name, take)
            value, took[name] = (a if choice == "mine" else b), choice
            decided.append(f"{name}: {choice}")
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    doc = to_yaml({k: merged[k] for k in order if k in merged})
    if "changes" in doc:
        from jatac.git.revision import log_entry

        doc["changes"] = type(doc["changes"])(log_entry(dict(e)) for e in doc["changes"])
    repo.validate_doc(kind, doc, path, case_id)
    set_field(doc, "id", case_id, order)
    # staged, not committed: the merge (or the rebase) that stopped on it commits it
    with Change(
        repo, command="resolve", subject=f"{case_id}: conflict settled", no_commit=True, settling=True
    ) as change:
        change.write(path, dump(doc))
    return decided


def continue_sync(repo: Repository) -> Report:
    audit = _audit(repo)
    left = remote.unmerged(audit)
    if left:
        raise Conflicted(
            f"still to settle: {', '.join(left)}",
            hint="Run jatac conflicts: it shows them, and the jatac resolve commands that settle each.",
        )
    from jatac.cases.consistency import validate_repository

    problems = validate_repository(repo)
    if problems:
        from jatac.errors import InvalidRecord

        raise InvalidRecord(problems, hint="Fix these before the sync goes on.")
    if remote.rebasing(audit):  # (no upstream while a rebase has HEAD detached)
        _pull(audit, ["rebase", "--continue"])
    else:  # the end of a merge is a commit like any other: through the one change path
        with Change(repo, command="sync", subject=f"Sync with {_upstream(audit)}", conclude_merge=True):
            pass
    upstream = _upstream(audit)
    report = Report(pushed=remote.count(audit, upstream, "HEAD"))
    if report.pushed:
        remote.push(audit)
    return report
