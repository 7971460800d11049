"""The index directory: manifest, FAISS file of centred vectors, SQLite store.

Layout of ``indexes/<name>/``::

    manifest.json   format, embedder name, dimension, metric
    means.npz       the language means the FAISS vectors were centred with
    prior.npz       the embedder's anchor-sentence means (the prior of the language means)
    vectors.faiss   an exact (flat) :class:`~align.vectors.ann.Ann` of centred segment vectors,
                    ids = segment rowids
    search.faiss    from ``ann_auto_flat_below`` segments (setting ``search_index``): an HNSW
                    graph of the same vectors that answers queries (not matching) in a few
                    milliseconds where the exact scan reads every vector; deleted segments are
                    filtered out of its answers until ``align build`` builds it again
    store.sqlite    articles, segments, raw vectors, events (the source of truth)

Files are replaced atomically, so a crash mid-write leaves the previous file readable. The
FAISS file is derived data: when it is missing, unreadable or disagrees with the store, it
is rebuilt from the store's vectors.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorrupt, IndexMismatch, InputError
from ..settings import Settings
from ..vectors import centre
from ..vectors.ann import Ann, choose, recall_at_10
from ..vectors.embed import Embedder, agreement_note, known_space, space_of
from .files import atomic_write, read_npz, write_npz, write_text
from .store import Store

FORMAT_VERSION = 1


def prior_in(folder: Path, embedder: Embedder) -> centre.Means:
    """The anchor-sentence language means of ``embedder``, computed once per folder."""
    path = folder / "prior.npz"
    found = read_npz(path)
    if found is not None:
        return found
    prior = centre.prior_means(embedder)
    atomic_write(path, lambda p: write_npz(p, prior))
    return prior


class ReadWriteLock:
    """Many concurrent searches, or one writer: FAISS must not be searched while it changes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer and self._readers == 0)
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def sync_sentences(path: Path, store: Store, dim: int, settings: Settings, means: centre.Means,
                   held: Ann | None = None, *, fresh: bool = False) -> Ann:
    """The sentence index at ``path`` (an exact fp16 :class:`Ann` of centred sentence vectors,
    ids = sentence rowids) brought in line with the store: sentences the store no longer has
    are dropped, new ones added. ``held`` is the index already in memory (else it is read from
    ``path``); ``fresh`` starts from nothing, as after re-centring. Saved when it changed."""
    ann = None if fresh else held or Ann.load(path, settings)
    changed = ann is None or ann.kind != "fp16" or ann.dim != dim
    if ann is None or changed:
        ann = Ann.empty("fp16", dim, settings)
    indexed, stored = ann.ids(), store.sentence_ids()
    gone = np.setdiff1d(indexed, stored)
    if len(gone):
        ann.remove(gone.tolist())
    for ids, raw, langs in store.sentence_chunks(np.setdiff1d(stored, indexed).tolist()):
        ann.add(centre.centre(raw, langs, means), ids)
        changed = True
    if changed or len(gone) or not path.exists():
        ann.save(path)
    return ann


