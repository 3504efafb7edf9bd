"""The search database: SQLite full-text search (FTS5) kept beside the read index.

``.jatac/index/search.sqlite`` holds one row per searchable piece of a record (a
case, a SARA package, an action, an evaluation, an agenda or minutes item) and,
per record file, the key the read index gives it (its content's digest), so a
search re-indexes only the files that changed since the last one.

A database cannot be sealed as the index's JSON files are (SQLite changes it in
place), so it is trusted through a sealed note beside it (``search.json``, see
jatac/storage/local_state.py): the stamp it was built for (this jatac, this
jatac.yaml) and the file's stat signature (size, mtime, ctime, inode) after jatac
last wrote it. A database that arrived any other way (pushed to the remote, copied
in, changed behind jatac's back) has another signature (ctime cannot be set back),
is never opened, and is built again from the files. A journal beside it is jatac's
never (writes keep their journal in memory), so one found there is removed unread:
SQLite would otherwise replay it into the database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jatac.errors import Refused
from jatac.storage import index
from jatac.storage.lock import local_dir

FORMAT = 6  # 6: a piece's mentions hold every case it names (links, each decision)
COLUMNS = ("title", "body", "refs", "tactics")  # the words searched, in the order bm25 weighs them
WEIGHTS = (8.0, 1.0, 4.0, 2.0)  # a word in a title counts for more than one in a long text
SCHEMA = f"""
CREATE TABLE records(
    kind TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL, signature TEXT, PRIMARY KEY(kind, id)
);
CREATE TABLE seen(kind TEXT PRIMARY KEY, files TEXT NOT NULL);
CREATE TABLE cases(
    id TEXT PRIMARY KEY, title TEXT, status TEXT, category TEXT, location TEXT, marking TEXT,
    place TEXT, raised_on TEXT, closed_on TEXT
);
CREATE TABLE doc(
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, record TEXT NOT NULL, part TEXT NOT NULL,
    case_id TEXT, on_date TEXT, marking TEXT, mentions TEXT, info TEXT,
    {", ".join(f"{c} TEXT" for c in COLUMNS)}
);
CREATE INDEX doc_record ON doc(kind, record);
CREATE INDEX doc_case ON doc(case_id);
CREATE VIRTUAL TABLE fts USING fts5(
    {", ".join(COLUMNS)}, content='doc', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25({", ".join(str(w) for w in WEIGHTS)})');
"""


@dataclass
class Doc:
    """One searchable piece of a record, as the search shows it."""

    kind: str  # case, sara, action, evaluation, agenda, minutes, fund
    record: str  # the file's record id (a case id, a meeting id)
    part: str = ""  # an action id, an item number
    case_id: str | None = None  # the case it is about, if any
    on: str | None = None  # the latest date it speaks of (ISO)
    marking: str = "OFFICIAL"
    mentions: Sequence[str] = ()  # case ids named in its text
    info: str = "{}"  # JSON: what a listing shows beside the match
    title: str = ""
    body: str = ""
    refs: str = ""
    tactics: str = ""


@dataclass
class CaseFacts:
    id: str
    title: str
    status: str
    category: str
    location: str
    marking: str
    place: str | None
    raised_on: str
    closed_on: str | None


@dataclass
class Hit:
    kind: str
    record: str
    part: str
    case_id: str | None
    on: str | None
    marking: str
    mentions: list[str]
    info: str
    title: str
    context: str  # the best-matching passage, matches between MARK_START and MARK_END
    score: float
    case: CaseFacts | None = None


MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in a record's text


@dataclass
class Query:
    match: str | None  # an FTS5 expression; None: every piece (filters only)
    kinds: set[str] | None = None
    statuses: set[str] | None = None
    categories: set[str] | None = None
    localities: set[str] | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20


def _paths(root: Path) -> tuple[Path, Path]:
    return local_dir(root, "index", "search.sqlite"), local_dir(root, "index", "search.json")


def _signature(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _clear_journals(db: Path) -> None:
    for suffix in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(db) + suffix)


class SearchDb:
    """The open search database of a repository: trusted as found, or new and empty."""

    def __init__(self, root: Path, stamp: str, in_memory: bool = False) -> None:
        self.root, self.stamp = root, stamp
        self.db_path, self.note_path = _paths(root)
        self.changed = False
        self.conn = self._open(in_memory)

    def _open(self, in_memory: bool) -> sqlite3.Connection:
        if in_memory:
            return self._new(sqlite3.connect(":memory:"))
        note = index.read_stamped(self.root, self.note_path, f"{FORMAT}:{self.stamp}")
        signature = _signature(self.db_path)
        if signature is not None and note.get("signature") == signature and os.name == "posix":
            _clear_journals(self.db_path)  # not ours: see the module's docstring
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=10)
            try:
                conn.execute("PRAGMA journal_mode=MEMORY")
                conn.execute("SELECT kind, id, key, signature FROM records LIMIT 1")
                return conn
            except sqlite3.DatabaseError:
                conn.close()
        return self._rebuild()

    def _rebuild(self) -> sqlite3.Connection:
        """A new empty database in place of whatever was there (made beside it, then moved)."""
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.db_path.with_name(f".search.{os.getpid()}.sqlite")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            fresh = sqlite3.connect(tmp, isolation_level=None)
            fresh.execute("PRAGMA journal_mode=MEMORY")
            self._new(fresh)
            fresh.close()
            _clear_journals(self.db_path)
            os.replace(tmp, self.db_path)
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=10)
            conn.execute("PRAGMA journal_mode=MEMORY")
        except OSError:  # a read-only checkout: searched all the same, built in memory each time
            return self._new(sqlite3.connect(":memory:"))
        self.changed = True
        return conn

    @staticmethod
    def _new(conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.executescript(SCHEMA)
        return conn

    # -- keeping it current ------------------------------------------------------

    def known(self, kind: str) -> dict[str, tuple[str, str | None]]:
        """Each record of ``kind`` indexed: its key and its file's stat signature when indexed."""
        rows = self.conn.execute("SELECT id, key, signature FROM records WHERE kind = ?", (kind,))
        return {row[0]: (row[1], row[2]) for row in rows}

    def seen(self, kind: str) -> str | None:
        """The digest of every file of ``kind`` and its signature, when last all were indexed."""
        row = self.conn.execute("SELECT files FROM seen WHERE kind = ?", (kind,)).fetchone()
        return row[0] if row else None

    def saw(self, kind: str, files: str | None) -> None:
        self.conn.execute("DELETE FROM seen WHERE kind = ?", (kind,))
        if files is not None:
            self.conn.execute("INSERT INTO seen VALUES (?, ?)", (kind, files))
        self.changed = True

    def vouch(self, kind: str, record_id: str, signature: str | None) -> None:
        """The record's file is as indexed, with this stat signature now."""
        self.conn.execute(
            "UPDATE records SET signature = ? WHERE kind = ? AND id = ?", (signature, kind, record_id)
        )

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One transaction for a batch of changes."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        self.changed = True

    def remove(self, kind: str, record_id: str) -> None:
        rows = self.conn.execute(
            f"SELECT rowid, {', '.join(COLUMNS)} FROM doc WHERE kind = ? AND record = ?", (kind, record_id)
        ).fetchall()
        if rows:
            self.conn.executemany(
                f"INSERT INTO fts(fts, rowid, {', '.join(COLUMNS)}) VALUES ('delete', ?, ?, ?, ?, ?)", rows
            )
            self.conn.execute("DELETE FROM doc WHERE kind = ? AND record = ?", (kind, record_id))
        self.conn.execute("DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id))
        if kind == "case":
            self.conn.execute("DELETE FROM cases WHERE id = ?", (record_id,))

    def put(
        self,
        kind: str,
        record_id: str,
        key: str,
        signature: str | None,
        docs: Iterable[Doc],
        case: CaseFacts | None = None,
    ) -> None:
        """A record's pieces in place of what it had (``case``: a case's facts, for filters)."""
        self.remove(kind, record_id)
        self.conn.execute("INSERT INTO records VALUES (?, ?, ?, ?)", (kind, record_id, key, signature))
        if case is not None:
            self.conn.execute(
                "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *(case.id, case.title, case.status, case.category, case.location),
                    *(case.marking, case.place, case.raised_on, case.closed_on),
                ),
            )
        for d in docs:
            cur = self.conn.execute(
                "INSERT INTO doc(kind, record, part, case_id, on_date, marking, mentions, info, "
                f"{', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *(d.kind, d.record, d.part, d.case_id, d.on, d.marking, " ".join(d.mentions), d.info),
                    *(d.title, d.body, d.refs, d.tactics),
                ),
            )
            self.conn.execute(
                f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                (cur.lastrowid, d.title, d.body, d.refs, d.tactics),
            )

    def close(self) -> None:
        """Close, and seal the note that vouches for the database as jatac left it."""
        self.conn.close()
        if self.changed and _signature(self.db_path) is not None:
            signature = _signature(self.db_path)
            index.write_stamped(self.root, self.note_path, f"{FORMAT}:{self.stamp}", {"signature": signature})

    # -- asking ------------------------------------------------------------------

    def cases(self, ids: Iterable[str] | None = None) -> dict[str, CaseFacts]:
        if ids is None:
            rows = self.conn.execute("SELECT * FROM cases").fetchall()
        else:
            wanted = sorted(set(ids))
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                rows += self.conn.execute(f"SELECT * FROM cases WHERE id IN ({marks})", chunk).fetchall()
        return {row[0]: CaseFacts(*row) for row in rows}

    def sensitive_cases(self) -> set[str]:
        rows = self.conn.execute("SELECT id FROM cases WHERE marking != 'OFFICIAL'").fetchall()
        return {row[0] for row in rows}

    def withheld_cases(self) -> set[str]:
        """What the wide group may not find: the OFFICIAL-SENSITIVE cases, and the cases whose file
        cannot be read (indexed with no facts): their marking is not known (fail closed)."""
        rows = self.conn.execute(
            "SELECT r.id FROM records r LEFT JOIN cases c ON c.id = r.id"
            " WHERE r.kind = 'case' AND c.id IS NULL"
        ).fetchall()
        return self.sensitive_cases() | {row[0] for row in rows}

    def search(self, q: Query, fetch: int) -> list[Hit]:
        """Up to ``fetch`` pieces that match, best first (by date when there are no words)."""
        where, params = [], []
        if q.kinds:
            where.append(f"d.kind IN ({', '.join('?' * len(q.kinds))})")
            params += sorted(q.kinds)
        for column, values in (
            ("status", q.statuses),
            ("category", q.categories),
            ("location", q.localities),
        ):
            if values:
                where.append(f"c.{column} IN ({', '.join('?' * len(values))})")
                params += sorted(values)
        if q.since:
            where.append("d.on_date >= ?")
            params.append(q.since)
        if q.until:
            where.append("d.on_date <= ?")
            params.append(q.until)
        select = (
            "SELECT d.kind, d.record, d.part, d.case_id, d.on_date, d.marking, d.mentions, d.info, d.title"
        )
        joins = "LEFT JOIN cases c ON c.id = d.case_id"
        if q.match is not None:
            # ORDER BY rank: FTS5 ranks every match but hands rows over best first, so the
            # passages are cut only for the rows shown (a common word matches thousands)
            sql = (
                f"{select}, snippet(fts, -1, '{MARK_START}', '{MARK_END}', '…', 16), fts.rank "
                f"FROM fts CROSS JOIN doc d ON d.rowid = fts.rowid {joins} WHERE fts MATCH ?"
                + "".join(f" AND {w}" for w in where)
                + " ORDER BY fts.rank LIMIT ?"
            )
            try:
                rows = self.conn.execute(sql, [q.match, *params, fetch]).fetchall()
            except sqlite3.OperationalError as e:  # words the full-text engine cannot take
                raise Refused(
                    f"cannot search for that: {e}", hint='Try plain words, or "a phrase".'
                ) from None
        else:
            sql = (
                f"{select}, substr(d.body, 1, 200), 0 FROM doc d {joins}"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY d.on_date DESC, d.record, d.part LIMIT ?"
            )
            rows = self.conn.execute(sql, [*params, fetch]).fetchall()
        return [
            Hit(r[0], r[1], r[2], r[3], r[4], r[5], r[6].split(), r[7], r[8], r[9], float(r[10]))
            for r in rows
        ]
