"""The SQLite store: articles with their raw input, segments, vectors and events.

It is the source of truth of an index directory; the FAISS file is derived from the
vectors kept here and can always be rebuilt from them. One connection per process,
WAL journal, every write in one transaction, so a crash leaves either the old or the new
state and concurrent readers never see half a write.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import IndexCorrupt, NotFound
from ..records import EventJson
from .rows import ArticleRow, SegmentRow, chunks, text_hash
from .vectors import VectorColumns

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published TEXT,
    lang_given TEXT,
    lang TEXT,
    lang_code TEXT,
    text TEXT NOT NULL,
    raw TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    source TEXT,
    encoding TEXT,
    encoding_note TEXT,
    duplicate_of TEXT,
    text_hash TEXT,
    removed TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS segments (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    timestamp TEXT,
    time TEXT,
    text TEXT NOT NULL,
    lang TEXT,
    lang_code TEXT,
    vector BLOB,
    translation TEXT,
    translation_model TEXT,
    translation_note TEXT,
    density REAL,
    lead BLOB,
    profile TEXT,
    match_text TEXT,
    removed TEXT,
    cleaned INTEGER NOT NULL DEFAULT 0,
    boilerplate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS segments_article ON segments(article_id);
CREATE TABLE IF NOT EXISTS sentences (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    segment INTEGER NOT NULL REFERENCES segments(rowid) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_segment ON sentences(segment);
CREATE TABLE IF NOT EXISTS paragraphs (
    key TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    outlet TEXT NOT NULL,
    day TEXT,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX IF NOT EXISTS paragraphs_article ON paragraphs(article_id);
CREATE TABLE IF NOT EXISTS furniture (key TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""


class Store(VectorColumns):
    """A SQLite file of articles, segments, vectors and events (vector columns: :class:`VectorColumns`)."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        """Open (and create or migrate) a store; ``readonly`` opens an existing one for reading
        only, as worker processes do beside the one writer."""
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        if readonly:
            return
        try:
            with self._db:
                self._db.executescript(_SCHEMA)
                article_columns = {r[1] for r in self._db.execute("PRAGMA table_info(articles)")}
                for name in ("encoding", "encoding_note", "duplicate_of", "text_hash", "removed"):
                    if name not in article_columns:
                        self._db.execute(f"ALTER TABLE articles ADD COLUMN {name} TEXT")
                missing = self._db.execute("SELECT id, text FROM articles WHERE text_hash IS NULL").fetchall()
                self._db.executemany("UPDATE articles SET text_hash = ? WHERE id = ?",
                                     [(text_hash(r["text"]), r["id"]) for r in missing])
                self._db.execute("CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash)")
                columns = {r[1] for r in self._db.execute("PRAGMA table_info(segments)")}
                for name, kind in (("translation", "TEXT"), ("translation_model", "TEXT"),
                                   ("translation_note", "TEXT"), ("density", "REAL"), ("lead", "BLOB"),
                                   ("profile", "TEXT"), ("match_text", "TEXT"), ("removed", "TEXT"),
                                   ("cleaned", "INTEGER NOT NULL DEFAULT 0"),
                                   ("boilerplate", "INTEGER NOT NULL DEFAULT 0")):
                    if name not in columns:  # stores written before these columns existed
                        self._db.execute(f"ALTER TABLE segments ADD COLUMN {name} {kind}")
                self._db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{path}: not a readable align store: {exc}") from exc

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection: SQLite connections must not be shared between threads,
        and with WAL each reader sees a consistent snapshot while one writer commits."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                if self.readonly:
                    db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60, check_same_thread=False)
                    db.row_factory = sqlite3.Row
                else:
                    db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
                    db.row_factory = sqlite3.Row
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA foreign_keys=ON")
                    db.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.DatabaseError as exc:
                raise IndexCorrupt(f"{self.path}: not a readable align store: {exc}") from exc
            self._local.db = db
            with self._all_lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._all_lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it lands, or none of it."""
        with self._db:
            yield self._db

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a query, for modules that keep tables of their own in this file (batch jobs)."""
        return self._db.execute(sql, params).fetchall()

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[sqlite3.Row]:
        """Rows of a query one at a time: a large table is never held in memory at once."""
        yield from self._db.execute(sql, params)

    def create(self, schema: str) -> None:
        """Create a module's own tables (``CREATE ... IF NOT EXISTS`` statements)."""
        self._db.executescript(schema)

    # -- articles ---------------------------------------------------------------------
    def find_by_hash(self, content_hash: str) -> str | None:
        row = self._db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return str(row["id"]) if row else None

    def find_same_text(self, text: str) -> str | None:
        """An article of any outlet with exactly this cleaned text."""
        row = self._db.execute("SELECT id FROM articles WHERE text_hash = ? AND text = ? LIMIT 1",
                               (text_hash(text), text)).fetchone()
        return str(row["id"]) if row else None

    def set_duplicate(self, article_id: str, original: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (original, article_id))

    def duplicates(self) -> dict[str, str]:
        """Article id → the article it republishes."""
        rows = self._db.execute("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL")
        return {str(r["id"]): str(r["duplicate_of"]) for r in rows}

    def has_article(self, article_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, db: sqlite3.Connection, a: ArticleRow) -> None:
        db.execute(
            "INSERT INTO articles(id, outlet, title, url, published, lang_given, text, raw,"
            " content_hash, source, encoding, encoding_note, text_hash, removed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a.id, a.outlet, a.title, a.url, a.published, a.lang_given, a.text, a.raw,
             a.content_hash, a.source, a.encoding, a.encoding_note, text_hash(a.text), a.removed),
        )

    def add_segments(self, db: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of (id, article_id, ord, start, end, kind, timestamp, time, text)."""
        db.executemany(
            "INSERT INTO segments(id, article_id, ord, start, end, kind, timestamp, time, text)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def article(self, article_id: str) -> dict[str, Any]:
        row = self._db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r}")
        return dict(row)

    def delete_article(self, article_id: str) -> list[int]:
        """Remove an article and its segments; returns the removed segments' row ids."""
        with self.transaction() as db:
            rows = db.execute("SELECT rowid FROM segments WHERE article_id = ?", (article_id,)).fetchall()
            if db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount == 0:
                raise NotFound(f"no article with id {article_id!r}")
        return [int(r["rowid"]) for r in rows]

    def articles_needing_detection(self) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT id, text, lang_given FROM articles WHERE lang IS NULL ORDER BY rowid"
        ).fetchall()

    def articles_by_rowid(self, rowids: list[int]) -> list[sqlite3.Row]:
        """(id, text, lang, lang_code, lang_given) of these articles, in rowid order."""
        out: list[sqlite3.Row] = []
        for chunk in chunks(rowids):
            out += self._db.execute(f"SELECT id, text, lang, lang_code, lang_given FROM articles WHERE rowid IN"
                                    f" ({','.join('?' * len(chunk))}) ORDER BY rowid", tuple(chunk)).fetchall()
        return out

    def set_article_lang(self, db: sqlite3.Connection, article_id: str, lang: str, code: str | None) -> None:
        db.execute("UPDATE articles SET lang = ?, lang_code = ? WHERE id = ?", (lang, code, article_id))

    def integrity(self) -> list[str]:
        """SQLite's own integrity check: empty when the file is sound."""
        rows = [str(r[0]) for r in self._db.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def outlets(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute(
            "SELECT outlet, count(*) AS articles FROM articles GROUP BY outlet ORDER BY outlet")]

    def counts(self) -> dict[str, int]:
        one = self._db.execute
        return {
            "articles": int(one("SELECT count(*) FROM articles").fetchone()[0]),
            "segments": int(one("SELECT count(*) FROM segments").fetchone()[0]),
            "embedded": int(one("SELECT count(*) FROM segments WHERE vector IS NOT NULL").fetchone()[0]),
            "events": int(one("SELECT count(*) FROM events").fetchone()[0]),
        }

    # -- segments ---------------------------------------------------------------------
    _SEGMENT_SELECT = (
        "SELECT s.rowid, s.id, s.article_id, a.outlet, s.ord, s.start, s.end, s.kind, s.timestamp,"
        " s.time, s.text, s.lang, s.lang_code, a.published, a.title, s.translation, s.translation_model,"
        " s.translation_note, s.density, s.vector IS NOT NULL, s.match_text, s.removed"
        " FROM segments s JOIN articles a ON a.id = s.article_id"
    )

    def segments(self, where: str = "", params: tuple[Any, ...] = ()) -> list[SegmentRow]:
        sql = f"{self._SEGMENT_SELECT} {where} ORDER BY s.rowid"
        return [SegmentRow(*(*tuple(r[:-3]), bool(r[-3]), r[-2], r[-1]))
                for r in self._db.execute(sql, params).fetchall()]

    def segment(self, segment_id: str) -> SegmentRow:
        rows = self.segments("WHERE s.id = ?", (segment_id,))
        if not rows:
            raise NotFound(f"no segment with id {segment_id!r}")
        return rows[0]

    def segments_by_rowid(self, rowids: list[int]) -> dict[int, SegmentRow]:
        out: dict[int, SegmentRow] = {}
        for chunk in chunks(rowids):
            marks = ",".join("?" * len(chunk))
            out.update({s.rowid: s for s in self.segments(f"WHERE s.rowid IN ({marks})", tuple(chunk))})
        return out

    def article_segments(self, article_id: str) -> list[SegmentRow]:
        return self.segments("WHERE s.article_id = ?", (article_id,))

    def unembedded(self) -> list[SegmentRow]:
        """Segments to embed: no vector yet, and not page furniture."""
        return self.segments("WHERE s.vector IS NULL AND s.boilerplate = 0")

    def unsentenced(self) -> list[SegmentRow]:
        """Embedded segments whose sentence vectors were never kept (stores from before they were)."""
        return self.segments("WHERE s.vector IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sentences t"
                             " WHERE t.segment = s.rowid)")

    def set_segment_lang(self, db: sqlite3.Connection, rowid: int, lang: str, code: str | None) -> None:
        db.execute("UPDATE segments SET lang = ?, lang_code = ? WHERE rowid = ?", (lang, code, rowid))

    def untranslated(self, langs: tuple[str, ...], noted_only: bool = False) -> list[SegmentRow]:
        """Segments in ``langs`` with no English yet; ``noted_only``: only those marked with a reason
        (no model was installed when they were embedded)."""
        marks = ",".join("?" * len(langs))
        noted = " AND s.translation_note IS NOT NULL" if noted_only else ""
        return self.segments(f"WHERE s.translation IS NULL AND s.lang IN ({marks}){noted}", langs)

    def untranslated_langs(self, langs: tuple[str, ...]) -> list[str]:
        """Languages among ``langs`` with segments marked untranslated for want of a model."""
        marks = ",".join("?" * len(langs))
        return [str(r[0]) for r in self._db.execute(
            f"SELECT DISTINCT lang FROM segments WHERE translation IS NULL AND translation_note IS NOT NULL"
            f" AND lang IN ({marks}) ORDER BY lang", langs)]

    def translation_counts(self) -> tuple[int, dict[str, int]]:
        """(segments translated, untranslated segments per reason)."""
        done = int(self._db.execute("SELECT count(*) FROM segments WHERE translation IS NOT NULL").fetchone()[0])
        reasons = {str(r[0]): int(r[1]) for r in self._db.execute(
            "SELECT translation_note, count(*) FROM segments WHERE translation_note IS NOT NULL"
            " GROUP BY translation_note")}
        return done, reasons

    def set_translations(
        self, db: sqlite3.Connection, rows: list[tuple[int, str | None, str | None, str | None]]
    ) -> None:
        """Rows of (rowid, translation, model version, note)."""
        db.executemany(
            "UPDATE segments SET translation = ?, translation_model = ?, translation_note = ? WHERE rowid = ?",
            [(t, m, n, r) for r, t, m, n in rows],
        )

    def to_clean(self, article_ids: list[str]) -> list[SegmentRow]:
        """Segments whose matching text is not decided yet, and every segment of these articles."""
        found = {s.rowid: s for s in self.segments("WHERE s.cleaned = 0")}
        for chunk in chunks(article_ids):  # type: ignore[arg-type]
            marks = ",".join("?" * len(chunk))
            found.update({s.rowid: s for s in self.segments(f"WHERE s.article_id IN ({marks})", tuple(chunk))})
        return [found[r] for r in sorted(found)]

    def set_matching(self, db: sqlite3.Connection, rows: Iterable[tuple[int, str | None, str | None, bool]]) -> None:
        """Rows of (rowid, matching text or None when it is the text, removed JSON, furniture flag)."""
        db.executemany("UPDATE segments SET match_text = ?, removed = ?, boilerplate = ?, cleaned = 1 WHERE rowid = ?",
                       [(t, r, int(b), rowid) for rowid, t, r, b in rows])

    def pending_articles(self) -> list[int]:
        """Rowids of articles with a segment not yet embedded (or no language yet), in order."""
        return [int(r[0]) for r in self._db.execute(
            "SELECT a.rowid FROM articles a WHERE a.lang IS NULL OR EXISTS"
            " (SELECT 1 FROM segments s WHERE s.article_id = a.id AND s.vector IS NULL AND s.boilerplate = 0)"
            " ORDER BY a.rowid")]

    # -- events -----------------------------------------------------------------------
    def replace_events(self, events: Sequence[EventJson]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM events")
            db.execute("INSERT INTO meta(key, value) VALUES ('events_version', '1') ON CONFLICT(key)"
                       " DO UPDATE SET value = CAST(value AS INTEGER) + 1")
            db.executemany(
                "INSERT INTO events(id, ord, data) VALUES (?,?,?)",
                [(e["event_id"], i, json.dumps(e, ensure_ascii=False)) for i, e in enumerate(events)],
            )

    def drop_event_members(self, article_id: str) -> None:
        """Take a deleted article's segments out of the stored events; drop events left empty."""
        events = self.events()
        for e in events:
            e["members"] = [m for m in e["members"] if m["article_id"] != article_id]
            e["outlets"] = sorted({m["outlet"] for m in e["members"]})
        self.replace_events([e for e in events if e["members"]])

    def events(self) -> list[EventJson]:
        return [json.loads(r["data"]) for r in self._db.execute("SELECT data FROM events ORDER BY ord")]

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
