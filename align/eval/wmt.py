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
    return rows


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


