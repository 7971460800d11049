"""Scoring pairs of segments: the link model's features, computed for many pairs at once.

For a pair the features are (in :data:`FEATURES` order): the centred cosine of the two
segments; the cosine of their openings (first three sentences: headline and lede); whether
each is the other's best match in its source, and by how much that best match stands out (its
*ratio margin*, Artetxe & Schwenk 2019: the cosine over the mean similarity of both
neighbourhoods, clipped); how far each stands out among the other's matches in every other
source (gap to the next best, clipped); whether their two sources look *parallel* (one
outlet's editions, or a text and its translations: most mutual best matches between them stand
out); same language; the ratio of lengths and the length of the shorter (a short text's vector
is noisier); and the evidence of :mod:`align.events.evidence`. Margins and gaps are clipped
because in a store of a handful of segments they take any value.

Everything is computed with array operations over all pairs asked for at once (candidate
links by the hundred thousand at 100k segments), and probabilities are cached, since grouping
asks about the same pairs again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..settings import Settings
from .evidence import EVIDENCE_FEATURES, Evidence, EvidenceMatrix, Profile, compare
from .link import Link, Neighbourhood, Node, Signals, candidates, hours_apart
from .model import LinkModel

FEATURES = ("cosine", "lead", "mutual", "mutual_margin", "gap", "parallel", "same_language", "length_ratio",
            "shorter", *EVIDENCE_FEATURES)
PARALLEL_MIN = 5  # segments a source needs before it can look like another's edition or translation
BLOCK = 4096  # pairs whose features are computed together
FEW = 64  # fewer pairs than this take the plain (per pair) evidence path
Array = np.ndarray[Any, Any]
Pairs = Sequence[tuple[int, int]] | Array


class Scorer:
    """Probabilities for any pairs of nodes; candidates, and what grouping asks about, on demand."""

    def __init__(self, nodes: list[Node], hood: Neighbourhood, signals: Signals, model: LinkModel,
                 settings: Settings) -> None:
        if tuple(model.features) != FEATURES:
            raise ValueError(f"link model features {model.features} are not the matcher's {FEATURES}")
        self.nodes, self.hood, self.signals, self.model, self.settings = nodes, hood, signals, model, settings
        n = len(nodes)
        sources = {s: k for k, s in enumerate(dict.fromkeys(node.source for node in nodes))}
        self.source = np.asarray([sources[node.source] for node in nodes], dtype=np.int64)
        langs = {lang: k for k, lang in enumerate(dict.fromkeys(node.lang for node in nodes))}
        self.lang = np.asarray([langs[node.lang] for node in nodes], dtype=np.int64)
        self.length = np.asarray([max(1, node.length) for node in nodes], dtype=np.float64)
        articles = {a: k for k, a in enumerate(dict.fromkeys(node.article_id for node in nodes))}
        self.article = np.asarray([articles[node.article_id] for node in nodes], dtype=np.int64)
        self.hours = np.asarray([node.time.replace(tzinfo=None).timestamp() / 3600 if node.time else np.nan
                                 for node in nodes], dtype=np.float64)
        self.sources = max(1, len(sources))
        # Each node's best match in each source (a sorted key array: node × sources + source), and
        # its two nearest in other sources, from the neighbour lists (nearest first).
        pos = hood.pos
        rows = np.repeat(np.arange(n), pos.shape[1])
        flat = pos.ravel()
        valid = flat >= 0
        keys = rows[valid] * self.sources + self.source[flat[valid]]
        self.best_key, first = np.unique(keys, return_index=True)
        self.best_val = flat[valid][first]
        other = (pos >= 0) & (self.source[np.maximum(pos, 0)] != self.source[:, None])
        rank = np.cumsum(other, axis=1)
        self.top = np.full((n, 2), -1, dtype=np.int64)  # the two nearest of other sources
        self.top_sim = np.zeros((n, 2), dtype=np.float64)
        for k in (0, 1):
            hit = other & (rank == k + 1)
            has = hit.any(axis=1)
            col = hit.argmax(axis=1)
            self.top[has, k] = pos[has, col[has]]
            self.top_sim[has, k] = hood.sims[has, col[has]]
        self.evidence_matrix = EvidenceMatrix(signals.profiles, signals.rarity)
        self.parallel = self._parallel()  # source × sources + source -> share
        self._p: dict[int, float] = {}  # pair key (i × n + j, i < j) -> probability
        self.whole: dict[tuple[int, int], float] = {}  # pairs an article-level link covers

    def best_of(self, nodes_: Array, sources: Array) -> Array:
        """Each node's best match in the given source (-1 where its neighbours hold none)."""
        keys = nodes_ * self.sources + sources
        at = np.minimum(np.searchsorted(self.best_key, keys), len(self.best_key) - 1)
        found = self.best_key[at] == keys if len(self.best_key) else np.zeros(len(keys), dtype=bool)
        return np.where(found, self.best_val[at] if len(self.best_val) else -1, -1)

    def _parallel(self) -> dict[int, float]:
        """For two sources, the share of the smaller one's segments whose mutual best match in the
        other stands out (margin ≥ ``parallel_margin``): near 1 for an outlet's editions in two
        languages, or a text and its translations, where a weak match is still the twin; near 0
        for outlets that merely cover the same topics."""
        count = self.sources
        sizes = np.bincount(self.source, minlength=count)
        a = self.best_key // self.sources
        b = self.best_val
        mutual = (self.source[b] != self.source[a]) & (self.best_of(b, self.source[a]) == a)
        a, b = a[mutual], b[mutual]
        strong = self._margin(a, b) >= self.settings.parallel_margin
        keys, counts = np.unique(self.source[a[strong]] * count + self.source[b[strong]], return_counts=True)
        out = {}
        for key, n in zip(keys.tolist(), counts.tolist(), strict=True):
            s, t = divmod(key, count)
            if min(sizes[s], sizes[t]) >= PARALLEL_MIN:
                out[s * count + t] = n / min(sizes[s], sizes[t])
        return out

    def _cos(self, a: Array, b: Array, vectors: Array | None = None) -> Array:
        """Row-wise dot products, a block at a time (one gather of every pair is slower)."""
        v = self.signals.vectors if vectors is None else vectors
        out = np.empty(len(a), dtype=np.float64)
        for lo in range(0, len(a), BLOCK):
            out[lo : lo + BLOCK] = np.einsum("ij,ij->i", v[a[lo : lo + BLOCK]], v[b[lo : lo + BLOCK]])
        return out

    def _margin(self, a: Array, b: Array) -> Array:
        density = self.hood.density.astype(np.float64)
        return self._cos(a, b) / np.maximum(1e-6, (density[a] + density[b]) / 2)

    def _gap(self, a: Array, b: Array, cos: Array) -> Array:
        """How far ``b`` stands out among ``a``'s matches in other sources: its cosine minus the
        best other one's (the density where there is no other; negative when another is closer)."""
        first_is_b = self.top[a, 0] == b
        other = np.where(first_is_b, self.top_sim[a, 1], self.top_sim[a, 0])
        exists = np.where(first_is_b, self.top[a, 1] >= 0, self.top[a, 0] >= 0)
        return cos - np.where(exists, other, self.hood.density[a].astype(np.float64))

    def matrix(self, pairs: Pairs) -> Array:
        """Feature rows (:data:`FEATURES`) of the pairs, a block at a time (gathering vectors of a
        hundred thousand pairs at once costs more in memory traffic than the arithmetic)."""
        p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        if len(p) == 0:
            return np.zeros((0, len(FEATURES)))
        return np.vstack([self._block(p[lo : lo + BLOCK]) for lo in range(0, len(p), BLOCK)])

    def _block(self, p: Array) -> Array:
        a, b = p[:, 0], p[:, 1]
        cos = self._cos(a, b)
        lead = self._cos(a, b, self.signals.leads)
        sa, sb = self.source[a], self.source[b]
        mutual = ((self.best_of(a, sb) == b) & (self.best_of(b, sa) == a)).astype(np.float64)
        margin = np.clip(self._margin(a, b) - 1.0, 0.0, 1.0)
        gap = np.clip(np.minimum(self._gap(a, b, cos), self._gap(b, a, cos)), -0.5, 0.5)
        parallel = np.asarray([self.parallel.get(k, 0.0) for k in (sa * self.sources + sb).tolist()]) \
            if self.parallel else np.zeros(len(a))
        la, lb = self.length[a], self.length[b]
        if len(p) < FEW:  # a few pairs (grouping asks so): the sparse machinery costs more than it saves
            s = self.signals
            evidence = np.asarray([compare(s.profiles[i], s.profiles[j], s.rarity).features
                                   for i, j in p.tolist()], dtype=np.float64)
        else:
            evidence = self.evidence_matrix.features(a, b)
        return np.column_stack([
            cos, lead, mutual, mutual * margin, gap, parallel, (self.lang[a] == self.lang[b]).astype(np.float64),
            np.abs(np.log(la / lb)), np.log(np.maximum(10.0, np.minimum(la, lb))), evidence,
        ])

    def features(self, i: int, j: int) -> list[float]:
        return [float(x) for x in self.matrix([(i, j)])[0]]

    def evidence(self, i: int, j: int) -> Evidence:
        """What the two share and dispute, in words (for a link's ``evidence``)."""
        s = self.signals
        return compare(s.profiles[i], s.profiles[j], s.rarity)

    def probabilities(self, pairs: Pairs) -> Array:
        """The link model's probability for each pair (an article-level link's where one covers it)."""
        p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        n = len(self.nodes)
        keys = (np.minimum(p[:, 0], p[:, 1]) * n + np.maximum(p[:, 0], p[:, 1])).tolist()
        todo = sorted({k for k in keys if k not in self._p})
        if todo:
            found = self.model.probability(self.matrix([divmod(k, n) for k in todo]))
            self._p.update(zip(todo, found.tolist(), strict=True))
        out = np.asarray([self._p[k] for k in keys], dtype=np.float64)
        if self.whole:
            out = np.maximum(out, [self.whole.get(divmod(k, n), 0.0) for k in keys])
        return out

    def score(self, i: int, j: int) -> float:
        return float(self.probabilities([(i, j)])[0])

    def scored(self) -> list[tuple[tuple[int, int], float]]:
        """Every pair scored so far, in pair order."""
        n = len(self.nodes)
        return [(divmod(k, n), p) for k, p in sorted(self._p.items())]

    def rules(self, pairs: Array) -> tuple[Array, Array]:
        """(rule code, probability needed) of candidate pairs: 0 model, 1 same article, 2 far in time."""
        a, b = pairs[:, 0], pairs[:, 1]
        same = self.article[a] == self.article[b]
        far = np.abs(self.hours[a] - self.hours[b]) > self.settings.time_window_hours  # NaN compares False
        code = np.where(same, 1, np.where(far, 2, 0))
        need = np.where(code == 0, self.settings.link_threshold, self.settings.link_threshold_strict)
        return code, need

    def rule(self, i: int, j: int) -> tuple[str, float]:
        """(rule name, probability a link needs) for a candidate pair."""
        a, b = self.nodes[i], self.nodes[j]
        hours = hours_apart(a.time, b.time)
        if a.article_id == b.article_id:
            return "same-article", self.settings.link_threshold_strict
        if hours is not None and hours > self.settings.time_window_hours:
            return "far", self.settings.link_threshold_strict
        return "model", self.settings.link_threshold

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
                if len(parts[a]) > 1 and self.source[y] != self.source[x] and p >= self.settings.related_threshold:
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
        """The link probability of an article as a whole (its segments pooled) with node ``j``:
        the features of the part closest to ``j``, with the pooled vector's cosine, all parts'
        evidence and the article's length."""
        s = self.signals
        vector = s.vectors[segments].sum(axis=0)
        vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        closest = max(segments, key=lambda i: float(s.vectors[i] @ s.vectors[j]))
        row = self.matrix([(closest, j)])[0]
        length = float(self.length[segments].sum())
        row[FEATURES.index("cosine")] = float(vector @ s.vectors[j])
        row[FEATURES.index("length_ratio")] = abs(np.log(length / self.length[j]))
        row[FEATURES.index("shorter")] = np.log(max(10.0, min(length, float(self.length[j]))))
        merged = EvidenceMatrix([_pooled([s.profiles[i] for i in segments]), s.profiles[j]], s.rarity)
        row[-len(EVIDENCE_FEATURES):] = merged.features(np.asarray([0]), np.asarray([1]))[0]
        return float(self.model.probability(row[None, :])[0])


