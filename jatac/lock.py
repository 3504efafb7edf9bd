"""One change at a time, and no change left half done.

A lock file in the repository's local folder ``.jatac/`` (git-ignored) lets
one jatac process change the repository at a time; another waits a little,
then says who holds it. Before touching any file a change writes a journal
of the files' original contents; if the process is killed part way, the
next jatac run finds the journal with no live owner and puts the files back.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
from pathlib import Path

from jatac.errors import Busy

LOCAL_DIR = ".jatac"
NOTICES: list[str] = []  # said to the person at the end of the command


def local_dir(root: Path) -> Path:
    return root / LOCAL_DIR


STALE_AFTER = 600  # seconds: where a process cannot be asked whether it lives, an old lock is stale


def _alive(pid: int, since: float | None = None) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        # on Windows os.kill(pid, 0) would terminate the process: judge by the lock's age instead
        return since is None or time.time() - since < STALE_AFTER
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class RepoLock:
    def __init__(self, root: Path, wait: float | None = None) -> None:
        self.path = local_dir(root) / "lock"
        self.wait = float(os.environ.get("JATAC_LOCK_WAIT", "10")) if wait is None else wait
        self.held = False

    def _holder(self) -> int:
        try:
            return int(self.path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return -1

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                try:
                    since: float | None = self.path.stat().st_mtime
                except OSError:
                    since = None
                if holder != os.getpid() and not _alive(holder, since):
                    self.path.unlink(missing_ok=True)  # its owner was killed: stale
                    continue
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"another jatac (process {holder}) is changing this repository",
                        hint="Wait for it to finish, then run the command again.",
                    ) from None
                time.sleep(0.05)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()}\n")
            self.held = True
            return

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


def journal_path(root: Path) -> Path:
    return local_dir(root) / "journal.json"


def write_journal(root: Path, originals: dict[str, bytes | None]) -> None:
    from jatac.store import atomic_write

    data = {
        "pid": os.getpid(),
        "files": {k: None if v is None else base64.b64encode(v).decode() for k, v in originals.items()},
    }
    atomic_write(journal_path(root), json.dumps(data))


def clear_journal(root: Path) -> None:
    journal_path(root).unlink(missing_ok=True)


def recover(root: Path) -> list[str]:
    """Undo a change whose process died part way (call with the lock held). Returns the files."""
    from jatac.audit import Audit
    from jatac.store import atomic_write

    path = journal_path(root)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return []
    files: dict[str, str | None] = data.get("files", {})
    head_has = {}
    for rel, original in files.items():
        target = root / rel
        if original is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write(target, base64.b64decode(original))
        head_has[rel] = original is not None
    audit = Audit(root)
    if files and audit.is_repo():
        # the files are back; the index is git's to show
        with contextlib.suppress(Exception):
            audit.unstage(list(files), head_has)
    path.unlink(missing_ok=True)
    return list(files)


def recover_if_needed(root: Path) -> None:
    """At start-up: if a dead process left a journal, put its files back."""
    if not journal_path(root).exists():
        return
    lock = RepoLock(root, wait=0)
    try:
        lock.acquire()
    except Busy:
        return  # its owner is alive and still working
    try:
        restored = recover(root)
        if restored:
            NOTICES.append(
                "An earlier jatac command was interrupted before it finished; "
                f"its change was undone ({', '.join(restored)})."
            )
    finally:
        lock.release()
