"""Translations kept across runs, by (text hash, pair, model version).

The cache sits beside the models (``<models_dir>/translations.sqlite``) because a model
version is what makes a cached translation valid: every index and every ``align
translate`` call on the machine shares it, and the same text is never translated twice.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        with self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations (text_hash TEXT NOT NULL, pair TEXT NOT NULL,"
                " model_version TEXT NOT NULL, translation TEXT NOT NULL,"
                " PRIMARY KEY (text_hash, pair, model_version))"
            )

    def get(self, texts: list[str], pair: str, version: str) -> dict[str, str]:
        """Cached translations of ``texts``, keyed by text hash."""
        hashes = sorted({text_hash(t) for t in texts})
        found: dict[str, str] = {}
        with self._lock:
            for lo in range(0, len(hashes), 500):
                chunk = hashes[lo : lo + 500]
                rows = self._db.execute(
                    f"SELECT text_hash, translation FROM translations WHERE pair = ? AND model_version = ?"
                    f" AND text_hash IN ({','.join('?' * len(chunk))})",
                    (pair, version, *chunk),
                ).fetchall()
                found.update(dict(rows))
        return found

    def put(self, pairs: list[tuple[str, str]], pair: str, version: str) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?)",
                [(text_hash(src), pair, version, out) for src, out in pairs],
            )

    def close(self) -> None:
        self._db.close()
