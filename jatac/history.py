"""A record's history: every commit that touched its file, with field-level changes."""

from __future__ import annotations

from typing import Any

from jatac.audit import Audit, Revision, blob_text, field_changes, file_history
from jatac.store import KINDS, Kind, Repository


def _data(text: str | None, relpath: str) -> Any:
    if text is None:
        return {}
    from jatac.fastyaml import fast_load

    data = fast_load(text)
    if data is not None:
        return data
    from jatac.yamlfile import YamlProblem, parse, plain  # the careful path: ruamel, loaded only here

    try:
        return plain(parse(text, relpath))
    except YamlProblem:
        return {"(file)": "not readable YAML in this version"}


def record_history(repo: Repository, kind: Kind, record_id: str) -> list[Revision]:
    relpath = repo.relpath(kind, record_id)
    audit = Audit(repo.root)
    audit.require_repo()
    exists = (repo.root / relpath).exists()
    if exists:
        # not for an id with no file: a mistyped one is told "no such case" without first
        # indexing the history (a deleted case's history is still found, only slower)
        audit.refresh_commit_graph()
    revisions = file_history(audit, relpath)
    if not revisions and not exists:
        from jatac.errors import NotFound

        raise NotFound(f"there is no {kind.name} {record_id}", hint="`jatac list --all` shows every case.")
    versions: dict[str | None, Any] = {
        None: {}
    }  # each version is one commit's "after" and the next's "before"

    def version(blob: str | None) -> Any:
        if blob not in versions:
            versions[blob] = _data(blob_text(audit, blob), relpath)
        return versions[blob]

    for rev in revisions:
        rev.changes = field_changes(version(rev.old_blob), version(rev.new_blob))
    return revisions


def case_history(repo: Repository, case_id: str) -> list[Revision]:
    return record_history(repo, KINDS["case"], case_id)
