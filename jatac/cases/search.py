"""Search across every record: cases, SARA packages, actions, evaluations, agendas, minutes.

The words are looked up in the search database beside the read index
(jatac/storage/search_db.py), brought up to date first: a record whose file's key
changed since the last search is indexed again, a removed one dropped. The pieces
each record gives (a case, its package, each action, its evaluation, each agenda
and minutes item) are made here from the records' checked data, so a search never
parses a file the read index already holds.

The learning library is the same search kept to evaluations of closed cases, by
category and tactic: what worked before, for a new case to start from.

Nothing here prints; `jatac search` and the site call ``search`` and show the hits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from jatac.errors import Refused, TooMuch
from jatac.models.vocab import Status
from jatac.storage import index
from jatac.storage.repository import KINDS, CaseModels, Repository
from jatac.storage.search_db import MARK_END, MARK_START, CaseFacts, Doc, Hit, Query, SearchDb

KIND_NAMES = {
    "case": "case",
    "sara": "SARA package",
    "action": "action",
    "evaluation": "evaluation",
    "agenda": "agenda item",
    "minutes": "minutes item",
    "fund": "fund request",
}
SOURCES = ("case", "sara", "meeting", "minutes", "fund")  # the record kinds read, in this order
MOST = 1000  # matches shown at most, whatever --limit says


@dataclass
class Result:
    """One match, as a listing shows it."""

    kind: str
    id: str  # what to ask for: a case id, CASE/A3, a meeting id and item
    case: str | None
    case_title: str | None
    status: str | None
    on: str | None
    title: str
    context: str  # the matching passage
    matches: list[str]  # the words of ``context`` that matched
    info: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "case": self.case,
            "case_title": self.case_title,
            "status": self.status,
            "on": self.on,
            "title": self.title,
            "context": self.context,
            "matches": self.matches,
            **({"info": self.info} if self.info else {}),
        }


def search(
    repo: Repository,
    words: str = "",
    kinds: Iterable[str] = (),
    statuses: Iterable[str] = (),
    category: str | None = None,
    location: str | None = None,
    since: str | None = None,
    until: str | None = None,
    tactic: str | None = None,
    audience: str = "core",
    limit: int = 20,
) -> list[Result]:
    """The best ``limit`` matches for ``words`` (every word, a "quoted phrase", a prefix*; OR
    between words for either), kept to the filters given; newest first when no words.

    ``audience="wide"``: nothing about an OFFICIAL-SENSITIVE case (or naming one) is found.
    """
    if audience not in ("core", "wide"):
        raise Refused(f"{audience!r} is not an audience", hint="Audiences: core, wide.")
    from jatac.guard.audience import missing_cases

    query = _query(repo, words, kinds, statuses, category, location, since, until, tactic, limit)
    limit = query.limit
    db = open_current(repo)
    try:
        wide = audience == "wide"
        withheld = db.withheld_cases() | missing_cases(repo) if wide else set()
        fetch = limit if not wide else limit * 2 + 20
        while True:  # for the wide group, more until enough are left after withholding
            found = db.search(query, fetch)
            hits = [
                hit
                for hit in found
                if not wide
                or not (
                    hit.marking != "OFFICIAL"
                    or hit.case_id in withheld
                    or withheld.intersection(hit.mentions)
                )
            ][:limit]
            if len(hits) == limit or len(found) < fetch:
                break
            fetch *= 4
        facts = db.cases(h.case_id for h in hits if h.case_id)
    finally:
        db.close()
    return [_result(hit, facts.get(hit.case_id or "")) for hit in hits]


def lessons(
    repo: Repository,
    words: str = "",
    category: str | None = None,
    tactic: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[Result]:
    """The learning library: evaluations of closed cases (what worked, what did not), by
    words, category and tactic."""
    return search(
        repo,
        words,
        kinds=["evaluation"],
        statuses=["closed"],
        category=category,
        since=since,
        tactic=tactic,
        limit=limit,
    )


def _result(hit: Hit, case: CaseFacts | None) -> Result:
    context, matches = split_marks(hit.context)
    if hit.kind == "fund":
        shown = hit.part  # a request's id says it all (FR-2026-001)
    elif hit.kind == "action":
        shown = f"{hit.record}/{hit.part}"
    else:
        shown = f"{hit.record} {hit.part}" if hit.part else hit.record
    return Result(
        kind=hit.kind,
        id=shown,
        case=hit.case_id,
        case_title=case.title if case else None,
        status=case.status if case else None,
        on=hit.on,
        title=hit.title,
        context=context,
        matches=matches,
        info=json.loads(hit.info) if hit.info else {},
    )


def split_marks(text: str) -> tuple[str, list[str]]:
    """A passage without its match marks, and the words that were marked."""
    matches = re.findall(f"{MARK_START}(.*?){MARK_END}", text)
    return text.replace(MARK_START, "").replace(MARK_END, ""), list(dict.fromkeys(matches))


# -- the question ---------------------------------------------------------------------


def _query(
    repo: Repository,
    words: str,
    kinds: Iterable[str],
    statuses: Iterable[str],
    category: str | None,
    location: str | None,
    since: str | None,
    until: str | None,
    tactic: str | None,
    limit: int,
) -> Query:
    settings = repo.settings
    kinds, statuses = set(kinds), set(statuses)
    if kinds - KIND_NAMES.keys():
        raise Refused(
            f"unknown kind {', '.join(sorted(kinds - KIND_NAMES.keys()))}",
            hint="Kinds: " + ", ".join(KIND_NAMES),
        )
    unknown = statuses - {s.value for s in Status}
    if unknown:
        raise Refused(
            f"unknown status {', '.join(sorted(unknown))}",
            hint="Statuses: " + ", ".join(s.value for s in Status),
        )
    if category and category not in settings.categories:
        raise Refused(f"unknown category {category!r}", hint=f"Known: {', '.join(settings.categories)}")
    localities = None
    if location:
        resolved = settings.resolve_locality(location)
        if resolved is None:
            raise Refused(f"unknown locality {location!r}", hint="See the localities in jatac.yaml.")
        localities = settings.locality_and_within(resolved)
    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise Refused(f"{name} {value!r} is not a date", hint="Dates look like 2024-01-01.") from None
    if limit < 1:
        raise Refused("--limit must be at least 1")
    limit = min(limit, MOST)
    match = match_expression(words)
    if tactic:
        tactic_match = match_expression(tactic)
        if tactic_match:
            tactic_part = f"tactics : ({tactic_match})"
            match = f"({match}) AND {tactic_part}" if match else tactic_part
    return Query(
        match=match,
        kinds=kinds or None,
        statuses=statuses or None,
        categories={category} if category else None,
        localities=localities,
        since=since,
        until=until,
        limit=limit,
    )


_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
# what a person would never type: the full-text engine's work grows with the square of the
# words (1,200 prefix words took 21 s on the 20-case example)
MOST_WORDS = 50
MOST_CHARACTERS = 1_000


def match_expression(words: str) -> str | None:
    """What a coordinator typed as an FTS5 expression nothing in it can break: each word (or
    "quoted phrase") quoted; a trailing * kept as a prefix search; OR kept between words.
    More than ``MOST_WORDS`` words, or ``MOST_CHARACTERS`` characters, is refused (TooMuch)."""
    if len(words) > MOST_CHARACTERS:
        raise TooMuch(
            f"the search is {len(words):,} characters long; a search is at most {MOST_CHARACTERS:,}",
            hint="Search for fewer, more telling words.",
        )
    parts: list[str] = []
    words = "".join(ch if ch.isprintable() else " " for ch in words)  # no control character reaches SQLite
    for phrase, word in _TOKEN.findall(words):
        if word == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        text = phrase if phrase else word
        prefix = not phrase and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        if not re.search(r"\w", text):
            continue  # punctuation alone matches nothing
        parts.append('"' + text.replace('"', '""') + '"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    count = sum(part != "OR" for part in parts)
    if count > MOST_WORDS:
        raise TooMuch(
            f"the search has {count:,} words or phrases; a search has at most {MOST_WORDS}",
            hint="Search for fewer, more telling words.",
        )
    return " ".join(parts) or None


# -- keeping the database current ----------------------------------------------------------


def open_current(repo: Repository) -> SearchDb:
    """The search database with every record file as it is now.

    A file whose stat signature is as when it was indexed is not read (as the read index
    trusts its own); the others are read through the read index, and indexed again only if
    their content changed. A signature is kept only once the file is older than the index's
    racy window (an edit in the same clock tick would keep it)."""
    if not index.enabled():  # no local state at all: built in memory for this search
        db = SearchDb(repo.root, "", in_memory=True)
        with db.writing():
            _fill_all(repo, db)
        return db
    db = SearchDb(repo.root, index.stamp(repo))
    try:
        _bring_up_to_date(repo, db)
    except BaseException:
        db.conn.close()  # unsealed: the next search checks it all again
        raise
    return db


def _bring_up_to_date(repo: Repository, db: SearchDb) -> None:
    import os
    import time

    root = str(repo.root) + os.sep
    settled = time.time_ns() - index.RACY_NS
    cases: CaseModels | None = None
    for name in SOURCES:
        kind = KINDS[name]
        listed = repo.entries(kind)
        signatures: dict[str, str | None] = {}
        for rel, record_id in listed:
            try:
                st = os.stat(root + rel)
            except OSError:
                signatures[record_id] = None
                continue
            trusted = index.TRUST_STAT and max(st.st_mtime_ns, st.st_ctime_ns) < settled
            signatures[record_id] = (
                f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}" if trusted else None
            )
        whole = None
        if None not in signatures.values():
            import hashlib

            lines = "\n".join(f"{i} {sig}" for i, sig in signatures.items())
            whole = hashlib.blake2b(lines.encode(), digest_size=16).hexdigest()
            if db.seen(name) == whole:
                continue  # not one file of this kind changed since the last search
        known = db.known(name)
        suspect = {i for i, sig in signatures.items() if sig is None or i not in known or known[i][1] != sig}
        gone = known.keys() - signatures.keys()
        if not (suspect or gone):
            db.saw(name, whole)
            continue
        if kind.with_case and cases is None:
            cases = CaseModels(repo, {d["id"]: d for d in repo.facts(KINDS["case"])[0]})
        data, _, keys = repo.keyed(kind, cases, only=suspect) if suspect else ([], [], {})
        by_id = {d[kind.id_field]: d for d in data}
        pieces: _Pieces | None = None
        with db.writing():
            for record_id in gone:
                db.remove(name, record_id)
            for record_id in sorted(suspect):
                key = keys.get(record_id, "-").partition(":")[0]  # a package's own file, not its case's
                if record_id in known and known[record_id][0] == key:
                    db.vouch(name, record_id, signatures[record_id])
                    continue
                pieces = pieces or _Pieces(repo)
                found = by_id.get(record_id)  # None: the file is not valid; it has no pieces
                docs = pieces.of(name, found) if found is not None else []
                case = pieces.case_facts(found) if found is not None and name == "case" else None
                db.put(name, record_id, key, signatures[record_id], docs, case)
            db.saw(name, whole)


def _fill_all(repo: Repository, db: SearchDb) -> None:
    pieces = _Pieces(repo)
    for name in SOURCES:
        kind = KINDS[name]
        read = set()
        for data in repo.records(kind, as_data=True)[0]:
            case = pieces.case_facts(data) if name == "case" else None
            db.put(name, data[kind.id_field], "", None, pieces.of(name, data), case)
            read.add(data[kind.id_field])
        if name == "case":  # a case file that cannot be read is known, without facts: withheld
            for record_id in set(repo.ids(kind)) - read:
                db.put(name, record_id, "", None, [])


class _Pieces:
    """The searchable pieces of records (their checked data), with names for ids."""

    def __init__(self, repo: Repository) -> None:
        from jatac.guard.audience import CaseIds

        config = repo.config
        self.prefix = config.prefix
        self.ids = CaseIds(config.prefix)
        self.names = {
            **{a.id: a.name for a in config.agencies},
            **{loc.id: loc.name for loc in config.localities},
            **{c.id: c.name for c in config.categories},
        }
        self.category_names = {c.id: c.name for c in config.categories}
        self.systems = {s.id: s.name for s in getattr(config, "systems", [])}

    def name(self, value: str | None) -> str:
        return self.names.get(value or "", value or "")

    def mentions(self, *texts: str) -> list[str]:
        keys: set[tuple[int, int]] = set()
        for text in texts:
            if text:
                keys |= self.ids.mentioned(text)
        return [f"{self.prefix}-{y}-{n:04d}" for y, n in sorted(keys)]

    def of(self, name: str, data: dict[str, Any]) -> list[Doc]:
        if name == "case":
            return [self.case(data)]
        if name == "sara":
            return list(self.sara(data))
        if name == "meeting":
            return list(self.agenda(data))
        if name == "fund":
            return list(self.fund(data))
        return list(self.minutes(data))

    def case_facts(self, d: dict[str, Any]) -> CaseFacts:
        return CaseFacts(
            *(d["id"], d["title"], d["status"], d["category"], d["location"], d.get("marking") or "OFFICIAL"),
            *(d.get("place"), d["raised_on"], d.get("closed_on")),
        )

    def case(self, d: dict[str, Any]) -> Doc:
        dates = [d["raised_on"], d.get("adopted_on"), d.get("reviewed_on"), d.get("closed_on")]
        dates += [c.get("on") for c in d.get("changes", [])]
        body = _join(
            d.get("place"),
            d.get("description"),
            self.name(d["location"]),
            self.name(d["category"]),
            self.name(d.get("lead")),
            self.name(d["raised_by"]),
            d.get("problem_manager"),
            d.get("decision_note"),
            d.get("referred_to"),
            *(r.get("note") for r in d.get("reviews", [])),
            *(e.get("reason") for e in d.get("escalations", [])),
            *(t.replace("-", " ") for t in d.get("tags", [])),
            *(link.get("note") for link in d.get("links", [])),
        )
        refs = _join(
            *(
                f"{r.get('ref')} {self.systems.get(r.get('system'), r.get('system'))}"
                for r in d.get("references", [])
            )
        )
        return Doc(
            kind="case",
            record=d["id"],
            case_id=d["id"],
            on=_latest(dates),
            marking=d.get("marking") or "OFFICIAL",
            # a link names its case: a note about a withheld case is judged by that case too
            mentions=[
                m
                for m in self.mentions(
                    d["title"], body, refs, *(str(x.get("case")) for x in d.get("links", []))
                )
                if m != d["id"]
            ],
            title=d["title"],
            body=body,
            refs=refs,
        )

    def sara(self, d: dict[str, Any]) -> Iterator[Doc]:
        case_id = d["case"]
        s, a, r = d.get("scanning", {}), d.get("analysis", {}), d.get("response", {})
        tactics = [t.get("tactic", "") for t in r.get("tactics", [])]
        body = _join(
            s.get("came_to_notice"),
            *s.get("locations", []),
            s.get("time_pattern"),
            s.get("affected"),
            *(f"{x.get('source')} {x.get('figure')}" for x in a.get("data", [])),
            *(a.get("triangle") or {}).values(),
            *a.get("hypotheses", []),
            *(c.get("cause") for c in a.get("causes", [])),
            a.get("notes"),
            *tactics,
            *r.get("outputs", []),
        )
        dates: list[str | None] = []
        for action in r.get("actions", []):
            action_dates = [action.get("set_on"), action.get("done_on"), action.get("cancelled_on")]
            action_dates += [u.get("on") for u in action.get("updates", [])]
            dates += action_dates
            notes = [u.get("note") for u in action.get("updates", [])]
            yield Doc(
                kind="action",
                record=case_id,
                part=action["id"],
                case_id=case_id,
                on=_latest(action_dates),
                mentions=self.mentions(action.get("what", ""), *notes),
                info=json.dumps(
                    {"owner": action.get("owner"), "due": action.get("due"), "status": action.get("status")}
                ),
                title=action.get("what", ""),
                body=_join(self.name(action.get("owner")), action.get("role"), *notes),
            )
        problem = s.get("problem") or ""
        yield Doc(
            kind="sara",
            record=case_id,
            case_id=case_id,
            on=_latest(dates),
            mentions=[m for m in self.mentions(problem, body) if m != case_id],
            title=_line(problem) or "SARA package",
            body=_join(problem if len(_line(problem)) < len(problem) else "", body),
            tactics=_join(*tactics),
        )
        e = d.get("assessment")
        if e:
            texts = [
                e.get(k) for k in ("process", "impact", "worked", "did_not_work", "good_practice", "learning")
            ]
            yield Doc(
                kind="evaluation",
                record=case_id,
                part="evaluation",
                case_id=case_id,
                on=e.get("completed_on"),
                mentions=[m for m in self.mentions(*[t or "" for t in texts]) if m != case_id],
                info=json.dumps(
                    {
                        "objective_met": e.get("objective_met"),
                        "tactics": tactics,
                        "worked": e.get("worked") or "",
                        "did_not_work": e.get("did_not_work") or "",
                        "learning": _join(e.get("good_practice"), e.get("learning")),
                        "measures": [
                            f"{m.get('measure')}: {_num(m.get('before'))} -> {_num(m.get('after'))}"
                            for m in e.get("measures", [])
                        ],
                    }
                ),
                title=f"Evaluation: {_line(problem)}" if problem else "Evaluation",
                body=_join(
                    *texts,
                    *e.get("results", []),
                    e.get("funding"),
                    *(m.get("measure") for m in e.get("measures", [])),
                ),
                tactics=_join(*tactics),
            )

    def agenda(self, d: dict[str, Any]) -> Iterator[Doc]:
        for item in d.get("items", []):
            yield Doc(
                kind="agenda",
                record=d["id"],
                part=item["id"],
                case_id=item.get("case"),
                on=d["date"],
                marking=d.get("marking") or "OFFICIAL",
                mentions=self.mentions(item.get("title", ""), item.get("note", "")),
                title=item.get("title", ""),
                body=_join(item.get("note"), self.name(item.get("by"))),
            )

    def minutes(self, d: dict[str, Any]) -> Iterator[Doc]:
        on = d["meeting"][:10]  # a meeting id starts with its date
        for item in d.get("items", []):
            decisions = item.get("decisions", [])
            cases = [x["case"] for x in decisions if x.get("case")]
            said = [str(v) for x in decisions for k, v in x.items() if k in _SAID and v]
            body = _join(item.get("heard"), *item.get("resolved", []), *said)
            yield Doc(
                kind="minutes",
                record=d["meeting"],
                part=item["ref"],
                case_id=cases[0] if cases else None,
                on=on,
                marking=d.get("marking") or "OFFICIAL",
                # every decision's case, not only the first: a later one's note may be about it
                mentions=self.mentions(item.get("title", ""), body, *map(str, cases)),
                title=item.get("title", ""),
                body=body,
            )

    def fund(self, d: dict[str, Any]) -> Iterator[Doc]:
        for r in d.get("requests", []):
            dates = [r.get("requested_on"), r.get("considered_on"), r.get("decided_on")]
            dates += [x.get("on") for x in r.get("spends", [])]
            body = _join(
                r.get("consideration"),
                r.get("decision_note"),
                self.name(r.get("by")),
                *(x.get("note") for x in r.get("spends", [])),
            )
            yield Doc(
                kind="fund",
                record=d["year"],
                part=r["id"],
                case_id=r.get("case"),
                on=_latest(dates),
                marking=r.get("marking") or "OFFICIAL",
                mentions=self.mentions(r.get("purpose", ""), body),
                info=json.dumps({"amount": r.get("amount"), "status": r.get("status")}),
                title=r.get("purpose", ""),
                body=body,
            )


_SAID = ("what", "outcome", "reason", "note", "to", "problem_manager", "role")


def _join(*texts: Any) -> str:
    return "\n".join(str(t) for t in texts if t)


def _line(text: str, width: int = 100) -> str:
    """A text as a title: on one line, cut at a word near ``width``."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    return flat[:width].rsplit(" ", 1)[0] + " …"


def _latest(dates: Iterable[str | None]) -> str | None:
    return max((d for d in dates if d), default=None)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "?" if value is None else str(value)
