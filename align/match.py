"""Neighbours across outlets, calibrated scores, and events.

Scoring. Cosines of e5 vectors are squeezed into a narrow band, and how high a
"good" cosine is depends on how crowded a segment's neighbourhood is. The *ratio margin*
(Artetxe & Schwenk 2019) divides the cosine by the mean cosine of both segments' k
nearest neighbours; it is then mapped through a logistic to a 0..1 score whose 0.5 point
is the linking threshold. A ratio explodes where a segment has no close neighbours at all
(a small store), so a floor on the centred cosine backs it. The evidence (cosine, margin,
rank, hours apart) travels with every link.

Linking. Two segments of different outlets are linked when each is the other's best
match within the other's outlet and the margin clears the threshold (an outlet tells an
event once, or a few times; mutual best matches were exact on WMT22 ru-en news). A
one-way best match links too when the margin is strong, which also joins an outlet's own
retellings inside one article (a live blog reporting the same drones at 05:00 and 03:58),
where the text must also be close: the author split those segments on purpose.
Separate articles of one outlet are never linked directly: measured on WMT22, that rule
alone merged unrelated stories of similar topic; they meet in an event through other
outlets' segments. Segments further
apart in time than the window are only linked on a very strong margin: similar events on
different days stay apart. Events are the connected components.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

MARGIN_LINK = 1.10  # mutual best match across outlets
MARGIN_STRONG = 1.25  # one-way best match, or the same outlet
MARGIN_FAR = 1.40  # anything outside the time window
COSINE_FLOOR = 0.35  # centred cosine below which nothing links, whatever the margin
COSINE_ONE_WAY = 0.45  # a link that is not mutual needs closer text as well as a strong margin
COSINE_SAME_ARTICLE = 0.55  # an author split these segments: joining them needs close text
CALIBRATION_WIDTH = 0.10


@dataclass(frozen=True)
class Node:
    """What matching needs to know about one segment."""

    rowid: int
    outlet: str
    article_id: str
    time: datetime | None


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
    extra: dict[str, Any] = field(default_factory=dict)


def calibrate(margin: float) -> float:
    """Map a ratio margin to a 0..1 score; 0.5 at the linking threshold."""
    return 1.0 / (1.0 + math.exp(-(margin - MARGIN_LINK) / CALIBRATION_WIDTH))


def density(sims: np.ndarray[Any, Any], k: int) -> np.ndarray[Any, Any]:
    """Mean of each row's k best similarities (rows exclude the node itself)."""
    k = max(1, min(k, sims.shape[1]))
    return np.asarray(np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1), dtype=np.float32)


def neighbourhood(vectors: np.ndarray[Any, Any], search: Any, rowids: np.ndarray[Any, Any],
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


def links(nodes: list[Node], hood: Neighbourhood, window_hours: float) -> list[Link]:
    """Links between segments by the rules in the module docstring."""
    best: list[dict[str, tuple[int, float]]] = []
    for i in range(len(nodes)):
        per_outlet: dict[str, tuple[int, float]] = {}
        for s, j in zip(hood.sims[i], hood.pos[i], strict=True):
            if j < 0:
                continue
            other = nodes[j]
            if other.outlet not in per_outlet:
                per_outlet[other.outlet] = (int(j), float(s))
        best.append(per_outlet)
    found: dict[tuple[int, int], Link] = {}
    for i, node in enumerate(nodes):
        for outlet, (j, cos) in best[i].items():
            key = (min(i, j), max(i, j))
            if key in found:
                continue
            margin = cos / max(1e-6, (float(hood.density[i]) + float(hood.density[j])) / 2)
            hours = hours_apart(node.time, nodes[j].time)
            mutual = best[j].get(node.outlet, (-1, 0.0))[0] == i
            if outlet == node.outlet and nodes[j].article_id != node.article_id:
                continue  # one outlet's separate articles join an event only through others
            if hours is not None and hours > window_hours:
                rule, needed = "far", MARGIN_FAR
            elif outlet != node.outlet and mutual:
                rule, needed = "mutual", MARGIN_LINK
            else:
                rule, needed = ("same-outlet" if outlet == node.outlet else "one-way"), MARGIN_STRONG
            floor = COSINE_FLOOR if rule == "mutual" else COSINE_ONE_WAY
            if nodes[j].article_id == node.article_id:
                floor = COSINE_SAME_ARTICLE
            if margin >= needed and cos >= floor:
                found[key] = Link(key[0], key[1], round(cos, 4), round(margin, 4),
                                  round(calibrate(margin), 4), None if hours is None else round(hours, 1), rule)
    return sorted(found.values(), key=lambda lk: (lk.a, lk.b))


def components(n: int, edges: list[Link]) -> list[list[int]]:
    """Connected components (positions), each sorted, ordered by their first member."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        parent[root(e.a)] = root(e.b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[root(i)].append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def event_id(member_ids: list[str]) -> str:
    """A stable id from the event's members: the same members give the same id."""
    return "ev-" + hashlib.sha1(min(member_ids).encode("utf-8")).hexdigest()[:10]
