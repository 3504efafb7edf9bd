"""A trial run: changes tried on a throwaway copy of the repository before any is made in it.

`minutes apply` carries several decisions out, one commit each; each decision's own rules
are the ones its command holds, and some depend on the decisions before it (an action on a
case the same minutes adopt). Trying them all on a copy at HEAD checks every decision, in
order, with the real rules, before the first one touches the repository: all or nothing.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from jatac.git.audit import Audit

if TYPE_CHECKING:
    from jatac.storage.repository import Repository


@contextlib.contextmanager
def trial_copy(repo: Repository) -> Iterator[Repository]:
    """The repository as committed at HEAD, in a temporary folder removed afterwards; its
    commits are authored as this repository's would be."""
    from jatac.storage.repository import Repository

    audit = Audit(repo.root)
    top = Path(audit.run("rev-parse", "--show-toplevel"))
    inner = audit.run("rev-parse", "--show-prefix")  # the case repository may sit inside a larger one
    name, email = audit.identity()
    scratch = Path(tempfile.mkdtemp(prefix="jatac-trial-"))
    try:
        copy = scratch / "repo"
        Audit(scratch).run("clone", "--quiet", "--shared", str(top), str(copy))
        copy_audit = Audit(copy)
        copy_audit.run("config", "user.name", name)
        copy_audit.run("config", "user.email", email)
        copy_audit.run("checkout", "--quiet", "--detach", audit.run("rev-parse", "HEAD"))
        yield Repository(copy / inner if inner else copy)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def files_changed(repo: Repository, since: str) -> list[str]:
    """The files (from the case repository's folder) the commits after ``since`` changed."""
    out = Audit(repo.root).run("diff", "--name-only", "--relative", "-z", since, "HEAD")
    return [p for p in out.split("\0") if p]


def head(repo: Repository) -> str:
    return Audit(repo.root).run("rev-parse", "HEAD")
