"""The personal data check over what git would take: every record file git tracks or would
add (or only the staged versions), and as a git pre-commit hook, so hand edits meet it too."""

from __future__ import annotations

import functools
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from jatac.git.audit import Audit
from jatac.guard.privacy import Checked, PersonalData, check_text
from jatac.storage.repository import Repository, atomic_write

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
# Refuses a commit whose case files hold what looks like personal data.
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
    """Findings in every file in the record folders (or only the staged versions)."""
    from jatac.guard.people import known_names
    from jatac.storage.repository import KINDS

    known, why = known_names(repo)
    folders = sorted({k.folder for k in KINDS.values()})
    texts: list[tuple[str, str]] = []
    audit = Audit(repo.root)
    if staged:
        out = audit.run("diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMR", "-z")
        for rel in filter(None, out.split("\0")):
            if rel.split("/", 1)[0] in folders:  # whatever its name: a .yml or .bak is committed too
                texts.append((rel, audit.run("show", f":./{rel}", strip=False)))
    else:
        texts = [(rel, _read(repo, rel)) for rel in _files(repo, audit, folders)]
    checked = Checked(files=len(texts), names_unchecked=why)
    for rel, text in texts:
        try:
            check_text(rel, text, known)
        except PersonalData as e:
            checked.problems.extend(e.problems)
    return checked


def _files(repo: Any, audit: Any, folders: list[str]) -> list[str]:
    """Every file in the record folders that git would take: tracked or not ignored. A
    symbolic link is left out: git keeps the link, not what it points to."""
    if audit.is_repo():
        out = audit.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *folders)
        listed = sorted(set(filter(None, out.split("\0"))))
    else:
        from jatac.storage.repository import KINDS

        listed = [rel for kind in KINDS.values() for rel, _ in repo.entries(kind)]
    return [rel for rel in listed if not os.path.islink(repo.root / rel) and (repo.root / rel).is_file()]


@functools.lru_cache(maxsize=256)
def _folder_inside(root: str, folder: str) -> None:
    from jatac.storage.fs import inside

    inside(Path(root), folder, "record")  # refused if the folder is a link out of the repository


def _read(repo: Any, rel: str) -> str:
    _folder_inside(str(repo.root), os.path.dirname(rel))
    return (repo.root / rel).read_text(encoding="utf-8", errors="replace")
