"""The store's vector columns: raw segment and first-sentence vectors, profiles, densities.

Read and written in rowid order and in chunks, so that a large store never has to be held in
memory at once; each segment is centred by its language's key (:data:`CENTRE_KEY`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from .rows import Nodes, chunks

# Vectors are centred per language: bg, ru, uk, en, or any other detected code on its own (a
# German article is not centred with a Turkish one); see align.vectors.centre.centre_key.
CENTRE_KEY = "CASE WHEN lang IN ('bg', 'ru', 'uk', 'en') THEN lang ELSE coalesce(lang_code, lang, 'other') END"


class VectorColumns:
    """Methods of :class:`~align.storage.store.Store` over the vector columns of ``segments``."""

    @property
    def _db(self) -> sqlite3.Connection:  # the store's connection of this thread
        raise NotImplementedError

    def set_densities(self, rows: list[tuple[float, int]]) -> None:
        """Rows of (density, rowid): the mean similarity of each segment's nearest neighbours."""
        with self._db as db:
            db.executemany("UPDATE segments SET density = ? WHERE rowid = ?", rows)

    def set_vectors(self, db: sqlite3.Connection, rowids: list[int], vectors: np.ndarray[Any, Any],
                    leads: np.ndarray[Any, Any] | None = None) -> None:
        """Raw segment vectors, and the raw vectors of their first sentences (``leads``)."""
        leads = vectors if leads is None else leads
        db.executemany(
            "UPDATE segments SET vector = ?, lead = ? WHERE rowid = ?",
            [(v.astype(np.float32).tobytes(), lead.astype(np.float32).tobytes(), r)
             for r, v, lead in zip(rowids, vectors, leads, strict=True)],
        )

    def langs_of(self, rowids: list[int]) -> list[str | None]:
        """Detected languages of these segments, in the order given."""
        found: dict[int, str | None] = {}
        for chunk in chunks(rowids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT rowid, lang FROM segments WHERE rowid IN ({marks})", tuple(chunk)):
                found[int(r[0])] = r[1]
        return [found[r] for r in rowids]

    def reset_vectors(self, db: sqlite3.Connection, rowids: list[int]) -> None:
        """Forget what was computed from a segment's old matching text: it is embedded again."""
        db.executemany("UPDATE segments SET vector = NULL, lead = NULL, profile = NULL, density = NULL"
                       " WHERE rowid = ?", [(r,) for r in rowids])
        db.executemany("DELETE FROM sentences WHERE segment = ?", [(r,) for r in rowids])

    # -- sentence vectors: what a segment vector was averaged from, kept as float16 --------
    def set_sentences(self, db: sqlite3.Connection, segment: int, spans: list[tuple[int, int]],
                      vectors: np.ndarray[Any, Any]) -> None:
        """A segment's sentences: their spans in its text and their raw vectors (float16: half the
        bytes, and a cosine moves by under 1e-3)."""
        db.execute("DELETE FROM sentences WHERE segment = ?", (segment,))
        db.executemany("INSERT INTO sentences(segment, ord, start, end, vector) VALUES (?,?,?,?,?)",
                       [(segment, n, a, b, v.astype(np.float16).tobytes())
                        for n, ((a, b), v) in enumerate(zip(spans, vectors, strict=True))])

    def sentence_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM sentences").fetchone()[0])

    def sentence_ids(self) -> np.ndarray[Any, Any]:
        return np.asarray([r[0] for r in self._db.execute("SELECT rowid FROM sentences ORDER BY rowid")],
                          dtype=np.int64)

    def sentence_chunks(self, ids: list[int] | None = None) -> Iterator[
            tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]]:
        """(sentence rowids, raw float32 vectors, centring keys) of every stored sentence, or of
        those with these rowids, a chunk at a time in rowid order."""
        wanted = self.sentence_ids().tolist() if ids is None else sorted(ids)
        for chunk in chunks(wanted):
            rows = self._db.execute(f"SELECT t.rowid, t.vector, {CENTRE_KEY} AS lang FROM sentences t JOIN segments s"
                                    f" ON s.rowid = t.segment WHERE t.rowid IN ({','.join('?' * len(chunk))})"
                                    " ORDER BY t.rowid", tuple(chunk)).fetchall()
            if rows:
                yield (np.asarray([r["rowid"] for r in rows], dtype=np.int64),
                       np.stack([np.frombuffer(r["vector"], dtype=np.float16) for r in rows]).astype(np.float32),
                       [str(r["lang"] or "other") for r in rows])

    def sentence_rows(self, ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
        """Sentence rowid → (segment rowid, position, start, end) in its segment's text."""
        out: dict[int, tuple[int, int, int, int]] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT rowid, segment, ord, start, end FROM sentences WHERE rowid IN ({marks})",
                                      tuple(chunk)):
                out[int(r["rowid"])] = (int(r["segment"]), int(r["ord"]), int(r["start"]), int(r["end"]))
        return out

    def sentences_of(self, segments: list[int]) -> dict[int, tuple[list[tuple[int, int]], np.ndarray[Any, Any]]]:
        """Per segment rowid: its sentences' spans and raw float32 vectors, in text order."""
        return self._sentences_by("s.rowid", segments)  # type: ignore[return-value]

    def sentences_of_ids(self, segment_ids: list[str]) -> dict[str, tuple[list[tuple[int, int]],
                                                                       np.ndarray[Any, Any]]]:
        """Per segment id: its sentences' spans and raw float32 vectors, in text order."""
        return self._sentences_by("s.id", segment_ids)  # type: ignore[return-value]

    def _sentences_by(self, column: str, keys: list[Any]) -> dict[Any, tuple[list[tuple[int, int]],
                                                                             np.ndarray[Any, Any]]]:
        found: dict[Any, list[tuple[int, int, bytes]]] = {}
        for lo in range(0, len(keys), 500):
            chunk = keys[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT {column} AS k, t.start, t.end, t.vector FROM sentences t JOIN segments s"
                                      f" ON s.rowid = t.segment WHERE {column} IN ({marks}) ORDER BY t.segment, t.ord",
                                      tuple(chunk)):
                found.setdefault(r["k"], []).append((int(r["start"]), int(r["end"]), r["vector"]))
        return {key: ([(a, b) for a, b, _ in rows],
                      np.stack([np.frombuffer(v, dtype=np.float16) for _, _, v in rows]).astype(np.float32))
                for key, rows in found.items()}

    def set_profiles(self, db: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
        """Rows of (rowid, profile JSON): what each segment names, counts and dates."""
        db.executemany("UPDATE segments SET profile = ? WHERE rowid = ?", [(p, r) for r, p in rows])

    def signals_of(self, rowids: list[int]) -> tuple[np.ndarray[Any, Any], list[str | None], list[str], list[str]]:
        """Raw lead vectors, profile JSON, centring keys and matching texts of these segments, in the order given."""
        found: dict[int, tuple[bytes | None, str | None, str, str]] = {}
        for chunk in chunks(rowids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT rowid, coalesce(lead, vector) AS lead, profile, {CENTRE_KEY} AS lang,"
                                      f" coalesce(match_text, text) AS text FROM segments WHERE rowid IN ({marks})",
                                      tuple(chunk)):
                found[int(r["rowid"])] = (r["lead"], r["profile"], str(r["lang"]), str(r["text"]))
        dim = next((len(v[0]) // 4 for v in found.values() if v[0]), 0)
        leads = np.zeros((len(rowids), dim), dtype=np.float32)
        for n, r in enumerate(rowids):
            blob = found[r][0]
            if blob:
                leads[n] = np.frombuffer(blob, dtype=np.float32)
        return leads, [found[r][1] for r in rowids], [found[r][2] for r in rowids], [found[r][3] for r in rowids]

    def vector_ids(self) -> np.ndarray[Any, Any]:
        """Rowids of every embedded segment, in rowid order."""
        sql = "SELECT rowid FROM segments WHERE vector IS NOT NULL ORDER BY rowid"
        return np.asarray([r[0] for r in self._db.execute(sql)], dtype=np.int64)

    def vectors(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]:
        """(rowids, raw vectors, languages) of every embedded segment, in rowid order."""
        rows = self._db.execute(
            f"SELECT rowid, vector, {CENTRE_KEY} AS lang FROM segments WHERE vector IS NOT NULL ORDER BY rowid"
        ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), []
        ids = np.fromiter((r["rowid"] for r in rows), dtype=np.int64, count=len(rows))
        vecs = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows])
        return ids, vecs, [str(r["lang"] or "other") for r in rows]

    def vector_chunks(self, after: int = 0, size: int = 4096) -> Iterator[tuple[np.ndarray[Any, Any],
                                                                              np.ndarray[Any, Any], list[str]]]:
        """(rowids, raw vectors, languages) of embedded segments after rowid ``after``, a chunk at a time."""
        while True:
            rows = self._db.execute(f"SELECT rowid, vector, {CENTRE_KEY} AS lang FROM segments"
                                    " WHERE vector IS NOT NULL AND rowid > ? ORDER BY rowid LIMIT ?",
                                    (after, size)).fetchall()
            if not rows:
                return
            ids = np.asarray([r["rowid"] for r in rows], dtype=np.int64)
            yield ids, np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows]), \
                [str(r["lang"] or "other") for r in rows]
            after = int(ids[-1])

    def vectors_of(self, rowids: list[int]) -> tuple[np.ndarray[Any, Any], list[str]]:
        """Raw vectors and languages of these segments, in the order given."""
        found: dict[int, tuple[bytes, str]] = {}
        for chunk in chunks(rowids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT rowid, vector, {CENTRE_KEY} AS lang FROM segments"
                                      f" WHERE rowid IN ({marks})", tuple(chunk)):
                found[int(r["rowid"])] = (r["vector"], str(r["lang"] or "other"))
        return (np.stack([np.frombuffer(found[r][0], dtype=np.float32) for r in rowids]),
                [found[r][1] for r in rowids])

    def nodes(self) -> Nodes:
        """What matching needs of every embedded segment, in rowid order (no texts)."""
        rows = self._db.execute(
            "SELECT s.rowid, s.id, s.article_id, a.outlet, s.lang, coalesce(s.time, a.published) AS time"
            " FROM segments s JOIN articles a ON a.id = s.article_id WHERE s.vector IS NOT NULL ORDER BY s.rowid"
        ).fetchall()
        return Nodes(np.asarray([r["rowid"] for r in rows], dtype=np.int64), [r["id"] for r in rows],
                     [r["article_id"] for r in rows], [r["outlet"] for r in rows],
                     [str(r["lang"] or "other") for r in rows], [r["time"] for r in rows])

    def language_sums(self) -> dict[str, tuple[np.ndarray[Any, Any], int]]:
        """Per language: the sum of raw segment vectors and their count."""
        sums: dict[str, tuple[np.ndarray[Any, Any], int]] = {}
        for r in self._db.execute(f"SELECT vector, {CENTRE_KEY} AS lang FROM segments WHERE vector IS NOT NULL"):
            v = np.frombuffer(r["vector"], dtype=np.float32)
            lang = str(r["lang"] or "other")
            total, n = sums.get(lang, (np.zeros_like(v), 0))
            sums[lang] = (total + v, n + 1)
        return sums

