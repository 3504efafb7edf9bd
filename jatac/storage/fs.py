"""Files on disk, held inside the case repository.

A shared repository is input jatac did not write: a partner can push a
symbolic link where a record, a template, ``build/`` or ``.jatac/`` should be.
jatac follows no link that leads out of the repository, for reading or for
writing; every path it opens in the repository goes through ``inside``.
Writes are atomic: a file is wholly old or wholly new, never half written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jatac.errors import Refused


class OutsideRepository(Refused):
    """A path in the repository that leads out of it (a symbolic link, ``..``)."""


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def inside(root: Path, relpath: str | os.PathLike[str], what: str = "file") -> Path:
    """``root / relpath``, refused if it (or a folder above it) is a link out of ``root``.

    A link that stays inside the repository is followed; one that leaves it, or a path
    with ``..`` that climbs out, is an OutsideRepository error naming the link.
    """
    real_root = os.path.realpath(root)
    path = Path(root) / relpath
    if _within(os.path.realpath(path), real_root):
        return path
    # name the first part of the path that leads out, so the person knows what to remove
    culprit = path
    probe = Path(root)
    for part in Path(relpath).parts:
        probe = probe / part
        if not _within(os.path.realpath(probe), real_root):
            culprit = probe
            break
    shown = os.path.relpath(culprit, root)
    kind = "a symbolic link to" if culprit.is_symlink() else "a path to"
    raise OutsideRepository(
        f"{shown} is {kind} {os.path.realpath(culprit)}, outside the repository; "
        f"jatac will not read or write a {what} there",
        hint=f"Remove the link (git rm {shown}) and commit, or ask the partner who pushed it.",
    )


class LinkOnTheWay(OutsideRepository):
    """A folder jatac fills itself (``evidence/``) reached through a symbolic link, even one
    that stays in the repository: the link, not jatac, would decide where a file goes."""


def unlinked(root: Path, relpath: str | os.PathLike[str], what: str = "file") -> Path:
    """``root / relpath`` for a folder that only jatac fills: as ``inside``, and refused if any
    folder on the way, or the file itself, is a symbolic link at all.

    A link pushed as ``evidence/ab -> ../.git/hooks`` stays inside the repository, so
    ``inside`` alone would follow it and write into git's own folder.
    """
    path = inside(root, relpath, what)
    probe = Path(root)
    for part in Path(relpath).parts:
        probe = probe / part
        if probe.is_symlink():
            shown = Path(os.path.relpath(probe, root)).as_posix()
            target = os.path.relpath(os.path.realpath(probe), os.path.realpath(root))
            raise LinkOnTheWay(
                f"{shown} is a symbolic link (to {Path(target).as_posix()}); jatac keeps a {what} "
                "only in plain folders, so nothing was written or read there",
                hint=f"Remove the link (git rm --cached {shown}; rm {shown}) and commit, "
                "or ask the partner who pushed it.",
            )
    return path


def atomic_write(path: Path, text: str | bytes, durable: bool = True) -> None:
    """Write ``text`` so that the file is either wholly old or wholly new, never half.

    ``durable``: on disk before the file is replaced (a power cut cannot leave it empty);
    False for what jatac can always make again (its caches), which need not wait for the disk."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
