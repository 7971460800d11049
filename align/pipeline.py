"""The one facade that the CLI, the API and batch jobs call.

Data flows one way: ingest → segment → detect → embed → index → match. Each step is a
method here that reads what the previous one stored, so any step can be re-run alone and
a crashed run resumes from what was committed.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from . import match
from .aliases import AliasTable
from .alignment import align_sentences
from .attribution import quotes, registry, sources
from .compare import analyse, compare_texts, fact_table
from .detect import TARGETS, detect
from .embed import Embedder, embed_segments, make_embedder
from .errors import InputError, NotFound
from .index import IndexDir
from .ingest import ArticleInput, Problem, make_article, read_paths
from .lock import IndexLock
from .segment import Segment, segment
from .settings import Settings
from .store import ArticleRow, SegmentRow, Store
from .translate import Translator, missing_message

T = TypeVar("T")
EMBED_BATCH_SEGMENTS = 32
SEARCH_CANDIDATES = 64
NEAR_COPY = 0.95  # centred cosine of a segment and its re-published copy
MATCH_CANDIDATES = 32


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    segments: int = 0


@dataclass
class BuildReport:
    detected: int = 0
    embedded: int = 0
    indexed: int = 0
    recentred: bool = False
    translated: int = 0
    untranslated: dict[str, int] = field(default_factory=dict)  # reason -> segments


class Align:
    """An index directory opened with the settings' embedder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, *, lock: bool = False) -> None:
        """Open an index directory. ``lock=True`` makes this process its only writer until close()."""
        self.settings = settings
        self._lock = IndexLock(settings.index_dir, settings.lock_timeout).acquire() if lock else None
        self.embedder = embedder or make_embedder(settings.embedder, settings.threads, settings.batch_size)
        self.index = IndexDir(settings.index_dir, self.embedder)
        self.store = self.index.store
        self._translator: Translator | None = None
        self._event_index: tuple[str | None, dict[str, str]] | None = None
        self._alignments: dict[tuple[str | None, str], list[tuple[str, str, float]]] = {}
        self.sources_table = registry(settings.sources_file if str(settings.sources_file) not in {"", "."} else None)

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
    def ingest(self, paths: list[Path], outlet: str | None = None) -> IngestReport:
        """Store new articles from files and folders; known content is left as it is."""
        return self.ingest_inputs(read_paths(paths, outlet))

    def ingest_inputs(self, inputs: Iterable[ArticleInput | Problem]) -> IngestReport:
        report = IngestReport()
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

    # -- detect + embed + index ---------------------------------------------------------
    def build(self) -> BuildReport:
        """Detect, embed and index whatever is new."""
        report = BuildReport()
        articles = self.store.articles_needing_detection()
        langs_of: dict[str, str] = {}
        with self.store.transaction() as db:
            for a in self._progress(articles, "detect articles"):
                lang, code = article_lang(a["text"], a["lang_given"])
                self.store.set_article_lang(db, a["id"], lang, code)
                langs_of[a["id"]] = lang
                report.detected += 1
        todo = self.store.unembedded()
        with self.store.transaction() as db:
            for s in self._progress([s for s in todo if s.lang is None], "detect segments"):
                lang, code = self._segment_lang(s, langs_of)
                self.store.set_segment_lang(db, s.rowid, lang, code)
        todo = self.store.unembedded()
        batches = [todo[i : i + EMBED_BATCH_SEGMENTS] for i in range(0, len(todo), EMBED_BATCH_SEGMENTS)]
        done: list[np.ndarray[Any, Any]] = []
        for batch in self._progress(batches, "embed", total=len(batches)):
            vectors = embed_segments(self.embedder, [s.text for s in batch])
            with self.store.transaction() as db:
                self.store.set_vectors(db, [s.rowid for s in batch], vectors)
            done.append(vectors)
            report.embedded += len(batch)
        if todo:
            langs = [s.lang or "other" for s in todo]
            raw = np.concatenate(done)
            report.recentred = self.index.add([s.rowid for s in todo], raw, langs)
            self._store_densities([s.rowid for s in todo], raw, langs)
            report.indexed = len(todo)
        self._translate_segments(report)
        return report

    def _translate_segments(self, report: BuildReport) -> None:
        """English for every non-English segment whose pair has a model; a reason for the rest."""
        by_lang: dict[str, list[SegmentRow]] = {}
        for s in self.store.untranslated(("bg", "ru", "uk")):
            by_lang.setdefault(s.lang or "other", []).append(s)
        for lang, segs in by_lang.items():
            done, note = translate_rows(self.store, self.translator, lang, segs, self._progress)
            report.translated += done
            if note:
                report.untranslated[note] = report.untranslated.get(note, 0) + len(segs)

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

    def _segment_lang(self, s: SegmentRow, article_langs: dict[str, str]) -> tuple[str, str | None]:
        parent = article_langs.get(s.article_id) or self.store.article(s.article_id)["lang"]
        return segment_lang(s.text, parent)

    # -- match ----------------------------------------------------------------------------
    def match(self) -> list[dict[str, Any]]:
        """Cluster every indexed segment into events across outlets; store and return them."""
        ids, raw, langs = self.store.vectors()
        copies = self.store.duplicates()
        if copies and len(ids):
            owner = {r: s.article_id for r, s in self.store.segments_by_rowid(ids.tolist()).items()}
            keep = np.asarray([owner[int(r)] not in copies for r in ids])
            ids, raw, langs = ids[keep], raw[keep], [lg for lg, k in zip(langs, keep, strict=True) if k]
        if len(ids) == 0:
            self.store.replace_events([])
            return []
        vectors = self.index.centred(raw, langs)
        hood = match.neighbourhood(vectors, self.index.search, ids, MATCH_CANDIDATES, self.settings.match_k)
        rows = self.store.segments_by_rowid(ids.tolist())
        segs = [rows[int(r)] for r in ids]
        nodes = [match.Node(s.rowid, s.outlet, s.article_id, parse_time(s.time or s.published), s.lang or "other")
                 for s in segs]
        self.store.set_densities([(float(d), int(r)) for d, r in zip(hood.density, ids, strict=True)])
        edges = match.links(nodes, hood, self.settings.time_window_hours)
        events = [event_json(segs, group, edges, self.sources_table) for group in match.components(len(nodes), edges)]
        if copies:
            republished: dict[str, list[dict[str, str]]] = {}
            for copy, original in copies.items():
                republished.setdefault(original, []).append({"article_id": copy,
                                                             "outlet": self.store.article(copy)["outlet"]})
            for e in events:
                for m in e["members"]:
                    if m["article_id"] in republished:
                        m["republished_by"] = republished[m["article_id"]]
        events.sort(key=lambda e: (e["time"] or "", e["event_id"]), reverse=True)
        self.store.replace_events(events)
        self.store.set_meta("events_stale", "0")
        return events

    # -- search ---------------------------------------------------------------------------
    def search(
        self, text: str, k: int = 10, outlet: str | None = None, lang: str | None = None,
        quotes: str | None = None, since: str | None = None, until: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> list[dict[str, Any]]:
        """Segments most similar to ``text`` (any of the four languages), best first.

        Pass a dict as ``timings`` to learn how the time split: ``embed_ms`` and ``total_ms``.
        """
        started = time.perf_counter()
        if not text or not text.strip():
            raise InputError("the query is empty")
        if k < 1:
            raise InputError("k must be at least 1")
        found = detect(text)
        embed_started = time.perf_counter()
        query = self.index.centred(embed_segments(self.embedder, [text]), [found.lang])
        embed_ms = 1000 * (time.perf_counter() - embed_started)
        start, end = _bound(since, "since"), _bound(until, "until")

        def keep(s: SegmentRow) -> bool:
            when = parse_time(s.time or s.published)
            return ((outlet is None or s.outlet == outlet) and (lang is None or s.lang == lang)
                    and (start is None or (when is not None and _naive(when) >= start))
                    and (end is None or (when is not None and _naive(when) <= end))
                    and (quotes is None or quotes_source(s.text, quotes, self.sources_table)))

        hits = [{**hit, "query_lang": found.lang} for hit in self._ranked(query, k, keep)]
        if timings is not None:
            timings.update(embed_ms=round(embed_ms, 2), total_ms=round(1000 * (time.perf_counter() - started), 2))
        return hits

    def similar(self, segment_id: str, k: int = 10, other_outlets: bool = True) -> list[dict[str, Any]]:
        """The stored segments nearest to one segment, from other outlets unless told otherwise."""
        seg = self.store.segment(segment_id)
        query = self.index.reconstruct([seg.rowid])

        def keep(s: SegmentRow) -> bool:
            return s.rowid != seg.rowid and not (other_outlets and s.outlet == seg.outlet)

        return self._ranked(query, k, keep)

    def _ranked(self, query: np.ndarray[Any, Any], k: int, keep: Callable[[SegmentRow], bool]) -> list[dict[str, Any]]:
        """Nearest stored segments that pass ``keep``, with calibrated margin scores."""
        wanted = max(SEARCH_CANDIDATES, k * 4)
        while True:  # widen the candidate list until the filters leave k hits or nothing is left
            sims, ids = self.index.search(query, wanted)
            valid = [(float(s), int(i)) for s, i in zip(sims[0], ids[0], strict=True) if i >= 0]
            rows = self.store.segments_by_rowid([i for _, i in valid])
            hits = [(s, rows[i]) for s, i in valid if i in rows and keep(rows[i])]
            if len(hits) >= k or len(valid) < wanted:
                break
            wanted *= 4
        hits = hits[:k]
        if not hits:
            return []
        q_density = float(match.density(sims[:, :], self.settings.match_k)[0])
        h_density = self._densities([s for _, s in hits], q_density)
        event_of = self.event_index()
        out = []
        for (cos, s), dens in zip(hits, h_density, strict=True):
            margin = cos / max(1e-6, (q_density + float(dens)) / 2)
            out.append({**segment_json(s, self.sources_table), "score": round(match.calibrate(margin), 4),
                        "cosine": round(cos, 4), "margin": round(margin, 4), "event_id": event_of.get(s.id)})
        return out

    def _densities(self, segs: list[SegmentRow], fallback: float) -> list[float]:
        """Each segment's neighbourhood density as stored by build or match; ``fallback`` (the
        query's own) where none is stored yet. Measuring it here would cost one more FAISS
        search per hit: most of a search's time on a large index."""
        return [s.density if s.density is not None else fallback for s in segs]

    def _store_densities(self, rowids: list[int], raw: np.ndarray[Any, Any], langs: list[str]) -> None:
        """Densities of newly indexed segments (their neighbours' mean similarity, self excluded),
        and, from the same search, republications of articles already stored."""
        nearest: dict[int, list[tuple[int, float]]] = {}
        for lo in range(0, len(rowids), 1024):
            vecs = self.index.centred(raw[lo : lo + 1024], langs[lo : lo + 1024])
            sims, ids = self.index.search(vecs, self.settings.match_k + 1)
            values = match.density(sims[:, 1:], self.settings.match_k)
            self.store.set_densities([(float(v), r) for v, r in zip(values, rowids[lo : lo + 1024], strict=True)])
            for r, row_sims, row_ids in zip(rowids[lo : lo + 1024], sims, ids, strict=True):
                nearest[r] = [(int(i), float(s)) for s, i in zip(row_sims, row_ids, strict=True) if i >= 0 and i != r]
        mark_republications(self.store, nearest)

    def compare(self, a: str, b: str) -> dict[str, Any]:
        """Sources and facts of two stored segments: agree, differ, only in one."""
        left, right = self.store.segment(a), self.store.segment(b)
        return {"a": _brief(left), "b": _brief(right), **compare_texts(left.text, right.text, self.sources_table)}

    # -- views for the API and pages ------------------------------------------------------
    def ingest_records(self, records: list[Any]) -> tuple[IngestReport, list[str]]:
        """Ingest request records (JSON Lines fields); returns the report and each record's article id."""
        inputs: list[ArticleInput | Problem] = []
        ids: list[str] = []
        for i, record in enumerate(records):
            try:
                item = make_article(record, source=f"articles[{i}]", raw=json.dumps(record, ensure_ascii=False))
                inputs.append(item)
                ids.append(self.store.find_by_hash(item.content_hash) or item.article_id)
            except InputError as exc:
                raise InputError(f"articles[{i}]: {exc.message}") from exc
        report = self.ingest_inputs(inputs)
        if report.problems:
            raise InputError("; ".join(str(p) for p in report.problems))
        return report, ids

    def article_view(self, article_id: str) -> dict[str, Any]:
        article = self.store.article(article_id)
        segs = self.store.segments("WHERE s.article_id = ?", (article_id,))
        keep = ("id", "outlet", "title", "url", "published", "lang", "lang_code", "text", "ingested_at",
                "encoding", "encoding_note", "duplicate_of")
        return {**{k: article[k] for k in keep}, "segments": [segment_json(s, self.sources_table) for s in segs]}

    def segment_view(self, segment_id: str) -> dict[str, Any]:
        s = self.store.segment(segment_id)
        return {**segment_json(s, self.sources_table), "event_id": self.event_index().get(s.id)}

    def events(self, since: str | None = None, until: str | None = None, outlet: str | None = None,
               lang: str | None = None) -> list[dict[str, Any]]:
        """Stored events (recomputed when articles changed since the last match), filtered."""
        if self.store.meta("events_stale") != "0":
            self.match()
        start, end = _bound(since, "since"), _bound(until, "until")
        out = []
        for e in self.store.events():
            when = parse_time(e.get("time"))
            if outlet is not None and outlet not in e["outlets"]:
                continue
            if lang is not None and lang not in e.get("langs", []):
                continue
            if start is not None and (when is None or _naive(when) < start):
                continue
            if end is not None and (when is None or _naive(when) > end):
                continue
            out.append(e)
        return out

    def event_view(self, event_id: str) -> dict[str, Any]:
        for e in self.events():
            if e["event_id"] == event_id:
                coverage: dict[str, list[str]] = {}
                for m in e["members"]:
                    coverage.setdefault(m["outlet"], []).append(m["segment_id"])
                outlets = sorted({a["outlet"] for a in self.store.outlets()})
                return {**e, "coverage": {o: coverage.get(o, []) for o in outlets},
                        "missing_outlets": [o for o in outlets if o not in coverage],
                        "fact_table": fact_table(e["members"]),
                        "alignment": self.sentence_alignment(e)}
        raise NotFound(f"no event with id {event_id!r}")

    def sentence_alignment(self, event: dict[str, Any]) -> list[tuple[str, str, float]]:
        """Aligned sentence pairs of an event's members (cached per event and version of events)."""
        key = (self.store.meta("events_version"), event["event_id"])
        if key not in self._alignments:
            self._alignments[key] = align_sentences(event["members"], self.embedder, self.index.centred)
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


# -- steps shared by the facade and batch jobs ------------------------------------------------
def admit(store: Store, item: ArticleInput | Problem) -> Problem | str | None:
    """Whether an input may be stored: None when new, the stored id when its content is
    known, a Problem when it must be skipped (an exact copy, or an id taken by other content)."""
    if isinstance(item, Problem):
        return item
    known = store.find_by_hash(item.content_hash)
    if known is not None:
        return known
    same = store.find_same_text(item.text)
    if same is not None:
        return Problem(item.source, f"exact duplicate of article {same!r} ({store.article(same)['outlet']}); skipped")
    if store.has_article(item.article_id):
        return Problem(item.source, f"article id {item.article_id!r} is already stored with other content; skipped")
    return None


def store_article(store: Store, db: sqlite3.Connection, item: ArticleInput) -> int:
    """Write an article and its segments inside the caller's transaction; returns the segment count."""
    segments = segment(item.text, item.title)
    row = ArticleRow(item.article_id, item.outlet, item.title or _title_of(item.text), item.url,
                     item.published, item.lang, item.text, item.raw, item.content_hash, item.source,
                     item.encoding, item.encoding_note)
    store.add_article(db, row)
    store.add_segments(db, (
        (f"{row.id}:{s.ord}", row.id, s.ord, s.start, s.end, s.kind, s.timestamp,
         segment_time(item.published, s), s.text) for s in segments
    ))
    return len(segments)


def article_lang(text: str, given: str | None) -> tuple[str, str | None]:
    """An article's language: what the input said (``other`` outside the four), else detected."""
    if given:
        return (given if given in TARGETS else "other"), given
    found = detect(text)
    return found.lang, found.code


def segment_lang(text: str, parent: str | None) -> tuple[str, str | None]:
    """A segment's own language; short or unsure segments take their article's."""
    found = detect(text)
    if parent in TARGETS and (found.confidence < 0.5 or len(text.split()) < 3):
        return parent, parent
    return found.lang, found.code


TranslationRow = tuple[int, str | None, str | None, str | None]  # rowid, English, model version, note


def translations(translator: Translator, lang: str, items: list[tuple[int, str]]) -> list[TranslationRow]:
    """English for (rowid, text) items of one language, or the reason on each when no model is installed."""
    if not translator.available(lang, "en"):
        note = missing_message(lang, "en")
        return [(r, None, None, note) for r, _ in items]
    version = translator.model_version(lang, "en")
    english = translator.translate([t for _, t in items], lang, "en")
    return [(r, t, version, None) for (r, _), t in zip(items, english, strict=True)]


def translate_rows(store: Store, translator: Translator, lang: str, segs: list[SegmentRow],
                   progress: Callable[..., Iterator[Any]]) -> tuple[int, str | None]:
    """Translate one language's segments to English and store them; without a model, store the
    reason instead. Returns (segments translated, the reason when none could be)."""
    if not translator.available(lang, "en"):
        with store.transaction() as db:
            store.set_translations(db, translations(translator, lang, [(s.rowid, s.text) for s in segs]))
        return 0, missing_message(lang, "en")
    batches = [segs[i : i + EMBED_BATCH_SEGMENTS] for i in range(0, len(segs), EMBED_BATCH_SEGMENTS)]
    for batch in progress(batches, f"translate {lang}→en", total=len(batches)):
        rows = translations(translator, lang, [(s.rowid, s.text) for s in batch])
        with store.transaction() as db:
            store.set_translations(db, rows)
    return len(segs), None


def mark_republications(store: Store, nearest: dict[int, list[tuple[int, float]]]) -> None:
    """Store what :func:`find_republications` finds among these segments' neighbours."""
    wanted = sorted(set(nearest) | {i for found in nearest.values() for i, _ in found})
    info = {r: (s.article_id, s.outlet, s.lang) for r, s in store.segments_by_rowid(wanted).items()}
    for copy, original in find_republications(info, nearest).items():
        store.set_duplicate(copy, original)


def find_republications(info: Mapping[int, tuple[str, str, str | None]],
                        nearest: Mapping[int, list[tuple[int, float]]]) -> dict[str, str]:
    """Article → the article it republishes: most of its segments (by rowid, with their
    neighbours' rowids and cosines) are near-copies of one earlier article of another outlet
    in the same language (an aggregator re-publishing France24). ``info`` gives each rowid's
    (article id, outlet, language)."""
    per_article: dict[str, list[str]] = {}
    for r, candidates in nearest.items():
        article, outlet, lang = info[r]
        original = next((info[i][0] for i, s in candidates if i in info and s >= NEAR_COPY and i < r
                         and info[i][0] != article and info[i][1] != outlet and info[i][2] == lang), None)
        per_article.setdefault(article, []).append(original or "")
    found = {}
    for article_id, originals in per_article.items():
        best = max(set(originals), key=originals.count)
        if best and originals.count(best) >= 0.6 * len(originals):
            found[article_id] = best
    return found

def quotes_source(text: str, name: str, table: AliasTable | None = None) -> bool:
    return quotes(sources(text, table), name)


def _brief(s: SegmentRow) -> dict[str, Any]:
    return {"segment_id": s.id, "article_id": s.article_id, "outlet": s.outlet, "lang": s.lang,
            "title": segment_heading(s)}


def detect_lines(lines: Iterable[str]) -> Iterator[str]:
    """One language code per input line (``other`` for anything else)."""
    for line in lines:
        yield detect(line).lang


def _naive(when: datetime) -> datetime:
    return when.replace(tzinfo=None)


def _bound(value: str | None, name: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    when = parse_time(value.strip().replace("Z", "+00:00"))
    if when is None:
        raise InputError(f"'{name}' is not an ISO 8601 date: {value!r}")
    return _naive(when)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def segment_time(published: str | None, seg: Segment) -> str | None:
    """The segment's own time: the article's date with the entry's clock time, when both exist."""
    day = parse_time(published)
    if day is None:
        return None
    if not seg.timestamp:
        return day.isoformat()
    clock = seg.timestamp.lower().replace(".", ":").replace(" ", "")
    digits = "".join(ch for ch in clock if ch.isdigit() or ch == ":")
    try:
        hour, minute = (int(x) for x in digits.split(":")[:2])
    except ValueError:
        return day.isoformat()
    if "pm" in clock.replace(":", "") and hour < 12:
        hour += 12
    if "am" in clock.replace(":", "") and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return day.isoformat()
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def _title_of(text: str) -> str | None:
    first = text.split("\n", 1)[0].strip()
    return first[:200] if first else None


def segment_heading(s: SegmentRow) -> str:
    """A one-line label for a segment: its heading line, else its first sentence."""
    from .segment import _TIMESTAMP_RE

    if s.kind == "body" and s.title:
        return s.title
    from .sentences import split_sentences

    first = s.text.split("\n", 1)[0].strip()
    first = _TIMESTAMP_RE.sub("", first, count=1).strip() or first
    if len(first) > 160:
        sentences = split_sentences(first)
        first = sentences[0] if sentences else first
    return first if len(first) <= 160 else first[:157].rstrip() + "..."


def segment_json(s: SegmentRow, table: AliasTable | None = None) -> dict[str, Any]:
    found_sources, found_facts = analyse(s.text, table)
    return {
        "article_id": s.article_id,
        "segment_id": s.id,
        "outlet": s.outlet,
        "lang": s.lang,
        "published": s.published,
        "time": s.time,
        "timestamp": s.timestamp,
        "title": segment_heading(s),
        "text": s.text,
        "span": [s.start, s.end],
        "translation": s.translation,
        "translation_model": s.translation_model,
        "translation_reason": None if s.translation else _why_untranslated(s),
        "sources": [x.to_json() for x in found_sources],
        "facts": [f.to_json() for f in found_facts],
    }


def _why_untranslated(s: SegmentRow) -> str:
    if s.lang == "en":
        return "the segment is in English"
    if s.translation_note:
        return s.translation_note
    if s.lang not in TARGETS:
        return f"language {s.lang_code or 'unknown'} is not one align translates"
    return "not translated yet: run align build"


def event_json(segs: list[SegmentRow], group: list[int], edges: list[match.Link],
               table: AliasTable | None = None) -> dict[str, Any]:
    """One event in the shape `align match` writes: the segments at ``group`` and their links."""
    inside = set(group)
    mine = [e for e in edges if e.a in inside and e.b in inside]
    members = []
    for i in group:
        own = [e for e in mine if i in (e.a, e.b)]
        evidence = [{"segment_id": segs[e.b if e.a == i else e.a].id, "cosine": e.cosine, "margin": e.margin,
                     "score": e.score, "hours_apart": e.hours_apart, "rule": e.rule} for e in own]
        members.append({**segment_json(segs[i], table), "score": max((e.score for e in own), default=None),
                        "evidence": sorted(evidence, key=lambda x: -float(x["score"] or 0.0))})
    members.sort(key=lambda m: (m["outlet"], m["time"] or "", m["segment_id"]))
    lead = min((segs[i] for i in group), key=lambda s: (s.lang != "en", s.time or "", s.id))
    times = [t for t in (segs[i].time or segs[i].published for i in group) if t]
    return {
        "event_id": match.event_id([segs[i].id for i in group]),
        "title": segment_heading(lead),
        "outlets": sorted({segs[i].outlet for i in group}),
        "langs": sorted({segs[i].lang or "other" for i in group}),
        "time": max(times) if times else None,
        "members": members,
    }
