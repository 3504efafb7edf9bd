"""A case's details partners expect: other systems' references, links to other cases, and
evidence files. Each change is one commit through the case's revision, like any other.

Evidence files are kept out of git's history (photos and scanned letters would bloat
every clone for ever): ``evidence/`` holds each file once under the SHA-256 of its
content (``evidence/ab/abcdef....jpg``), with a ``.gitignore`` of its own saying
"everything here", and the case lists each file's name, digest and size. Validate
checks that every listed file is there and has the content its digest says.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jatac.clock import today
from jatac.errors import NotFound, Problem, Refused
from jatac.git.revision import commit_revision
from jatac.storage.fs import OutsideRepository, atomic_write, unlinked
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import ensure, set_field, to_yaml

CASE = KINDS["case"]
EVIDENCE = "evidence"
EVIDENCE_IGNORE = "# evidence files: kept out of git (see `jatac evidence`)\n*\n"
MAX_EVIDENCE = 200 * 1024 * 1024  # a file bigger than this is not evidence for a tasking group


def _revise(
    repo: Repository, case_id: str, command: str, edit: Any, no_commit: bool, checked: Any = None
) -> list[str]:
    """Change a case's lists with ``edit``, check it, run ``checked`` (if any), then commit."""
    from ruamel.yaml.comments import CommentedSeq

    from jatac.cases.lifecycle import revise_case

    loaded = repo.open(CASE, case_id)
    doc = loaded.doc
    edit(doc, lambda key: ensure(doc, key, CommentedSeq(), CASE.fields))
    for key in ("references", "links", "evidence"):
        if key in doc and not doc[key]:
            set_field(doc, key, None, CASE.fields)  # an emptied list leaves the file
    revision = revise_case(repo, loaded, doc)
    if checked is not None:
        checked()
    commit_revision(repo, revision, command=command, no_commit=no_commit)
    return revision.body if revision.changed else []


# -- references ---------------------------------------------------------------------------


def add_reference(
    repo: Repository, case_id: str, system: str, ref: str, note: str | None = None, no_commit: bool = False
) -> list[str]:
    """Record another system's reference on a case; its form is checked against jatac.yaml."""
    systems = repo.config.system_by_id
    if system not in systems:
        known = ", ".join(systems) or "none yet"
        raise Refused(
            f"unknown reference system {system!r}",
            hint=f"Systems in jatac.yaml: {known}. Add one under `systems:` (id, name, formats).",
        )
    ref = ref.strip()
    if not systems[system].matches(ref):
        raise Refused(f"{ref!r} is not a {systems[system].name}: they look like {systems[system].describe()}")

    def edit(doc: Any, seq: Any) -> None:
        refs = seq("references")
        if any(str(r.get("system")) == system and str(r.get("ref")).upper() == ref.upper() for r in refs):
            raise Refused(f"{case_id} already has {system} {ref}")
        refs.append(to_yaml({"system": system, "ref": ref, **({"note": note} if note else {})}))

    return _revise(repo, case_id, "ref", edit, no_commit)


def remove_reference(
    repo: Repository, case_id: str, system: str, ref: str, no_commit: bool = False
) -> list[str]:
    def edit(doc: Any, seq: Any) -> None:
        refs = seq("references")
        keep = [
            r
            for r in refs
            if not (str(r.get("system")) == system and str(r.get("ref")).upper() == ref.upper())
        ]
        if len(keep) == len(refs):
            raise NotFound(f"{case_id} has no {system} reference {ref}")
        refs[:] = keep

    return _revise(repo, case_id, "ref", edit, no_commit)


# -- links ------------------------------------------------------------------------------


def link_cases(
    repo: Repository,
    case_id: str,
    other: str,
    how: str = "related",
    note: str | None = None,
    no_commit: bool = False,
) -> list[str]:
    """Link a case to another: related, duplicate-of or superseded-by (the other must exist)."""
    from jatac.models.case import LinkKind

    if how not in {k.value for k in LinkKind}:
        raise Refused(f"{how!r} is not a link", hint="Links: " + ", ".join(k.value for k in LinkKind))
    CASE.check_id(other)
    if not repo.path(CASE, other).exists():
        raise NotFound(f"there is no case {other}", hint="`jatac list --all` shows every case.")

    def edit(doc: Any, seq: Any) -> None:
        links = seq("links")
        if any(str(link.get("case")) == other for link in links):
            raise Refused(
                f"{case_id} is already linked to {other}", hint="Remove the link first with --remove."
            )
        links.append(to_yaml({"case": other, "how": how, **({"note": note} if note else {})}))

    return _revise(repo, case_id, "link", edit, no_commit)


