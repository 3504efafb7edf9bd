"""The check over what git would take: every file git tracks or would add (or only the staged
versions), for personal data and for papers jatac made; also as a git pre-commit hook, so
hand edits and a hand `git add` meet it too."""

from __future__ import annotations

import functools
import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jatac.git.audit import Audit
from jatac.guard.privacy import Checked, Names, PersonalData, check_text
from jatac.storage.repository import CONFIG_FILE, Repository, atomic_write

MARK = "# installed by jatac install-hooks"


def hook_path(repo: Repository) -> Path:
    audit = Audit(repo.root)
    audit.require_repo()
    return repo.root / audit.run("rev-parse", "--git-path", "hooks/pre-commit").strip()


def hook_text(repo: Repository) -> str:
    python = shlex.quote(sys.executable)
    root = shlex.quote(str(repo.root))
    return f"""#!/bin/sh
{MARK}
# Refuses a commit that holds what looks like personal data, or a paper, mail draft or
# export jatac made (they stay in build/, which git never takes).
# jatac's own commits were checked before writing; they set JATAC_COMMITTING.
[ -n "$JATAC_COMMITTING" ] && exit 0
exec {python} -m jatac --repo {root} check --staged
"""


def installed(repo: Repository) -> bool:
    path = hook_path(repo)
    return path.is_file() and MARK in path.read_text(errors="replace")


def install(repo: Repository) -> tuple[Path, bool]:
    """Write the hook; refuses to replace a hook someone else wrote. Returns (path, replaced)."""
    from jatac.errors import Refused

    path = hook_path(repo)
    existed = path.exists()
    if existed and MARK not in path.read_text(errors="replace"):
        raise Refused(
            f"{path} already holds another pre-commit hook",
            hint="Add this line to it instead: " + hook_text(repo).splitlines()[-1],
        )
    atomic_write(path, hook_text(repo))
    path.chmod(0o755)
    return path, existed


def check_repository(repo: Any, staged: bool = False) -> Checked:
    """Findings in every file git tracks or would add (or only the staged versions): what looks
    like personal data in any text file, jatac.yaml included, and any paper, mail draft or
    export jatac made, known by what it holds (``jatac.guard.generated``)."""
    from jatac.guard.people import known_names

    known, why = known_names(repo)
    audit = Audit(repo.root)
    blobs: Iterable[tuple[str, bytes]]
    if staged:
        out = audit.run("diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMR", "-z")
        blobs = _staged(audit, sorted(filter(None, out.split("\0"))))
    else:
        blobs = ((rel, _read(repo, rel)) for rel in _files(repo, audit))
    checked = Checked(names_unchecked=why)
    for rel, data in blobs:
        _check_one(repo, checked, rel, data, known)
    return checked


def refuse_unchecked_names(checked: Checked) -> None:
    """A commit of text (what the hook checks) while the names in the people store cannot be
    looked for is refused (NamesUnchecked), unless the person said they may go unchecked."""
    from jatac.guard import people

    if checked.names_unchecked is None or not checked.files:
        return
    if not people.NAMES_UNCHECKED_ALLOWED:
        raise people.NamesUnchecked(checked.names_unchecked)


def _check_one(repo: Any, checked: Checked, rel: str, data: bytes, known: Names) -> None:
    from jatac.errors import Problem
    from jatac.guard.generated import made_by_jatac

    what = made_by_jatac(rel, data)
    if what is not None:
        checked.outputs.append(Problem(rel, None, None, "", f"{what}, made for people: never committed"))
        return
    if b"\0" in data[:8192]:
        return  # not text: nothing a person typed into it to look for
    checked.files += 1
    text = data.decode("utf-8", errors="replace")
    try:
        check_text(rel, text, known, also_allowed=_mailboxes(text) if rel == CONFIG_FILE else ())
    except PersonalData as e:
        checked.problems.extend(e.problems)


def _mailboxes(text: str) -> list[str]:
    """jatac.yaml's agency team mailboxes: checked as team mailboxes when they were set."""
    from jatac.storage.yaml_fast import fast_load

    try:
        data = fast_load(text)
    except Exception:  # a broken jatac.yaml is still read as text; its problems are validate's
        return []
    agencies = data.get("agencies") if isinstance(data, dict) else None
    return [a["email"] for a in agencies or [] if isinstance(a, dict) and isinstance(a.get("email"), str)]


def _staged(audit: Any, rels: list[str]) -> list[tuple[str, bytes]]:
    """The staged version of each file, read by one git process, not one per file."""
    if not rels:
        return []
    out = audit.run_bytes("cat-file", "--batch", input="".join(f":{rel}\n" for rel in rels).encode())
    found, at = [], 0
    for rel in rels:
        end = out.index(b"\n", at)
        parts, at = out[at:end].split(), end + 1  # "<sha> blob <size>", or "<name> missing"
        if len(parts) != 3 or parts[1] == b"missing":
            continue
        size = int(parts[2])
        found.append((rel, out[at : at + size]))
        at += size + 1  # the content, then a newline
    return found


def _files(repo: Any, audit: Any) -> list[str]:
    """Every file that git would take: tracked or not ignored. A symbolic link is left out:
    git keeps the link, not what it points to."""
    if audit.is_repo():
        out = audit.run("ls-files", "-z", "--cached", "--others", "--exclude-standard")
        listed = sorted(set(filter(None, out.split("\0"))))
    else:
        from jatac.storage.repository import KINDS

        listed = [CONFIG_FILE, *(rel for kind in KINDS.values() for rel, _ in repo.entries(kind))]
    return [rel for rel in listed if not os.path.islink(repo.root / rel) and (repo.root / rel).is_file()]


@functools.lru_cache(maxsize=256)
def _folder_inside(root: str, folder: str) -> None:
    from jatac.storage.fs import inside

    if folder:
        inside(Path(root), folder, "file")  # refused if the folder is a link out of the repository


def _read(repo: Any, rel: str) -> bytes:
    _folder_inside(str(repo.root), os.path.dirname(rel))
    return (repo.root / rel).read_bytes()
