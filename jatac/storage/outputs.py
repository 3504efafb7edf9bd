"""Where everything jatac makes for people goes, decided here and nowhere else.

Papers (agendas, minutes, reports), mail drafts, exports, calendars and the site are
written into one folder of the repository, ``build/``, unless the person names a place
outside the repository. The folder ignores itself: it holds a ``.gitignore`` of its own
saying "everything here", so git never offers a paper for a commit, whatever the
repository's ``.gitignore`` (a file a partner can change) says. Inside the repository,
nothing jatac makes goes anywhere else: a paper beside the case files would be one
``git add`` away from the shared history.

A command that writes more than one file builds them in a new folder beside the place
and swaps it in whole (``staged_folder``), or moves the finished files in together
(``staged_files``): an interruption leaves the last good output, never half of a new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

from jatac.errors import Refused
from jatac.storage.fs import atomic_write, inside

FOLDER = "build"
# the one word every file jatac makes carries in it (PDF and Word keywords, the spreadsheet's
# properties, a mail header, the HTML generator), so the pre-commit hook knows it by content
MADE_BY = "made-by-jatac"
MAIL_HEADER = "X-Mailer"
IGNORE_ALL = b"# jatac: papers, mail, exports, calendars and the site; never committed\n*\n"
_STAGING = ".jatac-staging-"
_PREVIOUS = ".jatac-previous-"


def output_folder(root: Path) -> Path:
    """The repository's output folder, made if need be with its own ``.gitignore``; refused if
    it is a link out of the repository."""
    folder = inside(root, FOLDER, "output folder")
    if folder.is_symlink():  # its own .gitignore would land wherever the link leads
        raise Refused(
            f"{FOLDER}/ is a link ({os.readlink(folder)}): jatac will not write papers through it",
            hint=f"Remove the link (git rm {FOLDER}) so that jatac can make a {FOLDER}/ folder of its own.",
        )
    folder.mkdir(exist_ok=True)
    own = inside(root, f"{FOLDER}/.gitignore", "output folder")
    try:
        same = own.read_bytes() == IGNORE_ALL and not own.is_symlink()
    except OSError:
        same = False
    if not same:
        own.unlink(missing_ok=True)  # a pushed link is replaced, not followed
        atomic_write(own, IGNORE_ALL)
    return folder


def ignores_itself(root: Path) -> bool:
    """Whether the output folder holds jatac's own ``.gitignore`` (so git takes nothing in it)."""
    own = root / FOLDER / ".gitignore"
    try:
        return not own.is_symlink() and own.read_bytes() == IGNORE_ALL
    except OSError:
        return False


