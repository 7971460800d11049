"""The cleaning stage: each segment's matching text, without the page furniture known so far.

Runs after ingest and before embedding (``align build``, and ``align batch`` after its ingest
stage). It decides which recurring paragraphs are furniture now (counts in the store, see
:mod:`align.storage.furniture`), then gives new segments, and the segments of every article
holding a paragraph that has just become furniture, their matching text and the record of
what was left out. A segment embedded from a text that has changed since is reset, so it is
embedded again: the first articles of a new outlet are cleaned once the outlet has a few.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..settings import Settings
from ..storage.furniture import Furniture
from ..storage.store import Store
from ..text.boilerplate import matching_text, paragraph_key, seed_reason


@dataclass
class Cleaned:
    segments: int = 0
    furniture: int = 0  # segments that are furniture only
    new_keys: int = 0  # paragraphs that became furniture in this pass
    reset: list[int] = field(default_factory=list)  # rowids embedded from an older matching text


def clean(store: Store, settings: Settings) -> Cleaned:
    """Decide furniture and matching texts for whatever is new; returns what changed."""
    furniture = Furniture(store)
    fresh = furniture.recurring(furniture.keys_of_uncleaned(), settings)
    known = furniture.known()
    fresh = {k: why for k, why in fresh.items() if k not in known}
    if fresh:
        furniture.remember(fresh)
        known.update(fresh)
    segments = store.to_clean(furniture.articles_with(sorted(fresh)) if fresh else [])
    out = Cleaned(new_keys=len(fresh))

    def junk(paragraph: str) -> str | None:
        why = seed_reason(paragraph, settings.boilerplate_max_chars)
        if why is not None:
            return why
        return known.get(paragraph_key(paragraph))

    parts = Counter(s.article_id for s in segments)
    rows = []
    for s in segments:
        # A line split off a longer article (a dateline, a caption) tells no event alone; a short
        # article (a chat message, a one-line report) is what it is.
        text, removed = matching_text(s.text, junk, settings.boilerplate_min_words if parts[s.article_id] > 1 else 1)
        match = None if text == s.text else text
        note = json.dumps([{"text": t[:300], "why": why} for t, why in removed], ensure_ascii=False) \
            if removed else None
        if s.embedded and match != s.match_text:
            out.reset.append(s.rowid)
        rows.append((s.rowid, match, note, not text))
        out.furniture += not text
    with store.transaction() as db:
        store.set_matching(db, rows)
        store.reset_vectors(db, out.reset)
    out.segments = len(rows)
    return out
