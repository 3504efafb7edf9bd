"""The marking rule: a meeting, its minutes or a fund request that names an OFFICIAL-SENSITIVE
case (an item about it, a decision on it, its id in any text) is OFFICIAL-SENSITIVE too. A
record's marking cannot be lower than what it holds: a write is refused, validate reports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jatac.errors import InvalidRecord, NotFound, Problem
from jatac.guard.audience import CaseIds, Key, strings
from jatac.models.vocab import Marking

if TYPE_CHECKING:
    from jatac.storage.repository import Kind, Repository

SENSITIVE = Marking.OFFICIAL_SENSITIVE.value
# the records that carry a marking of their own besides cases, and what one is called
MARKED = {"meeting": "the meeting", "minutes": "the minutes", "fund": "the request"}


def _marked(kind: Kind) -> str | None:
    """Which of the records with a marking of their own ``kind`` is (a KINDS name), if any."""
    from jatac.storage.repository import KINDS

    return next((name for name in MARKED if KINDS[name] is kind), None)


def _marked_parts(kind: Kind, data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The parts of a record that carry a marking: a meeting or minutes whole, a ledger's requests."""
    name = _marked(kind)
    if name == "fund":
        for n, request in enumerate(data.get("requests") or []):
            yield ("requests", n), request
    elif name is not None:
        yield (), data


def marking_problems(
    kind: Kind,
    data: dict[str, Any],
    relpath: str,
    ids: CaseIds,
    sensitive: frozenset[Key],
    doc: Any = None,
) -> list[Problem]:
    """Each field of an OFFICIAL record (``data``: its checked data) naming a sensitive case."""
    problems = []
    what = MARKED.get(_marked(kind) or "", "the record")
    for base, part in _marked_parts(kind, data):
        if part.get("marking", Marking.OFFICIAL.value) == SENSITIVE:
            continue
        for path, text in strings(part):
            named = ids.mentioned(text) & sensitive
            if not named:
                continue
            loc = (*base, *path)
            line, col = (None, None)
            if doc is not None:
                from jatac.storage.yaml_roundtrip import position

                line, col = position(doc, loc)
            year, number = min(named)
            case_id = f"{ids.prefix}-{year}-{number:04d}"
            marking = ".".join(str(p) for p in (*base, "marking"))
            problems.append(
                Problem(
                    relpath,
                    line,
                    col,
                    ".".join(str(p) for p in loc),
                    f"names {case_id}, which is OFFICIAL-SENSITIVE, but {what} is marked OFFICIAL: "
                    f"set `{marking}: OFFICIAL-SENSITIVE`, or leave the case out",
                )
            )
    return problems


def named_sensitive(repo: Repository, ids: CaseIds, data: Any) -> frozenset[Key]:
    """The OFFICIAL-SENSITIVE cases that ``data`` names, reading only those cases' files."""
    from jatac.errors import BadId
    from jatac.storage.repository import KINDS

    found = set()
    named = set().union(*(ids.mentioned(text) for _, text in strings(data)))
    for year, number in named:
        try:
            case = repo.record(KINDS["case"], f"{ids.prefix}-{year}-{number:04d}")
        except (NotFound, BadId, InvalidRecord):
            continue  # not a case of this repository (a broken one is validate's to report)
        if case.marking.value == SENSITIVE:
            found.add((year, number))
    return frozenset(found)


def require_marking(repo: Repository, kind: Kind, record: Any, relpath: str, doc: Any = None) -> None:
    """Refuse to write ``record`` if it is marked lower than a case it names."""
    if _marked(kind) is None:
        return
    data = record.model_dump(mode="json")
    ids = CaseIds(repo.config.prefix)
    sensitive = named_sensitive(repo, ids, data)
    problems = marking_problems(kind, data, relpath, ids, sensitive, doc) if sensitive else []
    if problems:
        raise InvalidRecord(
            problems,
            hint="A record is marked as high as the most sensitive case it names; nothing was written.",
        )


def required_marking(repo: Repository, data: Any) -> Marking:
    """The lowest marking a record holding ``data`` may carry (OFFICIAL-SENSITIVE if it names one)."""
    ids = CaseIds(repo.config.prefix)
    return Marking.OFFICIAL_SENSITIVE if named_sensitive(repo, ids, data) else Marking.OFFICIAL
