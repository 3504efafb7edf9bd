"""What the top-level options chose, for the commands to read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jatac.storage.repository import Repository

repo_path: str | None = None


def open_repo() -> Repository:
    from jatac.storage.lock import journal_path
    from jatac.storage.repository import Repository

    repo = Repository.find(repo_path)
    if journal_path(repo.root).exists():  # a killed run's half change is undone before anything else
        from jatac.git.recovery import recover_if_needed

        recover_if_needed(repo.root)
    if (repo.root / ".jatac" / "sending.json").exists():  # a sending cut short: record who has it
        _settle_sending(repo)
    return repo


def _settle_sending(repo: Repository) -> None:
    from jatac.errors import JatacError
    from jatac.meetings.sending import settle
    from jatac.storage.lock import NOTICES

    try:
        settle(repo)
    except JatacError as e:
        NOTICES.append(
            f"An interrupted sending could not be recorded yet: {e}. It is kept, and recorded by the "
            "next jatac command once that is put right; until then `jatac send` sends nothing."
        )
