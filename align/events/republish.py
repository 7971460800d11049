"""Aggregator republications: an article that is mostly a near-copy of another outlet's.

An aggregator re-publishing France24 is not a second outlet telling the story: such an
article is stored with ``duplicate_of``, left out of matching, and shown on the original's
members as ``republished_by``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..records import Republisher
from ..storage.store import Store


def find_republications(info: Mapping[int, tuple[str, str, str | None]],
                        nearest: Mapping[int, list[tuple[int, float]]], near_copy: float) -> dict[str, str]:
    """Article → the article it republishes: most of its segments (by rowid, with their
    neighbours' rowids and centred cosines) are near-copies (``near_copy``) of one earlier
    article of another outlet in the same language. ``info`` gives each rowid's (article id,
    outlet, language)."""
    per_article: dict[str, list[str]] = {}
    for r, candidates in nearest.items():
        article, outlet, lang = info[r]
        original = next((info[i][0] for i, s in candidates if i in info and s >= near_copy and i < r
                         and info[i][0] != article and info[i][1] != outlet and info[i][2] == lang), None)
        per_article.setdefault(article, []).append(original or "")
    found = {}
    for article_id, originals in per_article.items():
        best = max(set(originals), key=originals.count)
        if best and originals.count(best) >= 0.6 * len(originals):
            found[article_id] = best
    return found


def mark_republications(store: Store, nearest: dict[int, list[tuple[int, float]]], near_copy: float) -> None:
    """Store what :func:`find_republications` finds among these segments' neighbours."""
    wanted = sorted(set(nearest) | {i for found in nearest.values() for i, _ in found})
    info = {r: (s.article_id, s.outlet, s.lang) for r, s in store.segments_by_rowid(wanted).items()}
    for copy, original in find_republications(info, nearest, near_copy).items():
        store.set_duplicate(copy, original)


def republishers(store: Store, copies: Mapping[str, str]) -> dict[str, list[Republisher]]:
    """Original article → the articles (and their outlets) that republish it."""
    out: dict[str, list[Republisher]] = {}
    for copy, original in sorted(copies.items()):
        out.setdefault(original, []).append({"article_id": copy, "outlet": store.article(copy)["outlet"]})
    return out
