"""Which sentences of one event's segments say the same thing, across outlets and languages.

The comparison page highlights, for a sentence under the pointer, its counterparts in the
other columns. Sentences are embedded with the index's embedder, each language's offset
removed, and two sentences of different segments are aligned when each is the other's
best match in that segment and their centred cosine clears ``sentence_align_floor``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..records import SegmentJson
from ..text.sentences import sentence_spans, split_sentences
from ..vectors.embed import Embedder


def sentences_of(text: str) -> list[str]:
    return split_sentences(text) or ([text] if text.strip() else [])


Stored = Mapping[str, tuple[list[tuple[int, int]], np.ndarray[Any, Any]]]


def align_sentences(members: Sequence[SegmentJson], embedder: Embedder, centre: Any,
                    floor: float, stored: Stored | None = None) -> list[tuple[str, str, float]]:
    """Pairs (``"m{i}s{j}"``, ``"m{k}s{l}"``, cosine) of aligned sentences between members.

    ``stored`` (segment id → spans and raw vectors of its sentences, as build kept them) saves
    embedding again: a sentence is embedded here only when no stored one has its span (a
    segment from before sentence vectors were kept, or page furniture left out of matching)."""
    owners: list[tuple[int, int]] = []
    texts: list[str] = []
    langs: list[str] = []
    raw: list[np.ndarray[Any, Any] | None] = []
    for i, m in enumerate(members):
        spans, vectors = (stored or {}).get(m["segment_id"], ([], None))
        at = {span: n for n, span in enumerate(spans)}
        sentences = sentences_of(m["text"])
        for j, (sentence, span) in enumerate(zip(sentences, sentence_spans(m["text"], sentences), strict=True)):
            owners.append((i, j))
            texts.append(sentence)
            langs.append(m.get("lang") or "other")
            raw.append(vectors[at[span]] if vectors is not None and span in at else None)
    if len(set(i for i, _ in owners)) < 2:
        return []
    todo = [n for n, v in enumerate(raw) if v is None]
    fresh: Iterator[np.ndarray[Any, Any]] = iter(embedder.embed([texts[n] for n in todo]) if todo else [])
    vectors = centre(np.stack([v if v is not None else next(fresh) for v in raw]), langs)
    sims = vectors @ vectors.T
    pairs = []
    by_member: dict[int, list[int]] = {}
    for pos, (i, _) in enumerate(owners):
        by_member.setdefault(i, []).append(pos)
    for a, rows in by_member.items():
        for b, cols in by_member.items():
            if b <= a:
                continue
            block = sims[np.ix_(rows, cols)]
            best_col, best_row = block.argmax(axis=1), block.argmax(axis=0)
            for r, c in enumerate(best_col):
                if best_row[c] == r and block[r, c] >= floor:
                    (i, j), (k, n) = owners[rows[r]], owners[cols[c]]
                    pairs.append((f"m{i}s{j}", f"m{k}s{n}", round(float(block[r, c]), 3)))
    return pairs
