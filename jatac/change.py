"""One change to the case repository: files written atomically, then one commit, or nothing.

    with Change(repo, command="set", cases=[case_id], subject="...") as change:
        change.write(relpath, text, expect=loaded.text)
        change.body.append("status: proposed -> adopted")

Inside, the repository is locked against other jatac processes; every text
written is checked for personal data; a journal of the original files lets
a later run undo a change whose process was killed. On success the files
are committed together (or only staged with ``no_commit``); on any error
every file is put back as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from jatac.audit import Audit, message
from jatac.errors import Refused
from jatac.lock import RepoLock, clear_journal, recover, write_journal
from jatac.store import atomic_write

if TYPE_CHECKING:
    from jatac.store import Repository

UNREAD = object()


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
    ) -> None:
        self.repo = repo
        self.audit = Audit(repo.root)
        self.command = command
        # a change decided at a meeting names it, in the subject and for machines
        self.subject = f"{subject} (meeting {meeting})" if meeting else subject
        self.cases = list(cases)
        self.no_commit = no_commit
        self.trailers = dict(trailers or {})
        if meeting:
            self.trailers["Jatac-Meeting"] = meeting
        self.body: list[str] = []
        self._originals: dict[str, bytes | None] = {}
        self._lock = RepoLock(repo.root)
        self._names: list[str] | None = None

    def __enter__(self) -> Change:
        self.audit.require_repo()
        if not self.no_commit:
            self.audit.identity()
        self._lock.acquire()
        try:
            recover(self.repo.root)  # a killed run's half change, if any, is undone first
        except BaseException:
            self._lock.release()
            raise
        return self

    def _people_names(self) -> list[str]:
        if self._names is None:
            from jatac.people import names

            self._names = names(self.repo)
        return self._names

    def _remember(self, relpath: str) -> None:
        if relpath not in self._originals:
            self.audit.require_clean([relpath])
            path = self.repo.root / relpath
            self._originals[relpath] = path.read_bytes() if path.exists() else None
            write_journal(self.repo.root, self._originals)

    def write(self, relpath: str, text: str, expect: object = UNREAD) -> None:
        """Write one file atomically.

        ``expect`` is the file's text as the caller read it (None: it must not exist yet);
        if another process changed it since, nothing is written.
        """
        from jatac.privacy import check_text

        path = self.repo.root / relpath
        if expect is not UNREAD and relpath not in self._originals:
            now = path.read_text(encoding="utf-8") if path.exists() else None
            if now != expect:
                raise Refused(
                    f"{relpath} was changed by someone else while this command ran",
                    hint="Nothing was written. Run the command again.",
                )
        check_text(relpath, text, self._people_names())
        self._remember(relpath)
        atomic_write(path, text)

    def remove(self, relpath: str) -> None:
        self._remember(relpath)
        (self.repo.root / relpath).unlink(missing_ok=True)

    @property
    def paths(self) -> list[str]:
        return list(self._originals)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                self.rollback()
            elif self._originals:
                try:
                    if os.environ.get("JATAC_FAULT") == "before-commit":  # test hook: be killed here
                        import time

                        time.sleep(3600)
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
        self.audit.commit(self.paths, message(self.subject, self.body, trailers))

    def rollback(self) -> None:
        """Put every file back as it was before this change, in the work tree and the index."""
        existed = {}
        for relpath, original in self._originals.items():
            path = self.repo.root / relpath
            existed[relpath] = original is not None
            if original is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, original)
        if self._originals:
            # the files are back; a stale index entry is git's to show
            with contextlib.suppress(Exception):
                self.audit.unstage(self.paths, existed)
