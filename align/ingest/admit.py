"""The ingest stage's writes: whether an input may be stored, and storing it with its segments.

Both ``align ingest`` (the facade) and ``align batch`` admit and store articles through these
two functions, so exact copies, reused ids and known content are treated the same way.
"""

from __future__ import annotations

import json
import sqlite3

from ..dates import segment_time
from ..settings import Settings
from ..storage.furniture import Furniture
from ..storage.rows import ArticleRow
from ..storage.store import Store
from ..text.boilerplate import paragraph_key, paragraphs
from ..text.segment import segment
from .article import ArticleInput, Problem


def admit(store: Store, item: ArticleInput | Problem) -> Problem | str | None:
    """Whether an input may be stored: None when new, the stored id when its content is
    known, a Problem when it must be skipped (an exact copy, or an id taken by other content)."""
    if isinstance(item, Problem):
        return item
    known = store.find_by_hash(item.content_hash)
    if known is not None:
        return known
    same = store.find_same_text(item.text)
    if same is not None:
        return Problem(item.source, f"exact duplicate of article {same!r} ({store.article(same)['outlet']}); skipped")
    if store.has_article(item.article_id):
        return Problem(item.source, f"article id {item.article_id!r} is already stored with other content; skipped")
    return None


def store_article(store: Store, db: sqlite3.Connection, item: ArticleInput,
                  max_chars: int = Settings.boilerplate_max_chars) -> int:
    """Write an article and its segments inside the caller's transaction, and count its
    paragraphs (what recurs is page furniture); returns the segment count."""
    segments = segment(item.text, item.title)
    removed = json.dumps([{"text": t[:300], "why": why} for t, why in item.removed], ensure_ascii=False) \
        if item.removed else None
    row = ArticleRow(item.article_id, item.outlet, item.title or _title_of(item.text), item.url,
                     item.published, item.lang, item.text, item.raw, item.content_hash, item.source,
                     item.encoding, item.encoding_note, removed)
    store.add_article(db, row)
    store.add_segments(db, (
        (f"{row.id}:{s.ord}", row.id, s.ord, s.start, s.end, s.kind, s.timestamp,
         segment_time(item.published, s), s.text) for s in segments
    ))
    Furniture(store).add(db, row.id, row.outlet, (item.published or "")[:10] or None,
                         [paragraph_key(p.text) for p in paragraphs(item.text) if len(p.text) <= max_chars])
    return len(segments)


def _title_of(text: str) -> str | None:
    first = text.split("\n", 1)[0].strip()
    return first[:200] if first else None
