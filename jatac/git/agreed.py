"""Agreed minutes stay as agreed: what was agreed is fixed at the moment of agreement.

`jatac minutes agree` puts the digest of the record it agreed (everything but where the
minutes stand, their corrections, their marking and the personal-data acknowledgements) in
its commit (``Jatac-Agreed-Digest: sha256:...``) and keeps it, sealed with this user's key,
in ``.jatac/agreed.json`` on this computer. `jatac minutes correct` puts the digest of the
corrections it leaves in its commit (``Jatac-Corrections-Digest``): a correction is recorded
beside the record, never edited into it.

``not_as_agreed`` decides, for one minutes file, whether it is still what was agreed; every
path that shows minutes as agreed or carries their decisions out (validate, render, the
agenda, the site, sending, apply) asks it, through ``require_as_agreed`` or
``agreed_problems``. What was agreed on this computer is taken from the sealed record; an
agreement made on another computer is trusted as far as the git history is (a partner who
rewrites the history can forge it there, not here).

One `git log` over the minutes folder per command reads every agreement and correction.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac.errors import GitError, JatacError, Problem, Refused
from jatac.git.audit import Audit, Commit, log

if TYPE_CHECKING:
    from jatac.models.meeting import Minutes
    from jatac.storage.repository import Repository

AGREED_DIGEST = "Jatac-Agreed-Digest"
CORRECTIONS_DIGEST = "Jatac-Corrections-Digest"
AGREE, CORRECT = "minutes agree", "minutes correct"
SEALED = "agreed.json"

# what may change after agreement: where they stand, their corrections, their marking (only
# ever raised) and the personal-data check's acknowledgements
_NOT_THE_RECORD = ("state", "corrections", "marking", "not_personal")


def _record(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _NOT_THE_RECORD}


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_digest(data: dict[str, Any]) -> str:
    """The digest of what minutes record (``data``: the minutes as checked data, JSON-shaped)."""
    return _digest(_record(data))


def corrections_digest(data: dict[str, Any]) -> str:
    return _digest(data.get("corrections") or [])


# -- what was agreed, read once a command -------------------------------------------------


@dataclass
class _Trail:
    """The agreements and corrections of each minutes file (newest first), and the agreements
    sealed on this computer (relpath: digest)."""

    agreements: dict[str, list[Commit]] = field(default_factory=dict)
    corrections: dict[str, list[Commit]] = field(default_factory=dict)
    sealed: dict[str, str] = field(default_factory=dict)
    replaying: bool = False  # a rebase stopped part way: agreements made here may come later


_trails: weakref.WeakKeyDictionary[Repository, _Trail] = weakref.WeakKeyDictionary()


def _sealed_path(repo: Repository) -> Path:
    from jatac.storage.lock import local_dir

    return local_dir(repo.root, SEALED)


def _read_sealed(repo: Repository) -> dict[str, str]:
    from jatac.storage import local_state

    payload = local_state.read(repo.root, _sealed_path(repo))
    if payload is None:
        return {}  # none here, or not made by jatac on this computer: believed as absent
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _trail(repo: Repository) -> _Trail:
    if repo in _trails:
        return _trails[repo]
    from jatac.storage.repository import KINDS

    trail = _Trail(sealed=_read_sealed(repo))
    folder = KINDS["minutes"].folder
    audit = Audit(repo.root)
    try:
        merging, trail.replaying = _settling(audit)
        # a merge stopped on a conflict: what comes in was agreed where it comes from
        heads = ["HEAD", "MERGE_HEAD"] if merging else []
        commits = log(
            audit,
            f"--grep=^Jatac-Command: {AGREE}$",
            f"--grep=^Jatac-Command: {CORRECT}$",
            *heads,
            "--",
            folder,
        )
    except GitError:
        commits = []  # not a git repository (or no commit yet): nothing was ever agreed
    for commit in commits:
        command = commit.trailer("Jatac-Command")
        into = trail.agreements if AGREE in command else trail.corrections if CORRECT in command else None
        if into is None:
            continue
        for meeting in commit.trailer("Jatac-Meeting"):
            try:
                relpath = KINDS["minutes"].relpath(meeting)
            except JatacError:
                continue  # a pushed commit naming no meeting jatac knows: it agrees nothing
            if relpath in commit.files:  # the commit names these minutes and changed their file
                into.setdefault(relpath, []).append(commit)
    _trails[repo] = trail
    return trail


def _settling(audit: Audit) -> tuple[bool, bool]:
    """(a merge, a rebase) stopped on a conflict; the git folder found without starting git
    when the case repository is the top of its git repository (the usual case)."""
    git_dir = audit.root / ".git"
    if not git_dir.is_dir():
        git_dir = Path(audit.run("rev-parse", "--absolute-git-dir").strip())
    rebasing = (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists()
    return (git_dir / "MERGE_HEAD").exists(), rebasing


def forget(repo: Repository) -> None:
    """Read the trail again at the next question (after this command agreed or corrected)."""
    _trails.pop(repo, None)


def seal_agreement(repo: Repository, relpath: str, digest: str) -> bool:
    """Keep on this computer what was agreed for ``relpath`` (after its agreeing commit);
    False if no key can be kept here (the agreement then rests on the git history alone)."""
    from jatac.storage import local_state
    from jatac.storage.lock import RepoLock

    lock = RepoLock(repo.root)
    lock.acquire()  # two agreements at once must not drop one of them
    try:
        sealed = _read_sealed(repo)
        sealed.setdefault(relpath, digest)  # the first agreement is what was agreed
        payload = json.dumps(sealed, sort_keys=True).encode()
        written = local_state.write(repo.root, _sealed_path(repo), payload)
    finally:
        lock.release()
    forget(repo)
    return written


# -- the one decision -----------------------------------------------------------------------


def _legacy_record(repo: Repository, commit: Commit, relpath: str) -> dict[str, Any] | None:
    """The record as an agreeing commit made before agreements carried their digest left it."""
    from jatac.models.meeting import Minutes
    from jatac.storage.yaml_fast import fast_load

    raw = Audit(repo.root).file_at(commit.sha, relpath)
    if raw is None:
        return None
    text = raw.decode("utf-8", errors="replace")
    then = fast_load(text)
    if then is None:  # the fast reader declines some text: the careful one
        from jatac.storage.yaml_roundtrip import parse, plain

        try:
            then = plain(parse(text, relpath))
        except (JatacError, ValueError):
            return None  # what that commit left cannot be read: it agreed nothing readable
    try:
        dumped: dict[str, Any] = Minutes.model_validate(then, context={"config": repo.config}).model_dump(
            mode="json"
        )
    except ValueError:
        return None
    return dumped


def not_as_agreed(repo: Repository, relpath: str, data: dict[str, Any]) -> tuple[str, str] | None:
    """Why the minutes in ``relpath`` (``data``: as checked data) are not what was agreed, as
    (field, words); None when they are (or were never agreed and do not say they were)."""
    trail = _trail(repo)
    agreements = trail.agreements.get(relpath, [])
    sealed = trail.sealed.get(relpath)
    state = data.get("state")
    says_agreed = state in {"agreed", "locked"}
    if not agreements and sealed is None:
        if says_agreed:
            return (
                "state",
                f"the minutes say they are {state}, but they were never agreed (no `jatac minutes "
                "agree` in the history): circulate and agree them",
            )
        return None
    first = agreements[-1] if agreements else None  # newest first: the first agreement counts
    when = f"commit {first.sha[:10]}" if first else "on this computer"
    if not says_agreed:
        if trail.replaying:
            return None  # the agreeing commit is replayed later in the rebase
        return (
            "state",
            f"the minutes were agreed ({when}) but now say they are {state}: agreed minutes stay agreed",
        )
    now = record_digest(data)
    if sealed is not None:
        if now != sealed:
            return ("", f"changed since they were agreed on this computer ({when}): {_ONLY_CORRECTIONS}")
    elif first is not None:
        given = first.trailer(AGREED_DIGEST)
        if given:
            if now != given[0]:
                return ("", f"changed since they were agreed ({when}): {_ONLY_CORRECTIONS}")
        else:
            was = _legacy_record(repo, first, relpath)
            if was is None or record_digest(was) != now:
                return ("", f"changed since they were agreed ({when}): {_ONLY_CORRECTIONS}")
    return _corrections_problem(trail.corrections.get(relpath, []), data)


_ONLY_CORRECTIONS = "agreed minutes change only by a recorded correction (jatac minutes correct)"


def _corrections_problem(corrections: list[Commit], data: dict[str, Any]) -> tuple[str, str] | None:
    """The corrections beside the minutes are those `jatac minutes correct` last left."""
    there = data.get("corrections") or []
    if not corrections:
        if there:
            return (
                "corrections",
                "hold corrections that no `jatac minutes correct` recorded: remove them, and record "
                "each with jatac minutes correct",
            )
        return None
    given = corrections[0].trailer(CORRECTIONS_DIGEST)  # the newest correction
    if given and given[0] != corrections_digest(data):
        return (
            "corrections",
            f"differ from those `jatac minutes correct` recorded (commit {corrections[0].sha[:10]}): "
            "corrections are recorded with jatac minutes correct, never edited",
        )
    return None


def require_as_agreed(repo: Repository, minutes: Minutes | dict[str, Any], doing: str = "shown") -> None:
    """Refused (naming the file and the way back) when ``minutes`` (the record, or its checked
    data) are not what was agreed. ``doing``: what was asked, in words ("rendered", "applied")."""
    from jatac.storage.repository import KINDS

    data = minutes if isinstance(minutes, dict) else minutes.model_dump(mode="json")
    relpath = repo.relpath(KINDS["minutes"], data["meeting"])
    why = not_as_agreed(repo, relpath, data)
    if why is None:
        return
    day = data["meeting"][:10]
    raise Refused(
        f"{relpath}: {why[1]}. Nothing was {doing}.",
        hint=f'Record the change as a correction (jatac minutes correct {day} --what "..." --why "..." '
        f"--at DATE), or put the agreed file back with git (git log -- {relpath}, then "
        f"git checkout COMMIT -- {relpath} and commit it).",
    )


def agreed_problems(repo: Repository, minutes: list[dict[str, Any]]) -> list[Problem]:
    """``minutes``: every valid minutes file's checked data."""
    from jatac.storage.repository import KINDS

    problems: list[Problem] = []
    if not minutes:
        return problems  # no minutes: no git log
    for data in minutes:
        relpath = repo.relpath(KINDS["minutes"], data["meeting"])
        why = not_as_agreed(repo, relpath, data)
        if why is not None:
            problems.append(Problem(relpath, None, None, why[0], why[1]))
    return problems
