"""One change to the case repository: files written atomically, then one commit, or nothing.

    with Change(repo, command="set", cases=[case_id], subject="...") as change:
        change.write(relpath, text)
        change.body.append("status: proposed -> adopted")

On success the written files are committed together (or only staged with
``no_commit``); on any error every file is put back as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from jatac.audit import Audit, message
from jatac.store import atomic_write

if TYPE_CHECKING:
    from jatac.store import Repository


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
        self.sha: str | None = None

    def __enter__(self) -> Change:
        self.audit.require_repo()
        if not self.no_commit:
            self.audit.identity()
        return self

    def write(self, relpath: str, text: str) -> None:
        """Write one file atomically, refusing to clobber someone's uncommitted edits."""
        if relpath not in self._originals:
            self.audit.require_clean([relpath])
            path = self.repo.root / relpath
            self._originals[relpath] = path.read_bytes() if path.exists() else None
        atomic_write(self.repo.root / relpath, text)

    def remove(self, relpath: str) -> None:
        path = self.repo.root / relpath
        if relpath not in self._originals:
            self.audit.require_clean([relpath])
            self._originals[relpath] = path.read_bytes() if path.exists() else None
        path.unlink(missing_ok=True)

    @property
    def paths(self) -> list[str]:
        return list(self._originals)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()
            return
        if not self._originals:
            return
        try:
            if self.no_commit:
                self.audit.stage(self.paths)
            else:
                trailers: dict[str, str | Sequence[str]] = {"Jatac-Command": self.command}
                if self.cases:
                    trailers["Jatac-Case"] = self.cases
                trailers.update(self.trailers)
                self.sha = self.audit.commit(self.paths, message(self.subject, self.body, trailers))
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        """Put every file back as it was before this change, in the work tree and the index."""
        existed = {}
        for relpath, original in self._originals.items():
            path: Path = self.repo.root / relpath
            existed[relpath] = original is not None
            if original is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, original)
        if self._originals:
            # the files are back; a stale index entry is git's to show
            with contextlib.suppress(Exception):
                self.audit.unstage(self.paths, existed)
