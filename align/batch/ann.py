"""The index a batch job searches, chosen by corpus size, and its measured recall.

Exact search (``flat``) costs time linear in the corpus per query: at a million segments a
full neighbour pass over every segment is quadratic. Above ``AUTO_FLAT_BELOW`` segments
``auto`` takes HNSW (full vectors in a graph: exact distances for the candidates it
visits). ``ivf`` is an inverted file over 8-bit scalar-quantised codes whose candidates are
re-ranked with the exact vectors. Either way recall@10 against exact search is measured on a
sample of the indexed vectors and reported, so the approximation is never silent.

Vectors sit at positions 0..n-1 in rowid order: a job always appends later rowids, so the
rowid of a position is the n-th embedded rowid and no id map has to be stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..errors import InputError
from ..index import atomic_write

KINDS = ("auto", "flat", "hnsw", "ivf")
AUTO_FLAT_BELOW = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
IVF_NPROBE = 32
IVF_REFINE = 4
RECALL_SAMPLE = 200


def choose(kind: str, n: int) -> str:
    """The index type for ``n`` vectors when the user asked for ``kind``."""
    if kind not in KINDS:
        raise InputError(f"unknown index type {kind!r}: use one of {', '.join(KINDS)}")
    if kind != "auto":
        return kind
    return "flat" if n < AUTO_FLAT_BELOW else "hnsw"


def ivf_lists(n: int) -> int:
    """Inverted lists for ``n`` vectors: about 4·√n, at least 39 training points per list."""
    return max(1, min(int(4 * math.sqrt(max(n, 1))), n // 39 or 1))


@dataclass
class Ann:
    """A FAISS index over centred vectors at positions 0..n-1."""

    kind: str
    index: Any

    @classmethod
    def empty(cls, kind: str, dim: int, training: np.ndarray[Any, Any] | None = None, total: int = 0) -> Ann:
        """An empty index; ``ivf`` trains on ``training`` with lists sized for ``total`` vectors."""
        if kind == "flat":
            return cls(kind, faiss.IndexFlatIP(dim))
        if kind == "hnsw":
            index: Any = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            return cls(kind, index)
        if kind == "ivf":
            if training is None or len(training) == 0:
                raise InputError("an ivf index needs vectors to train on")
            lists = min(ivf_lists(max(total, len(training))), len(training) // 39 or 1)
            index = faiss.index_factory(dim, f"IVF{lists},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
            index.train(np.ascontiguousarray(training, dtype=np.float32))
            return cls(kind, index)
        raise InputError(f"unknown index type {kind!r}")

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def params(self) -> dict[str, Any]:
        if self.kind == "hnsw":
            return {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH}
        if self.kind == "ivf":
            lists = int(faiss.extract_index_ivf(self.index).nlist)
            return {"nlist": lists, "nprobe": min(IVF_NPROBE, lists), "codes": "SQ8",
                    "rerank": f"exact, {IVF_REFINE}x candidates"}
        return {}

    def add(self, vectors: np.ndarray[Any, Any]) -> None:
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: np.ndarray[Any, Any], k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Cosines and positions of the k nearest (-1 where fewer exist)."""
        if self.size == 0 or len(queries) == 0:
            return np.zeros((len(queries), k), np.float32), -np.ones((len(queries), k), np.int64)
        query = np.ascontiguousarray(queries, dtype=np.float32)
        if self.kind == "hnsw":
            params: Any = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))  # type: ignore[attr-defined]
            return self.index.search(query, min(k, self.size), params=params)  # type: ignore[no-any-return]
        if self.kind == "ivf":
            ivf: Any = faiss.extract_index_ivf(self.index)
            ivf.nprobe = min(IVF_NPROBE, int(ivf.nlist))
            self.index.k_factor = IVF_REFINE
        return self.index.search(query, min(k, self.size))  # type: ignore[no-any-return]

    def save(self, path: Path) -> None:
        atomic_write(path, lambda p: faiss.write_index(self.index, str(p)))

    @classmethod
    def load(cls, path: Path) -> Ann | None:
        """The saved index, or None when there is none (or it is unreadable: it is rebuilt)."""
        if not path.exists():
            return None
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            return None
        kind = ("hnsw" if isinstance(index, faiss.IndexHNSW) else "ivf" if isinstance(index, faiss.IndexRefine)
                else "flat")
        return cls(kind, index)

    def memory_bytes(self) -> int:
        """Size of the serialised index: what it holds in memory, near enough."""
        return int(faiss.serialize_index(self.index).size)


def recall_at_10(ann: Ann, chunks: Callable[[], Iterable[np.ndarray[Any, Any]]], sample: int = RECALL_SAMPLE,
                 seed: int = 0) -> tuple[float, int]:
    """Mean share of the exact 10 nearest that ``ann`` returns, for up to ``sample`` indexed
    vectors as queries; ``chunks`` yields the indexed vectors in position order."""
    n = ann.size
    if n == 0:
        return 1.0, 0
    k = min(10, n)
    picks = np.sort(np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False))
    queries: list[np.ndarray[Any, Any]] = []
    best_s = np.full((len(picks), k), -np.inf, dtype=np.float32)
    start = 0
    pending = list(picks)
    for chunk in chunks():  # first pass collects the queries, so both passes read the chunks once
        stop = start + len(chunk)
        while pending and pending[0] < stop:
            queries.append(chunk[pending.pop(0) - start])
        start = stop
    q = np.stack(queries).astype(np.float32)
    start = 0
    for chunk in chunks():
        sims = q @ chunk.T
        best_s = -np.sort(-np.concatenate([best_s, sims], axis=1), axis=1)[:, :k]
        start += len(chunk)
    found_s, _ = ann.search(q, k)
    # Tie-aware: a returned neighbour counts when it is as close as the exact k-th one (every
    # index type here returns exact inner products for what it returns), so equal vectors
    # listed in another order are not misses.
    kth = best_s[:, k - 1 : k] - 1e-5
    return float(np.mean((found_s >= kth).sum(axis=1) / k)), len(q)
