"""``align eval``: our numbers beside the published anchors of ``../shared/eval``.

The data is read from a path and never copied into the project. Parts:

- Tatoeba bul/rus/ukr→eng retrieval (1,000-way), cosine and ratio-margin (k=4), on
  language-centred vectors, as the matcher uses them.
- Language ID accuracy per language on the langid sentences and word pairs.
- WMT22 ru-en and uk-en news documents: each source document's English reference found
  by nearest neighbour, and the full pipeline (ingest → build → match) run over all of them
  pooled, giving pair precision and recall of the events it forms.
"""

from __future__ import annotations

import json
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from . import centre
from .detect import detect
from .embed import Embedder, make_embedder
from .errors import InputError
from .ingest import make_article
from .settings import Settings

TATOEBA_ANCHORS = {"bul": 88.3, "rus": 92.1, "ukr": 86.2}  # multilingual-e5-small fp32
LANGID_ANCHORS = {"lingua": {"bg": 99.0, "ru": 97.8, "uk": 95.0, "en": 99.3},
                  "langdetect": {"bg": 96.2, "ru": 95.4, "uk": 97.7, "en": 99.3}}
LANG_OF = {"bul": "bg", "rus": "ru", "ukr": "uk"}


def default_data_dir() -> Path | None:
    for candidate in (Path("../shared/eval"), Path(__file__).resolve().parents[2] / "shared" / "eval"):
        if candidate.is_dir():
            return candidate
    return None


def margin_retrieval(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], k: int = 4) -> tuple[float, float]:
    """Top-1 accuracy of x[i]→y[i] by cosine and by ratio margin."""
    sims = x @ y.T
    kx = min(k, sims.shape[1])
    rx = np.sort(sims, axis=1)[:, -kx:].mean(axis=1)
    ry = np.sort(sims, axis=0)[-kx:, :].mean(axis=0)
    margin = sims / ((rx[:, None] + ry[None, :]) / 2)
    truth = np.arange(len(x))
    return float((sims.argmax(1) == truth).mean()), float((margin.argmax(1) == truth).mean())


def eval_tatoeba(embedder: Embedder, data: Path, limit: int | None) -> list[tuple[str, ...]]:
    prior = centre.prior_means(embedder)
    rows: list[tuple[str, ...]] = []
    for code, lang in LANG_OF.items():
        src = data / "tatoeba" / f"tatoeba.{code}-eng.{code}"
        eng = data / "tatoeba" / f"tatoeba.{code}-eng.eng"
        if not src.exists():
            continue
        xs = src.read_text(encoding="utf-8").splitlines()[:limit]
        ys = eng.read_text(encoding="utf-8").splitlines()[:limit]
        x = centre.centre(embedder.embed(xs), [lang] * len(xs), prior)
        y = centre.centre(embedder.embed(ys), ["en"] * len(ys), prior)
        cos, mar = margin_retrieval(x, y)
        rows.append((f"tatoeba {code}→eng", f"{100 * cos:.1f}", f"{100 * mar:.1f}", f"{TATOEBA_ANCHORS[code]:.1f}"))
    return rows


def eval_langid(data: Path, limit: int | None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for kind in ("sentences", "word-pairs"):
        for lang in ("bg", "ru", "uk", "en"):
            path = data / "langid" / kind / f"{lang}.txt"
            if not path.exists():
                continue
            lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()][:limit]
            acc = sum(detect(s).lang == lang for s in lines) / max(1, len(lines))
            anchor = LANGID_ANCHORS["lingua"][lang] if kind == "sentences" else None
            rows.append((f"langid {kind} {lang}", f"{100 * acc:.1f}",
                         f"{anchor:.1f} (lingua), {LANGID_ANCHORS['langdetect'][lang]:.1f} (langdetect)"
                         if anchor else "-"))
    return rows


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
    from .pipeline import Align

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


def document_pairs(events: list[dict[str, Any]]) -> tuple[float, float]:
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


LABELLED = Path(__file__).resolve().parents[1] / "corpora" / "labelled"
FIELDS = ("sources", "numbers", "places", "people")


def predicted_fields(text: str) -> dict[str, list[Any]]:
    """What align finds in a sentence, in the labelled set's terms."""
    from .compare import analyse
    from .facts import numeric_value

    found_sources, found_facts = analyse(text)
    numbers = [numeric_value(f) for f in found_facts]
    return {
        "sources": sorted({s.name for s in found_sources}),
        "numbers": sorted(float(n) for n in numbers if n is not None),
        "places": sorted({str(f.value) for f in found_facts if f.kind == "place"}),
        "people": sorted({str(f.value) for f in found_facts if f.kind == "person"}),
    }


def field_scores(rows: list[dict[str, Any]]) -> dict[str, tuple[float, float, int]]:
    """Micro precision, recall and support per field (numbers as multisets, the rest as sets)."""
    from collections import Counter

    totals = {f: [0, 0, 0] for f in FIELDS}  # true positives, predicted, expected
    for row in rows:
        got = predicted_fields(row["text"])
        for field_name in FIELDS:
            expected = row[field_name]
            want = Counter(float(x) for x in expected) if field_name == "numbers" else Counter(set(expected))
            have = Counter(got[field_name])
            totals[field_name][0] += sum((want & have).values())
            totals[field_name][1] += sum(have.values())
            totals[field_name][2] += sum(want.values())
    return {f: (tp / p if p else 1.0, tp / e if e else 1.0, e) for f, (tp, p, e) in totals.items()}


def eval_facts(folder: Path = LABELLED) -> list[tuple[str, ...]]:
    """Per-field scores on the labelled sets: ``facts.jsonl`` (tuned on) and ``facts-heldout.jsonl``."""
    out: list[tuple[str, ...]] = []
    for name in ("facts.jsonl", "facts-heldout.jsonl"):
        path = folder / name
        if not path.exists():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for field_name, (p, r, n) in field_scores(rows).items():
            out.append((f"{path.stem} {field_name} ({len(rows)})", f"P {p:.3f}", f"R {r:.3f}", f"{n} expected"))
    return out


def run_eval(settings: Settings, data: Path | None = None, parts: list[str] | None = None,
             limit: int | None = None) -> int:
    parts = parts or ["langid", "tatoeba", "wmt", "facts"]
    table: list[tuple[str, ...]] = []
    if "facts" in parts:
        table += eval_facts()
    if parts == ["facts"]:
        return _print(table)
    data = data or default_data_dir()
    if data is None or not data.is_dir():
        raise InputError("no evaluation data: pass --data DIR (../shared/eval was not found)")
    embedder = make_embedder(settings.embedder, settings.threads, settings.batch_size)
    if "langid" in parts:
        table += eval_langid(data, limit)
    if "tatoeba" in parts:
        table += [("", "cosine", "margin", "published e5-small fp32"), *eval_tatoeba(embedder, data, limit)]
    if "wmt" in parts:
        table += eval_wmt(settings, embedder, data, limit)
    return _print(table)


def _print(table: list[tuple[str, ...]]) -> int:
    for row in table:
        print(" | ".join(f"{c:<28}" if i == 0 else c for i, c in enumerate(row)))
    return 0
