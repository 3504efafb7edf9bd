"""Putting back what a dead change left half done, and local state someone shared by git.

The journal itself (sealed, written before a change touches a file) is kept by
``jatac.storage.lock``; reading what landed in HEAD needs git, so undoing lives here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jatac.errors import Busy, Problem
from jatac.storage.fs import atomic_write, inside
from jatac.storage.lock import LOCAL_DIR, NOTICES, RepoLock, digest, journal_path, read_journal


def shared_local_state(root: Path) -> list[Problem]:
    """Files of ``.jatac/`` that git tracks: local state shared with everyone who pulls.

    jatac never acts on them (nothing there opens with this user's key), but they have no
    place in the shared repository.
    """
    from jatac.errors import GitError
    from jatac.git.audit import Audit

    try:
        tracked = Audit(root).tracked(LOCAL_DIR)
    except GitError:
        return []  # not a git repository: nothing is shared
    return [
        Problem(
            rel,
            None,
            None,
            "",
            f"is tracked by git, but {LOCAL_DIR}/ is this computer's own state and must never be "
            f"shared (jatac ignores it); stop tracking it: git rm -r --cached {LOCAL_DIR} && "
            f'git commit -m "Stop sharing {LOCAL_DIR}/"',
        )
        for rel in tracked
    ]


def _same(a: bytes | None, b: bytes | None) -> bool:
    """Equal content, whatever line endings git's checkout gave it (core.autocrlf)."""
    if a is None or b is None:
        return a is b
    return a == b or a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")


def recover(root: Path) -> list[str]:
    """Undo what a dead change left half done (call with the lock held). Returns the files put back.

    A journal that was not made by jatac on this computer is never acted on: it is set aside
    and named. Every path in a journal must lie inside the repository.
    """
    from jatac.git.audit import Audit

    path = journal_path(root)
    if not path.exists():
        return []
    files = read_journal(root)
    if files is None:
        NOTICES.append(
            f"{LOCAL_DIR}/journal.json was not made by jatac on this computer (or is damaged), so "
            "nothing in it was acted on. If it came by git, `jatac doctor` says how to stop sharing "
            f"{LOCAL_DIR}/; if a jatac command was interrupted here, `git status` shows what it left."
        )
        return []
    audit = Audit(root)
    repo_ok = audit.is_repo()
    if repo_ok:
        clear_dead_git_lock(audit, path.stat().st_mtime)
    restored: list[str] = []
    left: list[str] = []
    for rel, (before, after) in files.items():
        target = inside(root, rel, "file")
        now = target.read_bytes() if target.is_file() else None
        if _same(now, before):
            continue  # nothing was written, or it is back already
        head = audit.file_at("HEAD", rel) if repo_ok else before
        if _same(now, head):
            continue  # the commit landed before the process died: the change is done, keep it
        if after is None or digest(now) != after:
            left.append(rel)  # not what the change wrote: edited since it died, not ours to undo
            continue
        if before is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write(target, before)
        restored.append(rel)
    if restored and repo_ok:
        audit.unstage(restored)
    path.unlink(missing_ok=True)
    if left:
        NOTICES.append(
            "An interrupted jatac change could not be undone for "
            + ", ".join(left)
            + ": the file was changed again since. Check it with `git diff`."
        )
    return restored


def clear_dead_git_lock(audit: Any, since: float) -> None:
    """git's own index lock, left by a git that a change started and that was killed with it.

    Call with jatac's lock held: every git a change starts inherits that lock, so none of
    them is alive. A git lock made after ``since`` (the change began) is that dead git's;
    an older one is someone else's to judge.
    """
    from jatac.errors import GitError

    git_lock = audit.root / audit.run("rev-parse", "--git-path", "index.lock")
    if not git_lock.exists():
        return
    if git_lock.stat().st_mtime >= since:
        git_lock.unlink(missing_ok=True)
        NOTICES.append("git's lock (index.lock), left by the interrupted command's git, was removed.")
        return
    raise GitError(
        f"git's own lock ({git_lock}) is held, so the interrupted change cannot be undone yet",
        hint=f"If no git program is running, delete it: rm {git_lock}; then run the command again.",
    )


def recover_if_needed(root: Path) -> None:
    """At start-up: if a dead process left a journal, put its files back."""
    if not journal_path(root).exists():
        return
    lock = RepoLock(root, wait=0)
    try:
        lock.acquire()
    except Busy:
        return  # its owner (or the git it started) is alive and still working
    try:
        restored = recover(root)
        if restored:
            NOTICES.append(
                "An earlier jatac command was interrupted before it finished; "
                f"its change was undone ({', '.join(restored)})."
            )
    finally:
        lock.release()
