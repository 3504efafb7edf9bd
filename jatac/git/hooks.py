"""The personal data check as a git pre-commit hook, so hand edits meet it too."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from jatac.git.audit import Audit
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
