"""The restricted people store: who P-0007 is, kept out of git and encrypted at rest.

Cases name people only by reference (P-0007). Their details live in
``.jatac/private/people.enc`` inside the case repository, which git ignores,
encrypted with Fernet (the ``cryptography`` package: AES-128 with an HMAC).
The key lives outside the repository: ``JATAC_KEY_FILE``, or
``~/.config/jatac/<PREFIX>.key``. Erasing a person deletes one entry; git's
history only ever held the pseudonym.

Beside the store, ``people.fingerprints`` holds a keyed fingerprint of each name's
forms as the personal-data check reads them (``jatac.guard.privacy.NameFingerprints``),
so the check still finds a name on a computer where the store's key is not. Its key is
not the store's: it is made from this computer's own secret (``local_state.derived_key``),
and the file is sealed with it and bound to the store it was made from. It is written
whenever the store is, and when the store is first opened here with its key; a file that
was not made here, or not from this store, is not believed. When neither the store nor
its fingerprints can be read, nothing that holds case text is committed (``NamesUnchecked``)
until the key is back, or the person says for one command that names go unchecked
(``jatac --names-unchecked ...``; the commit records it).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac.errors import JatacError, NotFound, Refused
from jatac.storage import local_state
from jatac.storage.lock import local_dir
from jatac.storage.repository import Repository, atomic_write

if TYPE_CHECKING:
    from jatac.guard.privacy import NameFingerprints, Names

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


def fingerprints_file(repo: Repository) -> Path:
    return local_dir(repo.root, "private", "people.fingerprints")


# said for one command by `jatac --names-unchecked` (or JATAC_NAMES_UNCHECKED=1): commit case
# text although the names in the people store cannot be looked for here
NAMES_UNCHECKED_ALLOWED = False
ACKNOWLEDGE = "jatac --names-unchecked"


class NamesUnchecked(JatacError):
    """Case text would be committed, and the names in the people store cannot be looked for.
    (Not a ``Refused``: a question asked again would be refused again, so it ends the command.)"""

    def __init__(self, why: str) -> None:
        super().__init__(
            f"the names in the people store cannot be looked for on this computer, so nothing "
            f"that holds case text is committed: {why}",
            hint="Put the store's key back (or set JATAC_KEY_FILE to it), or make this change on the "
            "computer that holds the key. If the names must go unchecked this once, run the command as "
            f"`{ACKNOWLEDGE} COMMAND ...` (a plain `git commit`: JATAC_NAMES_UNCHECKED=1 git commit); "
            "the commit says that names were not checked.",
        )


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

    token = path.read_bytes()
    try:
        data: dict[str, Any] = json.loads(_fernet(repo).decrypt(token))
    except InvalidToken:
        raise NoKey(
            "the key on this computer does not open the people store",
            hint=f"The key file is {key_file(repo)}.",
        ) from None
    if _read_fingerprints(repo, token) is None:  # a store from before fingerprints, or from elsewhere
        _write_fingerprints(repo, data, token)
    return data


def _save(repo: Repository, data: dict[str, Any]) -> None:
    _ignore_local_state(repo)
    token = _fernet(repo, create=True).encrypt(json.dumps(data, ensure_ascii=False).encode())
    atomic_write(store_file(repo), token)
    _write_fingerprints(repo, data, token)


# -- the names' fingerprints ---------------------------------------------------------------

_PURPOSE = b"people-store name fingerprints 1"


def _store_digest(token: bytes) -> str:
    import hashlib

    return hashlib.sha256(token).hexdigest()


def _write_fingerprints(repo: Repository, data: dict[str, Any], token: bytes) -> None:
    """Fingerprints of the names in ``data``, the store whose encrypted text is ``token``.
    Where this computer can keep no secret, none are written (and none believed)."""
    from jatac.guard.privacy import NameFingerprints

    key = local_state.derived_key(repo.root, _PURPOSE)
    if key is None:
        return
    found = NameFingerprints.of(key, [p["name"] for p in data["people"].values()])
    payload = {
        "store": _store_digest(token),
        "names": sorted(f.hex() for f in found.names),
        "starts": sorted(f.hex() for f in found.starts),
        "longest": found.longest,
    }
    _ignore_local_state(repo)
    local_state.write(repo.root, fingerprints_file(repo), json.dumps(payload).encode())


def _read_fingerprints(repo: Repository, token: bytes) -> NameFingerprints | None:
    """The fingerprints beside the store, if they were made on this computer from this very
    store (``token``: its encrypted text); else None."""
    from jatac.guard.privacy import NameFingerprints

    payload = local_state.read(repo.root, fingerprints_file(repo))
    key = local_state.derived_key(repo.root, _PURPOSE)
    if payload is None or key is None:
        return None
    try:
        data = json.loads(payload)
        if data["store"] != _store_digest(token):
            return None  # made from another version of the store
        return NameFingerprints(
            key,
            frozenset(bytes.fromhex(f) for f in data["names"]),
            frozenset(bytes.fromhex(f) for f in data["starts"]),
            int(data["longest"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


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


def known_names(repo: Repository) -> tuple[Names, str | None]:
    """What to look for in case text: the names in the people store, or without its key
    their fingerprints; and why neither could be read (None when one was, or when there is
    no people store here to read)."""
    path = store_file(repo)
    if not path.exists():
        return [], None
    try:
        people = load(repo)["people"]
    except NoKey as e:
        prints = _read_fingerprints(repo, path.read_bytes())
        if prints is not None:
            return prints, None
        why = f"{e} ({e.hint})" if e.hint else str(e)
        return [], f"{why}; and no fingerprints of its names made on this computer from this store"
    return [p["name"] for p in people.values()], None


def checked_by_fingerprint(repo: Repository) -> bool:
    """Whether names are looked for here by their fingerprints (the store's key is not here)."""
    from jatac.guard.privacy import NameFingerprints

    return isinstance(known_names(repo)[0], NameFingerprints)


def names(repo: Repository) -> Names:
    """Names to look for in text (or their fingerprints). When the store is here but neither
    it nor its fingerprints can be read, the names are not looked for, and the person is told
    so at the end of the command (a change that commits case text refuses: ``for_commit``)."""
    found, why = known_names(repo)
    if why is not None:
        _notice(f"names in the people store were not checked for: {why}")
    return found


def for_commit(repo: Repository) -> tuple[Names, str | None]:
    """What to look for in case text about to be committed. Raises NamesUnchecked when the
    names cannot be looked for, unless the person said they may go unchecked this once;
    then also returns why, for the commit to record."""
    found, why = known_names(repo)
    if why is None:
        return found, None
    if not NAMES_UNCHECKED_ALLOWED:
        raise NamesUnchecked(why)
    _notice(f"names in the people store were not checked for ({ACKNOWLEDGE}): {why}")
    return found, why


def _notice(notice: str) -> None:
    from jatac.storage.lock import NOTICES

    if notice not in NOTICES:
        NOTICES.append(notice)


def resolve(repo: Repository) -> dict[str, str]:
    """Reference -> name, for documents rendered --include-personal."""
    return {ref: p["name"] for ref, p in load(repo)["people"].items()}
