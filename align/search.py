"""Search: the stored segments nearest a query vector, filtered, with calibrated margin scores.

A hit's score is the ratio margin of its cosine (the cosine divided by the mean similarity
of the query's and the hit's neighbourhoods) mapped to 0..1 like a link's score, so a hit
that stands out of a crowded neighbourhood scores higher than an equally close one in a
crowd. Filters (outlet, language, dates, quoted source) apply after the vector search; the
candidate list is widened until ``k`` hits pass or nothing is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import numpy as np

from .analysis.aliases import AliasTable
from .analysis.attribution import quotes, sources
from .dates import bound, naive, parse_time
from .events import link
from .records import HitJson
from .segments import segment_json
from .settings import Settings
from .storage.indexdir import IndexDir
from .storage.rows import SegmentRow

Keep = Callable[[SegmentRow], bool]


def quotes_source(text: str, name: str, table: AliasTable | None = None) -> bool:
    """True when ``text`` cites the source ``name`` (any case)."""
    return quotes(sources(text, table), name)


def filters(outlet: str | None, lang: str | None, quotes_name: str | None, since: str | None, until: str | None,
            table: AliasTable) -> Keep:
    """The filter a search applies to each candidate; bad dates are errors naming the parameter."""
    start, end = bound(since, "since"), bound(until, "until")

    def keep(s: SegmentRow) -> bool:
        when = parse_time(s.time or s.published)
        return ((outlet is None or s.outlet == outlet) and (lang is None or s.lang == lang)
                and (start is None or (when is not None and naive(when) >= start))
                and (end is None or (when is not None and naive(when) <= end))
                and (quotes_name is None or quotes_source(s.text, quotes_name, table)))

    return keep


def ranked(index: IndexDir, query: np.ndarray[Any, Any], k: int, keep: Keep, settings: Settings,
           table: AliasTable, event_of: Mapping[str, str]) -> list[HitJson]:
    """Nearest stored segments that pass ``keep``, with calibrated margin scores."""
    store = index.store
    wanted = max(settings.search_candidates, k * 4)
    while True:  # widen the candidate list until the filters leave k hits or nothing is left
        sims, ids = index.search(query, wanted)
        valid = [(float(s), int(i)) for s, i in zip(sims[0], ids[0], strict=True) if i >= 0]
        rows = store.segments_by_rowid([i for _, i in valid])
        hits = [(s, rows[i]) for s, i in valid if i in rows and keep(rows[i])]
        if len(hits) >= k or len(valid) < wanted:
            break
        wanted *= 4
    hits = hits[:k]
    if not hits:
        return []
    q_density = float(link.density(sims[:, :], settings.match_k)[0])
    out: list[HitJson] = []
    for cos, s in hits:
        # Each segment's density as stored by build or match; the query's own where none is
        # stored yet (measuring it here would cost one more FAISS search per hit).
        dens = s.density if s.density is not None else q_density
        margin = cos / max(1e-6, (q_density + float(dens)) / 2)
        out.append(cast(HitJson, {**segment_json(s, table), "score": round(link.calibrate(margin, settings), 4),
                                  "cosine": round(cos, 4), "margin": round(margin, 4), "event_id": event_of.get(s.id)}))
    return out
