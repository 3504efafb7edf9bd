"""The audit trail: the only room that talks to git.

Each change jatac makes is one commit: a subject in words with the case id
first, the field-level change in the body, and trailers for machines
(``Jatac-Case:``, ``Jatac-Command:``, ``Jatac-Version:``), authored by the
person in git's own config.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jatac import __version__
from jatac.errors import DirtyFile, GitError

_SEP = "\x1f"
_END = "\x1e"


def _gitpython() -> Any:
    try:
        import git
    except ImportError as e:  # git executable missing makes gitpython's import fail
        raise GitError(
            "git is not installed or not on PATH", hint="Install git, then run the command again."
        ) from e
    return git


class Audit:
    """git, run in the case repository's folder (which may sit inside a larger git repo).

    Commands run as plain processes: gitpython's import alone (it runs `git version`)
    costs as much as the commit a change makes. gitpython is kept for what it does better,
    reading many versions of a file through one `git cat-file --batch` (history).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cmd: Any = None

    @property
    def git(self) -> Any:
        if self._cmd is None:
            self._cmd = _gitpython().Git(str(self.root))
        return self._cmd

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        strip: bool = True,
        keep_fds: Sequence[int] = (),
    ) -> str:
        """git's standard output; GitError with git's own words if it fails.

        ``strip``: drop one trailing newline (as gitpython does), not for file contents.
        ``keep_fds``: descriptors git inherits (the repository lock, held until git exits).
        """
        out = self.run_bytes(*args, input=input, env=env, keep_fds=keep_fds).decode("utf-8", errors="replace")
        return out.removesuffix("\n") if strip else out

    def run_bytes(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        keep_fds: Sequence[int] = (),
    ) -> bytes:
        """git's standard output as bytes; GitError with git's own words if it fails."""
        import subprocess

        # messages in English whatever the person's locale, as parsed here
        full_env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C", **(env or {})}
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                env=full_env,
                pass_fds=tuple(keep_fds) if os.name == "posix" else (),
            )
        except FileNotFoundError:
            raise GitError(
                "git is not installed or not on PATH", hint="Install git, then run the command again."
            ) from None
        if done.returncode != 0:
            out = done.stdout.decode("utf-8", errors="replace")
            detail = done.stderr.decode("utf-8", errors="replace").strip() or out.strip()
            if "not a git repository" in detail:  # any command's first git call says so
                raise self._not_a_repo()
            raise GitError(f"git {args[0]} failed: {detail or f'exit status {done.returncode}'}")
        return done.stdout

    def file_at(self, rev: str, relpath: str) -> bytes | None:
        """A file's bytes at ``rev`` (e.g. HEAD), or None where it does not exist there."""
        try:
            return self.run_bytes("cat-file", "blob", f"{rev}:./{relpath}")
        except GitError:
            return None

    def tracked(self, relpath: str) -> list[str]:
        """The files git tracks at or under ``relpath``."""
        return [p for p in self.run("ls-files", "-z", "--", relpath).split("\0") if p]

    def untracked(self) -> list[str]:
        """Files git would take with ``git add -A``: not tracked, not ignored."""
        return [p for p in self.run("ls-files", "-z", "--others", "--exclude-standard").split("\0") if p]

    def ignored(self, relpath: str) -> bool:
        """Whether git ignores ``relpath`` (by any .gitignore or exclude rule)."""
        try:
            self.run("check-ignore", "-q", relpath)
        except GitError:
            return False
        return True

    def uncommitted(self) -> list[str]:
        """``git status --porcelain`` lines for this folder: what is changed and not committed."""
        return [line for line in self.run("status", "--porcelain", "--", ".").splitlines() if line]

    def uncommitted_files(self) -> list[str]:
        """Each file changed and not committed, or new and not ignored (a new folder's files one
        by one); a renamed file by its new name."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".", strip=False)
        entries, files = iter(out.split("\0")), []
        for entry in entries:
            if len(entry) < 4:
                continue
            files.append(entry[3:])
            if entry[0] in "RC":
                next(entries, None)  # the name it had
        return files

    def create(self, name: str = "", email: str = "") -> None:
        """A new repository here; with ``name`` and ``email``, its own author identity."""
        self.run("init", "--quiet")
        if name:
            self.run("config", "user.name", name)
            self.run("config", "user.email", email)

    # -- state -------------------------------------------------------------------

    def is_repo(self) -> bool:
        try:
            return self.run("rev-parse", "--is-inside-work-tree").strip() == "true"
        except GitError:
            return False

    def require_repo(self) -> None:
        if not self.is_repo():
            raise self._not_a_repo()

    def _not_a_repo(self) -> GitError:
        return GitError(
            f"{self.root} is not in a git repository, so changes cannot be recorded",
            hint="Run `git init` there (or create the repository with `jatac init`), or pass --no-commit.",
        )

    def identity(self) -> tuple[str, str]:
        """(name, email) git will author commits with; GitError if not set."""
        try:  # one git call for both: this runs before every change
            out = self.run("config", "--get-regexp", r"^user\.(name|email)$")
        except GitError:  # nothing matched
            out = ""
        found = dict(line.partition(" ")[::2] for line in out.splitlines())
        name, email = found.get("user.name", "").strip(), found.get("user.email", "").strip()
        if not (name and email):
            raise _unknown_person()
        return name, email

    def hand_edited(self, relpaths: Sequence[str]) -> list[str]:
        """Paths among ``relpaths`` with changes not committed and not staged by jatac."""
        if not relpaths:
            return []
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *relpaths)
        dirty = []
        for entry in out.split("\0"):
            if len(entry) > 3 and (entry[1] != " " or entry[:2] == "??"):
                dirty.append(entry[3:])
        return dirty

    def require_clean(self, relpaths: Sequence[str]) -> None:
        dirty = self.hand_edited(relpaths)
        if dirty:
            import shlex

            files = " ".join(shlex.quote(p) for p in dirty)
            raise DirtyFile(
                f"{', '.join(dirty)} has changes that are not committed (edited by hand?); "
                "jatac will not overwrite them",
                # the files named, so the commands work as printed (from the repository's folder)
                hint=f'In {self.root}: commit them (git add {files} && git commit -m "Edited by hand"), '
                f"or discard them (git checkout -- {files}), then run the command again.",
            )

    def refresh_commit_graph(self) -> None:
        """Bring git's commit-graph, with its changed-path filters, up to date.

        With it, `git log -- FILE` skips the commits that did not touch the file without
        opening them: 0.40 s -> 0.06 s over 5,000 commits. The first write reads every
        commit once (about a second per 5,000); after that only new commits are added, a
        few milliseconds. An old git or a read-only repository just goes without.
        """
        import sys

        chain = Path(self.run("rev-parse", "--git-path", "objects/info/commit-graphs").strip())
        if not (self.root / chain).is_dir():
            print("Indexing the git history once, to make history fast ...", file=sys.stderr)
        with contextlib.suppress(GitError):
            self.run("commit-graph", "write", "--reachable", "--changed-paths", "--split")

    # -- recording ---------------------------------------------------------------

    def stage(self, relpaths: Iterable[str]) -> None:
        self.run("add", "-A", "--", *relpaths)

    def commit(
        self,
        relpaths: Sequence[str] | None,
        message: str,
        keep_fds: Sequence[int] = (),
        new: Sequence[str] | None = None,
    ) -> None:
        """Commit exactly ``relpaths`` (other staged work stays staged); None: everything staged
        (the end of a merge). Only ``jatac.git.change.Change`` calls this: one way to commit.

        ``new``: those of ``relpaths`` git does not know yet, which must be added first
        (None: add them all); `git commit -- PATHS` takes the others as they are in the
        work tree, changed or deleted, so one git process does the work of two.
        """
        if relpaths is not None and (new is None or new):
            self.stage(relpaths if new is None else new)
        # jatac checked these files for personal data already: its own hook need not again;
        # the author is the one in git's config, never one git guesses from the computer's name
        n = os.environ.get("GIT_CONFIG_COUNT", "0")  # after any settings the person passes so
        n = n if n.isdigit() else "0"
        env = {
            "JATAC_COMMITTING": "1",
            "GIT_CONFIG_COUNT": str(int(n) + 1),
            f"GIT_CONFIG_KEY_{n}": "user.useConfigOnly",
            f"GIT_CONFIG_VALUE_{n}": "true",
        }
        paths = ["--", *relpaths] if relpaths is not None else []
        try:
            self.run(
                "commit",
                "--quiet",
                "-F",
                "-",
                *paths,
                input=message.encode("utf-8"),
                env=env,
                keep_fds=keep_fds,
            )
        except GitError as e:
            if any(s in str(e) for s in ("tell me who you are", "auto-detection is disabled", "empty ident")):
                raise _unknown_person() from None
            raise

    def unstage(self, relpaths: Sequence[str]) -> None:
        """Put the index back as HEAD has these paths (jatac wrote them, then rolled back)."""
        try:
            self.run("reset", "--quiet", "HEAD", "--", *relpaths)
        except GitError:  # no HEAD yet: the first commit never landed
            self.run("rm", "--cached", "--quiet", "--ignore-unmatch", "-r", "--", *relpaths)


def _unknown_person() -> GitError:
    return GitError(
        "git does not know who you are, and every change is recorded under a name",
        hint='Run: git config --global user.name "Your Name" && '
        'git config --global user.email "you@example.org"',
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(text: str) -> str:
    """Text from a record as one line of a commit message: no line breaks or control characters
    with which a value could start a line of its own (a forged ``Jatac-Case:`` trailer)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def message(subject: str, body: Sequence[str], trailers: dict[str, str | Sequence[str]]) -> str:
    """A commit message: subject, blank line, body, blank line, trailers.

    Every subject and body line is one line, and a body line that would read as one of
    jatac's trailers is quoted, so `git log --grep '^Jatac-Case: X$'` finds only real ones.
    """
    parts = [_one_line(subject)]
    if body:
        lines = [_one_line(line) for line in body]
        parts.append("\n".join(f"> {line}" if line.startswith("Jatac-") else line for line in lines))
    lines = [f"Jatac-Version: {__version__}"]
    for key, value in trailers.items():
        values = [value] if isinstance(value, str) else list(value)
        lines.extend(f"{key}: {_one_line(str(v))}" for v in values)
    parts.append("\n".join(sorted(lines, key=lambda line: (not line.startswith("Jatac-Case"), line))))
    return "\n\n".join(parts) + "\n"


