"""The detect → embed → translate stage, run by workers that each load their models once.

A unit of work is a list of article rowids. A worker reads their texts from the store
(read-only), detects each article's and segment's language, embeds the segments, and
translates them where a model is installed; the driver alone writes the results. So the
same :class:`Worker` serves three engines: in the driver itself (``workers=0``), in local
worker processes, and as Ray Data actors. A segment's vector does not depend on which
other texts share its batch (checked: bit-identical), so every engine stores the same bytes.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.attribution import registry
from ..errors import DependencyMissing
from ..events.evidence import profile
from ..storage.store import Store
from ..text.detect import article_lang, segment_lang
from ..text.sentences import sentence_spans
from ..translate import Translator
from ..translate.segments import TranslationRow, translate_segments
from ..vectors.embed import Embedder, embed_texts, make_embedder


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs to set itself up, small enough to ship to any process."""

    store: str
    embedder: str
    threads: int
    batch_size: int
    models_dir: str
    translate_threads: int
    beam_size: int
    segment_lang_confidence: float
    sources_file: str = ""


@dataclass
class UnitResult:
    articles: list[tuple[str, str, str | None]] = field(default_factory=list)  # id, lang, code
    segments: list[tuple[int, str, str | None]] = field(default_factory=list)  # rowid, lang, code
    vectors: np.ndarray[Any, Any] | None = None
    leads: np.ndarray[Any, Any] | None = None
    profiles: list[tuple[int, str]] = field(default_factory=list)  # rowid, profile JSON
    sentences: list[tuple[list[tuple[int, int]], np.ndarray[Any, Any]]] = field(default_factory=list)  # per segment
    translations: list[TranslationRow] = field(default_factory=list)


class Worker:
    """Models loaded once; :meth:`process` turns a unit into results."""

    def __init__(self, config: WorkerConfig, embedder: Embedder | None = None) -> None:
        self.config = config
        self.embedder = embedder or make_embedder(config.embedder, config.threads, config.batch_size)
        self.store = Store(Path(config.store), readonly=True)
        self.sources_table = registry(Path(config.sources_file) if config.sources_file else None)
        self._translator: Translator | None = None

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = Translator(Path(self.config.models_dir), self.config.translate_threads,
                                          self.config.beam_size)
        return self._translator

    def process(self, article_rowids: list[int]) -> UnitResult:
        articles = self.store.articles_by_rowid(article_rowids)
        result = UnitResult()
        parent: dict[str, str] = {}
        detected: dict[str, tuple[str, tuple[str, str | None]]] = {}  # article id -> (text, its detection)
        for a in articles:
            lang, code = (a["lang"], a["lang_code"]) if a["lang"] else article_lang(a["text"], a["lang_given"])
            result.articles.append((a["id"], lang, code))
            parent[a["id"]] = lang
            if not a["lang"] and not a["lang_given"]:
                detected[a["id"]] = (a["text"], (lang, code))
        segs = [s for a in articles for s in self.store.article_segments(a["id"]) if not s.embedded and not s.furniture]
        for s in segs:
            if s.lang:
                lang, code = s.lang, s.lang_code
            elif s.article_id in detected and detected[s.article_id][0] == s.matching:
                lang, code = detected[s.article_id][1]  # a one-segment article, detected just above
            else:
                lang, code = segment_lang(s.matching, parent[s.article_id], self.config.segment_lang_confidence)
            result.segments.append((s.rowid, lang, code))
        embedded = embed_texts(self.embedder, [s.matching for s in segs])
        result.vectors, result.leads = embedded.vectors, embedded.leads
        result.sentences = [(sentence_spans(s.text, parts), vectors.astype(np.float16))
                            for s, parts, vectors in zip(segs, embedded.texts, embedded.sentences, strict=True)]
        result.profiles = [(rowid, profile(s.matching, lang, self.sources_table).to_json())
                           for s, (rowid, lang, _) in zip(segs, result.segments, strict=True)]
        result.translations = translate_segments(self.translator, [
            (rowid, lang, s.text) for s, (rowid, lang, _) in zip(segs, result.segments, strict=True)])
        return result

    def close(self) -> None:
        self.store.close()
        if self._translator is not None:
            self._translator.close()


# -- engines -------------------------------------------------------------------------------
def run_inline(worker: Worker, units: Iterable[list[int]]) -> Iterator[UnitResult]:
    for unit in units:
        yield worker.process(unit)


_worker: Worker | None = None


def _start(config: WorkerConfig) -> None:
    global _worker
    _worker = Worker(config)


def _process(unit: list[int]) -> UnitResult:
    assert _worker is not None, "worker process not initialised"
    return _worker.process(unit)


def run_local(config: WorkerConfig, units: Iterable[list[int]], workers: int) -> Iterator[UnitResult]:
    """Worker processes (spawned, never forked after OpenMP started), each loading its models
    once; at most two units per worker in flight, so memory stays bounded; results in order."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_start,
                             initargs=(config,)) as pool:
        flight: deque[Future[UnitResult]] = deque()
        for unit in units:
            flight.append(pool.submit(_process, unit))
            if len(flight) >= 2 * workers:
                yield flight.popleft().result()
        while flight:
            yield flight.popleft().result()


class RayWorker:
    """A Ray Data actor: a :class:`Worker` built once per actor, called on batches of units."""

    def __init__(self, config: WorkerConfig) -> None:
        self.worker = Worker(config)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = [pickle.dumps(self.worker.process([int(x) for x in unit])) for unit in batch["unit"]]
        return {"result": np.asarray(out, dtype=object)}


def run_ray(config: WorkerConfig, units: list[list[int]], workers: int, address: str | None) -> Iterator[UnitResult]:
    """The same stage as Ray Data ``map_batches`` over stateful actors.

    With ``address`` it joins an existing cluster (``ray://host:10001`` or ``auto``); without,
    it starts a local Ray instance with ``workers`` CPUs. Workers read texts from the store,
    so on a cluster ``--out`` must be on storage every node mounts at the same path.
    """
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise DependencyMissing("the Ray engine needs Ray: pip install 'align[ray]'") from exc
    if not units:
        return
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     object_store_memory=256 * 1024 * 1024, configure_logging=False)
        started = True
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        dataset = ray.data.from_items([{"unit": u} for u in units], override_num_blocks=max(1, min(len(units), 64)))
        results = dataset.map_batches(RayWorker, fn_constructor_kwargs={"config": config}, batch_size=1,
                                      concurrency=workers, num_cpus=1, batch_format="numpy")
        for row in results.iter_rows():
            yield pickle.loads(row["result"])
    finally:
        if started:
            ray.shutdown()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
