"""The index directory: manifest, FAISS file of centred vectors, SQLite store.

Layout of ``indexes/<name>/``::

    manifest.json   format, embedder name, dimension, metric, language means version
    means.npz       the language means the FAISS vectors were centred with
    vectors.faiss   IndexIDMap2(IndexFlatIP) of centred segment vectors, ids = segment rowids
    store.sqlite    articles, segments, raw vectors, events (the source of truth)

Files are replaced atomically (write to a temporary file, fsync, rename), so a crash
mid-write leaves the previous file readable. The FAISS file is derived data: when it is
missing, unreadable or disagrees with the store, it is rebuilt from the store's vectors.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from . import centre
from .embed import Embedder
from .errors import IndexCorrupt, IndexMismatch
from .store import Store

FORMAT_VERSION = 1
REBUILD_DRIFT = 0.005


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file through a temporary sibling and an atomic rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dirfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_npz(path: Path, arrays: dict[str, Any]) -> None:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def read_npz(path: Path) -> dict[str, Any] | None:
    """Arrays of an .npz file; None when it is missing or unreadable (derived data, recomputed)."""
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError):
        return None


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


class IndexDir:
    """An opened index directory bound to one embedder."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path = path
        self.embedder = embedder
        path.mkdir(parents=True, exist_ok=True)
        self.lock = ReadWriteLock()
        for stale in path.glob(".*.faiss.*"):  # a temporary file left by a crash mid-save
            stale.unlink(missing_ok=True)
        for stale in path.glob(".manifest.json.*"):
            stale.unlink(missing_ok=True)
        for stale in path.glob(".means.npz.*"):
            stale.unlink(missing_ok=True)
        self.manifest_path = path / "manifest.json"
        self.manifest = self._check_manifest()
        self.store = Store(path / "store.sqlite")
        self.means = self._load_means()
        self.faiss = self._load_or_rebuild()

    # -- manifest ---------------------------------------------------------------------
    def _check_manifest(self) -> dict[str, Any]:
        if self.manifest_path.exists():
            try:
                manifest: dict[str, Any] = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexCorrupt(f"{self.manifest_path}: unreadable manifest: {exc}") from exc
            if manifest.get("embedder") != self.embedder.name or manifest.get("dim") != self.embedder.dim:
                raise IndexMismatch(
                    f"{self.path} was built with embedder {manifest.get('embedder')!r} "
                    f"(dim {manifest.get('dim')}); this run uses {self.embedder.name!r} "
                    f"(dim {self.embedder.dim}). Use another --index-dir or the same embedder."
                )
            return manifest
        manifest = {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "metric": "inner_product",
            "vectors": "segment = mean of sentence vectors, language mean removed, L2-normalised",
            "faiss": "IndexIDMap2(IndexFlatIP)",
        }
        self._write_manifest(manifest)
        return manifest

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True)
        atomic_write(self.manifest_path, lambda p: write_text(p, text))

    # -- language means -----------------------------------------------------------------
    def _load_means(self) -> centre.Means:
        found = read_npz(self.path / "means.npz")
        if found is not None:
            return found
        return centre.language_means(self.store.language_sums(), self._prior())

    def _save_means(self) -> None:
        atomic_write(self.path / "means.npz", lambda p: write_npz(p, self.means))

    def _prior(self) -> centre.Means:
        return prior_in(self.path, self.embedder)

    # -- FAISS --------------------------------------------------------------------------
    def _empty(self) -> Any:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.embedder.dim))

    def _load_or_rebuild(self) -> Any:
        path = self.path / "vectors.faiss"
        index = None
        if path.exists():
            try:
                index = faiss.read_index(str(path))
            except RuntimeError:
                index = None
        if index is None or self.problems(index) or not (self.path / "means.npz").exists():
            index = self._rebuild()
        return index

    def problems(self, index: Any | None = None) -> list[str]:
        """What disagrees between the FAISS file and the store (empty when consistent)."""
        index = self.faiss if index is None else index
        found = []
        if index.d != self.embedder.dim:
            found.append(f"FAISS dimension {index.d} is not the embedder's {self.embedder.dim}")
        stored, _, _ = self.store.vectors(ids_only=True)
        indexed = faiss.vector_to_array(index.id_map) if hasattr(index, "id_map") else np.zeros(0, np.int64)
        missing = np.setdiff1d(stored, indexed)
        extra = np.setdiff1d(indexed, stored)
        if len(missing):
            found.append(f"{len(missing)} stored segment vector(s) missing from the FAISS index")
        if len(extra):
            found.append(f"{len(extra)} FAISS vector(s) with no stored segment")
        return found

    def repair(self) -> None:
        """Re-index from the store: the store is the source of truth."""
        with self.lock.writing():
            self._rebuild()

    def _rebuild(self) -> Any:
        """Re-centre every stored vector with fresh language means and write a new FAISS file."""
        self.means = centre.language_means(self.store.language_sums(), self._prior())
        ids, raw, langs = self.store.vectors()
        index = self._empty()
        if len(ids):
            index.add_with_ids(centre.centre(raw, langs, self.means), ids)
        self.faiss = index
        self.save()
        return index

    def save(self) -> None:
        self._save_means()
        atomic_write(self.path / "vectors.faiss", lambda p: faiss.write_index(self.faiss, str(p)))

    def add(self, rowids: list[int], raw: np.ndarray[Any, Any], langs: list[str]) -> bool:
        """Add new vectors; re-centres the whole index when language means moved. True if rebuilt."""
        new_means = centre.language_means(self.store.language_sums(), self._prior())
        with self.lock.writing():
            if centre.drift(self.means, new_means) > REBUILD_DRIFT:
                self._rebuild()
                return True
            if rowids:
                self.faiss.add_with_ids(centre.centre(raw, langs, self.means), np.asarray(rowids, dtype=np.int64))
            self.save()
        return False

    def remove(self, rowids: list[int]) -> None:
        with self.lock.writing():
            if rowids:
                self.faiss.remove_ids(np.asarray(rowids, dtype=np.int64))
            self.save()

    def centred(self, raw: np.ndarray[Any, Any], langs: list[str]) -> np.ndarray[Any, Any]:
        return centre.centre(raw, langs, self.means)

    def search(self, queries: np.ndarray[Any, Any], k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Inner products and segment rowids of the k nearest stored vectors (-1 = none)."""
        with self.lock.reading():
            if self.faiss.ntotal == 0 or len(queries) == 0:
                shape = (len(queries), k)
                return np.zeros(shape, dtype=np.float32), -np.ones(shape, dtype=np.int64)
            query = np.ascontiguousarray(queries, dtype=np.float32)
            sims, ids = self.faiss.search(query, min(k, self.faiss.ntotal))
        return sims, ids

    def reconstruct(self, rowids: list[int]) -> np.ndarray[Any, Any]:
        if not rowids:
            return np.zeros((0, self.embedder.dim), np.float32)
        with self.lock.reading():
            return np.stack([self.faiss.reconstruct(int(r)) for r in rowids])

    def close(self) -> None:
        self.store.close()
