"""One change to the case repository: files written atomically, then one commit, or nothing.

    with Change(repo, command="set", cases=[case_id], subject="...") as change:
        change.write(relpath, text, expect=loaded.text)
        change.body.append("status: proposed -> adopted")

This is the one way jatac commits. Inside, the repository is locked against
other jatac processes; every text committed is checked for personal data; a
journal of the original files (see ``jatac.storage.lock``) lets a later run undo a
change whose process was killed, and only what did not land. On success the
files are committed together (or only staged with ``no_commit``); on any
error every file is put back as it was. Each file keeps the line endings it
was found with (a Windows checkout's CRLF stays CRLF).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from jatac.errors import Refused
from jatac.git.audit import Audit, message
from jatac.git.recovery import clear_dead_git_lock, recover
from jatac.storage.fs import atomic_write, inside
from jatac.storage.lock import RepoLock, clear_journal, digest, write_journal

if TYPE_CHECKING:
    from jatac.guard.privacy import Names
    from jatac.storage.repository import Repository

UNREAD = object()


def _text_now(path: Path) -> str | None:
    """A file's text as the store reads it (line endings as they are), None if absent."""
    if not path.is_file():
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "\0"  # not what anyone read: it changed


def _with_endings(text: str, found: bytes | None) -> bytes:
    """``text`` with the line endings of ``found`` (the file it replaces, or for a new file
    the repository's jatac.yaml): CRLF if that used them."""
    if found is not None and b"\r\n" in found:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("utf-8")


