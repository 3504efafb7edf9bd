"""Who a document is for, what it may show, and the marking it carries: decided here, once.

The core group sees every case; the wide group never sees an OFFICIAL-SENSITIVE
one. A wide document is built from the cases left after withholding, and then its
whole context passes through one redaction step: wherever an OFFICIAL record's
text names a withheld case (an item's title, another case's description, an
action ...), it reads "a withheld case". No template has to remember to do it.
A fund request marked OFFICIAL-SENSITIVE (about such a case, or naming one) is
withheld whole, as a sensitive case is. Withholding fails closed: a case whose file
cannot be read is withheld as a sensitive one, and so is everything naming it.

A document's marking is the highest of what its context holds, whichever group
the meeting is of and whichever audience was asked for: a record marked
OFFICIAL-SENSITIVE, or any text naming a sensitive case, marks it so. A neighbour's
marking does not: the record of a paper sent (the core agenda, the minutes) carries
that paper's marking, not the marking of a document that holds the meeting.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from jatac.errors import Refused
from jatac.models.vocab import Marking

if TYPE_CHECKING:
    from jatac.models.config import Group
    from jatac.storage.repository import Repository

WITHHELD = "a withheld case"
AUDIENCES = ("core", "wide")
Key = tuple[int, int]  # (year, number): how a case id is known however it is written


class CaseIds:
    """Finds a repository's case ids in free text, however they are written.

    ``JAT-2026-0002``, ``jat 2026 2``, ``JAT/2026/0002`` and ``JAT–2026–0002`` all name
    the same case; so do look-alike letters and digits (fullwidth, mathematical) and an id
    with invisible characters inside it. A longer number (``JAT-2026-00021``) is another case.
    """

    def __init__(self, prefix: str) -> None:
        sep = r"[\W_]{0,3}"
        self.prefix = prefix
        self._lower = prefix.lower()
        self._re = re.compile(rf"{re.escape(prefix)}{sep}(\d{{4}}){sep}(\d{{1,6}})(?!\d)", re.IGNORECASE)

    def _found(self, text: str) -> Iterator[tuple[re.Match[str], Key]]:
        for m in self._re.finditer(text):
            yield m, (int(m.group(1)), int(m.group(2)))

    @staticmethod
    def _folded(text: str) -> str:
        """Look-alike characters as plain ones, invisible ones gone (for text that has any)."""
        text = unicodedata.normalize("NFKC", text)
        return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")

    def mentioned(self, text: str) -> set[Key]:
        if text.isascii():
            # most texts name no case at all: a substring test is far cheaper than the pattern
            return {key for _, key in self._found(text)} if self._lower in text.lower() else set()
        return {key for _, key in self._found(text)} | {key for _, key in self._found(self._folded(text))}

    def replace(self, text: str, keys: set[Key] | frozenset[Key], by: str = WITHHELD) -> str:
        """``text`` with every mention of a case in ``keys`` replaced by ``by``."""
        if not keys or (text.isascii() and self._lower not in text.lower()):
            return text

        def swap(source: str) -> str:
            return self._re.sub(lambda m: by if (int(m.group(1)), int(m.group(2))) in keys else m[0], source)

        text = swap(text)
        if not text.isascii():
            folded = self._folded(text)
            if any(key in keys for _, key in self._found(folded)):
                text = swap(folded)  # written with look-alikes: shown folded, and redacted
        return text


def _fields(value: Any) -> list[str]:
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value) if f.init]
    return list(type(value).model_fields)


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) or hasattr(type(value), "model_fields")


def strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text in ``value`` (dicts, lists, models), with the path to it."""
    if isinstance(value, str):
        if not isinstance(value, Enum):
            yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k, path)
            yield from strings(v, (*path, k))
    elif isinstance(value, list | tuple | set | frozenset):
        for n, v in enumerate(value):
            yield from strings(v, (*path, n))
    elif _is_record(value) and not isinstance(value, type):
        for name in _fields(value):
            yield from strings(getattr(value, name), (*path, name))


class LeakError(RuntimeError):
    """A withheld case reached a wide document's context: a bug in jatac, stopped before output."""


@dataclass(frozen=True)
class Audience:
    """Who a document is for; made by ``decide``."""

    name: str
    ids: CaseIds
    sensitive: frozenset[Key]  # every OFFICIAL-SENSITIVE case in the repository, however written
    sensitive_ids: frozenset[str]  # the same, as their files name them

    @property
    def wide(self) -> bool:
        return self.name == "wide"

    def withholds(self, case_id: Any) -> bool:
        """Whether this audience may not see the case ``case_id`` (an id as a record holds it)."""
        return self.wide and case_id in self.sensitive_ids

    def withholds_record(self, record: Any) -> bool:
        """Whether this audience may not see ``record`` (a fund request) at all: it is about a
        withheld case, or marked OFFICIAL-SENSITIVE in its own right, whatever made it so."""
        return self.wide and (
            self.withholds(getattr(record, "case", None))
            or getattr(record, "marking", None) == Marking.OFFICIAL_SENSITIVE
        )

    def redact(self, text: str) -> str:
        return self.ids.replace(text, self.sensitive) if self.wide else text

    def prepare(self, context: Any) -> Any:
        """The context a template receives: redacted for the wide audience, with its marking.
        ``context`` is a dict, or a dataclass with ``audience`` and ``marking`` fields."""
        if self.wide and self.sensitive:
            context = _Redaction(self).walk(context)
        marking = self.marking_of(context).value
        if dataclasses.is_dataclass(context) and not isinstance(context, type):
            return dataclasses.replace(context, audience=self.name, marking=marking)
        return {**context, "audience": self.name, "marking": marking}

    def marking_of(self, value: Any) -> Marking:
        """The highest marking ``value`` holds: of its records, and of every case its text names."""
        return Marking.OFFICIAL_SENSITIVE if self._holds_sensitive(value, set()) else Marking.OFFICIAL

    def _holds_sensitive(self, value: Any, seen: set[int]) -> bool:
        # one pass; an object met twice (a case in two lists) is looked at once
        if isinstance(value, str):
            return not isinstance(value, Enum) and bool(
                self.sensitive and self.ids.mentioned(value) & self.sensitive
            )
        if value is None or isinstance(value, int | float | date | Enum) or id(value) in seen:
            return False
        seen.add(id(value))
        if isinstance(value, dict):
            return any(
                self._holds_sensitive(k, seen) or self._holds_sensitive(v, seen) for k, v in value.items()
            )
        if isinstance(value, list | tuple | set | frozenset):
            return any(self._holds_sensitive(v, seen) for v in value)
        if _is_record(value) and not isinstance(value, type):
            if getattr(value, "marking", None) == Marking.OFFICIAL_SENSITIVE and not _tells_of_another(value):
                return True
            return any(self._holds_sensitive(getattr(value, name), seen) for name in _fields(value))
        return False


