"""One change at a time, and no change left half done.

The lock is an operating-system lock (``flock``) on ``.jatac/lock``: the
system lets it go when its process ends, however it ends, so there is no
stale lock to judge by a process id that may since have been reused. A
change hands the lock on to the ``git commit`` it starts, so a jatac killed
while git commits cannot let another jatac in until git has finished.

Before touching a file a change writes a journal of the file's original
content and of what it is about to write (sealed, see ``local_state``). The
next jatac that finds the journal of a dead change first asks git what
landed: a file whose change is already in HEAD is kept; a file that still
holds what the dead change wrote is put back; a file someone has edited
since is left alone and named.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import time
from pathlib import Path, PurePosixPath
from typing import Any

from jatac.errors import Busy, JatacError, Problem
from jatac.storage import local_state
from jatac.storage.fs import atomic_write, inside

LOCAL_DIR = ".jatac"
NOTICES: list[str] = []  # said to the person at the end of the command


def local_dir(root: Path) -> Path:
    """The repository's local state folder; refused if it is a link out of the repository."""
    return inside(root, LOCAL_DIR, "jatac's local state")


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


_HELD: dict[str, list[int]] = {}  # lock file -> [fd, depth]: a process may nest changes (sync)


class RepoLock:
    def __init__(self, root: Path, wait: float | None = None) -> None:
        self.path = inside(root, f"{LOCAL_DIR}/lock", "lock file")
        self.wait = float(os.environ.get("JATAC_LOCK_WAIT", "10")) if wait is None else wait
        self.held = False

    @property
    def fd(self) -> int | None:
        """The locked file's descriptor, for a child (git) to hold the lock while it runs."""
        entry = _HELD.get(str(self.path))
        return entry[0] if entry and self.held else None

    def acquire(self) -> None:
        key = str(self.path)
        if key in _HELD:
            _HELD[key][1] += 1
            self.held = True
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        deadline = time.monotonic() + self.wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() if os.name != "nt" else ""
                os.close(fd)
                who = f"process {holder}" if holder.isdigit() else "another process"
                raise Busy(
                    f"another jatac ({who}, or the git command it started) is changing this repository",
                    hint=f"Wait for it to finish, then run the command again. The lock ({self.path}) "
                    "is let go when that process ends.",
                )
            time.sleep(0.05)
        if os.name != "nt":
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD[key] = [fd, 1]
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        key = str(self.path)
        entry = _HELD.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _HELD[key]
            os.close(entry[0])  # closing the last descriptor lets the lock go


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


# -- the journal of a change in progress -------------------------------------------------


def journal_path(root: Path) -> Path:
    return local_dir(root) / "journal.json"


def digest(data: bytes | None) -> str:
    """What a journal remembers of the bytes a change wrote ("" for a removed file)."""
    return "" if data is None else hashlib.blake2b(data, digest_size=16).hexdigest()


def write_journal(root: Path, entries: dict[str, dict[str, Any]]) -> None:
    """``entries``: relpath -> {"before": bytes | None, "after": digest | None (not yet written)}."""
    files = {
        rel: {
            "before": None if e["before"] is None else base64.b64encode(e["before"]).decode(),
            "after": e["after"],
        }
        for rel, e in entries.items()
    }
    payload = json.dumps({"pid": os.getpid(), "files": files}).encode()
    if not local_state.write(root, journal_path(root), payload):
        raise JatacError(
            "jatac cannot keep its key on this computer, so it cannot protect a change from being half done",
            hint=f"Make {local_state.key_path().parent} writable (it is in your home folder), then run "
            "the command again.",
        )


def clear_journal(root: Path) -> None:
    journal_path(root).unlink(missing_ok=True)


def _read_journal(root: Path) -> dict[str, tuple[bytes | None, str | None]] | None:
    """The journal's files, or None if it was not made here or cannot be read."""
    payload = local_state.read(root, journal_path(root))
    if payload is None:
        return None
    try:
        files = json.loads(payload)["files"]
        out: dict[str, tuple[bytes | None, str | None]] = {}
        for rel, entry in files.items():
            before = entry["before"]
            after = entry["after"]
            if not (isinstance(rel, str) and _plain_relpath(rel)):
                return None
            if not all(value is None or isinstance(value, str) for value in (before, after)):
                return None
            out[rel] = (None if before is None else base64.b64decode(before, validate=True), after)
        return out
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return None


def _plain_relpath(rel: str) -> bool:
    """A path jatac itself would write: relative, no '..', not into git's or jatac's own folders."""
    parts = PurePosixPath(rel).parts
    return (
        bool(parts)
        and not rel.startswith("/")
        and "\\" not in rel
        and ".." not in parts
        and parts[0] not in {".git", LOCAL_DIR}
        and ":" not in parts[0]
    )


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
    files = _read_journal(root)
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
