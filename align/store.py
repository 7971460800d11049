"""The SQLite store: articles with their raw input, segments, vectors and events.

It is the source of truth of an index directory; the FAISS file is derived from the
vectors kept here and can always be rebuilt from them. One connection per process,
WAL journal, every write in one transaction, so a crash leaves either the old or the new
state and concurrent readers never see half a write.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexCorrupt, NotFound

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
    density REAL
);
CREATE INDEX IF NOT EXISTS segments_article ON segments(article_id);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class ArticleRow:
    id: str
    outlet: str
    title: str | None
    url: str | None
    published: str | None
    lang_given: str | None
    text: str
    raw: str
    content_hash: str
    source: str | None
    encoding: str | None = None
    encoding_note: str | None = None


@dataclass(frozen=True)
class SegmentRow:
    rowid: int
    id: str
    article_id: str
    outlet: str
    ord: int
    start: int
    end: int
    kind: str
    timestamp: str | None
    time: str | None
    text: str
    lang: str | None
    lang_code: str | None
    published: str | None
    title: str | None
    translation: str | None = None
    translation_model: str | None = None
    translation_note: str | None = None
    density: float | None = None


def text_hash(text: str) -> str:
    """Key of a cleaned text, so exact copies from another outlet are found by index, not by scan."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Store:
    """A SQLite file of articles, segments, vectors and events."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        try:
            with self._db:
                self._db.executescript(_SCHEMA)
                article_columns = {r[1] for r in self._db.execute("PRAGMA table_info(articles)")}
                for name in ("encoding", "encoding_note", "duplicate_of", "text_hash"):
                    if name not in article_columns:
                        self._db.execute(f"ALTER TABLE articles ADD COLUMN {name} TEXT")
                missing = self._db.execute("SELECT id, text FROM articles WHERE text_hash IS NULL").fetchall()
                self._db.executemany("UPDATE articles SET text_hash = ? WHERE id = ?",
                                     [(text_hash(r["text"]), r["id"]) for r in missing])
                self._db.execute("CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash)")
                columns = {r[1] for r in self._db.execute("PRAGMA table_info(segments)")}
                for name, kind in (("translation", "TEXT"), ("translation_model", "TEXT"),
                                   ("translation_note", "TEXT"), ("density", "REAL")):
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
            " content_hash, source, encoding, encoding_note, text_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a.id, a.outlet, a.title, a.url, a.published, a.lang_given, a.text, a.raw,
             a.content_hash, a.source, a.encoding, a.encoding_note, text_hash(a.text)),
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
        " s.translation_note, s.density"
        " FROM segments s JOIN articles a ON a.id = s.article_id"
    )

    def segments(self, where: str = "", params: tuple[Any, ...] = ()) -> list[SegmentRow]:
        sql = f"{self._SEGMENT_SELECT} {where} ORDER BY s.rowid"
        return [SegmentRow(*tuple(r)) for r in self._db.execute(sql, params).fetchall()]

    def segment(self, segment_id: str) -> SegmentRow:
        rows = self.segments("WHERE s.id = ?", (segment_id,))
        if not rows:
            raise NotFound(f"no segment with id {segment_id!r}")
        return rows[0]

    def segments_by_rowid(self, rowids: list[int]) -> dict[int, SegmentRow]:
        out: dict[int, SegmentRow] = {}
        for lo in range(0, len(rowids), 500):
            chunk = rowids[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            out.update({s.rowid: s for s in self.segments(f"WHERE s.rowid IN ({marks})", tuple(chunk))})
        return out

    def unembedded(self) -> list[SegmentRow]:
        return self.segments("WHERE s.vector IS NULL")

    def set_segment_lang(self, db: sqlite3.Connection, rowid: int, lang: str, code: str | None) -> None:
        db.execute("UPDATE segments SET lang = ?, lang_code = ? WHERE rowid = ?", (lang, code, rowid))

    def untranslated(self, langs: tuple[str, ...]) -> list[SegmentRow]:
        marks = ",".join("?" * len(langs))
        return self.segments(f"WHERE s.translation IS NULL AND s.lang IN ({marks})", langs)

    def set_translations(
        self, db: sqlite3.Connection, rows: list[tuple[int, str | None, str | None, str | None]]
    ) -> None:
        """Rows of (rowid, translation, model version, note)."""
        db.executemany(
            "UPDATE segments SET translation = ?, translation_model = ?, translation_note = ? WHERE rowid = ?",
            [(t, m, n, r) for r, t, m, n in rows],
        )

    def set_densities(self, rows: list[tuple[float, int]]) -> None:
        """Rows of (density, rowid): the mean similarity of each segment's nearest neighbours."""
        with self.transaction() as db:
            db.executemany("UPDATE segments SET density = ? WHERE rowid = ?", rows)

    def set_vectors(self, db: sqlite3.Connection, rowids: list[int], vectors: np.ndarray[Any, Any]) -> None:
        db.executemany(
            "UPDATE segments SET vector = ? WHERE rowid = ?",
            [(v.astype(np.float32).tobytes(), r) for r, v in zip(rowids, vectors, strict=True)],
        )

    def vectors(self, ids_only: bool = False) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]:
        """(rowids, raw vectors, languages) of every embedded segment, in rowid order."""
        if ids_only:
            sql = "SELECT rowid FROM segments WHERE vector IS NOT NULL ORDER BY rowid"
            found = [r[0] for r in self._db.execute(sql)]
            return np.asarray(found, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), []
        rows = self._db.execute(
            "SELECT rowid, vector, lang FROM segments WHERE vector IS NOT NULL ORDER BY rowid"
        ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), []
        ids = np.fromiter((r["rowid"] for r in rows), dtype=np.int64, count=len(rows))
        vecs = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows])
        return ids, vecs, [str(r["lang"] or "other") for r in rows]

    def language_sums(self) -> dict[str, tuple[np.ndarray[Any, Any], int]]:
        """Per language: the sum of raw segment vectors and their count."""
        sums: dict[str, tuple[np.ndarray[Any, Any], int]] = {}
        for r in self._db.execute("SELECT vector, lang FROM segments WHERE vector IS NOT NULL"):
            v = np.frombuffer(r["vector"], dtype=np.float32)
            lang = str(r["lang"] or "other")
            total, n = sums.get(lang, (np.zeros_like(v), 0))
            sums[lang] = (total + v, n + 1)
        return sums

    # -- events -----------------------------------------------------------------------
    def replace_events(self, events: list[dict[str, Any]]) -> None:
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

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self._db.execute("SELECT data FROM events ORDER BY ord")]

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
