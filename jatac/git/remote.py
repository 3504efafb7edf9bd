"""The git plumbing of sharing a repository: the remote it syncs with, what came in, what
is unmerged, pulling and pushing. Each function is one question or one act, named for
what it means to jatac; ``jatac.sharing.sync`` decides what to do with the answers.
"""

from __future__ import annotations

from pathlib import Path

from jatac.errors import GitError
from jatac.git.audit import Audit


def upstream(audit: Audit) -> str | None:
    """The shared branch this one syncs with (``origin/main``), or None if there is none."""
    try:
        return audit.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}").strip()
    except GitError:
        return None


def branch(audit: Audit) -> str | None:
    """The branch checked out here (``main``), or None when none is (a detached HEAD)."""
    try:
        return audit.run("symbolic-ref", "--quiet", "--short", "HEAD").strip() or None
    except GitError:
        return None


def remote_url(audit: Audit, upstream: str) -> str:
    """Where ``upstream`` (``origin/main``) is fetched from, as configured (its name if unknown)."""
    name = upstream.split("/", 1)[0]
    try:
        return audit.run("remote", "get-url", name).strip() or name
    except GitError:
        return name


def _git_dir(audit: Audit) -> Path:
    return Path(audit.run("rev-parse", "--absolute-git-dir").strip())


def rebasing(audit: Audit) -> bool:
    git_dir = _git_dir(audit)
    return (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists()


def in_progress(audit: Audit) -> bool:
    """A rebase or a merge that stopped on a conflict and waits to be finished."""
    return rebasing(audit) or (_git_dir(audit) / "MERGE_HEAD").exists()


def staged(audit: Audit) -> list[str]:
    """Files of this folder staged for a commit that was not made."""
    return audit.run("diff", "--cached", "--name-only", "--", ".").splitlines()


def added(audit: Audit, base: str, tip: str, folder: str) -> list[str]:
    """Paths (relative to the repository) of files added under ``folder`` between two commits."""
    return audit.run(
        "diff", "--name-only", "--diff-filter=A", "--relative", base, tip, "--", folder
    ).splitlines()


def files_at(audit: Audit, rev: str) -> list[str]:
    """Every file of the whole tree at ``rev``."""
    return audit.run("ls-tree", "-r", "--name-only", "--full-tree", rev).splitlines()


def changed(audit: Audit, before: str, after: str) -> list[tuple[str, str]]:
    """(state, path) of each file changed between two commits: A added, M modified, D deleted..."""
    # a move is its deletion and its addition (each side read as itself); -z: a path as it is
    # named, not quoted (a file named with accents or a line break in it)
    out = audit.run("diff", "--name-status", "--no-renames", "-z", "--relative", before, after, strip=False)
    fields = out.split("\0")
    return [(fields[i], fields[i + 1]) for i in range(0, len(fields) - 1, 2) if fields[i]]


def text_at(audit: Audit, rev: str, path: str) -> str | None:
    """A file's text at ``rev`` (or ``:1``/``:2``/``:3``, the sides of a conflict), or None."""
    try:
        return audit.run("show", f"{rev}:./{path}", strip=False)
    except GitError:
        return None


def unmerged(audit: Audit, *paths: str) -> list[str]:
    """Files git could not merge, still to settle (of ``paths``, if given)."""
    return audit.run("diff", "--name-only", "--diff-filter=U", "--relative", "--", *paths).splitlines()


def fetch(audit: Audit) -> None:
    audit.run("fetch", "--quiet")


def merge_base(audit: Audit, a: str, b: str) -> str:
    return audit.run("merge-base", a, b).strip()


def count(audit: Audit, since: str, until: str) -> int:
    """How many commits ``until`` has that ``since`` has not."""
    return int(audit.run("rev-list", "--count", f"{since}..{until}").strip())


def pull(audit: Audit, args: list[str]) -> None:
    """Run a merge or rebase (``args``) without opening an editor; GitError on a conflict."""
    audit.run(*args, env={"GIT_EDITOR": "true"})


def push(audit: Audit) -> None:
    audit.run("push", "--quiet")
