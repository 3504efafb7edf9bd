"""The journal of a sending under way: which agencies the mail server has taken the paper for.

Kept in jatac's local state (``.jatac/sending.json``) and on the disk before the next message
goes, so that a sending cut short by Ctrl-C, a kill or a power cut is still known: the next
jatac command commits what was delivered (``jatac.meetings.sending.settle``), and a re-run
sends the paper only to the agencies it did not reach. The journal is sealed with this
user's key (``jatac.storage.local_state``): one a partner pushed, or one made by another
user or for another repository, is never taken as anyone having received anything.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jatac.errors import JatacError
from jatac.storage import local_state
from jatac.storage.lock import local_dir

NAME = "sending.json"
LIVE: list[Path] = []  # the journal this process is keeping, while it keeps one (for Ctrl-C's words)


def path(root: Path) -> Path:
    return local_dir(root, NAME)


@dataclass
class Journal:
    """``head``: what is being sent (meeting, paper, issue, day ...); ``to``: every agency the
    sending is for, in order; then what the server said so far, and the message on its way."""

    root: Path
    head: dict[str, Any]
    to: list[str]
    reached: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    going: str | None = None

    @property
    def answered(self) -> set[str]:
        return {*self.reached, *(a for a, _ in self.refused)}

    @property
    def unsent(self) -> list[str]:
        """Agencies no message was tried for (the sending was cut short before them)."""
        return [a for a in self.to if a not in self.answered and a != self.going]

    def going_to(self, agency: str) -> None:
        self.going = agency
        self._save()

    def answer(self, agency: str, why: str | None) -> None:
        if why is None:
            self.reached.append(agency)
        else:
            self.refused.append((agency, why))
        self.going = None
        self._save()

    def _save(self) -> None:
        payload = {
            "head": self.head,
            "to": self.to,
            "reached": self.reached,
            "refused": [list(r) for r in self.refused],
            "going": self.going,
        }
        where = path(self.root)
        if not local_state.write(self.root, where, json.dumps(payload).encode()):
            raise JatacError(
                "jatac cannot keep its key on this computer, so it cannot keep a record of a sending "
                "as it goes",
                hint=f"Make {local_state.key_path().parent} writable (it is in your home folder), then run "
                "the command again. Nothing was sent.",
            )
        _sync_folder(where.parent)  # the file's new name on the disk too, not only its content

    def clear(self) -> None:
        where = path(self.root)
        where.unlink(missing_ok=True)
        _sync_folder(where.parent)
        if where in LIVE:
            LIVE.remove(where)


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder to sync it
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def start(root: Path, head: dict[str, Any], to: list[str]) -> Journal:
    """A new journal, on the disk before the first message goes."""
    journal = Journal(root, head, list(to))
    journal._save()
    LIVE.append(path(root))
    return journal


class NotMadeHere(Exception):
    """The journal does not open with this user's key: pushed, forged, damaged or not for here."""


def read(root: Path) -> Journal | None:
    """The journal of a sending that did not finish, None if there is none; NotMadeHere if the
    file there was not made by jatac on this computer for this repository (never believed)."""
    where = path(root)
    if not where.exists():
        return None
    payload = local_state.read(root, where)
    if payload is None:
        raise NotMadeHere(str(where))
    try:
        data = json.loads(payload)
        head, to, reached = data["head"], data["to"], data["reached"]
        refused = [(str(a), str(why)) for a, why in data["refused"]]
        going = data["going"]
        if not (isinstance(head, dict) and all(isinstance(a, str) for a in [*to, *reached])):
            raise ValueError("not a journal")
        if going is not None and not isinstance(going, str):
            raise ValueError("not a journal")
    except (ValueError, KeyError, TypeError) as e:
        raise NotMadeHere(str(where)) from e
    return Journal(root, head, list(to), list(reached), refused, going)
