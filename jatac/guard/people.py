"""The restricted people store: who P-0007 is, kept out of git and encrypted at rest.

Cases name people only by reference (P-0007). Their details live in
``.jatac/private/people.enc`` inside the case repository, which git ignores,
encrypted with Fernet (the ``cryptography`` package: AES-128 with an HMAC).
The key lives outside the repository: ``JATAC_KEY_FILE``, or
``~/.config/jatac/<PREFIX>.key``. Erasing a person deletes one entry; git's
history only ever held the pseudonym.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jatac.errors import JatacError, NotFound, Refused
from jatac.storage.lock import local_dir
from jatac.storage.repository import Repository, atomic_write

IGNORE_ALL = b"# jatac: this folder is this computer's own state, never shared\n*\n"


class NoKey(JatacError):
    """The key to the people store is not on this computer."""


def key_file(repo: Repository) -> Path:
    explicit = os.environ.get("JATAC_KEY_FILE")
    if explicit:
        return Path(explicit).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "jatac" / f"{repo.config.prefix}.key"


def store_file(repo: Repository) -> Path:
    return local_dir(repo.root, "private", "people.enc")


@dataclass
class Person:
    ref: str
    name: str
    note: str = ""


def _fernet(repo: Repository, create: bool = False) -> Any:
    from cryptography.fernet import Fernet

    path = key_file(repo)
    if not path.exists():
        if not create:
            raise NoKey(
                f"the key to the people store is not on this computer ({path})",
                hint="Copy the key file there from the coordinator who holds it, or set JATAC_KEY_FILE.",
            )
        if path.resolve().is_relative_to(repo.root.resolve()):
            raise Refused("the key file must not be inside the case repository", hint=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, Fernet.generate_key())
        path.chmod(0o600)
    return Fernet(path.read_bytes().strip())


def _ignore_local_state(repo: Repository) -> None:
    """The store lives in ``.jatac/``, which holds a ``.gitignore`` of its own saying "everything
    here": git never offers the store for a commit, whatever the repository's ``.gitignore``
    (a file a partner can change) says."""
    own = local_dir(repo.root, ".gitignore")
    if not own.is_file() or own.read_bytes() != IGNORE_ALL:
        atomic_write(own, IGNORE_ALL)


def load(repo: Repository) -> dict[str, Any]:
    path = store_file(repo)
    if not path.exists():
        return {"next": 1, "people": {}}
    from cryptography.fernet import InvalidToken

    try:
        data: dict[str, Any] = json.loads(_fernet(repo).decrypt(path.read_bytes()))
    except InvalidToken:
        raise NoKey(
            "the key on this computer does not open the people store",
            hint=f"The key file is {key_file(repo)}.",
        ) from None
    return data


def _save(repo: Repository, data: dict[str, Any]) -> None:
    _ignore_local_state(repo)
    token = _fernet(repo, create=True).encrypt(json.dumps(data, ensure_ascii=False).encode())
    atomic_write(store_file(repo), token)


def add(repo: Repository, name: str, note: str = "") -> Person:
    if not name.strip():
        raise Refused("a person needs a name (it stays in the restricted store)")
    from jatac.storage.lock import RepoLock
    from jatac.storage.problems import check_line

    # as one-line fields of a record: a paper shown --include-personal prints them
    name = check_line(name, "new person", "name")
    note = check_line(note, "new person", "note") if note.strip() else ""

    lock = RepoLock(repo.root)
    lock.acquire()
    try:
        data: dict[str, Any] = load(repo)
        ref = f"P-{int(data['next']):04d}"
        data["people"][ref] = {"name": name.strip(), "note": note.strip()}
        data["next"] = int(data["next"]) + 1  # a reference is never used twice, even after erasure
        _save(repo, data)
    finally:
        lock.release()
    return Person(ref, name.strip(), note.strip())


def get(repo: Repository, ref: str) -> Person:
    entry = load(repo)["people"].get(ref)
    if entry is None:
        raise NotFound(f"there is no person {ref} in the people store")
    return Person(ref, entry["name"], entry.get("note", ""))


def erase(repo: Repository, ref: str) -> None:
    from jatac.storage.lock import RepoLock

    lock = RepoLock(repo.root)
    lock.acquire()
    try:
        data = load(repo)
        if data["people"].pop(ref, None) is None:
            raise NotFound(f"there is no person {ref} in the people store")
        _save(repo, data)
    finally:
        lock.release()


def known_names(repo: Repository) -> tuple[list[str], str | None]:
    """The names to look for in case text, and why they could not be read (None when they
    were, or when there is no people store here to read)."""
    if not store_file(repo).exists():
        return [], None
    try:
        people = load(repo)["people"]
    except NoKey as e:
        return [], f"{e} ({e.hint})" if e.hint else str(e)
    return [p["name"] for p in people.values()], None


def names(repo: Repository) -> list[str]:
    """Names to look for in case text. When the store is here but cannot be opened, the
    names are not looked for, and the person is told so at the end of the command."""
    found, why = known_names(repo)
    if why is not None:
        from jatac.storage.lock import NOTICES

        notice = f"names in the people store were not checked for: {why}"
        if notice not in NOTICES:
            NOTICES.append(notice)
    return found


def resolve(repo: Repository) -> dict[str, str]:
    """Reference -> name, for documents rendered --include-personal."""
    return {ref: p["name"] for ref, p in load(repo)["people"].items()}
