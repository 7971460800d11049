"""``align batch``: align a large corpus in stages that stream, resume and update incrementally.

Stages, each reading what the previous one committed to the work store (``OUT/work``):

    ingest      stream the inputs; articles and the read position commit together
    embed       detect, embed and translate in workers (local processes or Ray actors)
    index       add new vectors to the index chosen by size; measure its recall@10
    neighbours  each new segment's nearest neighbours; old segments' lists merged with
                the new vectors only (an incremental run never searches everything again)
    match       links and events from the stored lists (linear, always redone: cheap)
    write       events.jsonl, pairs.jsonl, the static report, summary.json

A killed job finds its progress in the store and goes on; since every stage's result depends
only on what is stored (never on how the work was split), the outputs equal an uninterrupted
run's. Language means are frozen at the first run and only re-computed (with every list
after them) when new data moves them beyond the same drift bound an index directory uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .. import centre, match
from ..alignment import align_sentences
from ..attribution import registry
from ..compare import fact_table
from ..embed import Embedder, make_embedder
from ..errors import IndexMismatch, InputError
from ..index import REBUILD_DRIFT, atomic_write, prior_in, read_npz, write_npz, write_text
from ..ingest import Problem
from ..lock import IndexLock
from ..pipeline import (
    MATCH_CANDIDATES,
    NEAR_COPY,
    admit,
    event_json,
    find_republications,
    parse_time,
    store_article,
    translate_rows,
)
from ..settings import Settings
from ..store import Store
from ..translate import Translator
from .ann import Ann, choose, recall_at_10
from .inputs import Record, expand, stream
from .report import Report
from .state import BatchState, Nodes
from .workers import UnitResult, Worker, WorkerConfig, cpu_count, run_inline, run_local, run_ray

ENGINES = ("local", "ray")
INGEST_CHUNK = 256
UNIT_ARTICLES = 16
KEEP = MATCH_CANDIDATES + 16  # neighbours kept per segment: room for self, copies and filtered ones
SEARCH_CHUNK = 1024


@dataclass
class BatchOptions:
    inputs: list[Path]
    out: Path
    workers: int | None = None  # None: one per CPU; 0: in this process
    engine: str = "local"
    index: str = "auto"
    ray_address: str | None = None


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


class BatchJob:
    """One output directory: its work store, its index, its outputs."""

    def __init__(self, settings: Settings, options: BatchOptions, embedder: Embedder | None = None) -> None:
        if options.engine not in ENGINES:
            raise InputError(f"unknown engine {options.engine!r}: use one of {', '.join(ENGINES)}")
        choose(options.index, 0)  # validates the name
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
        self._translator_: Translator | None = None
        self.sources_table = registry(settings.sources_file if str(settings.sources_file) not in {"", "."} else None)
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

    def close(self) -> None:
        if self._translator_ is not None:
            self._translator_.close()
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
        self._timed(run, "embed", "segment", self._embed)
        self._translate_late(run)
        index_info: dict[str, Any] = {}
        self._timed(run, "index", "vector", lambda: self._index(index_info))
        ann, means, rowids = index_info.pop("ann"), index_info.pop("means"), index_info.pop("rowids")
        self._timed(run, "neighbours", "segment", lambda: self._neighbours(ann, means, rowids))
        result: dict[str, Any] = {}
        self._timed(run, "match", "segment", lambda: self._match(result))
        self._timed(run, "write", "event", lambda: self._write(result, means))
        summary = self._summary(run, index_info, result)
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.options.out / "summary.json", lambda p: write_text(p, text))
        return summary

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
        with self._bar("ingest", sum(f.stat().st_size for f, _, _ in todo), "B", unit_scale=True) as bar:
            for path, start, _ in todo:
                chunk: list[Record] = []
                seen, position = 0, start
                for record in stream(path, start):
                    chunk.append(record)
                    position = record.position
                    if len(chunk) >= INGEST_CHUNK:
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

    # -- detect, embed, translate -----------------------------------------------------------
    def _embed(self) -> int:
        pending = self.state.pending_articles()
        units = [pending[i : i + UNIT_ARTICLES] for i in range(0, len(pending), UNIT_ARTICLES)]
        if not units:
            return 0
        workers = max(1, self.workers)
        config = WorkerConfig(
            str(self.store.path.resolve()), self.settings.embedder,
            self.settings.threads if workers == 1 else max(1, cpu_count() // workers),
            self.settings.batch_size, str(self.settings.resolved_models_dir()),
            max(1, self.settings.translate_threads // workers) if self.settings.translate_threads else 0,
            self.settings.beam_size)
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

    def _translate_late(self, run: Run) -> None:
        """Segments embedded before their language's model was installed get translated now
        (in the driver: CTranslate2 uses every core on its own)."""
        waiting = {str(r[0]): int(r[1]) for r in self.store.query(
            "SELECT lang, count(*) FROM segments WHERE translation IS NULL AND translation_note IS NOT NULL"
            " AND lang IN ('bg', 'ru', 'uk') GROUP BY lang")}
        ready = [lang for lang in sorted(waiting) if self._translator().available(lang, "en")]
        if not ready:
            return
        started, done = time.perf_counter(), 0
        for lang in ready:
            segs = self.store.segments("WHERE s.translation IS NULL AND s.lang = ?", (lang,))
            done += translate_rows(self.store, self._translator(), lang, segs,
                                   lambda items, desc, total: iter(self._bar(desc, total, " batch", iterable=items)))[0]
        self.store.set_meta("batch_translations", str(int(self.store.meta("batch_translations") or 0) + 1))
        run.stages["translate"] = Stage(time.perf_counter() - started, done, "segment")

    def _translator(self) -> Translator:
        if self._translator_ is None:
            self._translator_ = Translator(self.settings.resolved_models_dir(), self.settings.translate_threads,
                                           self.settings.beam_size)
        return self._translator_

    def _store_result(self, result: UnitResult) -> int:
        with self.store.transaction() as db:
            for article_id, lang, code in result.articles:
                self.store.set_article_lang(db, article_id, lang, code)
            for rowid, lang, code in result.segments:
                self.store.set_segment_lang(db, rowid, lang, code)
            if result.segments and result.vectors is not None:
                self.store.set_vectors(db, [r for r, _, _ in result.segments], result.vectors)
            self.store.set_translations(db, result.translations)
        return len(result.segments)

    # -- index ----------------------------------------------------------------------------
    def _index(self, info: dict[str, Any]) -> int:
        rowids = self.state.embedded_rowids()
        kind = choose(self.options.index, len(rowids))
        fresh = centre.language_means(self.store.language_sums(), prior_in(self.work, self.embedder))
        means_path, ann_path = self.work / "means.npz", self.work / "ann.faiss"
        old = read_npz(means_path)
        ann = Ann.load(ann_path)
        rebuild = (ann is None or old is None or ann.kind != kind or ann.size > len(rowids)
                   or centre.drift(old, fresh) > REBUILD_DRIFT)
        added = 0
        if rebuild:
            self.state.clear_neighbours()  # lists measured with other means or another index are void
            means = fresh
            training = None
            if kind == "ivf" and len(rowids):
                picks = np.sort(np.random.default_rng(0).choice(len(rowids), min(len(rowids), 50_000), replace=False))
                raw, langs = self.state.vectors_of([int(rowids[i]) for i in picks])
                training = centre.centre(raw, langs, means)
            ann = Ann.empty(kind, self.embedder.dim, training, len(rowids))
            after = 0
        else:
            assert old is not None and ann is not None
            means = old
            after = int(rowids[ann.size - 1]) if ann.size else 0
        with self._bar("index", len(rowids) - ann.size, " vector") as bar:
            for ids, raw, langs in self.state.vector_chunks(after):
                ann.add(centre.centre(raw, langs, means))
                added += len(ids)
                bar.update(len(ids))
        ann.save(ann_path)
        if rebuild:
            atomic_write(means_path, lambda p: write_npz(p, means))

        def chunks() -> Iterator[np.ndarray[Any, Any]]:
            for _, raw, langs in self.state.vector_chunks():
                yield centre.centre(raw, langs, means)

        recall, sample = recall_at_10(ann, chunks)
        info.update(ann=ann, means=means, rowids=rowids, type=ann.kind, requested=self.options.index, vectors=ann.size,
                    recall_at_10=round(recall, 4), recall_sample=sample, params=ann.params(),
                    memory_mb=round(ann.memory_bytes() / 2**20, 1), recentred=rebuild and old is not None)
        return added

    # -- neighbours -----------------------------------------------------------------------
    def _neighbours(self, ann: Ann, means: centre.Means, rowid_at: np.ndarray[Any, Any]) -> int:
        """``rowid_at``: the rowid of each index position (every embedded segment, in rowid order)."""
        n = ann.size
        fresh = len(rowid_at) - int(self.store.query("SELECT count(*) FROM batch_neighbours")[0][0])
        stale = int(self.store.query("SELECT count(*) FROM batch_neighbours WHERE upto < ?", (n,))[0][0])
        done = 0
        with self._bar("neighbours", fresh + stale, " segment") as bar:
            after = 0
            while todo := self.state.without_neighbours(after, SEARCH_CHUNK):
                raw, langs = self.state.vectors_of(todo)
                sims, pos = ann.search(centre.centre(raw, langs, means), KEEP + 1)
                rows = []
                for r, srow, prow in zip(todo, sims, pos, strict=True):
                    ok = prow >= 0
                    ids, s = rowid_at[prow[ok]], srow[ok]
                    mine = ids != r
                    rows.append((r, n, ids[mine][:KEEP], s[mine][:KEEP]))
                self.state.set_neighbours(rows)
                done, after = done + len(todo), todo[-1]
                bar.update(len(todo))
            blocks: dict[int, Ann] = {}
            after = 0
            while stale_rows := self.state.stale_neighbours(n, after, SEARCH_CHUNK):
                rows = []
                for upto in sorted({u for _, u in stale_rows}):
                    if upto not in blocks:  # the vectors indexed since these lists were made
                        blocks[upto] = Ann.empty("flat", self.embedder.dim)
                        for _, raw, langs in self.state.vector_chunks(int(rowid_at[upto - 1]) if upto else 0):
                            blocks[upto].add(centre.centre(raw, langs, means))
                    group = [r for r, u in stale_rows if u == upto]
                    rows.extend(self._merged(group, blocks[upto], upto, n, rowid_at, means))
                self.state.set_neighbours(rows)
                done, after = done + len(stale_rows), stale_rows[-1][0]
                bar.update(len(stale_rows))
        return done

    def _merged(self, group: list[int], block: Ann, upto: int, n: int, rowid_at: np.ndarray[Any, Any],
                means: centre.Means) -> list[tuple[int, int, np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """Old lists merged with the nearest of the vectors added since (positions ``upto``..n)."""
        raw, langs = self.state.vectors_of(group)
        sims, pos = block.search(centre.centre(raw, langs, means), KEEP)
        old = self.state.neighbours_of(group)
        rows = []
        for r, srow, prow in zip(group, sims, pos, strict=True):
            ok = prow >= 0
            ids = np.concatenate([old[r][0], rowid_at[upto + prow[ok]]])
            s = np.concatenate([old[r][1], srow[ok]])
            order = np.argsort(-s, kind="stable")
            order = order[ids[order] != r][:KEEP]
            rows.append((r, n, ids[order], s[order]))
        return rows

    # -- match ----------------------------------------------------------------------------
    def _match(self, result: dict[str, Any]) -> int:
        nodes = self.state.nodes()
        keys, nb_ids, nb_sims = self.state.all_neighbours(KEEP)
        if not np.array_equal(keys, nodes.rowids):
            raise InputError("the work store's neighbour lists do not match its segments; delete OUT/work")
        copies = self._republications(nodes, nb_ids, nb_sims)
        keep = np.asarray([a not in copies for a in nodes.articles], dtype=bool)
        kept = np.flatnonzero(keep)
        rowids = nodes.rowids[kept]

        def lists(positions: np.ndarray[Any, Any], k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
            return nb_sims[positions, :k], nb_ids[positions, :k]

        hood = match.neighbourhood(kept, lists, rowids, MATCH_CANDIDATES, self.settings.match_k)
        graph = [match.Node(int(nodes.rowids[p]), nodes.outlets[p], nodes.articles[p], parse_time(nodes.times[p]),
                            nodes.langs[p]) for p in kept]
        edges = match.links(graph, hood, self.settings.time_window_hours)
        groups = match.components(len(graph), edges)
        group_of = np.empty(len(graph), dtype=np.int64)
        for g, members in enumerate(groups):
            group_of[members] = g
        by_group: dict[int, list[match.Link]] = defaultdict(list)
        for e in edges:
            by_group[int(group_of[e.a])].append(e)
        events = []
        for g, members in enumerate(groups):
            positions = [int(kept[i]) for i in members]
            ids = [nodes.ids[p] for p in positions]
            times = [t for t in (nodes.times[p] for p in positions) if t]
            events.append((max(times) if times else "", match.event_id(ids), g))
        events.sort(reverse=True)
        result.update(nodes=nodes, kept=kept, groups=groups, by_group=by_group, order=events, copies=copies)
        return len(graph)

    def _republications(self, nodes: Nodes, nb_ids: np.ndarray[Any, Any],
                        nb_sims: np.ndarray[Any, Any]) -> dict[str, str]:
        """Aggregator copies among all segments, from the stored lists; stored on their articles."""
        info = {int(r): (a, o, lg) for r, a, o, lg in zip(nodes.rowids, nodes.articles, nodes.outlets, nodes.langs,
                                                             strict=True)}
        close = nb_sims >= NEAR_COPY
        nearest = {int(r): [(int(i), float(s)) for i, s in zip(nb_ids[n][close[n]], nb_sims[n][close[n]],
                                                                 strict=True)]
                   for n, r in enumerate(nodes.rowids)}
        found = find_republications(info, nearest)
        stored = self.store.duplicates()
        for copy, original in found.items():
            if stored.get(copy) != original:
                self.store.set_duplicate(copy, original)
        return {**stored, **found}

    # -- write ----------------------------------------------------------------------------
    def _write(self, result: dict[str, Any], means: centre.Means) -> int:
        out = self.options.out
        nodes: Nodes = result["nodes"]
        kept, groups, by_group = result["kept"], result["groups"], result["by_group"]
        republished: dict[str, list[dict[str, str]]] = {}
        for copy, original in sorted(result["copies"].items()):
            republished.setdefault(original, []).append({"article_id": copy,
                                                         "outlet": self.store.article(copy)["outlet"]})
        outlets = sorted(o["outlet"] for o in self.store.outlets())
        report = Report(out / "report")
        means_tag = hashlib.sha1(b"".join(means[k].tobytes() for k in sorted(means))).hexdigest()[:12]
        changes = Changes(self.state.previous_members())
        listed: list[dict[str, Any]] = []
        fresh: list[tuple[str, str, dict[str, Any]]] = []
        pairs = 0
        translations = self.store.meta("batch_translations")
        with (_AtomicLines(out / "events.jsonl") as events_out, _AtomicLines(out / "pairs.jsonl") as pairs_out,
              self._bar("write", len(result["order"]), " event") as bar):
            for _, event_id, g in result["order"]:
                positions = [int(kept[i]) for i in groups[g]]
                local = {i: n for n, i in enumerate(groups[g])}
                edges = [match.Link(local[e.a], local[e.b], e.cosine, e.margin, e.score, e.hours_apart, e.rule)
                         for e in by_group.get(g, [])]
                ids = [nodes.ids[p] for p in positions]
                copies = {nodes.articles[p]: republished[nodes.articles[p]] for p in positions
                          if nodes.articles[p] in republished}
                signature = hashlib.sha1(json.dumps([ids, [list(e.__dict__.values()) for e in edges], copies,
                                                     translations], sort_keys=True).encode()).hexdigest()
                event = self.state.cached_event(event_id, signature)
                if event is None:
                    event = self._event([int(nodes.rowids[p]) for p in positions], edges, copies)
                    fresh.append((event_id, signature, event))
                    if len(fresh) >= 256:
                        self.state.cache_events(fresh)
                        fresh = []
                events_out.write(json.dumps(event, ensure_ascii=False))
                by_id = {m["segment_id"]: m for m in event["members"]}
                for e in sorted(edges, key=lambda x: (x.a, x.b)):
                    a, b = by_id[ids[e.a]], by_id[ids[e.b]]
                    if a["outlet"] != b["outlet"]:
                        pairs_out.write(json.dumps(_pair(event_id, a, b, e), ensure_ascii=False))
                        pairs += 1
                cross = len(event["outlets"]) > 1
                changes.record(event_id, ids, cross)
                if cross:
                    report.event(self._view(event, outlets, means_tag, means))
                    listed.append(_slim(event))
                bar.update(1)
        self.state.cache_events(fresh)
        report.index(listed, outlets)
        self.state.set_members(changes.now)
        self.state.prune_events()
        result.update(events=len(result["order"]), cross=len(listed), pairs=pairs, pages=len(listed),
                      pages_changed=report.changed, changes=changes.to_json())
        return len(result["order"])

    def _event(self, rowids: list[int], edges: list[match.Link],
               copies: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
        """An event in the shape of `align match`, from its members' rows and its links."""
        rows = self.store.segments_by_rowid(rowids)
        event = event_json([rows[r] for r in rowids], list(range(len(rowids))), edges, self.sources_table)
        for m in event["members"]:
            if m["article_id"] in copies:
                m["republished_by"] = copies[m["article_id"]]
        return event

    def _view(self, event: dict[str, Any], outlets: list[str], means_tag: str,
              means: centre.Means) -> dict[str, Any]:
        """What the server's event page shows: coverage, missing outlets, fact table, sentence alignment."""
        coverage: dict[str, list[str]] = {}
        for m in event["members"]:
            coverage.setdefault(m["outlet"], []).append(m["segment_id"])
        key = hashlib.sha1(json.dumps([means_tag, [(m["segment_id"], m["lang"]) for m in event["members"]]])
                           .encode()).hexdigest()
        pairs = self.state.cached_alignment(key)
        if pairs is None:
            pairs = align_sentences(event["members"], self.embedder, lambda v, lg: centre.centre(v, lg, means))
            self.state.cache_alignment(key, pairs)
        return {**event, "coverage": {o: coverage.get(o, []) for o in outlets},
                "missing_outlets": [o for o in outlets if o not in coverage],
                "fact_table": fact_table(event["members"]), "alignment": pairs}

    # -- summary --------------------------------------------------------------------------
    def _summary(self, run: Run, index: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
        counts = self.store.counts()
        one = self.store.query
        translated = int(one("SELECT count(*) FROM segments WHERE translation IS NOT NULL")[0][0])
        reasons = {r[0]: int(r[1]) for r in one("SELECT translation_note, count(*) FROM segments WHERE"
                                                  " translation_note IS NOT NULL GROUP BY translation_note")}
        skipped = [{"source": p.source, "reason": p.message} for p in run.path_problems] + self.state.problems()
        driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "inputs": {"files": run.files, "records": self.state.records_read(), "skipped": len(skipped)},
            "counts": {"articles": counts["articles"], "segments": counts["segments"], "embedded": counts["embedded"],
                       "translated": translated, "untranslated": reasons,
                       "republished_articles": len(result["copies"]), "events": result["events"],
                       "cross_outlet_events": result["cross"], "pairs": result["pairs"],
                       "report_pages": result["pages"]},
            "skipped": skipped,
            "index": index,
            "outputs": {"events": "events.jsonl", "pairs": "pairs.jsonl", "report": "report/index.html",
                        "work": "work/"},
            "run": {
                "engine": self.options.engine, "workers": self.workers, "embedder": self.settings.embedder,
                "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "stages": {k: v.to_json() for k, v in run.stages.items()},
                "peak_rss_mb": {"driver": round(driver, 1), "worker_processes": round(children, 1)},
                "changes": result["changes"], "report_pages_written": result["pages_changed"],
            },
        }