def _tells_of_another(record: Any) -> bool:
    """Whether ``record``'s marking is another paper's: a sending records how the paper it sent
    was marked (the core agenda, the minutes), and a document that holds the record (the
    meeting, on the next agenda or the wide one) shows none of that paper."""
    from jatac.models.meeting import Sending

    return isinstance(record, Sending)


class _Redaction:
    """One pass over a wide document's context: every text redacted, withheld items dropped."""

    def __init__(self, audience: Audience) -> None:
        self.audience = audience
        self.done: dict[int, Any] = {}  # the same object, wherever it appears, is redacted once

    def walk(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | date | Enum):
            return value
        if isinstance(value, str):
            return self.audience.redact(value)
        if id(value) in self.done:
            return self.done[id(value)]
        result = self._walk(value)
        self.done[id(value)] = result
        return result

    def _walk(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {self.walk(k): self.walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return type(value)(self._kept(value))
        if _is_record(value) and not isinstance(value, type):
            return self._record(value)
        raise TypeError(
            f"a wide document's context holds a {type(value).__name__}, which jatac cannot redact"
        )

    def _kept(self, values: Iterable[Any]) -> Iterator[Any]:
        for v in values:
            # a partner's item about a withheld case is left out (and counted by the agenda); a
            # record whose ``case`` is the case itself (a row of a table) is checked when walked
            case = getattr(v, "case", None) if _is_record(v) else None
            if not (isinstance(case, str) and self.audience.withholds(case)):
                yield self.walk(v)

    def _record(self, value: Any) -> Any:
        from jatac.models.case import Issue
        from jatac.models.fund import FundRequest

        if isinstance(value, Issue) and self.audience.withholds(value.id):
            # fail closed: better no document than one naming a withheld case
            raise LeakError(f"{value.id} is withheld from the wide group but reached its document")
        if isinstance(value, FundRequest) and self.audience.withholds_record(value):
            raise LeakError(f"{value.id} is withheld from the wide group but reached its document")
        changes = {}
        for name in _fields(value):
            before = getattr(value, name)
            after = self.walk(before)
            if after is not before and after != before:
                changes[name] = after
        if not changes:
            return value
        # what made the record OFFICIAL-SENSITIVE (the withheld cases it named) is gone from it
        if getattr(value, "marking", None) == Marking.OFFICIAL_SENSITIVE:
            changes["marking"] = Marking.OFFICIAL
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(value, **changes)
        return value.model_copy(update=changes)


def decide(repo: Repository, group: Group, requested: str | None, cases: list[dict[str, Any]]) -> Audience:
    """The audience of a document for ``group``: ``requested`` (core or wide), else the group's.

    ``cases``: every case's facts (id and marking), as ``Repository.load_facts`` gives them.
    """
    return named(repo, requested or group.audience.value, cases)


def named(repo: Repository, name: str, cases: list[dict[str, Any]]) -> Audience:
    """The audience ``name`` (core or wide) of an output that is for no one group (the site)."""
    if name not in AUDIENCES:
        raise Refused(f"{name!r} is not an audience", hint="Audiences: core, wide.")
    ids = CaseIds(repo.config.prefix)
    exact = frozenset(d["id"] for d in cases if d["marking"] == Marking.OFFICIAL_SENSITIVE.value)
    exact |= unreadable_cases(repo, cases)
    return Audience(name, ids, frozenset().union(*(ids.mentioned(i) for i in exact)), exact)


def unreadable_cases(repo: Repository, cases: Iterable[dict[str, Any]]) -> frozenset[str]:
    """The cases whose file cannot be read (a partner's push broke it): their marking is not
    known, so they are withheld as OFFICIAL-SENSITIVE ones are, until the file is mended.
    ``cases``: the facts of every case that could be read."""
    from jatac.storage.repository import KINDS

    read = {d["id"] for d in cases}
    return frozenset(i for i in repo.ids(KINDS["case"]) if i not in read) | missing_cases(repo, read)


def missing_cases(repo: Repository, read: Iterable[str] | None = None) -> frozenset[str]:
    """The cases known to exist whose file is not there as one (``read``: the cases read; by
    default every case file's name): a SARA package whose case file a push deleted, a case's
    file renamed (``.yml``, ``.bak``) or replaced by a folder. Nothing says their marking any
    more, so they are withheld until the file is back."""
    from jatac.storage.repository import KINDS

    present = set(read) if read is not None else set(repo.ids(KINDS["case"]))
    named = repo.ids_named(KINDS["case"]) | repo.ids_named(KINDS["sara"])
    return frozenset(named - present)