@dataclass
class Commit:
    """One commit as `history` reads it: who, when, the message, and each file it touched with
    its blob before and after (None: the file did not exist on that side)."""

    sha: str
    author: str
    email: str
    when: str
    subject: str
    body: str
    files: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def trailer(self, key: str) -> list[str]:
        """The values of a trailer (``Jatac-Meeting``) in the message."""
        prefix = f"{key}: "
        return [line[len(prefix) :].strip() for line in self.body.splitlines() if line.startswith(prefix)]


def log(audit: Audit, *selection: str) -> list[Commit]:
    """The commits `git log SELECTION` chooses (a --grep, ``-- paths`` ...), newest first.

    With ``-- paths``, only those paths' files are listed for each commit.
    """
    fmt = _SEP.join(["%H", "%an", "%ae", "%aI", "%s", "%b"]) + _END
    # --relative: paths from the case repository's folder (it may sit inside a larger git repository)
    args = ["--raw", "--no-abbrev", "--no-renames", "--relative"]
    out = audit.run("log", f"--format={_END}{fmt}", *args, *selection)
    commits = []
    # each commit prints: END header END raw-lines (the header's own END closes it)
    pieces = out.split(_END)
    i = 1
    while i + 1 < len(pieces):
        header, raw = pieces[i], pieces[i + 1]
        i += 2
        sha, author, email, when, subject, body = header.split(_SEP)
        files: dict[str, tuple[str | None, str | None]] = {}
        for line in raw.strip().splitlines():
            if line.startswith(":"):
                meta, _, path = line.partition("\t")
                blobs = meta.split()
                files[path] = (
                    None if set(blobs[2]) == {"0"} else blobs[2],
                    None if set(blobs[3]) == {"0"} else blobs[3],
                )
        commits.append(Commit(sha, author, email, when, subject, body.strip(), files))
    return commits


