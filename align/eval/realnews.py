"""Real cross-outlet news: does the pipeline put the same story, and only it, in one event?

Four sets of ``../shared/eval`` (none written for align), each read into a *pool* of
articles that the real pipeline ingests, builds and matches:

``tgcontest-train`` (ru, en)
    article pairs labelled by people as the same story (OK) or a different story, usually
    on the same topic (BAD); outlet = the URL's host; all on one day. Pair precision,
    recall and F1 of "in one event".
``semeval2022-t8``
    article pairs with a human similarity ``overall`` from 1 (same event) to 4; same event
    at ≤ 1.5, different at ≥ 3. Pair accuracy of "in one event", and the Pearson correlation
    of the link model's probability with 5 − ``overall`` over every pair (anchor 0.818).
``bsnlp-dev``
    bg/ru/uk articles of three long-running topics, no event labels: an event joining two
    topics is wrong (purity of linked article pairs), the largest event, links across
    languages (all, and on the same day), and events made of page furniture.
``wmt22`` ru-en, uk-en
    news documents and their English versions cut to the first 60%, all on one day: pair
    precision and recall of documents with their twins.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from ..ingest import ArticleInput, Problem, make_article
from ..records import EventJson
from ..settings import Settings
from ..vectors.embed import Embedder

csv.field_size_limit(2**31 - 1)
SAME, DIFFERENT = 1.5, 3.0  # SemEval: overall at most SAME is one event, at least DIFFERENT is not
DAY = "2019-11-14"  # tgcontest articles carry no date: one day, as in the contest


@dataclass
class Pool:
    """Articles to run through the pipeline, and what is known about them."""

    name: str
    records: list[dict[str, Any]]
    pairs: list[tuple[str, str, float]] = field(default_factory=list)  # article ids and a label or score
    topics: dict[str, str] = field(default_factory=dict)  # article id -> topic
    twins: bool = False  # ids "xx:DOC" and "en:DOC" are one story
    expected: dict[str, str] = field(default_factory=dict)  # segment id -> expected event (the demo)


def _host(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host.removeprefix("www.") or "unknown"


def tgcontest(data: Path, lang: str) -> Pool:
    with open(data / "tgcontest-train" / f"{lang}_train_pool.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    records: dict[str, dict[str, Any]] = {}
    ids: dict[str, str] = {}
    pairs = []
    for r in rows:
        for side in ("first", "second"):
            url = r[f"INPUT:{side}_url"]
            if url not in ids:
                ids[url] = "tg-" + hashlib.sha1(url.encode()).hexdigest()[:10]
                title = r[f"INPUT:{side}_title"].strip()
                records[ids[url]] = {"id": ids[url], "outlet": _host(url), "title": title, "url": url,
                                     "text": f"{title}\n\n{r[f'INPUT:{side}_text']}", "published": DAY}
        pairs.append((ids[r["INPUT:first_url"]], ids[r["INPUT:second_url"]],
                      1.0 if r["GOLDEN:quality"] == "OK" else 0.0))
    return Pool(f"tgcontest {lang}", list(records.values()), pairs)


def semeval(data: Path, limit: int | None = None) -> Pool:
    lines = (data / "semeval2022-t8" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()][:limit]
    records: dict[str, dict[str, Any]] = {}
    pairs = []
    for r in rows:
        ids = []
        for side in ("1", "2"):
            text = r["text" + side].strip()
            key = "se-" + hashlib.sha1(text.encode()).hexdigest()[:12]
            title, _, body = text.partition("  ")  # the set joins title and body with two spaces
            records.setdefault(key, {"id": key, "outlet": key, "lang": r["lang" + side], "title": title.strip(),
                                     "text": f"{title.strip()}\n\n{body.strip()}" if body.strip() else text})
            ids.append(key)
        pairs.append((ids[0], ids[1], float(r["overall"])))
    return Pool("semeval", list(records.values()), pairs)


def bsnlp(data: Path, limit: int | None = None) -> Pool:
    records, topics = [], {}
    for topic in sorted(p for p in (data / "bsnlp-dev").iterdir() if p.is_dir()):
        for lang in sorted(p for p in topic.iterdir() if p.is_dir()):
            for path in sorted(lang.iterdir())[:limit]:
                lines = path.read_text(encoding="utf-8").split("\n")
                if len(lines) < 6:
                    continue
                doc, code, day, url, title = (x.strip() for x in lines[:5])
                key = f"{topic.name}:{doc}"
                # Half the set names no page, only a placeholder site ("http://www.fromtheweb.eu"): its
                # articles come from many unknown outlets, so each is an outlet of its own.
                outlet = _host(url) if urlparse(url).path.strip("/") else f"unknown:{key}"
                record = {"id": key, "outlet": outlet, "title": title, "url": url, "lang": code,
                          "text": f"{title}\n\n" + "\n".join(lines[5:]).strip()}
                if re.fullmatch(r"\d{4}-\d\d-\d\d", day):
                    record["published"] = day
                records.append(record)
                topics[key] = topic.name
    return Pool("bsnlp-dev", records, topics=topics)


def wmt60(data: Path, lang: str, limit: int | None = None) -> Pool:
    """WMT22 news documents; the English side cut to its first 60% of segments; one day."""
    records = []
    for doc in ET.parse(data / "wmt22" / f"wmttest2022.{lang}-en.all.xml").getroot().iter("doc"):
        did = doc.get("id", "")
        if did.startswith(("ecommerce", "social")):
            continue
        sides = {}
        for side in ("src", "ref"):
            node = doc.find(side)
            sides[side] = [[(s.text or "").strip() for s in p.iter("seg")]
                           for p in ([] if node is None else node.findall("p"))]
        source = "\n\n".join(" ".join(p) for p in sides["src"])
        keep = math.ceil(0.6 * sum(len(p) for p in sides["ref"]))
        cut, seen = [], 0
        for p in sides["ref"]:
            if p[: max(0, keep - seen)]:
                cut.append(" ".join(p[: keep - seen]))
            seen += len(p)
        english = "\n\n".join(cut)
        if source.strip() and english.strip():
            records.append({"id": f"{lang}:{did}", "outlet": f"{lang}-outlet", "text": source, "lang": lang,
                            "published": "2022-09-01"})
            records.append({"id": f"en:{did}", "outlet": "en-outlet", "text": english, "lang": "en",
                            "published": "2022-09-01"})
        if limit and len(records) >= 2 * limit:
            break
    return Pool(f"wmt22 {lang}-en 60%", records, twins=True)


def demo(corpus: Path) -> Pool:
    """The demo corpus written for align, with its expected events per segment."""
    records = [json.loads(line) for line in (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["segments"]
    return Pool("demo", records, expected=expected)


@contextmanager
def built(pool: Pool, settings: Settings, embedder: Embedder, folder: Path | None = None,
          reuse: bool = False) -> Iterator[Any]:
    """The pool ingested and built in an index directory (a temporary one unless ``folder``);
    yields the opened :class:`~align.pipeline.Align` and its article-id aliases (an exact copy
    of another article is stored once: its id → the stored one). With ``reuse``, a folder
    built before is opened as it is."""
    from ..pipeline import Align

    with tempfile.TemporaryDirectory(prefix="align-realnews-") as tmp:
        where = folder or Path(tmp)
        done = where / "aliases.json"
        app = Align(replace(settings, index_dir=where, quiet=True), embedder=embedder)
        try:
            if reuse and done.exists():
                yield app, json.loads(done.read_text(encoding="utf-8"))
                return
            inputs: list[ArticleInput | Problem] = []
            for r in pool.records:
                try:
                    inputs.append(make_article(r, r["id"], json.dumps(r, ensure_ascii=False)))
                except Exception as exc:
                    inputs.append(Problem(r["id"], str(exc)))
            report = app.ingest_inputs(inputs)
            aliases = {}
            for p in report.problems:
                m = re.search(r"exact duplicate of article '([^']+)'", p.message)
                if m:
                    aliases[p.source] = m.group(1)
            app.build()
            done.write_text(json.dumps(aliases), encoding="utf-8")
            yield app, aliases
        finally:
            app.close()


def article_events(events: list[EventJson], aliases: dict[str, str]) -> dict[str, set[str]]:
    """Article id → the events its segments are in (an alias shares its original's)."""
    found: dict[str, set[str]] = {}
    for e in events:
        for m in e["members"]:
            found.setdefault(m["article_id"], set()).add(e["event_id"])
    for copy, original in aliases.items():
        found[copy] = found.get(original, set())
    return found


def pair_scores(pool: Pool, together: dict[str, set[str]], aliases: dict[str, str]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of "in one event" on labelled pairs (SemEval: by threshold)."""
    tp = fp = fn = tn = 0
    for a, b, label in pool.pairs:
        if pool.name == "semeval" and DIFFERENT > label > SAME:
            continue
        gold = label <= SAME if pool.name == "semeval" else label >= 0.5
        same = bool(together.get(a, set()) & together.get(b, set())) or aliases.get(a, a) == aliases.get(b, b)
        tp += same and gold
        fp += same and not gold
        fn += gold and not same
        tn += not gold and not same
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"pairs": tp + fp + fn + tn, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "accuracy": (tp + tn) / max(1, tp + fp + fn + tn), "false_merges": fp}


def twin_scores(events: list[EventJson]) -> dict[str, float]:
    """Pair precision and recall of documents with their twins (``xx:ID`` and ``en:ID``)."""
    predicted: set[tuple[str, str]] = set()
    for e in events:
        predicted.update(combinations(sorted({m["article_id"] for m in e["members"]}), 2))
    truth = {p for p in predicted if p[0].split(":", 1)[1] == p[1].split(":", 1)[1]}
    docs = {m["article_id"].split(":", 1)[1] for e in events for m in e["members"]}
    return {"precision": len(truth) / len(predicted) if predicted else 1.0, "recall": len(truth) / max(1, len(docs))}


def topic_scores(pool: Pool, events: list[EventJson], boilerplate: int) -> dict[str, float]:
    """Purity of linked article pairs by topic, the largest event, cross-language links."""
    records = {r["id"]: r for r in pool.records}
    linked: set[tuple[str, str]] = set()
    largest = 0
    for e in events:
        articles = sorted({m["article_id"] for m in e["members"]})
        largest = max(largest, len(articles))
        linked.update(combinations(articles, 2))
    same_topic = [(a, b) for a, b in linked if pool.topics[a] == pool.topics[b]]
    cross = [(a, b) for a, b in same_topic if records[a]["lang"] != records[b]["lang"]]
    same_day = [(a, b) for a, b in cross if records[a].get("published") == records[b].get("published")]
    return {"linked_pairs": len(linked), "purity": len(same_topic) / len(linked) if linked else 1.0,
            "largest_event": largest, "cross_language_links": len(cross), "cross_language_same_day": len(same_day),
            "boilerplate_events": boilerplate}


def pearson(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(np.asarray(x), np.asarray(y))[0, 1]) if len(x) > 2 else float("nan")


def run(settings: Settings, embedder: Embedder, data: Path, limit: int | None = None,
        work: Path | None = None) -> list[tuple[str, ...]]:
    """The real-news table: one row per set, printed beside its goal and anchor."""
    rows: list[tuple[str, ...]] = []

    def folder(pool: Pool) -> Path | None:
        if work is None:
            return None
        path = work / pool.name.replace(" ", "-").replace("%", "")
        path.mkdir(parents=True, exist_ok=True)
        return path

    for pool in (tgcontest(data, "ru"), tgcontest(data, "en")):
        with built(pool, settings, embedder, folder(pool), reuse=work is not None) as (app, aliases):
            s = pair_scores(pool, article_events(app.match(), aliases), aliases)
        rows.append((f"{pool.name} ({s['pairs']} pairs)", f"P {s['precision']:.3f} R {s['recall']:.3f} "
                     f"F1 {s['f1']:.3f}", f"{s['false_merges']} different stories in one event",
                     "goal F1 ≥ 0.90, P ≥ 0.95"))
    pool = semeval(data, limit)
    with built(pool, settings, embedder, folder(pool), reuse=work is not None) as (app, aliases):
        matching = app.matching()
        s = pair_scores(pool, article_events(app.match(matching), aliases), aliases)
        scores, similarity = pair_probabilities(matching, pool, aliases)
    rows.append((f"semeval ({s['pairs']} pairs)", f"accuracy {s['accuracy']:.3f} (P {s['precision']:.3f} "
                 f"R {s['recall']:.3f})", f"Pearson {pearson(scores, similarity):.3f} on {len(scores)}",
                 "goal acc ≥ 0.90, Pearson ≥ 0.80 (anchor 0.818)"))
    pool = bsnlp(data, limit)
    with built(pool, settings, embedder, folder(pool), reuse=work is not None) as (app, _):
        events = app.match()
        t = topic_scores(pool, events, boilerplate_events(events))
    rows.append((f"bsnlp-dev ({len(pool.records)} articles)", f"purity {t['purity']:.3f} of {t['linked_pairs']} "
                 f"linked pairs", f"{t['cross_language_links']} cross-language links "
                 f"({t['cross_language_same_day']} same day), largest event {t['largest_event']} articles, "
                 f"{t['boilerplate_events']} boilerplate events", "goal purity ≥ 0.99"))
    for lang in ("ru", "uk"):
        pool = wmt60(data, lang, limit)
        with built(pool, settings, embedder, folder(pool), reuse=work is not None) as (app, _):
            w = twin_scores(app.match())
        rows.append((f"{pool.name} ({len(pool.records) // 2} docs)", f"pair P {w['precision']:.3f} "
                     f"R {w['recall']:.3f}", "", "goal ≥ 0.97 / 0.97"))
    return rows


def _segments(matching: Any) -> dict[str, list[int]]:
    by_article: dict[str, list[int]] = {}
    for i, node in enumerate(matching.graph):
        by_article.setdefault(node.article_id, []).append(i)
    return by_article


def _closest(matching: Any, left: list[int], right: list[int]) -> tuple[int, int]:
    vectors = matching.scorer.signals.vectors
    sims = vectors[left] @ vectors[right].T
    a, b = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return left[int(a)], right[int(b)]


def article_pair_features(matching: Any, pairs: list[tuple[str, str]],
                          aliases: dict[str, str]) -> list[list[float] | None]:
    """Features of the closest segments of each article pair (None where one is missing)."""
    by_article = _segments(matching)
    out: list[list[float] | None] = []
    for a, b in pairs:
        a, b = aliases.get(a, a), aliases.get(b, b)
        if a == b or a not in by_article or b not in by_article:
            out.append(None)
            continue
        i, j = _closest(matching, by_article[a], by_article[b])
        out.append(matching.scorer.features(i, j))
    return out


def pair_probabilities(matching: Any, pool: Pool, aliases: dict[str, str]) -> tuple[list[float], list[float]]:
    """The link model's probability for every labelled pair (closest segments) and 5 − overall."""
    rows = article_pair_features(matching, [(a, b) for a, b, _ in pool.pairs], aliases)
    xs = [(row, 5.0 - label) for row, (_, _, label) in zip(rows, pool.pairs, strict=True) if row is not None]
    p = matching.scorer.model.probability(np.asarray([x for x, _ in xs])) if xs else np.zeros(0)
    return [float(v) for v in p], [y for _, y in xs]


def boilerplate_events(events: list[EventJson]) -> int:
    """Events of two or more articles whose every member is page furniture (issue: boilerplate)."""
    from ..text.boilerplate import looks_like_boilerplate

    return sum(1 for e in events if len({m["article_id"] for m in e["members"]}) > 1
               and all(looks_like_boilerplate(m["text"]) for m in e["members"]))
