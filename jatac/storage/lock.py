"""One change at a time, and no change left half done.

The lock is an operating-system lock (``flock``) on ``.jatac/lock``: the
system lets it go when its process ends, however it ends, so there is no
stale lock to judge by a process id that may since have been reused. A
change hands the lock on to the ``git commit`` it starts, so a jatac killed
while git commits cannot let another jatac in until git has finished.
(The ``filelock`` library takes the same ``flock`` on Linux, but keeps the
descriptor to itself: handing it to git would mean reaching into its private
state. The process id written in the file is only named in the message of a
jatac that waited too long; nothing is decided by it.)

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

from jatac.errors import Busy, JatacError
from jatac.storage import local_state
from jatac.storage.fs import inside

LOCAL_DIR = ".jatac"
NOTICES: list[str] = []  # said to the person at the end of the command
WAIT_SECONDS = 10.0  # how long a change waits for another to finish before it says who holds the lock


def local_dir(root: Path, *parts: str) -> Path:
    """The repository's local state folder, or a path in it (``local_dir(root, "index",
    "search.sqlite")``); refused if it, or any folder or file on the way, is a link out of the
    repository (a partner can push a ``.jatac/index`` that points anywhere)."""
    return inside(root, Path(LOCAL_DIR, *parts), "jatac's local state")


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
        self.wait = WAIT_SECONDS if wait is None else wait
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


# -- the journal of a change in progress -------------------------------------------------


def journal_path(root: Path) -> Path:
    return local_dir(root, "journal.json")


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


def read_journal(root: Path) -> dict[str, tuple[bytes | None, str | None]] | None:
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
