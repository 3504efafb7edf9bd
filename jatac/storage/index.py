"""The read index: every record's checked data, keyed on the content of its file.

Reading 10,000 case files means parsing 10,000 YAML files; most of them have
not changed since the last command. The index in ``.jatac/index/`` (git-
ignored) keeps, for each file, a digest of its bytes and the record as it
was checked. Each run reads every file's bytes (cheap) and re-parses only
those whose digest changed, so the index can never answer what the files
disagree with: a file edited behind jatac's back has a new digest. The
whole index is dropped when jatac.yaml or jatac itself changes.

Reading the bytes of 10,000 files costs a tenth of a second, so, as git does
with its own index, each entry also remembers the file's stat signature (size,
mtime, ctime, inode) and the digest is reused while the signature is the same.
Restoring a file's mtime after an edit still changes its ctime, which no one
can set back; a signature is only remembered once the file is older than
``RACY_NS`` (an edit in the same clock tick would keep it), and on Windows,
where ctime is the creation time, every file is read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac import __version__
from jatac.errors import InvalidRecord, Problem
from jatac.models.facts import facts_fit
from jatac.storage import local_state
from jatac.storage.fs import inside
from jatac.storage.lock import local_dir

if TYPE_CHECKING:
    from jatac.storage.repository import Kind, Repository

FORMAT = 7
RACY_NS = 2_000_000_000  # a file changed this recently is read, whatever its signature says
TRUST_STAT = os.name == "posix"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _path(repo: Repository, kind: Kind, shard: str) -> Path:
    """One file per year folder: a new case rewrites its year's index, not ten years'."""
    return local_dir(repo.root, "index", f"{kind.folder}-{shard}.json")


def stamp(repo: Repository, config: bytes | None = None) -> str:
    """What the index and the settings cache are valid for: this jatac and this jatac.yaml
    (``config``: its bytes, if the caller has read them)."""
    if config is None:
        config = inside(repo.root, "jatac.yaml", "settings file").read_bytes()
    return f"{FORMAT}:{__version__}:{_digest(config)}"


def read_stamped(root: Path, path: Path, stamp: str) -> dict[str, Any]:
    """The entries of a file jatac keeps in .jatac/index, or {} if it is missing, damaged, of
    another stamp, or not made by jatac on this computer (see jatac/storage/local_state.py)."""
    payload = local_state.read(root, path)
    if payload is None:
        return {}
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("stamp") != stamp:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_stamped(root: Path, path: Path, stamp: str, entries: dict[str, Any]) -> None:
    payload = json.dumps({"stamp": stamp, "entries": entries}, separators=(",", ":")).encode()
    with contextlib.suppress(OSError):  # a read-only checkout still works, only slower
        local_state.write(root, path, payload, durable=False)  # a cache: made again if lost


def load_all(
    repo: Repository,
    kind: Kind,
    cases: Mapping[str, Any] | None = None,
    case_digests: dict[str, str] | None = None,
    only: set[str] | None = None,
    shape: str = "models",
    listed: list[tuple[str, str]] | None = None,
) -> tuple[list[Any], list[Problem], dict[str, str]]:
    """Every valid record of ``kind`` (or of the ids in ``only``), the problems of the rest,
    and each record's file digest.

    For kinds checked with their case, an entry is reused only if the case file is unchanged too.
    ``shape``: "models" (pydantic records); "data", the records as their checked JSON data
    (dicts), not rebuilt as models, for a caller that filters thousands and shows a few; or
    "facts", only the fields ``kind.facts`` names (a projection for filtering and
    cross-checks; never rebuild models from it).
    ``listed``: ``repo.entries(kind)``, if the caller has it already.
    """
    stamp_now = stamp(repo)
    if shape not in {"models", "data", "facts"}:
        raise ValueError(f"no such shape {shape!r}")
    out = _Reading(repo, kind, cases, case_digests, raw=shape != "models", facts=shape == "facts")
    shards: dict[str, list[tuple[str, str]]] = {}  # one index file per year folder
    for rel, record_id in repo.entries(kind) if listed is None else listed:
        shards.setdefault(rel.split("/")[1], []).append((rel, record_id))
    read: list[_Shard] = []
    for shard, entries in shards.items():
        wanted = entries if only is None else [(r, i) for r, i in entries if i in only]
        if wanted:  # a year none of ``only`` is in: not even its index is read
            read.append(_Shard(repo.root, _path(repo, kind, shard), stamp_now))
            out.shard(read[-1], entries, wanted, only is not None)
    out.parse_pending()
    for shard_read in read:
        shard_read.save()
    if out.fresh:
        # checked when they were indexed (against the same jatac.yaml): rebuild without the
        # cross-checks, in one call into pydantic's core
        from pydantic import TypeAdapter

        try:
            rebuilt = TypeAdapter(list[kind.model]).validate_python([d for _, d, _ in out.fresh])  # type: ignore[name-defined]
        except ValueError:  # an index entry not of this jatac's shape: its file is read instead
            rebuilt = [out.rebuild(position, data, file) for position, data, file in out.fresh]
        for (position, _, _), record in zip(out.fresh, rebuilt, strict=True):
            out.records[position] = record
    return out.result()


def remember(repo: Repository, kind: Kind, rel: str, record_id: str) -> None:
    """Index a file jatac has just written, so the next command finds it checked instead of
    parsing it (a new case would otherwise cost the next reader the YAML and model imports).

    The file is read back and checked as any reader would; only its year's head is
    rewritten (the body gains it on the next full read). Its stat signature is left out: the
    file is too new to vouch for, so the next reader digests its bytes before trusting it.
    """
    if not enabled() or kind.with_case:
        return
    path = _path(repo, kind, rel.split("/")[1])
    stamp_now = stamp(repo)
    head = read_stamped(repo.root, path, stamp_now)
    if not head:  # no index yet: the next read builds it whole
        return
    try:
        content = _read_bytes(str(repo.root / rel))
    except OSError:
        return
    ok, data = _parse(repo, kind, None, (rel, record_id, content))
    if ok:
        head[rel] = [_digest(content), _head_data(kind, data), None, None]
        write_stamped(repo.root, path, stamp_now, head)


def _well_formed(entry: Any, kind: Kind) -> bool:
    """A head entry as this jatac writes it: [key, facts or None, problem rows or None, signature].

    The head is sealed, but sealed is not the same as right: one of another shape (a bug of
    jatac's, or forged with this user's key) is read past, and its file read instead."""
    if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)):
        return False
    _, facts, problems, signature = entry
    if facts is None:
        return isinstance(problems, list) and all(
            isinstance(p, list)
            and len(p) == 5
            and all(isinstance(x, str) for x in (p[0], p[3], p[4]))
            and all(x is None or type(x) is int for x in p[1:3])
            for p in problems
        )
    return (
        _fits(kind, facts)
        and problems is None
        and (
            signature is None
            or (
                isinstance(signature, list) and len(signature) == 4 and all(type(x) is int for x in signature)
            )
        )
    )


def _fits(kind: Kind, data: Any) -> bool:
    """Whether a record's facts (or its checked data) from the index have the shape its
    readers take them in: every fact, each of its kind; a whole record at least its id."""
    if kind.shapes is not None:
        return facts_fit(data, kind.shapes)
    return isinstance(data, dict) and isinstance(data.get(kind.id_field), str)


def _head_data(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    """What a head keeps of a record's checked data: its facts, or all of it for a kind
    without facts (which has no body)."""
    return data if kind.facts is None else {k: data[k] for k in kind.facts}


class _Shard:
    """One year's index: a head of [key, facts, problems, signature] per file, read by every
    command, and a body of [key, checked data], read only by those that need whole records.
    For a kind without ``facts`` the head holds the whole data and there is no body."""

    def __init__(self, root: Path, head_path: Path, stamp: str) -> None:
        self.root = root
        self.head_path = head_path
        self.body_path = head_path.with_suffix(".data.json")
        self.stamp = stamp
        self.head = read_stamped(root, head_path, stamp)
        self._body: dict[str, Any] | None = None
        self.new_head: dict[str, Any] = {}
        self.body_changes: dict[str, Any] = {}

    @property
    def body(self) -> dict[str, Any]:
        if self._body is None:
            self._body = read_stamped(self.root, self.body_path, self.stamp)
        return self._body

    def data(self, rel: str, key: str, kind: Kind) -> Any:
        """The checked data of a file from the body, or None if the body is not of this
        version (or not of the shape this jatac writes)."""
        entry = self.body.get(rel)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == key and _fits(kind, entry[1]):
            return entry[1]
        return None

    def save(self) -> None:
        if self.body_changes or (self._body is not None and self._body.keys() - self.new_head.keys()):
            body = {r: v for r, v in self.body.items() if r in self.new_head} | self.body_changes
            # first: a head never names data not written
            write_stamped(self.root, self.body_path, self.stamp, body)
        if self.new_head != self.head:
            write_stamped(self.root, self.head_path, self.stamp, self.new_head)


class _Reading:
    """What one load_all call gathers, file by file; the files to parse are parsed together
    at the end (on every core when there are many: a first run reads thousands)."""

    def __init__(
        self,
        repo: Repository,
        kind: Kind,
        cases: Mapping[str, Any] | None,
        case_digests: dict[str, str] | None,
        raw: bool,
        facts: bool,
    ) -> None:
        self.repo, self.kind, self.cases, self.case_digests = repo, kind, cases, case_digests
        self.raw, self.facts = raw or facts, facts
        self.root = str(repo.root) + os.sep
        self.settled = time.time_ns() - RACY_NS
        self.records: list[Any] = []  # _SKIP where a file turned out invalid
        self.problems: list[tuple[int, Problem]] = []  # (position among the files, problem)
        self.digests: dict[str, str] = {}
        # (position, data, (file, id) if the data came from the index) to validate in one go
        self.fresh: list[tuple[int, dict[str, Any], tuple[str, str] | None]] = []
        self.pending: list[tuple[_Shard, int, str, str, bytes, str, Any]] = []

    def result(self) -> tuple[list[Any], list[Problem], dict[str, str]]:
        records = [r for r in self.records if r is not _SKIP]
        problems = [p for _, p in sorted(self.problems, key=lambda item: item[0])]
        return records, problems, self.digests

    def rebuild(self, position: int, data: dict[str, Any], file: tuple[str, str] | None) -> Any:
        """One record rebuilt from its checked data, or, where the index's data does not
        rebuild, read from its file (_SKIP, with its problems, if the file is not valid)."""
        try:
            return self.kind.model.model_validate(data)
        except ValueError:
            if file is None:
                raise
        rel, record_id = file
        case = self.cases.get(record_id) if self.kind.with_case and self.cases is not None else None
        try:
            return self.repo.read_file(self.kind, rel, record_id, case)
        except InvalidRecord as e:
            self.problems.extend((position, p) for p in e.problems)
            return _SKIP

    def _problem(self, *problems: Problem) -> None:
        self.problems.extend((len(self.records), p) for p in problems)

    def shard(
        self, shard: _Shard, entries: list[tuple[str, str]], wanted: list[tuple[str, str]], some: bool
    ) -> None:
        if some:  # entries not read this time are kept for the next (a full read prunes)
            shard.new_head = dict(shard.head)
        for rel, record_id in wanted:
            self.file(shard, rel, record_id)

    def file(self, shard: _Shard, rel: str, record_id: str) -> None:
        kind = self.kind
        match = kind.id_re.fullmatch(record_id)
        if match is None:
            self._problem(Problem(rel, None, None, "", f"{record_id!r} is not a {kind.name} id"))
            return
        if kind.misplaced(rel, match):  # not the record it is named for, wherever it is asked
            self._problem(self.repo.misplaced_problem(kind, rel, record_id))
            return
        file = self.root + rel
        entry = shard.head.get(rel)
        if not _well_formed(entry, kind):
            entry = None  # none yet, or not what this jatac writes: read the file
        try:
            digest, content, signature = _fingerprint(file, entry, self.settled)
        except OSError as e:
            self._problem(Problem(rel, None, None, "", f"cannot be read: {e.strerror}"))
            return
        key = digest
        if kind.with_case:
            key += ":" + (self.case_digests or {}).get(record_id, "-")
        self.digests[record_id] = key
        if entry is not None and entry[0] == key:
            if entry[1] is None:
                shard.new_head[rel] = [*entry[:3], signature]
                self._problem(*(Problem(*p) for p in entry[2]))
                return
            data = entry[1] if self.facts or kind.facts is None else shard.data(rel, key, kind)
            if data is not None:
                shard.new_head[rel] = [*entry[:3], signature]
                if not self.raw:
                    self.fresh.append((len(self.records), data, (rel, record_id)))
                self.records.append(data if self.raw else None)
                return
        if content is None:  # signed unchanged, but its case or its data changed: parse again
            try:
                content = _read_bytes(file)
            except OSError as e:
                self._problem(Problem(rel, None, None, "", f"cannot be read: {e.strerror}"))
                return
            key = _digest(content) + key[len(digest) :]
            self.digests[record_id] = key
        self.pending.append((shard, len(self.records), rel, record_id, content, key, signature))
        self.records.append(None)

    def parse_pending(self) -> None:
        kind = self.kind
        jobs = [(rel, record_id, content) for _, _, rel, record_id, content, _, _ in self.pending]
        results = _parse_all(self.repo, kind, self.cases, jobs)
        for (shard, position, rel, _, _, key, signature), (ok, found) in zip(
            self.pending, results, strict=True
        ):
            if not ok:
                self.problems.extend((position, Problem(*p)) for p in found)
                shard.new_head[rel] = [key, None, found, signature]
                self.records[position] = _SKIP
                continue
            shard.new_head[rel] = [key, _head_data(kind, found), None, signature]
            if kind.facts is not None:
                shard.body_changes[rel] = [key, found]
            if self.facts:
                self.records[position] = shard.new_head[rel][1]
            elif self.raw:
                self.records[position] = found
            else:
                self.fresh.append((position, found, None))
        self.pending = []


_SKIP = object()  # the place of a record whose file turned out invalid
PARALLEL_FROM = 400  # files to parse before it pays to start a process per core
_job_context: tuple[Any, ...] = ()  # what forked workers inherit: (repo, kind, cases)


def _parse(repo: Repository, kind: Kind, cases: Mapping[str, Any] | None, job: tuple[str, str, bytes]) -> Any:
    """(True, checked data) or (False, problem rows) for one file's bytes."""
    rel, record_id, content = job
    case = cases.get(record_id) if kind.with_case and cases is not None else None
    try:
        record = repo.read_file(kind, rel, record_id, case, content)
    except InvalidRecord as e:
        return False, [[p.path, p.line, p.column, p.field, p.message] for p in e.problems]
    return True, record.model_dump(mode="json")