def _pair(event_id: str, a: dict[str, Any], b: dict[str, Any], e: match.Link) -> dict[str, Any]:
    return {"event_id": event_id, "a": a["segment_id"], "b": b["segment_id"],
            "outlet_a": a["outlet"], "outlet_b": b["outlet"], "lang_a": a["lang"], "lang_b": b["lang"],
            "cosine": e.cosine, "margin": e.margin, "score": e.score, "hours_apart": e.hours_apart, "rule": e.rule}


class Changes:
    """How this run's events relate to the previous run's, by their members."""

    def __init__(self, previous: dict[str, str]) -> None:
        self.previous = previous
        self.sizes = Counter(previous.values())
        self.counts: Counter[str] = Counter()
        self.ids: dict[str, list[str]] = defaultdict(list)
        self.spread: dict[str, set[str]] = defaultdict(set)
        self.now: dict[str, str] = {}

    def record(self, event_id: str, members: list[str], cross_outlet: bool) -> str:
        """``new`` (no member seen before), ``merged`` (members of several old events),
        ``unchanged`` (exactly an old event's members) or ``grown``."""
        before = {self.previous[i] for i in members if i in self.previous}
        for old in before:
            self.spread[old].add(event_id)
        if not before:
            kind = "new"
        elif len(before) > 1:
            kind = "merged"
        elif all(i in self.previous for i in members) and self.sizes[next(iter(before))] == len(members):
            kind = "unchanged"
        else:
            kind = "grown"
        self.counts[kind] += 1
        if cross_outlet and kind != "unchanged":
            self.ids[kind].append(event_id)
        for i in members:
            self.now[i] = event_id
        return kind

    def to_json(self) -> dict[str, Any]:
        split = sum(1 for spread in self.spread.values() if len(spread) > 1)
        return {**{k: self.counts.get(k, 0) for k in ("new", "grown", "merged", "unchanged")}, "split": split,
                "cross_outlet": {k: v[:200] for k, v in sorted(self.ids.items())}}


def _slim(event: dict[str, Any]) -> dict[str, Any]:
    """What the index page needs of an event (no texts: the list of every event stays small)."""
    return {"event_id": event["event_id"], "title": event["title"], "outlets": event["outlets"],
            "langs": event["langs"], "members": [{k: m.get(k) for k in ("outlet", "lang", "time", "published")}
                                                 for m in event["members"]]}


class _AtomicLines:
    """A JSON Lines file written beside its target and renamed over it when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")

    def __enter__(self) -> _AtomicLines:
        self.fh = open(self.tmp, "w", encoding="utf-8")
        return self

    def write(self, line: str) -> None:
        self.fh.write(line + "\n")

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