class Change:
    def __init__(
        self,
        repo: Repository,
        *,
        command: str,
        subject: str,
        cases: Sequence[str] = (),
        no_commit: bool = False,
        trailers: dict[str, str | Sequence[str]] | None = None,
        meeting: str | None = None,
        conclude_merge: bool = False,
        settling: bool = False,
    ) -> None:
        """``conclude_merge``: commit everything staged, ending a merge (sync); ``settling``:
        files may be the unmerged files of a conflict being settled (resolve)."""
        self.repo = repo
        self.audit = Audit(repo.root)
        self.command = command
        # a change decided at a meeting names it, in the subject and for machines
        self.subject = f"{subject} (meeting {meeting})" if meeting else subject
        self.cases = list(cases)
        self.no_commit = no_commit
        self.conclude_merge = conclude_merge
        self.settling = settling
        self.trailers = dict(trailers or {})
        if meeting:
            self.trailers["Jatac-Meeting"] = meeting
        self.body: list[str] = []
        self._entries: dict[str, dict[str, Any]] = {}  # relpath -> {"before": bytes|None, "after": ...}
        self._lock = RepoLock(repo.root)
        self._names: Names | None = None
        self._names_unchecked: str | None = None  # why, when the person let names go unchecked
        self._started = 0.0
        self._style: bytes | None = None
        self._taken: set[str] = set()

    def __enter__(self) -> Change:
        # no git here: the first git command (the check for hand edits, or the commit) says
        # when this is not a git repository, and the commit when git does not know the author
        self._lock.acquire()
        self._started = time.time()
        try:
            recover(self.repo.root)  # a killed run's half change, if any, is undone first
        except BaseException:
            self._lock.release()
            raise
        return self

    def _people_names(self) -> Names:
        """The names in the people store, or their fingerprints; refused (NamesUnchecked)
        when neither can be read here and the person did not say they may go unchecked."""
        if self._names is None:
            from jatac.guard.people import for_commit

            self._names, self._names_unchecked = for_commit(self.repo)
        return self._names

    def _check(self, relpath: str, text: str, data: Any = None) -> None:
        """The personal-data check, on the record files (cases, packages, meetings, minutes, the
        fund) as `jatac check` and the hook read them. jatac.yaml is the partnership's own
        settings: it holds agencies' functional mailboxes and members' roles by design."""
        from jatac.guard.privacy import check_text
        from jatac.storage.repository import KINDS

        if relpath.split("/", 1)[0] in {kind.folder for kind in KINDS.values()}:
            check_text(relpath, text, self._people_names(), data)

    def _path(self, relpath: str) -> Path:
        return inside(self.repo.root, relpath, "record")

    def _remember(self, relpath: str, as_found: bool = False, journal: bool = True) -> dict[str, Any]:
        """Note the file's original content in the journal before anything touches it.

        ``as_found``: the file is taken as a person left it (their edit is the change);
        ``journal``: False when the caller writes the journal itself before touching the file
        (with what it is about to write: one write of the journal, not two)."""
        if relpath not in self._entries:
            if not as_found and not (self.settling and self._unmerged(relpath)):
                self.audit.require_clean([relpath])
            path = self._path(relpath)
            before = path.read_bytes() if path.is_file() else None
            self._entries[relpath] = {"before": before, "after": digest(before) if as_found else None}
            if journal:
                write_journal(self.repo.root, self._entries)
        return self._entries[relpath]

    def _checkout_style(self) -> bytes:
        """The start of jatac.yaml: how this checkout ends its lines (a new file does the same)."""
        if self._style is None:
            try:
                with open(inside(self.repo.root, "jatac.yaml", "settings file"), "rb") as f:
                    self._style = f.read(4096)
            except OSError:
                self._style = b""
        return self._style

    def _unmerged(self, relpath: str) -> bool:
        from jatac.git import remote

        return bool(remote.unmerged(self.audit, relpath))

    def write(self, relpath: str, text: str, expect: object = UNREAD, data: Any = None) -> None:
        """Write one file atomically.

        ``expect`` is the file's text as the caller read it (None: it must not exist yet);
        if another process changed it since, nothing is written. ``data``: the text's content
        as plain data, when the caller has it (the round-trip document it dumped): the
        personal-data check then need not parse the text again.
        """
        path = self._path(relpath)
        if expect is not UNREAD and relpath not in self._entries and _text_now(path) != expect:
            raise Refused(
                f"{relpath} was changed by someone else while this command ran",
                hint="Nothing was written. Run the command again.",
            )
        self._check(relpath, text, data)
        entry = self._remember(relpath, journal=False)
        data = _with_endings(text, entry["before"] if entry["before"] is not None else self._checkout_style())
        entry["after"] = digest(data)
        write_journal(self.repo.root, self._entries)  # what is about to be written, before it is
        atomic_write(path, data)

    def remove(self, relpath: str) -> None:
        entry = self._remember(relpath, journal=False)
        entry["after"] = digest(None)
        write_journal(self.repo.root, self._entries)
        self._path(relpath).unlink(missing_ok=True)

    def take(self, relpath: str) -> None:
        """Include a file as a person saved it (minutes typed in an editor) in this change."""
        path = self._path(relpath)
        text = _text_now(path)
        if text is None:
            raise Refused(f"{relpath} does not exist")
        self._check(relpath, text)
        self._remember(relpath, as_found=True)
        self._taken.add(relpath)

    @property
    def paths(self) -> list[str]:
        return list(self._entries)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                self.rollback()
            elif self._entries or self.conclude_merge:
                try:
                    self._record()
                except BaseException:
                    self.rollback()
                    clear_journal(self.repo.root)
                    raise
            # kept if the roll-back itself failed, so the next run can still undo the change
            clear_journal(self.repo.root)
        finally:
            self._lock.release()

    def _record(self) -> None:
        if self.no_commit:
            self.audit.stage(self.paths)
            return
        trailers: dict[str, str | Sequence[str]] = {"Jatac-Command": self.command}
        if self.cases:
            trailers["Jatac-Case"] = self.cases
        trailers.update(self.trailers)
        if self._names_unchecked is not None:  # said by the person for this command: on the record
            trailers["Jatac-Names-Unchecked"] = "yes"
        text = message(self.subject, self.body, trailers)
        fd = self._lock.fd
        keep = [fd] if fd is not None else []  # git holds the lock until it has finished
        if self.conclude_merge:
            self._check_staged()
            self.audit.commit(None, text, keep_fds=keep)
        else:
            # files git may not know yet: new ones, and those a person saved (minutes typed by hand)
            new = [p for p, entry in self._entries.items() if entry["before"] is None or p in self._taken]
            self.audit.commit(self.paths, text, keep_fds=keep, new=new)

    def _check_staged(self) -> None:
        """What a merge brings in meets the same personal-data check as a file jatac writes."""
        from jatac.errors import InvalidRecord
        from jatac.git.hooks import check_repository
        from jatac.guard.privacy import HOW_TO

        problems = check_repository(self.repo, staged=True).problems
        if problems:
            raise InvalidRecord(problems, hint=HOW_TO)

    def rollback(self) -> None:
        """Put every file back as it was before this change, in the work tree and the index."""
        for relpath, entry in self._entries.items():
            original = entry["before"]
            path = self._path(relpath)
            if original is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, original)
        if self._entries:
            # the files are back; now the index (a git killed by Ctrl-C leaves its lock behind)
            with contextlib.suppress(Exception):
                clear_dead_git_lock(self.audit, self._started)
                self.audit.unstage(self.paths)
