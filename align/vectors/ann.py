"""Nearest-neighbour indexes over centred vectors: one interface, three FAISS backends.

Both an index directory (``align build``, search, the API) and a batch job search through
:class:`Ann`. Vectors are added with their segment rowids as ids, and searches answer with
those ids (-1 where fewer neighbours exist), whatever the backend:

``flat``
    exact inner product; the only backend that can remove vectors (deleted articles).
``hnsw``
    a graph over the full vectors: exact distances for the candidates it visits. Exact
    search costs time linear in the corpus per query, so a neighbour pass over every
    segment is quadratic; above ``ann_auto_flat_below`` segments ``auto`` takes HNSW.
``ivf``
    an inverted file over 8-bit scalar-quantised codes whose candidates are re-ranked
    with the exact vectors.

Recall@10 against exact search is measured by :func:`recall_at_10` on a sample of the
indexed vectors, so an approximation is never silent.
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
from ..settings import Settings
from ..storage.files import atomic_write

KINDS = ("auto", "flat", "hnsw", "ivf")
Array = np.ndarray[Any, Any]


def choose(kind: str, n: int, settings: Settings) -> str:
    """The index type for ``n`` vectors when the user asked for ``kind``."""
    if kind not in KINDS:
        raise InputError(f"unknown index type {kind!r}: use one of {', '.join(KINDS)}")
    if kind != "auto":
        return kind
    return "flat" if n < settings.ann_auto_flat_below else "hnsw"


def ivf_lists(n: int) -> int:
    """Inverted lists for ``n`` vectors: about 4·√n, at least 39 training points per list."""
    return max(1, min(int(4 * math.sqrt(max(n, 1))), n // 39 or 1))


@dataclass
class Ann:
    """A FAISS index of centred vectors keyed by segment rowid."""

    kind: str
    index: Any  # IndexIDMap2 around the backend
    settings: Settings

    @classmethod
    def empty(cls, kind: str, dim: int, settings: Settings, training: Array | None = None, total: int = 0) -> Ann:
        """An empty index; ``ivf`` trains on ``training`` with lists sized for ``total`` vectors."""
        base: Any
        if kind == "flat":
            base = faiss.IndexFlatIP(dim)
        elif kind == "fp16":  # exact search over half-size codes: no training, removable, recall ~1
            base = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        elif kind == "hnsw":
            base = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = settings.hnsw_ef_construction
        elif kind == "ivf":
            if training is None or len(training) == 0:
                raise InputError("an ivf index needs vectors to train on")
            lists = min(ivf_lists(max(total, len(training))), len(training) // 39 or 1)
            base = faiss.index_factory(dim, f"IVF{lists},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
            base.train(np.ascontiguousarray(training, dtype=np.float32))
        else:
            raise InputError(f"unknown index type {kind!r}: use one of {', '.join(KINDS[1:])}")
        return cls(kind, faiss.IndexIDMap2(base), settings)

    @property
    def base(self) -> Any:
        return faiss.downcast_index(self.index.index)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> Array:
        """The rowids held, in the order they were added."""
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def params(self) -> dict[str, Any]:
        s = self.settings
        if self.kind == "hnsw":
            return {"M": s.hnsw_m, "efConstruction": s.hnsw_ef_construction, "efSearch": s.hnsw_ef_search}
        if self.kind == "ivf":
            lists = int(faiss.extract_index_ivf(self.index).nlist)
            return {"nlist": lists, "nprobe": min(s.ivf_nprobe, lists), "codes": "SQ8",
                    "rerank": f"exact, {s.ivf_refine}x candidates"}
        return {}

    def add(self, vectors: Array, ids: Array | list[int]) -> None:
        if len(vectors):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> None:
        """Drop vectors by id; only exact (flat, fp16) indexes support it."""
        if self.kind not in {"flat", "fp16"}:
            raise InputError(f"a {self.kind} index cannot remove vectors; rebuild it")
        if ids:
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))

    def reconstruct(self, ids: list[int]) -> Array:
        if not ids:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.index.reconstruct(int(r)) for r in ids])

    def search(self, queries: Array, k: int) -> tuple[Array, Array]:
        """Inner products and ids of the k nearest (-1 where fewer exist)."""
        if self.size == 0 or len(queries) == 0:
            return np.zeros((len(queries), k), np.float32), -np.ones((len(queries), k), np.int64)
        query = np.ascontiguousarray(queries, dtype=np.float32)
        if self.kind == "hnsw":
            self.base.hnsw.efSearch = max(self.settings.hnsw_ef_search, k)
        elif self.kind == "ivf":
            ivf: Any = faiss.extract_index_ivf(self.index)
            ivf.nprobe = min(self.settings.ivf_nprobe, int(ivf.nlist))
            self.base.k_factor = self.settings.ivf_refine
        return self.index.search(query, min(k, self.size))  # type: ignore[no-any-return]

    def save(self, path: Path) -> None:
        atomic_write(path, lambda p: faiss.write_index(self.index, str(p)))

    @classmethod
    def load(cls, path: Path, settings: Settings) -> Ann | None:
        """The saved index, or None when there is none or it is unreadable (it is derived data)."""
        if not path.exists():
            return None
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            return None
        if not isinstance(index, faiss.IndexIDMap2):
            return None  # written before indexes carried ids: rebuilt from the store
        base = faiss.downcast_index(index.index)
        kind = ("hnsw" if isinstance(base, faiss.IndexHNSW) else "ivf" if isinstance(base, faiss.IndexRefine)
                else "fp16" if isinstance(base, faiss.IndexScalarQuantizer) else "flat")
        return cls(kind, index, settings)

    def memory_bytes(self) -> int:
        """Size of the serialised index: what it holds in memory, near enough."""
        return int(faiss.serialize_index(self.index).size)


def recall_at_10(ann: Ann, chunks: Callable[[], Iterable[Array]], sample: int, seed: int = 0) -> tuple[float, int]:
    """Mean share of the exact 10 nearest that ``ann`` returns, for up to ``sample`` indexed
    vectors as queries; ``chunks`` yields the indexed vectors in the order they were added."""
    n = ann.size
    if n == 0:
        return 1.0, 0
    k = min(10, n)
    picks = np.sort(np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False))
    queries: list[Array] = []
    best_s = np.full((len(picks), k), -np.inf, dtype=np.float32)
    start = 0
    pending = list(picks)
    for chunk in chunks():  # first pass collects the queries, so both passes read the chunks once
        stop = start + len(chunk)
        while pending and pending[0] < stop:
            queries.append(chunk[pending.pop(0) - start])
        start = stop
    q = np.stack(queries).astype(np.float32)
    for chunk in chunks():
        sims = q @ chunk.T
        best_s = -np.sort(-np.concatenate([best_s, sims], axis=1), axis=1)[:, :k]
    found_s, _ = ann.search(q, k)
    # Tie-aware: a returned neighbour counts when it is as close as the exact k-th one (every
    # index type here returns exact inner products for what it returns), so equal vectors
    # listed in another order are not misses.
    kth = best_s[:, k - 1 : k] - 1e-5
    return float(np.mean((found_s >= kth).sum(axis=1) / k)), len(q)
