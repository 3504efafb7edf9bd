"""Errors a coordinator can act on.

The core raises these; the command line turns them into one message and an
exit code in one place (``jatac.cli.app``). Anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class JatacError(Exception):
    """Base of every error that is the user's to fix. ``str(e)`` is the message."""

    exit_code = 1
    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class NotARepository(JatacError):
    """No jatac.yaml found where one was looked for."""


class NotFound(JatacError):
    """A case, package, meeting or action id that does not exist."""


class BadId(JatacError):
    """An id that is not of the form the repository uses."""


class Refused(JatacError):
    """The request is understood but breaks a rule (lifecycle, deadlines ...)."""


class GitError(JatacError):
    """git is missing, not configured, or refused to commit."""


class DirtyFile(JatacError):
    """A file jatac must change has someone's uncommitted edits."""


class TooMuch(JatacError):
    """A request past what a person would type (a search of 1,200 words): refused as a usage
    error, before it costs the machine minutes."""

    exit_code = 2


class Busy(JatacError):
    """Another jatac process holds the repository lock."""

    exit_code = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, positioned like a compiler error."""

    path: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}  {field}{self.message}"


class InvalidRecord(JatacError):
    """One or more files (or a change about to be written) fail validation."""

    def __init__(self, problems: list[Problem], hint: str | None = None) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems), hint)
