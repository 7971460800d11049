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
from .evidence import EVIDENCE_FEATURES, Evidence, Profile, Rarity, compare
from .model import LinkModel

FEATURES = ("cosine", "lead", "mutual", "mutual_margin", "gap", "parallel", "same_language", "length_ratio",
            "shorter", *EVIDENCE_FEATURES)
PARALLEL_MIN = 5  # segments a source needs before it can look like another's edition or translation
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


class Scorer:
    """Scores any pair of nodes; candidates come scored, other pairs (asked for by clustering) on demand."""

    def __init__(self, nodes: list[Node], hood: Neighbourhood, signals: Signals, model: LinkModel,
                 settings: Settings) -> None:
        if tuple(model.features) != FEATURES:
            raise ValueError(f"link model features {model.features} are not the matcher's {FEATURES}")
        self.nodes, self.hood, self.signals, self.model, self.settings = nodes, hood, signals, model, settings
        self.best: list[dict[tuple[str, str], int]] = []
        self.top: list[list[tuple[int, float]]] = []  # the two nearest of other sources
        for i in range(len(nodes)):
            per_source: dict[tuple[str, str], int] = {}
            top: list[tuple[int, float]] = []
            for sim, j in zip(hood.sims[i], hood.pos[i], strict=True):
                if j >= 0:
                    per_source.setdefault(nodes[j].source, int(j))
                    if nodes[j].source != nodes[i].source and len(top) < 2:
                        top.append((int(j), float(sim)))
            self.best.append(per_source)
            self.top.append(top)
        self.parallel = self._parallel()
        self._cache: dict[tuple[int, int], tuple[float, Evidence]] = {}
        self.whole: dict[tuple[int, int], float] = {}  # pairs an article-level link covers

    def _parallel(self) -> dict[tuple[tuple[str, str], tuple[str, str]], float]:
        """For two sources, the share of the smaller one's segments whose mutual best match in the
        other stands out (margin ≥ ``parallel_margin``): near 1 for an outlet's editions in two
        languages, or a text and its translations, where a weak match is still the twin; near 0
        for outlets that merely cover the same topics."""
        sizes: dict[tuple[str, str], int] = {}
        for node in self.nodes:
            sizes[node.source] = sizes.get(node.source, 0) + 1
        found: dict[tuple[tuple[str, str], tuple[str, str]], int] = {}
        for i, node in enumerate(self.nodes):
            for source, j in self.best[i].items():
                if source == node.source or self.best[j].get(node.source) != i:
                    continue
                cos = float(self.signals.vectors[i] @ self.signals.vectors[j])
                if cos / max(1e-6, (float(self.hood.density[i]) + float(self.hood.density[j])) / 2) \
                        >= self.settings.parallel_margin:
                    key = (node.source, source)
                    found[key] = found.get(key, 0) + 1
        return {(a, b): n / min(sizes[a], sizes[b]) for (a, b), n in found.items()
                if min(sizes[a], sizes[b]) >= PARALLEL_MIN}

    def features(self, i: int, j: int) -> tuple[list[float], Evidence]:
        s = self.signals
        cos = float(s.vectors[i] @ s.vectors[j])
        margin = cos / max(1e-6, (float(self.hood.density[i]) + float(self.hood.density[j])) / 2)
        mutual = self.best[i].get(self.nodes[j].source) == j and self.best[j].get(self.nodes[i].source) == i
        evidence = compare(s.profiles[i], s.profiles[j], s.rarity)
        a, b = self.nodes[i], self.nodes[j]
        # Margins and gaps are clipped: in a store of a handful of segments they take any value.
        gap = min(max(min(self._gap(i, j, cos), self._gap(j, i, cos)), -0.5), 0.5)
        parallel = self.parallel.get((a.source, b.source), 0.0)
        return [cos, float(s.leads[i] @ s.leads[j]), float(mutual), float(mutual) * min(max(margin - 1.0, 0.0), 1.0),
                gap, parallel, float(a.lang == b.lang), abs(math.log(max(1, a.length) / max(1, b.length))),
                math.log(max(10, min(a.length, b.length))), *evidence.features], evidence

    def _gap(self, i: int, j: int, cos: float) -> float:
        """How far ``j`` stands out among ``i``'s matches in other sources: its cosine minus the
        best other one's (negative when something else is closer)."""
        other = next((sim for k, sim in self.top[i] if k != j), None)
        return cos - (other if other is not None else float(self.hood.density[i]))

    def score(self, i: int, j: int) -> tuple[float, Evidence]:
        """The probability that nodes ``i`` and ``j`` tell one story, and the evidence."""
        return self.scores([(i, j)])[0]

    def scores(self, pairs: Sequence[tuple[int, int]]) -> list[tuple[float, Evidence]]:
        """Probabilities and evidence of many pairs (one model call for those not scored yet). A pair
        that an article-level link covers scores as the whole article does (:meth:`article_links`)."""
        keys = [(min(i, j), max(i, j)) for i, j in pairs]
        todo = sorted({k for k in keys if k not in self._cache})
        if todo:
            rows = [self.features(*k) for k in todo]
            probabilities = self.model.probability(np.asarray([x for x, _ in rows], dtype=np.float64))
            for k, (_, evidence), p in zip(todo, rows, probabilities, strict=True):
                self._cache[k] = (float(p), evidence)
        return [(max(self._cache[k][0], self.whole.get(k, 0.0)), self._cache[k][1]) for k in keys]

    def article_links(self, scored: Sequence[tuple[tuple[int, int], float]]) -> list[tuple[int, int, float]]:
        """Links of a story split differently in two reports: an article of several segments whose
        *whole* tells one story with a segment of another source better than any of its parts does
        (a story in three sections against the same story told in one), when most of its parts
        point to that segment (probability at least ``related_threshold``). Every part is then linked
        to it with the whole's probability. A live blog of several events is not such an article:
        one of its entries matches the other report better than the mixture of all of them."""
        parts: dict[str, list[int]] = {}
        for i, node in enumerate(self.nodes):
            parts.setdefault(node.article_id, []).append(i)
        reach: dict[tuple[str, int], list[tuple[int, float]]] = {}
        for (i, j), p in scored:
            for x, y in ((i, j), (j, i)):
                a = self.nodes[x].article_id
                if len(parts[a]) > 1 and self.nodes[y].source != self.nodes[x].source \
                        and p >= self.settings.related_threshold:
                    reach.setdefault((a, y), []).append((x, p))
        out = []
        for (article, j), pointing in sorted(reach.items()):
            if 2 * len(pointing) < len(parts[article]):
                continue  # most parts must point to the other report
            whole = self._whole(parts[article], j)
            if whole >= self.settings.link_threshold and whole > max(p for _, p in pointing):
                for i in parts[article]:
                    self.whole[(min(i, j), max(i, j))] = whole
                    out.append((i, j, whole))
        return out

    def _whole(self, segments: list[int], j: int) -> float:
        """The link probability of an article as a whole (its segments pooled) with node ``j``."""
        s = self.signals
        vector = s.vectors[segments].sum(axis=0)
        vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        keys = tuple(dict.fromkeys(k for i in segments for k in s.profiles[i].keys))
        labels = tuple(dict.fromkeys(k for i in segments for k in s.profiles[i].labels))[: len(keys)]
        merged = Profile(keys, labels if len(labels) == len(keys) else keys,
                         tuple(dict.fromkeys(n for i in segments for n in s.profiles[i].numbers)),
                         tuple(dict.fromkeys(q for i in segments for q in s.profiles[i].quantities)),
                         tuple(dict.fromkeys(d for i in segments for d in s.profiles[i].dates)))
        first, b = self.nodes[segments[0]], self.nodes[j]
        length = sum(self.nodes[i].length for i in segments)
        cos = float(vector @ s.vectors[j])
        x = [cos, float(s.leads[segments[0]] @ s.leads[j]), 0.0, 0.0, 0.0,
             self.parallel.get((first.source, b.source), 0.0), float(first.lang == b.lang),
             abs(math.log(max(1, length) / max(1, b.length))), math.log(max(10, min(length, b.length))),
             *compare(merged, s.profiles[j], s.rarity).features]
        return float(self.model.probability(np.asarray([x], dtype=np.float64))[0])

    def scored(self) -> list[tuple[tuple[int, int], tuple[float, Evidence]]]:
        """Every pair scored so far (candidates, and pairs clustering asked about), in pair order."""
        return sorted(self._cache.items())

    def rule(self, i: int, j: int) -> tuple[str, float]:
        """(rule name, probability a link needs) for a candidate pair."""
        a, b = self.nodes[i], self.nodes[j]
        hours = hours_apart(a.time, b.time)
        if a.article_id == b.article_id:
            return "same-article", self.settings.link_threshold_strict
        if hours is not None and hours > self.settings.time_window_hours:
            return "far", self.settings.link_threshold_strict
        return "model", self.settings.link_threshold


