"""Neighbours across outlets, calibrated scores, and events.

Scoring. Cosines of e5 vectors are squeezed into a narrow band, and how high a
"good" cosine is depends on how crowded a segment's neighbourhood is. The *ratio margin*
(Artetxe & Schwenk 2019) divides the cosine by the mean cosine of both segments' k
nearest neighbours; it is then mapped through a logistic to a 0..1 score whose 0.5 point
is the linking threshold. A ratio explodes where a segment has no close neighbours at all
(a small store), so a floor on the centred cosine backs it. The evidence (cosine, margin,
rank, hours apart) travels with every link.

Linking. Segments are grouped by *source*: an outlet in one language (an outlet with
editions in several languages is several sources). Two segments of different sources are
linked when each is the other's best match within the other's source and the margin
clears the threshold (a source tells an event once, or a few times; mutual best matches
were exact on WMT22 ru-en news). A one-way best match links too when the margin is
strong and the text close. Inside one article, a strong, close match joins a live blog's
own retellings (the same drones at 05:00 and 03:58); the author split those segments on
purpose, so the bar is high. Separate articles of one source are never linked directly:
measured on WMT22, that rule alone merged unrelated stories of similar topic; they meet
in an event through other sources. Segments further apart in time than the window are
only linked on a very strong margin: similar events on different days stay apart.
Events are the connected components.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..settings import Settings


@dataclass(frozen=True)
class Node:
    """What matching needs to know about one segment."""

    rowid: int
    outlet: str
    article_id: str
    time: datetime | None
    lang: str = "other"

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


@dataclass
class Neighbourhood:
    """k-NN lists of every node (by position) and the density each margin divides by."""

    sims: np.ndarray[Any, Any]
    pos: np.ndarray[Any, Any]  # neighbour positions, -1 where none
    density: np.ndarray[Any, Any]


def calibrate(margin: float, settings: Settings) -> float:
    """Map a ratio margin to a 0..1 score; 0.5 at the linking threshold."""
    return 1.0 / (1.0 + math.exp(-(margin - settings.margin_link) / settings.calibration_width))


def density(sims: np.ndarray[Any, Any], k: int) -> np.ndarray[Any, Any]:
    """Mean of each row's k best similarities (rows exclude the node itself); 0 with no neighbours."""
    if sims.shape[1] == 0:
        return np.zeros(len(sims), dtype=np.float32)
    k = max(1, min(k, sims.shape[1]))
    return np.asarray(np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1), dtype=np.float32)


def neighbourhood(vectors: Any, search: Any, rowids: np.ndarray[Any, Any],
                  candidates: int, k: int) -> Neighbourhood:
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


def _rule(a: Node, b: Node, mutual: bool, hours: float | None, s: Settings) -> tuple[str, float, float]:
    """(rule name, margin needed, centred cosine needed) for a candidate link."""
    if a.article_id == b.article_id:
        return "same-article", s.margin_strong, s.cosine_same_article
    if hours is not None and hours > s.time_window_hours:
        return "far", s.margin_far, s.cosine_one_way
    if mutual:
        return "mutual", s.margin_link, s.cosine_floor
    return "one-way", s.margin_strong, s.cosine_one_way


def links(nodes: list[Node], hood: Neighbourhood, settings: Settings) -> list[Link]:
    """Links between segments by the rules in the module docstring."""
    best: list[dict[tuple[str, str], tuple[int, float]]] = []
    for i in range(len(nodes)):
        per_source: dict[tuple[str, str], tuple[int, float]] = {}
        for s, j in zip(hood.sims[i], hood.pos[i], strict=True):
            if j >= 0:
                per_source.setdefault(nodes[j].source, (int(j), float(s)))
        best.append(per_source)
    found: dict[tuple[int, int], Link] = {}
    for i, node in enumerate(nodes):
        for source, (j, cos) in best[i].items():
            other = nodes[j]
            key = (min(i, j), max(i, j))
            if key in found or (source == node.source and other.article_id != node.article_id):
                continue  # one source's separate articles join an event only through others
            margin = cos / max(1e-6, (float(hood.density[i]) + float(hood.density[j])) / 2)
            hours = hours_apart(node.time, other.time)
            mutual = source != node.source and best[j].get(node.source, (-1, 0.0))[0] == i
            rule, margin_needed, cosine_needed = _rule(node, other, mutual, hours, settings)
            if margin >= margin_needed and cos >= cosine_needed:
                score = round(calibrate(margin, settings), 4)
                found[key] = Link(key[0], key[1], round(cos, 4), round(margin, 4), score,
                                  None if hours is None else round(hours, 1), rule)
    return sorted(found.values(), key=lambda lk: (lk.a, lk.b))


def event_id(member_ids: list[str]) -> str:
    """A stable id from the event's members: the same members give the same id."""
    return "ev-" + hashlib.sha1(min(member_ids).encode("utf-8")).hexdigest()[:10]