def _pooled(profiles: Sequence[Profile]) -> Profile:
    """One profile of several segments: every key, number, count and date of any of them."""
    keys: dict[str, str] = {}
    for p in profiles:
        for k, label in zip(p.keys, p.labels, strict=True):
            keys.setdefault(k, label)
    return Profile(tuple(keys), tuple(keys.values()),
                   tuple(dict.fromkeys(n for p in profiles for n in p.numbers)),
                   tuple(dict.fromkeys(q for p in profiles for q in p.quantities)),
                   tuple(dict.fromkeys(d for p in profiles for d in p.dates)))


def links(scorer: Scorer) -> list[Link]:
    """Every candidate whose probability clears its rule's threshold, and the article-level links,
    each with its evidence in words."""
    pairs = np.asarray(candidates(scorer.nodes, scorer.hood), dtype=np.int64).reshape(-1, 2)
    found = scorer.probabilities(pairs)
    code, need = scorer.rules(pairs)
    names = ("model", "same-article", "far")
    ok = found >= need
    chosen: dict[tuple[int, int], tuple[float, str]] = {
        (i, j): (p, names[c]) for (i, j), p, c in zip(pairs[ok].tolist(), found[ok].tolist(), code[ok].tolist(),
                                                      strict=True)}
    pointing = found >= scorer.settings.related_threshold
    scored = [((i, j), p) for (i, j), p in zip(pairs[pointing].tolist(), found[pointing].tolist(), strict=True)]
    for i, j, p in scorer.article_links(scored):
        key = (min(i, j), max(i, j))
        if key not in chosen and scorer.rule(*key)[0] != "far":
            chosen[key] = (p, "article")
    return [link_of(scorer, i, j, p, rule) for (i, j), (p, rule) in sorted(chosen.items())]


def link_of(scorer: Scorer, i: int, j: int, p: float, rule: str) -> Link:
    s = scorer.signals
    cos = float(s.vectors[i] @ s.vectors[j])
    margin = cos / max(1e-6, (float(scorer.hood.density[i]) + float(scorer.hood.density[j])) / 2)
    hours = hours_apart(scorer.nodes[i].time, scorer.nodes[j].time)
    evidence = scorer.evidence(i, j)
    return Link(i, j, round(cos, 4), round(margin, 4), round(p, 4), None if hours is None else round(hours, 1), rule,
                evidence.shared, evidence.conflicts)