def candidates(nodes: list[Node], hood: Neighbourhood) -> list[tuple[int, int]]:
    """Pairs (i < j) from the neighbour lists: other sources, or the same article."""
    found: set[tuple[int, int]] = set()
    for i, node in enumerate(nodes):
        for j in hood.pos[i]:
            if j < 0 or j == i:
                continue
            other = nodes[j]
            if other.source == node.source and other.article_id != node.article_id:
                continue  # one source's separate articles join an event only through others
            found.add((min(i, int(j)), max(i, int(j))))
    return sorted(found)


def links(scorer: Scorer) -> list[Link]:
    """Every candidate whose probability clears its rule's threshold, with its evidence."""
    out = []
    pairs = candidates(scorer.nodes, scorer.hood)
    scored = scorer.scores(pairs)
    for (i, j), (p, evidence) in zip(pairs, scored, strict=True):
        rule, needed = scorer.rule(i, j)
        if p >= needed:
            out.append(link_of(scorer, i, j, p, evidence, rule))
    done = {(e.a, e.b) for e in out}
    for i, j, p in scorer.article_links([(k, p) for k, (p, _) in zip(pairs, scored, strict=True)]):
        key = (min(i, j), max(i, j))
        if key not in done and scorer.rule(i, j)[0] != "far":
            done.add(key)
            out.append(link_of(scorer, key[0], key[1], p, scorer.score(i, j)[1], "article"))
    return out


def link_of(scorer: Scorer, i: int, j: int, p: float, evidence: Evidence, rule: str) -> Link:
    s = scorer.signals
    cos = float(s.vectors[i] @ s.vectors[j])
    margin = cos / max(1e-6, (float(scorer.hood.density[i]) + float(scorer.hood.density[j])) / 2)
    hours = hours_apart(scorer.nodes[i].time, scorer.nodes[j].time)
    return Link(i, j, round(cos, 4), round(margin, 4), round(p, 4), None if hours is None else round(hours, 1), rule,
                evidence.shared, evidence.conflicts)


def calibrate(margin: float, settings: Settings) -> float:
    """A search hit's 0..1 score from its ratio margin (0.5 at ``search_margin``)."""
    return 1.0 / (1.0 + math.exp(-(margin - settings.search_margin) / settings.search_margin_width))


def event_id(member_ids: list[str]) -> str:
    """A stable id from the event's members: the same members give the same id."""
    return "ev-" + hashlib.sha1(min(member_ids).encode("utf-8")).hexdigest()[:10]
