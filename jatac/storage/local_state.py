"""jatac's own local state (``.jatac/``): trusted only if it proves it was made on this computer.

The read index, the settings cache and the journal of an interrupted change
live in the repository's git-ignored ``.jatac/`` folder. A partner can still
push a folder of that name (or a careless ``git add -f`` can share one), so
nothing in it is believed on sight: every file jatac keeps there is sealed
with a keyed digest (BLAKE2b) under a secret that never leaves this user's
account (``~/.config/jatac/local-state.key``, made on first use, readable by
the user alone), and bound to the repository's folder. A file that does not
open with that key was not made here, and is ignored as if it were absent.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

MAGIC = b"jatac-local-state-1 "
_MAC_BYTES = 32
_keys: dict[str, bytes | None] = {}


def key_path() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "jatac" / "local-state.key"


def _key(root: Path) -> bytes | None:
    """This user's secret (made on first use); None where it cannot be kept safely."""
    path = key_path()
    if _inside(path, root):
        return None  # a key a partner could push is no key: trust nothing
    cache_key = str(path)
    if cache_key not in _keys:
        _keys[cache_key] = _load_or_make(path)
    return _keys[cache_key]


def _inside(path: Path, root: Path) -> bool:
    real = os.path.realpath(path)
    real_root = os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _load_or_make(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".local-state.", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        try:
            # whole or not at all, and never over a key another jatac made a moment ago
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        data = path.read_bytes()
    except OSError:
        return None  # a home folder that cannot be written: nothing local is trusted
    return data if len(data) >= 32 else None


def _mac(key: bytes, root: Path, payload: bytes) -> bytes:
    bound = os.path.realpath(root).encode("utf-8", "surrogateescape") + b"\0" + payload
    return hashlib.blake2b(bound, key=key, digest_size=_MAC_BYTES).digest()


def derived_key(root: Path, purpose: bytes) -> bytes | None:
    """A key of its own for ``purpose`` in this repository, made from this user's secret (so it
    too never leaves this computer) without revealing it; None if no key can be kept here."""
    key = _key(root)
    if key is None:
        return None
    bound = os.path.realpath(root).encode("utf-8", "surrogateescape") + b"\0" + purpose
    # personalised: never equal to the seal of any payload, whatever it holds
    return hashlib.blake2b(bound, key=key, digest_size=32, person=b"jatac-derived").digest()


def seal(root: Path, payload: bytes) -> bytes | None:
    """``payload`` with its keyed digest, ready to write; None if no key can be kept here."""
    key = _key(root)
    if key is None:
        return None
    return MAGIC + _mac(key, root, payload).hex().encode() + b"\n" + payload


def unseal(root: Path, data: bytes) -> bytes | None:
    """The payload of ``data`` if jatac made it here, for this repository; else None."""
    if not data.startswith(MAGIC):
        return None
    head, sep, payload = data[len(MAGIC) :].partition(b"\n")
    key = _key(root)
    if not sep or key is None:
        return None
    try:
        given = bytes.fromhex(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if hmac.compare_digest(given, _mac(key, root, payload)) else None


def read(root: Path, path: Path) -> bytes | None:
    """A sealed file's payload, or None if it is missing, damaged, or not made here."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return unseal(root, data)


def write(root: Path, path: Path, payload: bytes, durable: bool = True) -> bool:
    """Seal and write ``payload`` atomically; False if no key can be kept on this computer.
    ``durable``: False for a cache (see jatac.storage.fs.atomic_write)."""
    from jatac.storage.fs import atomic_write

    sealed = seal(root, payload)
    if sealed is None:
        return False
    atomic_write(path, sealed, durable)
    return True