def _within(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` if it lies in it, else None (both absolute, normalised)."""
    if path == root:
        return "."
    prefix = root.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else None


def _kept(relpath: str, kept_folders: set[str], config_file: str) -> str | None:
    """What a path in the repository holds that no output may replace, or None."""
    parts = Path(relpath).parts
    if not parts or relpath == ".":
        return "the repository's own folder"
    first = parts[0]
    if first in {".git", ".jatac"}:
        return f"in {first}/, {'git' if first == '.git' else 'jatac'}'s own files"
    if relpath in {config_file, ".gitignore", ".gitattributes"}:
        return f"the repository's own {relpath}"
    if first == "templates":
        return "in templates/, the repository's templates"
    if first in kept_folders:
        return f"in {first}/, where the records are kept"
    if first != FOLDER:
        return "in the case repository, outside build/, where git would take it into the shared history"
    if relpath == FOLDER:
        return "build/ itself, the folder that holds every paper"
    if relpath == f"{FOLDER}/.gitignore":
        return "build/.gitignore, which keeps every paper out of git"
    return None


def place(root: Path, out: Path | None, name: str, *, make: bool = True) -> Path:
    """Where an output is written: ``out`` if given (outside the repository, or inside its
    output folder), else build/NAME.

    Refused, with the reason, if the path lies in the repository outside build/ (however it
    gets there: ``..``, a link from outside, a link in the repository), or would replace
    build/'s own ``.gitignore``. ``make``: False to leave making build/ to ``ready``, once the
    output is ready to write (a paper that cannot be made then leaves the tree as it was).
    """
    from jatac.storage.repository import CONFIG_FILE, KINDS

    kept_folders = {kind.folder for kind in KINDS.values()}
    real_root = os.path.realpath(root)
    if out is None:
        path = inside(root, f"{FOLDER}/{name}", "output")
    else:
        path = Path(os.path.abspath(out))
        # named in the repository (however its folder is spelled): no link there may lead it out
        above = next((p for p in path.parents if os.path.realpath(p) == real_root), None)
        if above is not None:
            path = inside(root, path.relative_to(above), "output")
    # the file itself, and the file its folder would receive (a link to a folder in the repository)
    for real in (os.path.realpath(path), os.path.join(os.path.realpath(path.parent), path.name)):
        rel = _within(real, real_root)
        kept = _kept(rel, kept_folders, CONFIG_FILE) if rel is not None else None
        if kept is not None:
            shown = str(out) if out is not None else f"{FOLDER}/{name}"
            through = "" if real == str(path) else f" (through a link, it is {real})"
            raise Refused(
                f"{shown}{through} is {kept}: jatac will not write a document there",
                hint="Leave the place out (build/ is the default, and git never takes it), "
                "or name a place in build/ or outside the repository.",
            )
    if make:
        ready(root, path)
    return path


def ready(root: Path, path: Path) -> Path:
    """``path``, with build/ (and its own .gitignore) made first if that is where it goes."""
    if _within(os.path.realpath(path), os.path.realpath(root)) is not None:
        output_folder(root)  # made only now: a refusal leaves the tree as it was
    return path


# -- many files, whole or not at all ---------------------------------------------------------------


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl+C (and a polite kill) waits until the block is done: a swap is two renames, and
    nothing between them may be left half-done."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError):  # pragma: no cover - not the main thread, or Windows
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _leftovers(target: Path, prefix: str) -> list[Path]:
    try:
        return [p for p in target.parent.iterdir() if p.name.startswith(f"{prefix}{target.name}.")]
    except OSError:
        return []


def recover(target: Path) -> None:
    """Put right what a killed swap left: the last good folder back if the new one never
    arrived, and the half-built folders of interrupted builds removed."""
    previous = [p for p in _leftovers(target, _PREVIOUS) if p.is_dir() and not p.is_symlink()]
    if previous and not os.path.lexists(target):
        previous[0].rename(target)
        previous = previous[1:]
    for left in [*previous, *_leftovers(target, _STAGING)]:
        if left.is_dir() and not left.is_symlink():
            shutil.rmtree(left, ignore_errors=True)


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A new, empty folder beside ``target`` to build into; swapped in for ``target`` whole
    when the block ends, removed if it raises (or is interrupted): ``target`` is then as it was."""
    recover(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f"{_STAGING}{target.name}.{secrets.token_hex(4)}"
    staging.mkdir()
    with contextlib.suppress(OSError):  # the new folder is shared as the last one was
        if target.is_dir() and not target.is_symlink():
            os.chmod(staging, target.stat().st_mode & 0o7777)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = target.parent / f"{_PREVIOUS}{target.name}.{secrets.token_hex(4)}"
    with _uninterrupted():
        had = target.is_dir() and not target.is_symlink()
        if had:
            target.rename(previous)
        staging.rename(target)
        # the new output is in place: Ctrl+C now would report an interruption that changed it
        if had:
            shutil.rmtree(previous, ignore_errors=True)


@contextlib.contextmanager
def staged_files(folder: Path) -> Iterator[Path]:
    """A new folder beside ``folder`` to write files into; when the block ends they are moved
    into ``folder`` together (replacing files of the same name, leaving the others), and if it
    raises none of them is. For outputs that join other files in a folder (mail drafts)."""
    recover(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f"{_STAGING}{folder.name}.{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        yield staging
        made = sorted(staging.iterdir())
        # every refusal before the first file moves: a move that failed half way would leave some
        places = [inside(folder, m.name, "output") for m in made]
        for place in places:
            if place.is_dir() and not place.is_symlink():
                raise Refused(
                    f"{place} is a folder: jatac will not put a file in its place",
                    hint="Move or rename that folder, or name another place, then run again.",
                )
        with _uninterrupted():
            for source, place in zip(made, places, strict=True):
                os.replace(source, place)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