def _parse_job(job: tuple[str, str, bytes]) -> Any:
    repo, kind, cases = _job_context
    return _parse(repo, kind, cases, job)


def _parse_all(
    repo: Repository, kind: Kind, cases: Mapping[str, Any] | None, jobs: list[tuple[str, str, bytes]]
) -> list[Any]:
    """Parse and check many files: in forked workers, one per core, when there are enough to
    pay for them (Linux; elsewhere, and for a few files, here). Progress goes to a terminal.
    A worker that dies (out of memory, killed) costs time, not answers: all is parsed here."""
    import sys

    cores = fork_cores()
    many = len(jobs) >= PARALLEL_FROM
    show = many and sys.stderr.isatty()
    if many and cores > 1:
        from concurrent.futures.process import BrokenProcessPool

        with contextlib.suppress(BrokenProcessPool):
            return _collect(_in_workers(repo, kind, cases, jobs, cores), len(jobs), kind, show)
    return _collect((_parse(repo, kind, cases, job) for job in jobs), len(jobs), kind, show)


def _in_workers(
    repo: Repository,
    kind: Kind,
    cases: Mapping[str, Any] | None,
    jobs: list[tuple[str, str, bytes]],
    cores: int,
) -> Iterator[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _job_context
    prepare = getattr(cases, "prepare", None)
    if kind.with_case and prepare is not None:
        prepare()  # read here once, inherited by every worker
    _job_context = (repo, kind, cases)
    try:
        with ProcessPoolExecutor(min(cores, 8), mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_parse_job, jobs, chunksize=50)  # in the order of ``jobs``
    finally:
        _job_context = ()


def _collect(results: Iterable[Any], total: int, kind: Kind, show: bool) -> list[Any]:
    import sys

    found = []
    for result in results:
        found.append(result)
        if show and len(found) % 200 == 0:
            print(
                f"Checking {kind.folder}/: {len(found):,} of {total:,} files (first read) ...",
                end="\r",
                file=sys.stderr,
            )
    if show:
        print(" " * 70, end="\r", file=sys.stderr)
    return found


def _fingerprint(file: str, entry: list[Any] | None, settled: int) -> tuple[str, bytes | None, Any]:
    """The digest of a file's bytes, the bytes if they had to be read, and the stat
    signature to remember (None while the file is too recent to vouch for its content)."""
    content = None
    signature = None
    if TRUST_STAT:
        st = os.stat(file)
        signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    if entry is not None and signature is not None and entry[3] == signature:
        digest = entry[0].partition(":")[0]
    else:
        content = _read_bytes(file)
        digest = _digest(content)
    if signature is not None and max(signature[1], signature[2]) >= settled:
        signature = None
    return digest, content, signature


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


ENABLED = True  # tests turn it off to show the answers do not depend on the index


def enabled() -> bool:
    return ENABLED


def fork_cores() -> int:
    """The cores a first read can fork onto: fork is only trusted on Linux (macOS and Windows get 1)."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
