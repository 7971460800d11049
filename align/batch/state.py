"""What a batch job has finished, kept in the store's SQLite file so a killed job resumes.

Every piece of progress is committed in the same transaction as the data it describes:
an input's read position with the articles read up to it, a segment's neighbour list with
the index size it accounts for. A job killed at any point therefore finds, on its next run,
exactly which work is done; nothing is redone and nothing is lost.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from ..records import EventJson
from ..storage.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS batch_inputs (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS batch_problems (source TEXT PRIMARY KEY, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batch_neighbours (
    rowid INTEGER PRIMARY KEY,
    upto INTEGER NOT NULL,
    ids BLOB NOT NULL,
    sims BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_members (segment_id TEXT PRIMARY KEY, event_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batch_events (event_id TEXT PRIMARY KEY, signature TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batch_alignments (key TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class EventCache:
    """Rendered events by id and signature, kept between runs; writes go in batches."""

    def __init__(self, store: Store, flush_every: int = 256) -> None:
        self.store = store
        self.flush_every = flush_every
        self.pending: list[tuple[str, str, str]] = []

    def get(self, event_id: str, signature: str) -> EventJson | None:
        rows = self.store.query("SELECT data FROM batch_events WHERE event_id = ? AND signature = ?",
                                (event_id, signature))
        return json.loads(rows[0][0]) if rows else None  # type: ignore[no-any-return]

    def put(self, event_id: str, signature: str, event: EventJson) -> None:
        self.pending.append((event_id, signature, json.dumps(event, ensure_ascii=False)))
        if len(self.pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        with self.store.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO batch_events(event_id, signature, data) VALUES (?,?,?)",
                           self.pending)
        self.pending = []


class BatchState:
    """Batch tables in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.create(SCHEMA)

    # -- inputs ---------------------------------------------------------------------------
    def input_position(self, path: Path) -> tuple[int, bool]:
        """(records committed, finished) for a file; a file changed since is read again from the
        start (records already stored are recognised by their content and skipped)."""
        stat = path.stat()
        row = self.store.query("SELECT size, mtime_ns, position, done FROM batch_inputs WHERE path = ?", (str(path),))
        if not row or (row[0]["size"], row[0]["mtime_ns"]) != (stat.st_size, stat.st_mtime_ns):
            with self.store.transaction() as db:
                db.execute("INSERT OR REPLACE INTO batch_inputs(path, size, mtime_ns) VALUES (?,?,?)",
                           (str(path), stat.st_size, stat.st_mtime_ns))
            return 0, False
        return int(row[0]["position"]), bool(row[0]["done"])

    def set_position(self, db: sqlite3.Connection, path: Path, position: int, done: bool = False) -> None:
        db.execute("UPDATE batch_inputs SET position = ?, done = ? WHERE path = ?", (position, int(done), str(path)))

    def add_problem(self, db: sqlite3.Connection, source: str, message: str) -> None:
        db.execute("INSERT OR REPLACE INTO batch_problems(source, message) VALUES (?, ?)", (source, message))

    def problems(self) -> list[dict[str, str]]:
        return [{"source": r["source"], "reason": r["message"]}
                for r in self.store.query("SELECT source, message FROM batch_problems ORDER BY source")]

    def records_read(self) -> int:
        return int(self.store.query("SELECT coalesce(sum(position), 0) FROM batch_inputs")[0][0])

    # -- neighbour lists --------------------------------------------------------------------
    def without_neighbours(self, after: int, limit: int) -> list[int]:
        """Embedded segments after rowid ``after`` with no neighbour list yet, in rowid order."""
        return [int(r[0]) for r in self.store.query(
            "SELECT s.rowid FROM segments s LEFT JOIN batch_neighbours n ON n.rowid = s.rowid"
            " WHERE s.rowid > ? AND s.vector IS NOT NULL AND n.rowid IS NULL ORDER BY s.rowid LIMIT ?",
            (after, limit))]

    def stale_neighbours(self, upto: int, after: int, limit: int) -> list[tuple[int, int]]:
        """(rowid, upto) of lists after rowid ``after`` that do not account for every indexed vector yet."""
        return [(int(r[0]), int(r[1])) for r in self.store.query(
            "SELECT rowid, upto FROM batch_neighbours WHERE rowid > ? AND upto < ? ORDER BY rowid LIMIT ?",
            (after, upto, limit))]

    def set_neighbours(self, rows: list[tuple[int, int, np.ndarray[Any, Any], np.ndarray[Any, Any]]]) -> None:
        """Rows of (rowid, upto, neighbour rowids, cosines), committed together."""
        with self.store.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO batch_neighbours(rowid, upto, ids, sims) VALUES (?,?,?,?)",
                           [(r, u, i.astype(np.int64).tobytes(), s.astype(np.float32).tobytes())
                            for r, u, i, s in rows])

    def neighbours_of(self, rowids: list[int]) -> dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        out = {}
        for lo in range(0, len(rowids), 500):
            chunk = rowids[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.store.query(f"SELECT rowid, ids, sims FROM batch_neighbours WHERE rowid IN ({marks})",
                                      tuple(chunk)):
                out[int(r["rowid"])] = (np.frombuffer(r["ids"], dtype=np.int64),
                                        np.frombuffer(r["sims"], dtype=np.float32))
        return out

    def all_neighbours(self, width: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """(rowids, neighbour rowids, cosines) of every list, padded with -1 to ``width``."""
        total = int(self.store.query("SELECT count(*) FROM batch_neighbours")[0][0])
        keys = np.zeros(total, dtype=np.int64)
        ids = np.full((total, width), -1, dtype=np.int64)
        sims = np.full((total, width), -1.0, dtype=np.float32)
        for n, r in enumerate(self.store.rows("SELECT rowid, ids, sims FROM batch_neighbours ORDER BY rowid")):
            keys[n] = r["rowid"]
            i = np.frombuffer(r["ids"], dtype=np.int64)[:width]
            ids[n, : len(i)] = i
            sims[n, : len(i)] = np.frombuffer(r["sims"], dtype=np.float32)[:width]
        return keys, ids, sims

    def drop_neighbours(self, rowids: list[int]) -> None:
        """Forget these segments' lists (they are searched again)."""
        with self.store.transaction() as db:
            db.executemany("DELETE FROM batch_neighbours WHERE rowid = ?", [(r,) for r in rowids])

    def clear_neighbours(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM batch_neighbours")

    # -- events of the previous run, for saying what changed ---------------------------------
    def previous_members(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.store.query("SELECT segment_id, event_id FROM batch_members")}

    def set_members(self, members: dict[str, str]) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM batch_members")
            db.executemany("INSERT INTO batch_members(segment_id, event_id) VALUES (?, ?)", members.items())

    def prune_events(self) -> None:
        """Forget cached events that no longer exist."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM batch_events WHERE event_id NOT IN (SELECT event_id FROM batch_members)")

    def neighbour_counts(self, upto: int) -> tuple[int, int]:
        """(lists stored, lists that do not account for ``upto`` indexed vectors yet)."""
        total = int(self.store.query("SELECT count(*) FROM batch_neighbours")[0][0])
        stale = int(self.store.query("SELECT count(*) FROM batch_neighbours WHERE upto < ?", (upto,))[0][0])
        return total, stale

    def cached_alignment(self, key: str) -> list[tuple[str, str, float]] | None:
        rows = self.store.query("SELECT data FROM batch_alignments WHERE key = ?", (key,))
        return [tuple(x) for x in json.loads(rows[0][0])] if rows else None  # type: ignore[misc]

    def cache_alignment(self, key: str, pairs: list[tuple[str, str, float]]) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO batch_alignments(key, data) VALUES (?, ?)", (key, json.dumps(pairs)))
