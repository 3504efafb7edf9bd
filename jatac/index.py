"""The read index: every record's checked data, keyed on the content of its file.

Reading 10,000 case files means parsing 10,000 YAML files; most of them have
not changed since the last command. The index in ``.jatac/index/`` (git-
ignored) keeps, for each file, a digest of its bytes and the record as it
was checked. Each run reads every file's bytes (cheap) and re-parses only
those whose digest changed, so the index can never answer what the files
disagree with: a file edited behind jatac's back has a new digest. The
whole index is dropped when jatac.yaml or jatac itself changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac import __version__
from jatac.errors import InvalidRecord, Problem
from jatac.lock import local_dir

if TYPE_CHECKING:
    from jatac.store import Kind, Repository

FORMAT = 1


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _path(repo: Repository, kind: Kind) -> Path:
    return local_dir(repo.root) / "index" / f"{kind.folder}.json"


def _stamp(repo: Repository) -> str:
    config = (repo.root / "jatac.yaml").read_bytes()
    return f"{FORMAT}:{__version__}:{_digest(config)}"


def _read(path: Path, stamp: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("stamp") != stamp:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, stamp: str, entries: dict[str, Any]) -> None:
    from jatac.store import atomic_write

    with contextlib.suppress(OSError):  # a read-only checkout still works, only slower
        atomic_write(path, json.dumps({"stamp": stamp, "entries": entries}, separators=(",", ":")))


def load_all(
    repo: Repository,
    kind: Kind,
    cases: dict[str, Any] | None = None,
    case_digests: dict[str, str] | None = None,
    only: set[str] | None = None,
    raw: bool = False,
) -> tuple[list[Any], list[Problem], dict[str, str]]:
    """Every valid record of ``kind`` (or of the ids in ``only``), the problems of the rest,
    and each record's file digest.

    For kinds checked with their case, an entry is reused only if the case file is unchanged too.
    ``raw``: the records as their checked JSON data (dicts), not rebuilt as models: for a
    caller that filters thousands and shows a few.
    """
    stamp = _stamp(repo)
    path = _path(repo, kind)
    old = _read(path, stamp)
    new: dict[str, Any] = {}
    records: list[Any] = []
    problems: list[Problem] = []
    digests: dict[str, str] = {}
    fresh: list[tuple[int, dict[str, Any]]] = []  # (position, data) to validate in one go
    root = str(repo.root)
    for rel, record_id in repo.entries(kind):
        if only is not None and record_id not in only:
            if rel in old:
                new[rel] = old[rel]  # not read this time: kept for the next
            continue
        if not kind.id_re.fullmatch(record_id):
            problems.append(Problem(rel, None, None, "", f"{record_id!r} is not a {kind.name} id"))
            continue
        try:
            with open(os.path.join(root, rel), "rb") as f:
                content = f.read()
        except OSError as e:
            problems.append(Problem(rel, None, None, "", f"cannot be read: {e.strerror}"))
            continue
        key = _digest(content)
        if kind.with_case:
            key += ":" + (case_digests or {}).get(record_id, "-")
        digests[record_id] = key
        entry = old.get(rel)
        if entry is not None and entry[0] == key:
            new[rel] = entry
            if entry[1] is not None and raw:
                records.append(entry[1])
            elif entry[1] is not None:
                fresh.append((len(records), entry[1]))
                records.append(None)
            else:
                problems.extend(Problem(*p) for p in entry[2])
            continue
        case = (cases or {}).get(record_id) if kind.with_case else None
        try:
            record = repo.read_record(kind, rel, record_id, case)
        except InvalidRecord as e:
            problems.extend(e.problems)
            new[rel] = [key, None, [[p.path, p.line, p.column, p.field, p.message] for p in e.problems]]
            continue
        data = record.model_dump(mode="json")
        records.append(data if raw else record)
        new[rel] = [key, data, None]
    if fresh:
        # checked when they were indexed (against the same jatac.yaml): rebuild without the
        # cross-checks, in one call into pydantic's core
        from pydantic import TypeAdapter

        rebuilt = TypeAdapter(list[kind.model]).validate_python([d for _, d in fresh])  # type: ignore[name-defined]
        for (position, _), record in zip(fresh, rebuilt, strict=True):
            records[position] = record
    if new != old:
        _write(path, stamp, new)
    return records, problems, digests


def enabled() -> bool:
    return os.environ.get("JATAC_NO_INDEX") is None
