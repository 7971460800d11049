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
from .errors import InputError
from .events import link
from .records import HitJson
from .segments import segment_json
from .settings import Settings
from .storage.indexdir import IndexDir
from .storage.rows import SegmentRow
from .storage.store import Store
from .text.sentences import split_sentences
from .vectors.centre import centre_key

Keep = Callable[[SegmentRow], bool]
GRANULARITIES = ("auto", "sentence", "segment")


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


def granularity_for(text: str, asked: str, settings: Settings) -> str:
    """``sentence`` or ``segment``: what ``auto`` means for this query. A single sentence (a claim,
    a quote, a number) is diluted in a segment's mean vector, so it is compared sentence by
    sentence; a paragraph carries enough to be compared with whole segments."""
    if asked not in GRANULARITIES:
        raise InputError(f"unknown granularity {asked!r}: use one of {', '.join(GRANULARITIES)}")
    if asked != "auto":
        return asked
    one = len(split_sentences(text)) <= 1 and len(text.strip()) <= settings.sentence_query_chars
    return "sentence" if one else "segment"


def _margin(cos: float, q_density: float, density: float | None) -> float:
    # Each segment's density as stored by build or match; the query's own where none is
    # stored yet (measuring it here would cost one more FAISS search per hit).
    dens = density if density is not None else q_density
    return cos / max(1e-6, (q_density + float(dens)) / 2)


def _candidates(index: IndexDir, query: np.ndarray[Any, Any], wanted: int, by_sentence: bool
                ) -> tuple[list[int], float, float]:
    """Candidate segment rowids (nearest first), the query's segment density and, searching by
    sentence, its sentence background (0 otherwise)."""
    sims, ids = index.search(query, wanted, exact=False)
    found = [int(i) for i in ids[0] if i >= 0]
    q_density = float(link.density(sims, index.settings.match_k)[0])
    if not by_sentence:
        return found, q_density, 0.0
    s_sims, s_ids = index.search_sentences(query, wanted * 4)
    owners = index.store.sentence_rows([int(i) for i in s_ids[0] if i >= 0])
    seen = set(found)
    for i in s_ids[0]:
        seg = owners[int(i)][0] if int(i) in owners else None
        if seg is not None and seg not in seen:
            seen.add(seg)
            found.append(seg)
    return found, q_density, sentence_background(s_sims[0], index.settings)


def sentence_background(sims: np.ndarray[Any, Any], settings: Settings) -> float:
    """How similar the query's ordinary sentence neighbours are: the mean similarity at ranks
    ``sentence_background_skip`` onward (``match_k`` of them). A margin over the nearest few would
    shrink with every outlet that carries a sentence word for word; past the first ranks, the
    neighbours are what any sentence of the topic looks like."""
    ordered = np.sort(sims[sims > -1e30])[::-1]
    skip = min(settings.sentence_background_skip, max(0, len(ordered) - settings.match_k))
    tail = ordered[skip : skip + settings.match_k]
    return float(tail.mean()) if len(tail) else 0.0


def best_sentences(index: IndexDir, query: np.ndarray[Any, Any], rows: list[SegmentRow]
                   ) -> dict[int, tuple[float, int, tuple[int, int]]]:
    """Per segment rowid: its sentence nearest the query (cosine, position, span in its text),
    from the stored sentence vectors, centred as the index centres them (max-sim)."""
    stored = index.store.sentences_of([s.rowid for s in rows])
    held = [s for s in rows if s.rowid in stored]
    if not held:
        return {}
    raw = np.concatenate([stored[s.rowid][1] for s in held])
    keys = [centre_key(s.lang, s.lang_code) for s in held for _ in stored[s.rowid][0]]
    sims = index.centred(raw, keys) @ query[0]
    out: dict[int, tuple[float, int, tuple[int, int]]] = {}
    at = 0
    for s in held:
        spans = stored[s.rowid][0]
        best = int(np.argmax(sims[at : at + len(spans)]))
        out[s.rowid] = (float(sims[at + best]), best, spans[best])
        at += len(spans)
    return out


def claim_score(cosine: float, settings: Settings) -> float:
    """0..1: how surely a sentence at this centred cosine to the query carries the same claim
    (0.5 at ``claim_cosine``; calibrated on WMT22 sentences and their translations, where the
    best sentence of any other document stays under it, ``align eval --only wmt``)."""
    return link.logistic(cosine, settings.claim_cosine, settings.claim_width)


def _kept(store: Store, found: list[int], keep: Keep, enough: int | None) -> list[SegmentRow]:
    """The candidates' rows that pass ``keep``, nearest first. With ``enough``, rows are read in
    growing slices and reading stops once that many passed (a segment search needs only its k
    best; reading all 64 candidates' texts cost ~2 ms a query)."""
    if enough is None:
        rows = store.segments_by_rowid(found)
        return [rows[i] for i in found if i in rows and keep(rows[i])]
    kept: list[SegmentRow] = []
    lo, step = 0, enough
    while lo < len(found) and len(kept) < enough:
        part = found[lo : lo + step]
        rows = store.segments_by_rowid(part)
        kept += [rows[i] for i in part if i in rows and keep(rows[i])]
        lo, step = lo + step, step * 2
    return kept


def ranked(index: IndexDir, query: np.ndarray[Any, Any], k: int, keep: Keep, settings: Settings,
           table: AliasTable, event_of: Mapping[str, str], granularity: str = "segment") -> list[HitJson]:
    """Nearest stored segments that pass ``keep``, with calibrated margin scores.

    By ``segment``, hits are ranked by the segment's margin, as they always were; by
    ``sentence``, candidates also come from the sentence index and are ranked by a weighted
    sum of the best sentence's margin (over the query's sentence background) and the
    segment's. Either way each hit names its sentence nearest the query."""
    store = index.store
    by_sentence = granularity == "sentence"
    wanted = max(settings.search_candidates, k * 4)
    while True:  # widen the candidate list until the filters leave k hits or nothing is left
        found, q_density, s_density = _candidates(index, query, wanted, by_sentence)
        kept = _kept(store, found, keep, None if by_sentence else k)
        if len(kept) >= k or len(found) < wanted:
            break
        wanted *= 4
    if not by_sentence:
        kept = kept[:k]
    if not kept:
        return []
    cosines = index.reconstruct([s.rowid for s in kept]) @ query[0]
    sentences = best_sentences(index, query, kept)
    scored = []
    for cos, s in zip(cosines.tolist(), kept, strict=True):
        margin = _margin(cos, q_density, s.density)
        best = sentences.get(s.rowid)
        if by_sentence and best is not None:
            w = settings.sentence_rank_weight
            margin = w * best[0] / max(settings.sentence_background_floor, s_density) + (1 - w) * margin
        scored.append((margin, cos, s, best))
    if by_sentence:
        scored.sort(key=lambda x: -x[0])
    out: list[HitJson] = []
    for margin, cos, s, best in scored[:k]:
        hit = {**segment_json(s, table), "score": round(link.calibrate(margin, settings), 4),
               "cosine": round(cos, 4), "margin": round(margin, 4), "event_id": event_of.get(s.id),
               "granularity": granularity}
        if best is not None:
            hit.update(sentence=s.text[best[2][0]: best[2][1]] if best[2][0] >= 0 else None,
                       sentence_span=list(best[2]) if best[2][0] >= 0 else None,
                       sentence_cosine=round(best[0], 4))
            hit["sentence_score"] = round(claim_score(best[0], settings), 4)
        out.append(cast(HitJson, hit))
    return out
