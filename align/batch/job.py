"""``align batch``: align a large corpus in stages that stream, resume and update incrementally.

Stages, each reading what the previous one committed to the work store (``OUT/work``):

    ingest      stream the inputs; articles and the read position commit together
    embed       detect, embed and translate in workers (local processes or Ray actors)
    index       add new vectors to the index chosen by size; measure its recall@10
    neighbours  each new segment's nearest neighbours; old lists merged with the new vectors
    match       links and events from the stored lists, by the one event builder
    write       events.jsonl, pairs.jsonl, the static report, summary.json

The stages are the library's (``ingest``, ``vectors``, ``events``, ``translate``); what is
the job's own is streaming, chunks, resume, workers and Ray. A killed job finds its progress
in the store and goes on; since every stage's result depends only on what is stored (never
on how the work was split), the outputs equal an uninterrupted run's. Language means are
frozen at the first run and only re-computed (with every list after them) when new data
moves them beyond ``recentre_drift``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.alignment import align_sentences
from ..analysis.attribution import registry
from ..errors import IndexMismatch, InputError
from ..events import link
from ..events.build import build_events, load_signals, prepare
from ..events.model import LinkModel
from ..events.republish import find_republications, republishers
from ..events.view import event_view
from ..ingest import Problem, Record, expand, stream
from ..ingest.admit import admit, store_article
from ..ingest.boilerplate import clean
from ..records import EventJson, EventView
from ..settings import Settings
from ..storage.files import AtomicLines, atomic_write, read_npz, write_npz, write_text
from ..storage.indexdir import prior_in, sync_sentences
from ..storage.lock import IndexLock
from ..storage.rows import Nodes
from ..storage.store import Store
from ..translate import Translator
from ..translate.segments import TRANSLATED, translate_stored
from ..vectors import centre
from ..vectors.ann import Ann, choose, recall_at_10
from ..vectors.embed import Embedder, make_embedder
from .neighbours import update_neighbours
from .outputs import Changes, pair_json, slim, summary
from .report import Report
from .state import BatchState, EventCache
from .workers import UnitResult, Worker, WorkerConfig, cpu_count, run_inline, run_local, run_ray

ENGINES = ("local", "ray")


@dataclass
class BatchOptions:
    inputs: list[Path]
    out: Path
    workers: int | None = None  # None: one per CPU; 0: in this process
    engine: str = "local"
    index: str = "auto"
    ray_address: str | None = None
    outlet: str | None = None  # of single .txt/.html files, as `align ingest --outlet`
    outlet_from: str = "folder"  # as `align ingest --outlet-from`


@dataclass
class Stage:
    seconds: float = 0.0
    items: int = 0
    unit: str = "item"

    def to_json(self) -> dict[str, Any]:
        rate = self.items / self.seconds if self.seconds > 0 else None
        return {"seconds": round(self.seconds, 3), "items": self.items, "unit": self.unit,
                "per_second": None if rate is None else round(rate, 1)}


@dataclass
class Run:
    stages: dict[str, Stage] = field(default_factory=dict)
    path_problems: list[Problem] = field(default_factory=list)
    files: int = 0
    index: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class Indexed:
    """What the index stage hands on: the index, the means it was centred with, its rowids."""

    ann: Ann
    means: centre.Means
    rowids: np.ndarray[Any, Any]


class BatchJob:
    """One output directory: its work store, its index, its outputs."""

    def __init__(self, settings: Settings, options: BatchOptions, embedder: Embedder | None = None) -> None:
        if options.engine not in ENGINES:
            raise InputError(f"unknown engine {options.engine!r}: use one of {', '.join(ENGINES)}")
        choose(options.index, 0, settings)  # validates the name
        if options.workers is not None and options.workers < 0:
            raise InputError("--workers must be 0 (in this process) or more")
        if options.out.exists() and not options.out.is_dir():
            raise InputError(f"--out {options.out} is a file, not a folder")
        self.settings, self.options = settings, options
        self.workers = cpu_count() if options.workers is None else options.workers
        self.work = options.out / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self._lock = IndexLock(self.work, settings.lock_timeout).acquire()
        self.store = Store(self.work / "store.sqlite")
        self.state = BatchState(self.store)
        self._embedder = embedder
        self._translator: Translator | None = None
        self.sources_table = registry(settings.resolved_sources_file())
        self.link_model = LinkModel.load(settings.resolved_link_model())
        known = self.store.meta("batch_embedder")
        if known is None:
            self.store.set_meta("batch_embedder", settings.embedder)
        elif known != settings.embedder:
            raise IndexMismatch(f"{options.out} was built with embedder {known!r}; this run uses "
                                f"{settings.embedder!r}. Use another --out or the same embedder.")

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedder, self.settings.threads, self.settings.batch_size)
        return self._embedder

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = Translator(self.settings.resolved_models_dir(), self.settings.translate_threads,
                                          self.settings.beam_size)
        return self._translator

    def close(self) -> None:
        if self._translator is not None:
            self._translator.close()
        self.store.close()
        self._lock.release()

    def _bar(self, desc: str, total: int | None, unit: str, **kw: Any) -> Any:
        from tqdm import tqdm

        return tqdm(desc=f"{desc:<10}", total=total, unit=unit, disable=self.settings.quiet, file=sys.stderr,
                    dynamic_ncols=True, **kw)

    def _timed(self, run: Run, name: str, unit: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        items = step()
        run.stages[name] = Stage(time.perf_counter() - started, items, unit)

    # -- the job --------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        run = Run()
        self._timed(run, "ingest", "article", lambda: self._ingest(run))
        self._timed(run, "clean", "segment", lambda: self._clean(run))
        self._timed(run, "embed", "segment", self._embed)
        self._translate_late(run)
        holder: list[Indexed] = []
        self._timed(run, "index", "vector", lambda: self._index(run, holder))
        indexed = holder[0]
        self._timed(run, "neighbours", "segment", lambda: self._neighbours(indexed))
        run.result["means"] = indexed.means
        self._timed(run, "match", "segment", lambda: self._match(run))
        self._timed(run, "write", "event", lambda: self._write(run, indexed.means))
        report = summary(self.store, self.state, self.settings, self.options.engine, self.workers, run.files,
                         run.path_problems, run.index, run.result, {k: v.to_json() for k, v in run.stages.items()})
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.options.out / "summary.json", lambda p: write_text(p, text))
        return report

    # -- ingest ---------------------------------------------------------------------------
    def _ingest(self, run: Run) -> int:
        files, run.path_problems = expand(self.options.inputs)
        run.files = len(files)
        if not files:
            reasons = "; ".join(str(p) for p in run.path_problems)
            raise InputError(f"no input to read: {reasons}")
        todo = [(f, *self.state.input_position(f)) for f in files]
        todo = [(f, start, done) for f, start, done in todo if not done]
        added = 0
        step = self.settings.batch_ingest_chunk
        with self._bar("ingest", sum(f.stat().st_size for f, _, _ in todo), "B", unit_scale=True) as bar:
            for path, start, _ in todo:
                chunk: list[Record] = []
                seen, position = 0, start
                for record in stream(path, start, self.options.outlet, self.options.outlet_from):
                    chunk.append(record)
                    position = record.position
                    if len(chunk) >= step:
                        added += self._commit(path, chunk, position, False)
                        bar.update(record.bytes_done - seen)
                        seen, chunk = record.bytes_done, []
                added += self._commit(path, chunk, position, True)
                bar.update(path.stat().st_size - seen)
        return added

    def _commit(self, path: Path, records: list[Record], position: int, done: bool) -> int:
        """Store a chunk of records and the read position after them, in one transaction."""
        added = 0
        with self.store.transaction() as db:
            for record in records:
                verdict = admit(self.store, record.item)
                if isinstance(verdict, Problem):
                    self.state.add_problem(db, verdict.source, verdict.message)
                elif verdict is None and not isinstance(record.item, Problem):
                    store_article(self.store, db, record.item)
                    added += 1
            self.state.set_position(db, path, position, done)
        return added

    # -- clean ----------------------------------------------------------------------------
    def _clean(self, run: Run) -> int:
        """Matching texts without page furniture; segments embedded from an older one are reset
        (their neighbour lists dropped, and the index rebuilt unless it can remove vectors)."""
        cleaned = clean(self.store, self.settings)
        if cleaned.reset:
            self.state.drop_neighbours(cleaned.reset)
            ann = Ann.load(self.work / "ann.faiss", self.settings)
            if ann is not None and ann.kind == "flat":
                ann.remove(cleaned.reset)
                ann.save(self.work / "ann.faiss")
            else:
                (self.work / "ann.faiss").unlink(missing_ok=True)
        run.result["furniture"] = cleaned.furniture
        return cleaned.segments

    # -- detect, embed, translate -----------------------------------------------------------
    def _embed(self) -> int:
        pending = self.store.pending_articles()
        step = self.settings.batch_unit_articles
        units = [pending[i : i + step] for i in range(0, len(pending), step)]
        if not units:
            return 0
        workers = max(1, self.workers)
        s = self.settings
        config = WorkerConfig(
            str(self.store.path.resolve()), s.embedder, s.threads if workers == 1 else max(1, cpu_count() // workers),
            s.batch_size, str(s.resolved_models_dir()),
            max(1, s.translate_threads // workers) if s.translate_threads else 0, s.beam_size,
            s.segment_lang_confidence, str(s.resolved_sources_file() or ""))
        results: Iterator[UnitResult]
        inline: Worker | None = None
        if self.options.engine == "ray":
            results = run_ray(config, units, workers, self.options.ray_address)
        elif self.workers == 0:
            inline = Worker(config, self.embedder)
            results = run_inline(inline, units)
        else:
            results = run_local(config, units, workers)
        embedded = 0
        try:
            with self._bar("embed", len(pending), " article") as bar:
                for unit, result in zip(units, results, strict=True):
                    embedded += self._store_result(result)
                    bar.update(len(unit))
        finally:
            if inline is not None:
                inline.close()
        return embedded

    def _store_result(self, result: UnitResult) -> int:
        with self.store.transaction() as db:
            for article_id, lang, code in result.articles:
                self.store.set_article_lang(db, article_id, lang, code)
            for rowid, lang, code in result.segments:
                self.store.set_segment_lang(db, rowid, lang, code)
            if result.segments and result.vectors is not None:
                self.store.set_vectors(db, [r for r, _, _ in result.segments], result.vectors, result.leads)
            for (rowid, _, _), (spans, vectors) in zip(result.segments, result.sentences, strict=True):
                self.store.set_sentences(db, rowid, spans, vectors)
            self.store.set_profiles(db, result.profiles)
            self.store.set_translations(db, result.translations)
        return len(result.segments)

    def _translate_late(self, run: Run) -> None:
        """Segments embedded before their language's model was installed get translated now
        (in the driver: CTranslate2 uses every core on its own)."""
        waiting = self.store.untranslated_langs(TRANSLATED)
        ready = tuple(lang for lang in waiting if self.translator.available(lang, "en"))
        if not ready:
            return
        started = time.perf_counter()
        done, _ = translate_stored(self.store, self.translator, self.store.untranslated(ready, noted_only=True),
                                   self.settings.embed_batch_segments,
                                   lambda items, desc, total: iter(self._bar(desc, total, " batch", iterable=items)))
        self.store.set_meta("batch_translations", str(int(self.store.meta("batch_translations") or 0) + 1))
        run.stages["translate"] = Stage(time.perf_counter() - started, done, "segment")

    # -- index ----------------------------------------------------------------------------
    def _index(self, run: Run, holder: list[Indexed]) -> int:
        rowids = self.store.vector_ids()
        kind = choose(self.options.index, len(rowids), self.settings)
        fresh = centre.language_means(self.store.language_sums(), prior_in(self.work, self.embedder),
                                      self.settings.prior_weight)
        means_path, ann_path = self.work / "means.npz", self.work / "ann.faiss"
        old = read_npz(means_path)
        ann = Ann.load(ann_path, self.settings)
        rebuild = (ann is None or old is None or ann.kind != kind or ann.size > len(rowids)
                   or centre.drift(old, fresh) > self.settings.recentre_drift)
        if rebuild:
            self.state.clear_neighbours()  # lists measured with other means or another index are void
            means = fresh
            training = None
            if kind == "ivf" and len(rowids):
                picks = np.sort(np.random.default_rng(0).choice(len(rowids), min(len(rowids), 50_000), replace=False))
                raw, langs = self.store.vectors_of([int(rowids[i]) for i in picks])
                training = centre.centre(raw, langs, means)
            ann = Ann.empty(kind, self.embedder.dim, self.settings, training, len(rowids))
        else:
            assert old is not None and ann is not None
            means = old
        # Vectors not indexed yet: new segments, and segments embedded again after cleaning.
        missing = np.setdiff1d(rowids, ann.ids()).tolist()
        added = 0
        with self._bar("index", len(missing), " vector") as bar:
            for lo in range(0, len(missing), 4096):
                ids = missing[lo : lo + 4096]
                raw, keys = self.store.vectors_of(ids)
                ann.add(centre.centre(raw, keys, means), ids)
                added += len(ids)
                bar.update(len(ids))
        ann.save(ann_path)
        sentences = sync_sentences(self.work / "sentences.faiss", self.store, self.embedder.dim, self.settings,
                                   means, fresh=rebuild)
        if rebuild:
            atomic_write(means_path, lambda p: write_npz(p, means))

        def chunks() -> Iterator[np.ndarray[Any, Any]]:
            for _, raw, langs in self.store.vector_chunks():
                yield centre.centre(raw, langs, means)

        recall, sample = recall_at_10(ann, chunks, self.settings.recall_sample)
        run.index = {"type": ann.kind, "requested": self.options.index, "vectors": ann.size,
                     "recall_at_10": round(recall, 4), "recall_sample": sample, "params": ann.params(),
                     "memory_mb": round(ann.memory_bytes() / 2**20, 1), "recentred": rebuild and old is not None,
                     "sentences": sentences.size, "sentences_memory_mb": round(sentences.memory_bytes() / 2**20, 1)}
        holder.append(Indexed(ann, means, rowids))
        return added

    def _neighbours(self, indexed: Indexed) -> int:
        total, stale = self.state.neighbour_counts(indexed.ann.size)
        with self._bar("neighbours", len(indexed.rowids) - total + stale, " segment") as bar:
            return update_neighbours(self.store, self.state, indexed.ann, indexed.means, indexed.rowids,
                                     self.settings, bar.update)

    # -- match ----------------------------------------------------------------------------
    def _match(self, run: Run) -> int:
        nodes = self.store.nodes()
        keep = self.settings.match_candidates + self.settings.batch_neighbours_extra
        keys, nb_ids, nb_sims = self.state.all_neighbours(keep)
        if not np.array_equal(keys, nodes.rowids):
            raise InputError("the work store's neighbour lists do not match its segments; delete OUT/work")
        copies = self._republications(nodes, nb_ids, nb_sims)
        kept = [p for p, a in enumerate(nodes.articles) if a not in copies]
        rowids = nodes.rowids[kept]

        def lists(positions: list[int], k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
            return nb_sims[positions, :k], nb_ids[positions, :k]

        hood = link.neighbourhood(kept, lists, rowids, self.settings.match_candidates, self.settings.match_k)
        means = run.result["means"]
        signals, lengths = load_signals(self.store, rowids.tolist(), lambda v, keys: centre.centre(v, keys, means),
                                        self.sources_table)
        run.result.update(nodes=nodes, kept=kept, hood=hood, copies=copies, signals=signals, lengths=lengths)
        return len(kept)

    def _republications(self, nodes: Nodes, nb_ids: np.ndarray[Any, Any],
                        nb_sims: np.ndarray[Any, Any]) -> dict[str, str]:
        """Aggregator copies among all segments, from the stored lists; stored on their articles."""
        info = {int(r): (a, o, lg) for r, a, o, lg in zip(nodes.rowids, nodes.articles, nodes.outlets, nodes.langs,
                                                             strict=True)}
        close = nb_sims >= self.settings.near_copy
        nearest = {int(r): [(int(i), float(s)) for i, s in zip(nb_ids[n][close[n]], nb_sims[n][close[n]],
                                                                 strict=True)]
                   for n, r in enumerate(nodes.rowids)}
        found = find_republications(info, nearest, self.settings.near_copy)
        stored = self.store.duplicates()
        for copy, original in found.items():
            if stored.get(copy) != original:
                self.store.set_duplicate(copy, original)
        return {**stored, **found}

    # -- write ----------------------------------------------------------------------------
    def _write(self, run: Run, means: centre.Means) -> int:
        out, result = self.options.out, run.result
        nodes: Nodes = result["nodes"]
        outlets = sorted(o["outlet"] for o in self.store.outlets())
        report = Report(out / "report")
        means_tag = hashlib.sha1(b"".join(means[k].tobytes() for k in sorted(means))).hexdigest()[:12]
        changes = Changes(self.state.previous_members())
        cache = EventCache(self.store)
        listed: list[dict[str, Any]] = []
        events = pairs = 0
        matching = prepare(nodes, result["kept"], result["hood"], result["signals"], result["lengths"],
                           self.link_model, self.settings)
        built = build_events(matching, self.store.segments_by_rowid, republishers(self.store, result["copies"]),
                             self.sources_table, cache, self.store.meta("batch_translations") or "")
        with (AtomicLines(out / "events.jsonl") as events_out, AtomicLines(out / "pairs.jsonl") as pairs_out,
              self._bar("write", len(result["kept"]), " segment") as bar):
            for b in built:
                event = b.event
                events_out.write(json.dumps(event, ensure_ascii=False))
                by_id = {m["segment_id"]: m for m in event["members"]}
                for e in sorted(b.links, key=lambda x: (x.a, x.b)):
                    a, c = by_id[b.member_ids[e.a]], by_id[b.member_ids[e.b]]
                    if a["outlet"] != c["outlet"]:
                        pairs_out.write(json.dumps(pair_json(event["event_id"], a, c, e), ensure_ascii=False))
                        pairs += 1
                cross = len(event["outlets"]) > 1
                changes.record(event["event_id"], b.member_ids, cross)
                if cross:
                    report.event(self._view(event, outlets, means_tag, means))
                    listed.append(slim(event))
                events += 1
                bar.update(len(b.member_ids))
        cache.flush()
        report.index(listed, outlets)
        self.state.set_members(changes.now)
        self.state.prune_events()
        result.update(events=events, cross=len(listed), pairs=pairs, pages=len(listed),
                      pages_changed=report.changed, changes=changes.to_json())
        return events

    def _view(self, event: EventJson, outlets: list[str], means_tag: str, means: centre.Means) -> EventView:
        """The server's event view, with the sentence alignment cached per set of members."""
        key = hashlib.sha1(json.dumps([means_tag, [(m["segment_id"], m["lang"]) for m in event["members"]]])
                           .encode()).hexdigest()
        pairs = self.state.cached_alignment(key)
        if pairs is None:
            stored = self.store.sentences_of_ids([m["segment_id"] for m in event["members"]])
            pairs = align_sentences(event["members"], self.embedder, lambda v, lg: centre.centre(v, lg, means),
                                    self.settings.sentence_align_floor, stored)
            self.state.cache_alignment(key, pairs)
        return event_view(event, outlets, pairs)
