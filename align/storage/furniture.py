"""The store's record of page furniture: which paragraphs recur where, and which are furniture.

Every stored article's paragraphs are counted by key (:func:`align.text.boilerplate.paragraph_key`)
with its outlet and day, so what recurs is known from the data and the counts grow with the
store. A paragraph becomes furniture once it repeats in ``boilerplate_outlet_articles``
articles of one outlet on two or more days (a footer, a comment form), or in
``boilerplate_articles`` articles of ``boilerplate_outlets`` outlets on two or more days (an
agency credit, a CMS's cookie banner); undated articles need twice as many. Wire copy that
several outlets carry on one day is news, not furniture.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..settings import Settings
from .store import Store


class Furniture:
    """Paragraph counts and the furniture decided from them, in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, db: sqlite3.Connection, article_id: str, outlet: str, day: str | None,
            keys: Iterable[str]) -> None:
        db.executemany("INSERT OR IGNORE INTO paragraphs(key, article_id, outlet, day) VALUES (?,?,?,?)",
                       [(k, article_id, outlet, day) for k in set(keys)])

    def recurring(self, keys: list[str], s: Settings) -> dict[str, str]:
        """Which of ``keys`` recur enough to be furniture now, and why."""
        found: dict[str, str] = {}
        for lo in range(0, len(keys), 500):
            chunk = keys[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for key, outlet, n, days in self.store.query(
                    f"SELECT key, outlet, count(*), count(DISTINCT day) FROM paragraphs WHERE key IN ({marks})"
                    " GROUP BY key, outlet", tuple(chunk)):
                need = s.boilerplate_outlet_articles * (1 if days else 2)
                if n >= need and (days >= 2 or not days):
                    found.setdefault(key, f"repeats in {n} articles of {outlet}")
            for key, outlets, n, days in self.store.query(
                    f"SELECT key, count(DISTINCT outlet), count(*), count(DISTINCT day) FROM paragraphs"
                    f" WHERE key IN ({marks}) GROUP BY key", tuple(chunk)):
                need = s.boilerplate_articles * (1 if days else 2)
                if outlets >= s.boilerplate_outlets and n >= need and (days >= 2 or not days):
                    found.setdefault(key, f"repeats in {n} articles of {outlets} outlets")
        return found

    def known(self) -> dict[str, str]:
        """Every paragraph key decided to be furniture, with its reason."""
        return {str(r[0]): str(r[1]) for r in self.store.query("SELECT key, reason FROM furniture")}

    def remember(self, found: dict[str, str]) -> None:
        with self.store.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO furniture(key, reason) VALUES (?, ?)", found.items())

    def articles_with(self, keys: list[str]) -> list[str]:
        out: set[str] = set()
        for lo in range(0, len(keys), 500):
            chunk = keys[lo : lo + 500]
            out.update(str(r[0]) for r in self.store.query(
                f"SELECT DISTINCT article_id FROM paragraphs WHERE key IN ({','.join('?' * len(chunk))})",
                tuple(chunk)))
        return sorted(out)

    def keys_of_uncleaned(self) -> list[str]:
        """Paragraph keys of articles that have segments not cleaned yet (new articles)."""
        return [str(r[0]) for r in self.store.query(
            "SELECT DISTINCT p.key FROM paragraphs p JOIN segments s ON s.article_id = p.article_id"
            " WHERE s.cleaned = 0")]