def read_blobs(audit: Audit, blobs: Iterable[str]) -> dict[str, str]:
    """The contents of many versions of files, through one `git cat-file --batch` (a case
    with 30 changes would otherwise start 60 processes; gitpython's import alone costs more
    than the whole read)."""
    import subprocess

    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    done = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=audit.root,
        input="".join(f"{b}\n" for b in wanted).encode("ascii"),
        capture_output=True,
        env={**os.environ, "LANGUAGE": "C", "LC_ALL": "C"},
    )
    if done.returncode != 0:
        raise GitError(f"git cat-file failed: {done.stderr.decode('utf-8', errors='replace').strip()}")
    out, found, at = done.stdout, {}, 0
    for blob in wanted:  # each: "<sha> blob <size>\n<content>\n", or "<sha> missing\n"
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3:
            size = int(header[2])
            found[blob] = out[at : at + size].decode("utf-8", errors="replace")
            at += size + 1
    return found


def commits_touching(audit: Audit, relpaths: Sequence[str]) -> set[str]:
    """Every commit that touched any of ``relpaths``: one `git log` a path, side by side.

    git (before 2.45) uses the commit-graph's changed-path filters for one path only: two
    paths in one `git log` walk every commit's tree (0.6 s over 5,000 commits, not 0.06 s).
    """
    import subprocess

    env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C"}
    runs = [
        subprocess.Popen(
            ["git", "log", "--format=%H", "--", path],
            cwd=audit.root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for path in relpaths
    ]
    found: set[str] = set()
    for run in runs:
        out, err = run.communicate()
        if run.returncode != 0:
            raise GitError(f"git log failed: {err.decode('utf-8', errors='replace').strip()}")
        found.update(out.decode("ascii", errors="replace").split())
    return found