def _without(sims: np.ndarray[Any, Any], ids: np.ndarray[Any, Any], dropped: set[int], k: int
             ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The first k answers per query whose id is not in ``dropped`` (padded with -1 ids)."""
    out_s = np.full((len(ids), k), -np.inf, dtype=np.float32)
    out_i = -np.ones((len(ids), k), dtype=np.int64)
    for q in range(len(ids)):
        kept = [j for j in range(ids.shape[1]) if ids[q, j] >= 0 and int(ids[q, j]) not in dropped][:k]
        out_s[q, : len(kept)], out_i[q, : len(kept)] = sims[q, kept], ids[q, kept]
    return out_s, out_i


class IndexDir:
    """An opened index directory bound to one embedder."""

    def __init__(self, path: Path, embedder: Embedder, settings: Settings, *, reembed: bool = False) -> None:
        """Open (or create) ``path`` for ``embedder``; ``reembed`` lets a different vector space take
        it over: its stored vectors are forgotten (``reembedding`` then names the old embedder)."""
        self.path = path
        self.embedder = embedder
        self.settings = settings
        path.mkdir(parents=True, exist_ok=True)
        self.lock = ReadWriteLock()
        for pattern in (".*.faiss.*", ".manifest.json.*", ".means.npz.*"):  # left by a crash mid-save
            for stale in path.glob(pattern):
                stale.unlink(missing_ok=True)
        self.manifest_path = path / "manifest.json"
        self.reembedding: str | None = None
        self.manifest = self._check_manifest(reembed)
        self.store = Store(path / "store.sqlite")
        if self.reembedding:
            with self.store.transaction() as db:
                self.store.reset_vectors(db, [int(r) for r in self.store.vector_ids()])
            self.store.set_meta("events_stale", "1")
        self.means = self._load_means()
        self.search_ann: Ann | None = None  # the HNSW query graph, when one is kept (search.faiss)
        self._deleted: set[int] = set()  # rowids the graph still holds but the store no longer has
        self.ann = self._load_or_rebuild()
        self.sentences = self._load_sentences()
        self._load_search()

    # -- manifest ---------------------------------------------------------------------
    def _check_manifest(self, reembed: bool) -> dict[str, Any]:
        """The manifest, checked against this run's embedder.

        Another backend that computes the same vector space (measured agreement, see
        :func:`~align.vectors.embed.space_of`) is accepted and recorded; a different space is
        refused, unless this run may re-embed (``align build``), which then forgets every
        stored vector so the build embeds them all again."""
        space = space_of(self.embedder)
        if self.manifest_path.exists():
            try:
                manifest: dict[str, Any] = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexCorrupt(f"{self.manifest_path}: unreadable manifest: {exc}") from exc
            built = str(manifest.get("embedder"))
            built_space = str(manifest.get("space") or known_space(built))
            if manifest.get("dim") == self.embedder.dim and built_space == space:
                if self.embedder.name not in manifest.get("embedders", [built]):
                    manifest["embedders"] = [*manifest.get("embedders", [built]), self.embedder.name]
                    manifest["space"] = space
                    manifest["agreement"] = agreement_note(self.embedder)
                    self._write_manifest(manifest)
                return manifest
            if not reembed:
                raise IndexMismatch(
                    f"{self.path} was built with embedder {built!r} (dim {manifest.get('dim')}, vector space "
                    f"{built_space!r}); this run uses {self.embedder.name!r} (dim {self.embedder.dim}, space "
                    f"{space!r}). Run `align build` with this embedder to re-embed the index, or use "
                    "another --index-dir or the same embedder."
                )
            self.reembedding = built
            for name in ("prior.npz", "means.npz", "vectors.faiss", "sentences.faiss", "search.faiss"):
                (self.path / name).unlink(missing_ok=True)
        manifest = {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.name,
            "embedders": [self.embedder.name],
            "space": space,
            "dim": self.embedder.dim,
            "metric": "inner_product",
            "vectors": "segment = mean of sentence vectors, language mean removed, L2-normalised",
            "faiss": "IndexIDMap2(IndexFlatIP)",
            "sentences": "sentences.faiss: IndexIDMap2(IndexScalarQuantizer fp16) of centred sentence vectors,"
                         " ids = sentence rowids",
        }
        self._write_manifest(manifest)
        return manifest

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True)
        atomic_write(self.manifest_path, lambda p: write_text(p, text))

    # -- language means -----------------------------------------------------------------
    def _fresh_means(self) -> centre.Means:
        return centre.language_means(self.store.language_sums(), prior_in(self.path, self.embedder),
                                     self.settings.prior_weight)

    def _load_means(self) -> centre.Means:
        found = read_npz(self.path / "means.npz")
        return found if found is not None else self._fresh_means()

    # -- FAISS --------------------------------------------------------------------------
    def _load_or_rebuild(self) -> Ann:
        ann = Ann.load(self.path / "vectors.faiss", self.settings)
        if ann is None or ann.kind != "flat" or self.problems(ann) or not (self.path / "means.npz").exists():
            ann = self._rebuild()
        return ann

    def problems(self, ann: Ann | None = None) -> list[str]:
        """What disagrees between the FAISS file and the store (empty when consistent)."""
        ann = self.ann if ann is None else ann
        found = []
        if ann.dim != self.embedder.dim:
            found.append(f"FAISS dimension {ann.dim} is not the embedder's {self.embedder.dim}")
        stored = self.store.vector_ids()
        indexed = ann.ids()
        missing = np.setdiff1d(stored, indexed)
        extra = np.setdiff1d(indexed, stored)
        if len(missing):
            found.append(f"{len(missing)} stored segment vector(s) missing from the FAISS index")
        if len(extra):
            found.append(f"{len(extra)} FAISS vector(s) with no stored segment")
        sentences: Ann | None = getattr(self, "sentences", None)  # not yet loaded while opening
        if sentences is not None and sentences.size != self.store.sentence_count():
            found.append(f"the sentence index holds {sentences.size} vector(s), the store "
                         f"{self.store.sentence_count()} sentence(s)")
        return found

    def repair(self) -> None:
        """Re-index from the store: the store is the source of truth."""
        with self.lock.writing():
            self._rebuild()

    def _rebuild(self) -> Ann:
        """Re-centre every stored vector with fresh language means and write a new FAISS file."""
        self.means = self._fresh_means()
        ids, raw, langs = self.store.vectors()
        ann = Ann.empty("flat", self.embedder.dim, self.settings)
        ann.add(centre.centre(raw, langs, self.means), ids)
        self.ann = ann
        self.save()
        self.sentences = self._rebuild_sentences()
        self._drop_search()  # centred with the old means: built again by the next `align build`
        return ann

    # -- the HNSW query graph -------------------------------------------------------------
    def _search_wanted(self) -> bool:
        kind = self.settings.search_index
        if kind not in {"auto", "flat", "hnsw"}:
            raise InputError(f"unknown search_index {kind!r}: use auto, flat or hnsw")
        return choose(kind, self.ann.size, self.settings) == "hnsw"

    def _load_search(self) -> None:
        """Take up search.faiss when it is wanted and still describes the exact index: segments
        deleted since it was built are remembered and filtered out; any it lacks are added."""
        path = self.path / "search.faiss"
        graph = Ann.load(path, self.settings) if self._search_wanted() else None
        if graph is None or graph.kind != "hnsw" or graph.dim != self.embedder.dim:
            self.search_ann, self._deleted = None, set()
            return
        held, indexed = graph.ids(), self.ann.ids()
        missing = np.setdiff1d(indexed, held).tolist()
        if missing:
            graph.add(self.ann.reconstruct(missing), missing)
            graph.save(path)
        self.search_ann, self._deleted = graph, set(np.setdiff1d(held, indexed).tolist())
        self._check_stale()

    def _check_stale(self) -> None:
        if self.search_ann is not None and len(self._deleted) > self.settings.search_stale_share * max(
                1, self.search_ann.size):
            self._drop_search()

    def _drop_search(self) -> None:
        self.search_ann, self._deleted = None, set()
        (self.path / "search.faiss").unlink(missing_ok=True)

    def build_search(self) -> dict[str, Any] | None:
        """Build the HNSW query graph when the index wants one and has none (``align build`` does,
        last): its build time and its recall@10 against exact search on a sample of stored vectors.
        None when exact search serves (below ``ann_auto_flat_below`` segments) or the graph is current."""
        with self.lock.reading():
            if not self._search_wanted():
                if self.search_ann is not None:
                    self._drop_search()
                return None
            if self.search_ann is not None and not self._deleted:
                return None
            ids = self.ann.ids()

            def chunks() -> Iterator[np.ndarray[Any, Any]]:  # the exact index's vectors, in id order
                for lo in range(0, len(ids), 10_000):
                    yield self.ann.reconstruct(ids[lo : lo + 10_000].tolist())

            started = time.perf_counter()
            graph = Ann.empty("hnsw", self.embedder.dim, self.settings)
            for lo, vectors in zip(range(0, len(ids), 10_000), chunks(), strict=True):
                graph.add(vectors, ids[lo : lo + 10_000])
            seconds = time.perf_counter() - started
            recall, sample = recall_at_10(graph, chunks, self.settings.recall_sample)
        with self.lock.writing():
            graph.save(self.path / "search.faiss")
            self.search_ann, self._deleted = graph, set()
        return {"kind": "hnsw", "segments": graph.size, "seconds": round(seconds, 1), "recall_at_10": round(recall, 4),
                "recall_sample": sample, **graph.params()}

    # -- sentence vectors ---------------------------------------------------------------
    def _load_sentences(self) -> Ann:
        return sync_sentences(self.path / "sentences.faiss", self.store, self.embedder.dim, self.settings,
                              self.means)

    def _rebuild_sentences(self) -> Ann:
        return sync_sentences(self.path / "sentences.faiss", self.store, self.embedder.dim, self.settings,
                              self.means, fresh=True)

    def sync_sentences(self) -> None:
        """Index the stored sentences not indexed yet and drop those the store forgot."""
        with self.lock.writing():
            self._sync_sentences()

    def _sync_sentences(self) -> None:
        self.sentences = sync_sentences(self.path / "sentences.faiss", self.store, self.embedder.dim,
                                        self.settings, self.means, self.sentences)

    def search_sentences(self, queries: np.ndarray[Any, Any], k: int) -> tuple[np.ndarray[Any, Any],
                                                                               np.ndarray[Any, Any]]:
        """Inner products and sentence rowids of the k nearest stored sentences (-1 = none)."""
        with self.lock.reading():
            return self.sentences.search(queries, k)

    def save(self) -> None:
        atomic_write(self.path / "means.npz", lambda p: write_npz(p, self.means))
        self.ann.save(self.path / "vectors.faiss")

    def add(self, rowids: list[int], raw: np.ndarray[Any, Any], langs: list[str]) -> bool:
        """Add new vectors; re-centres the whole index when language means moved. True if rebuilt."""
        new_means = self._fresh_means()
        with self.lock.writing():
            if centre.drift(self.means, new_means) > self.settings.recentre_drift:
                self._rebuild()
                return True
            centred = centre.centre(raw, langs, self.means)
            self.ann.add(centred, rowids)
            self.save()
            if self.search_ann is not None:
                self.search_ann.add(centred, rowids)
                self.search_ann.save(self.path / "search.faiss")
            self._sync_sentences()
        return False

    def remove(self, rowids: list[int]) -> None:
        """Drop these segments' vectors, and their sentences' (the store forgets a segment's
        sentences with it)."""
        with self.lock.writing():
            self.ann.remove(rowids)
            self.save()
            if self.search_ann is not None:  # a graph cannot drop nodes: their ids are filtered out
                self._deleted.update(rowids)
                self._check_stale()
            self._sync_sentences()

    def centred(self, raw: np.ndarray[Any, Any], langs: list[str]) -> np.ndarray[Any, Any]:
        return centre.centre(raw, langs, self.means)

    @property
    def size(self) -> int:
        return self.ann.size

    def search(self, queries: np.ndarray[Any, Any], k: int, *, exact: bool = True
               ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Inner products and segment rowids of the k nearest stored vectors (-1 = none).
        ``exact=False`` (a user's query) may answer from the HNSW graph when one is kept."""
        with self.lock.reading():
            graph = None if exact else self.search_ann
            if graph is None:
                return self.ann.search(queries, k)
            sims, ids = graph.search(queries, k + len(self._deleted))
            if not self._deleted:
                return sims, ids
            return _without(sims, ids, self._deleted, k)

    def reconstruct(self, rowids: list[int]) -> np.ndarray[Any, Any]:
        with self.lock.reading():
            return self.ann.reconstruct(rowids)

    def close(self) -> None:
        self.store.close()
