"""WMT22 ru-en and uk-en news documents: each source document's English reference found by
nearest neighbour, and the full pipeline (ingest → build → match) run over all of them
pooled, giving pair precision and recall of the events it forms."""

from __future__ import annotations

import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from ..ingest import make_article
from ..settings import Settings
from ..vectors.embed import Embedder


def wmt_documents(path: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(doc id, source text, English reference text) of the news documents of a WMT22 file."""
    docs = []
    for doc in ET.parse(path).getroot().iter("doc"):
        did = doc.get("id", "")
        if did.startswith(("ecommerce", "social")):
            continue
        parts = []
        for side in ("src", "ref"):
            node = doc.find(side)
            paras = [] if node is None else node.findall("p")
            parts.append("\n\n".join(" ".join((s.text or "").strip() for s in p.iter("seg")) for p in paras))
        docs.append((did, parts[0], parts[1]))
    return docs[:limit]


def eval_wmt(settings: Settings, embedder: Embedder, data: Path, limit: int | None) -> list[tuple[str, ...]]:
    from ..pipeline import Align

    rows: list[tuple[str, ...]] = []
    for lang in ("ru", "uk"):
        path = data / "wmt22" / f"wmttest2022.{lang}-en.all.xml"
        if not path.exists():
            continue
        docs = wmt_documents(path, limit)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="align-eval-") as tmp:
            app = Align(replace(settings, index_dir=Path(tmp), quiet=True), embedder=embedder)
            inputs = []
            for did, src, ref in docs:
                if not src.strip() or not ref.strip():
                    continue
                for code, text in ((lang, src), ("en", ref)):
                    record = {"id": f"{code}:{did}", "outlet": f"{code}-outlet", "text": text, "lang": code}
                    inputs.append(make_article(record, did, text))
            app.ingest_inputs(inputs)
            app.build()
            events = app.match()
            queries = sentence_queries(docs, lang, SENTENCE_QUERIES if limit is None else min(limit, SENTENCE_QUERIES))
            found = {by: first_documents(app, queries, by) for by in ("sentence", "segment")}
            claims = claim_scores(app, queries)
            ids, raw, langs = app.store.vectors()
            rows_by = app.store.segments_by_rowid(ids.tolist())
            vecs = app.index.centred(raw, langs)
            app.close()
        # document vectors: the mean of each article's segment vectors
        by_article: dict[str, list[int]] = {}
        for pos, rid in enumerate(ids):
            by_article.setdefault(rows_by[int(rid)].article_id, []).append(pos)
        # identical texts are stored once, so a duplicated document may have no twin of its own
        names = [d for d, _, _ in docs if f"{lang}:{d}" in by_article and f"en:{d}" in by_article]
        xs = np.stack([vecs[by_article[f"{lang}:{d}"]].mean(0) for d in names])
        ys = np.stack([vecs[by_article[f"en:{d}"]].mean(0) for d in names])
        top1 = float(((xs @ ys.T).argmax(1) == np.arange(len(names))).mean())
        precision, recall = document_pairs(events)
        rows.append((f"wmt22 {lang}→en docs ({len(docs)})", f"top-1 {100 * top1:.1f}",
                     f"match pair P {precision:.3f} R {recall:.3f}", f"{time.perf_counter() - started:.0f}s"))
        rows.append((f"wmt22 {lang} sentence→en doc ({len(queries)})",
                     f"first {100 * found['sentence']:.1f} by sentence",
                     f"{100 * found['segment']:.1f} by segment"
                     f" (×{found['sentence'] / max(found['segment'], 1e-9):.2f})",
                     "goal ≥ 95"))
        rows.append((f"wmt22 {lang} claim threshold", *claims))
    return rows


SENTENCE_QUERIES = 300


def sentence_queries(docs: list[tuple[str, str, str]], lang: str, n: int) -> list[tuple[str, str]]:
    """(sentence, its English document's article id): ``n`` random source sentences of at least
    five words (fixed seed), from documents that have an English twin."""
    import random

    from ..text.sentences import split_sentences

    pool = [(sentence, f"en:{did}") for did, src, ref in docs if src.strip() and ref.strip()
            for sentence in split_sentences(src) if len(sentence.split()) >= 5]
    return random.Random(7).sample(pool, min(n, len(pool)))


def first_documents(app: Any, queries: list[tuple[str, str]], granularity: str) -> float:
    """Share of sentence queries whose first English hit is their document's English version."""
    right = 0
    for sentence, truth in queries:
        hits = app.search(sentence, k=1, lang="en", granularity=granularity)
        right += bool(hits) and hits[0]["article_id"] == truth
    return right / max(1, len(queries))


def claim_scores(app: Any, queries: list[tuple[str, str]]) -> tuple[str, str, str]:
    """How the claim threshold (a centred sentence cosine) separates a sentence's translation from
    everything else: the share of translations kept (recall) and of other documents' best
    sentences wrongly kept, and the median cosine of each."""
    threshold = app.settings.claim_cosine
    true_scores, false_scores = [], []
    for sentence, truth in queries:
        hits = app.search(sentence, k=10, lang="en", granularity="sentence")
        true_scores += [h.get("sentence_cosine", -1.0) for h in hits if h["article_id"] == truth][:1]
        false_scores += [h.get("sentence_cosine", -1.0) for h in hits if h["article_id"] != truth][:1]
    kept = sum(score >= threshold for score in true_scores) / max(1, len(queries))
    wrong = sum(score >= threshold for score in false_scores) / max(1, len(false_scores))
    return (f"{threshold:.2f}: translation kept {100 * kept:.1f}%",
            f"another doc's best kept {100 * wrong:.1f}%",
            f"medians {np.median(true_scores or [0]):.2f} / {np.median(false_scores or [0]):.2f}")


def document_pairs(events: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """Pair precision/recall over documents: two documents are paired when they share an event.

    Truth: ``xx:ID`` and ``en:ID`` are twins. Different segments of one document never count.
    """
    predicted: set[tuple[str, str]] = set()
    for e in events:
        arts = sorted({m["article_id"] for m in e["members"]})
        predicted.update(combinations(arts, 2))
    truth = {p for p in predicted if p[0].split(":", 1)[1] == p[1].split(":", 1)[1]}
    ids = {m["article_id"].split(":", 1)[1] for e in events for m in e["members"]}
    precision = len(truth) / len(predicted) if predicted else 1.0
    return precision, len(truth) / max(1, len(ids))


