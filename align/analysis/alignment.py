"""Which sentences of one event's segments say the same thing, across outlets and languages.

The comparison page highlights, for a sentence under the pointer, its counterparts in the
other columns. Sentences are embedded with the index's embedder, each language's offset
removed, and two sentences of different segments are aligned when each is the other's
best match in that segment and their centred cosine clears ``sentence_align_floor``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..records import SegmentJson
from ..text.sentences import split_sentences
from ..vectors.embed import Embedder


def sentences_of(text: str) -> list[str]:
    return split_sentences(text) or ([text] if text.strip() else [])


def align_sentences(members: Sequence[SegmentJson], embedder: Embedder, centre: Any,
                    floor: float) -> list[tuple[str, str, float]]:
    """Pairs (``"m{i}s{j}"``, ``"m{k}s{l}"``, cosine) of aligned sentences between members."""
    owners: list[tuple[int, int]] = []
    texts: list[str] = []
    langs: list[str] = []
    for i, m in enumerate(members):
        for j, sentence in enumerate(sentences_of(m["text"])):
            owners.append((i, j))
            texts.append(sentence)
            langs.append(m.get("lang") or "other")
    if len(set(i for i, _ in owners)) < 2:
        return []
    vectors = centre(embedder.embed(texts), langs)
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