def unlink_cases(repo: Repository, case_id: str, other: str, no_commit: bool = False) -> list[str]:
    def edit(doc: Any, seq: Any) -> None:
        links = seq("links")
        keep = [link for link in links if str(link.get("case")) != other]
        if len(keep) == len(links):
            raise NotFound(f"{case_id} is not linked to {other}")
        links[:] = keep

    return _revise(repo, case_id, "link", edit, no_commit)


def blob_relpath(sha256: str, name: str) -> str:
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 10 else ""
    return f"{EVIDENCE}/{sha256[:2]}/{sha256}{suffix}"


@dataclass
class Attached:
    name: str
    sha256: str
    size: int
    stored: str  # where the file is kept, from the repository's root


def attach(
    repo: Repository,
    case_id: str,
    source: Path,
    name: str | None = None,
    note: str | None = None,
    no_commit: bool = False,
) -> Attached:
    """Keep a copy of ``source`` in the evidence folder and list it on the case."""
    import stat

    try:
        st = source.stat()
    except FileNotFoundError:
        raise NotFound(f"{source} does not exist") from None
    if not stat.S_ISREG(st.st_mode):  # a folder, a device, a pipe that would never end
        raise Refused(f"{source} is not a file")
    if st.st_size > MAX_EVIDENCE:
        raise Refused(f"{source} is larger than {MAX_EVIDENCE // (1024 * 1024)} MB")
    from jatac.models.case import Evidence
    from jatac.storage.problems import check_new

    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    entry = {"name": name or source.name, "sha256": digest, "size": len(data), "added_on": today()}
    entry |= {"note": note} if note else {}
    # the name and note as every one-line field takes them, refused before the case is opened
    name = check_new(Evidence, entry, repo.config, "new evidence").name
    entry["name"] = name
    stored = blob_relpath(digest, name)
    repo.open(CASE, case_id)  # the case exists and is valid before anything is kept

    def edit(doc: Any, seq: Any) -> None:
        items = seq("evidence")
        if any(str(e.get("name")) == name for e in items):
            raise Refused(f"{case_id} already has a file named {name!r}", hint="Give another with --name.")
        items.append(to_yaml(entry))

    # kept once the case is checked, before its commit: a case never lists a file not kept
    _revise(repo, case_id, "evidence", edit, no_commit, checked=lambda: _keep(repo, stored, data))
    return Attached(name, digest, len(data), stored)


def _keep(repo: Repository, stored: str, data: bytes) -> None:
    # every folder on the way checked, not only the last, before anything is made: a link
    # pushed as evidence/ab (or as evidence itself) would decide where the file is written
    ignore = unlinked(repo.root, f"{EVIDENCE}/.gitignore", "evidence folder")
    path = unlinked(repo.root, stored, "evidence file")
    if not ignore.exists():
        ignore.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(ignore, EVIDENCE_IGNORE.encode())
    if path.exists() and _sha256(path) == Path(stored).stem:
        return  # the same content is kept once
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    os.chmod(path, 0o600)  # evidence is for those who hold the repository, not every local user


def evidence_path(repo: Repository, item: dict[str, Any]) -> Path:
    """Where a listed file is kept (refused if a folder on the way, or the file, is a link)."""
    return unlinked(repo.root, blob_relpath(item["sha256"], item["name"]), "evidence file")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_evidence(repo: Repository, cases: dict[str, Any]) -> list[Problem]:
    """Every listed evidence file is kept here, with the content its digest says."""
    problems = []
    for case_id, case in sorted(cases.items()):
        for n, item in enumerate(case.get("evidence") or []):
            field = f"evidence.{n}"
            where = repo.relpath(CASE, case_id)
            try:
                path = evidence_path(repo, item)
            except OutsideRepository as e:
                problems.append(Problem(where, None, None, field, str(e)))
                continue
            if not path.is_file():
                expected = path.relative_to(repo.root)
                problems.append(
                    Problem(
                        where,
                        None,
                        None,
                        field,
                        f"{item['name']!r} is not on this computer (expected at {expected})",
                    )
                )
            elif _sha256(path) != item["sha256"]:
                problems.append(
                    Problem(
                        where,
                        None,
                        None,
                        field,
                        f"{item['name']!r} has changed since it was attached (its digest differs)",
                    )
                )
    return problems
