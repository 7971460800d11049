"""Links between segments: candidates from neighbour lists, scored by the link model.

Candidates. Segments are grouped by *source*: an outlet in one language (an outlet with
editions in several languages is several sources). A candidate is a pair from a segment's
nearest neighbours (``match_candidates``) that belongs to another source, or to the same
article (a live blog telling one event twice). Separate articles of one source are never
candidates: measured on WMT22, linking them merged unrelated stories of one topic, and on
tgcontest-train allowing them (with a strict threshold) did not pay: they meet in an event
through other sources, if at all.

Scoring. Each candidate gets features: the centred cosine of the two segments; whether each
is the other's best match in its source, and by how much that best match stands out (its
*ratio margin*, Artetxe & Schwenk 2019: the cosine divided by the mean similarity of both
segments' neighbourhoods, so a pair that stands out of a crowded topic counts more);
how far each stands out among the other's matches in every other source; whether their two
sources look parallel (one outlet's editions, or a text and its translation: most mutual best
matches between them stand out);
the cosine of their first sentences (headline or lede); same language; the length of the shorter
and the ratio of lengths (a short text's vector is noisier); and the evidence of
:mod:`align.events.evidence` (entities shared and apart by rarity, numbers, conflicting
counts and dates). The link model (:mod:`align.events.model`, fitted on the development
sets) turns them into the probability that the two tell one story: the link's ``score``.

A story split into sections in one report and told in one piece in another links section by
section through the whole article (:meth:`Scorer.article_links`).

Rules. A link needs ``link_threshold``; inside one article (the author split those
segments on purpose) and beyond ``time_window_hours`` (the same kind of report on another
day) it needs ``link_threshold_strict``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..settings import Settings
from .evidence import Profile, Rarity

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Node:
    """What matching needs to know about one segment."""

    rowid: int
    outlet: str
    article_id: str
    time: datetime | None
    lang: str = "other"
    length: int = 1  # characters of text

    @property
    def source(self) -> tuple[str, str]:
        return (self.outlet, self.lang)


@dataclass(frozen=True)
class Link:
    a: int
    b: int
    cosine: float
    margin: float
    score: float
    hours_apart: float | None
    rule: str
    shared: tuple[str, ...] = ()
    conflicting: tuple[str, ...] = ()


@dataclass
class Neighbourhood:
    """k-NN lists of every node (by position) and the density each margin divides by."""

    sims: Array
    pos: Array  # neighbour positions, -1 where none
    density: Array


@dataclass
class Signals:
    """Per-node data the features read beyond the neighbour lists (by position)."""

    vectors: Array  # centred segment vectors
    leads: Array  # centred first-sentence vectors
    profiles: Sequence[Profile]
    rarity: Rarity


def density(sims: Array, k: int) -> Array:
    """Mean of each row's k best similarities (rows exclude the node itself); 0 with no neighbours."""
    if sims.shape[1] == 0:
        return np.zeros(len(sims), dtype=np.float32)
    k = max(1, min(k, sims.shape[1]))
    return np.asarray(np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1), dtype=np.float32)


def neighbourhood(vectors: Any, search: Any, rowids: Array, candidates: int, k: int) -> Neighbourhood:
    """k-NN of every vector through ``search`` (FAISS), self removed, ids mapped to positions."""
    where = {int(r): i for i, r in enumerate(rowids)}
    sims, ids = search(vectors, candidates + 1)
    n = len(rowids)
    out_s = np.full((n, candidates), -1.0, dtype=np.float32)
    out_p = np.full((n, candidates), -1, dtype=np.int64)
    for i in range(n):
        cols = [(s, where[int(j)]) for s, j in zip(sims[i], ids[i], strict=True)
                if j >= 0 and int(j) != int(rowids[i]) and int(j) in where][:candidates]
        for c, (s, p) in enumerate(cols):
            out_s[i, c], out_p[i, c] = s, p
    valid = np.where(out_p >= 0, out_s, np.nan)
    filled = np.where(np.isnan(valid), np.nanmin(valid, initial=0.0) if n > 1 else 0.0, valid)
    return Neighbourhood(out_s, out_p, density(filled, k))


def hours_apart(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs((a - b).total_seconds()) / 3600.0


def candidates(nodes: list[Node], hood: Neighbourhood) -> list[tuple[int, int]]:
    """Pairs (i < j) from the neighbour lists: other sources, or the same article (one source's
    separate articles join an event only through others)."""
    if not nodes:
        return []
    source = _codes([n.source for n in nodes])
    article = _codes([n.article_id for n in nodes])
    rows = np.repeat(np.arange(len(nodes)), hood.pos.shape[1])
    cols = hood.pos.ravel()
    ok = (cols >= 0) & (cols != rows)
    rows, cols = rows[ok], cols[ok]
    keep = (source[rows] != source[cols]) | (article[rows] == article[cols])
    a, b = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
    pairs = np.unique(a * len(nodes) + b)
    return list(zip((pairs // len(nodes)).tolist(), (pairs % len(nodes)).tolist(), strict=True))


def _codes(values: list[Any]) -> np.ndarray[Any, Any]:
    index: dict[Any, int] = {}
    return np.asarray([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def logistic(x: float, centre: float, width: float) -> float:
    """0..1, 0.5 at ``centre``; saturates instead of overflowing far from it."""
    z = (x - centre) / width
    return 1.0 / (1.0 + math.exp(-min(max(z, -60.0), 60.0)))


def calibrate(margin: float, settings: Settings) -> float:
    """A search hit's 0..1 score from its ratio margin (0.5 at ``search_margin``)."""
    return logistic(margin, settings.search_margin, settings.search_margin_width)


def event_id(member_ids: list[str]) -> str:
    """A stable id from the event's members: the same members give the same id."""
    return "ev-" + hashlib.sha1(min(member_ids).encode("utf-8")).hexdigest()[:10]
