"""``align fit-links``: refit the link model on the development sets.

The pairs it learns from, each set weighed equally (no one set decides the model):

- tgcontest-train ru and en, SemEval-2022 pairs: people's same-story / different-story
  labels (SemEval: ``overall`` ≤ 1.5 same, ≥ 3 different), the closest segments of the two
  articles;
- WMT22 ru-en and uk-en (English cut to 60%): every candidate link between a document and an
  English one, true when they are twins;
- bsnlp-dev: candidate links between articles of different topics (all different stories);
- the demo corpus: every candidate link, true when ``expected.json`` puts both in one event.

Features are computed by the matcher itself (:class:`align.events.link.Scorer`) on pools
built by the real pipeline, so the model sees exactly what matching will show it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..events import link
from ..events.build import Matching
from ..events.model import LinkModel, fit
from ..events.score import FEATURES
from ..settings import Settings
from ..vectors.embed import Embedder
from . import realnews

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Labelled:
    """Feature rows of one set's pairs and their labels (1: one story)."""

    name: str
    x: np.ndarray[Any, Any]
    y: np.ndarray[Any, Any]


def unfitted() -> LinkModel:
    """A model that only computes features (for collecting them before any fit)."""
    n = len(FEATURES)
    return LinkModel(FEATURES, (0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0)


def candidate_rows(matching: Matching, label: Callable[[link.Node, link.Node], float | None]) -> list[tuple[list[float],
                                                                                                        float]]:
    """Features of every candidate link between different articles that ``label`` knows."""
    pairs, labels = [], []
    for i, j in link.candidates(matching.graph, matching.scorer.hood):
        a, b = matching.graph[i], matching.graph[j]
        y = label(a, b) if a.article_id != b.article_id else None
        if y is not None:
            pairs.append((i, j))
            labels.append(y)
    return list(zip(matching.scorer.matrix(pairs).tolist(), labels, strict=True))


def collect(settings: Settings, embedder: Embedder, data: Path, work: Path | None = None,
            limit: int | None = None, log: Callable[[str], None] = print) -> list[Labelled]:
    """Labelled feature rows of every development set."""
    sets: list[Labelled] = []

    def matched(pool: realnews.Pool) -> Any:
        folder = None if work is None else work / pool.name.replace(" ", "-").replace("%", "")
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        return realnews.built(pool, settings, embedder, folder, reuse=folder is not None)

    for pool in (realnews.tgcontest(data, "ru"), realnews.tgcontest(data, "en"), realnews.semeval(data, limit)):
        with matched(pool) as (app, aliases):
            matching = app.matching(unfitted())
            rows = realnews.article_pair_features(matching, [(a, b) for a, b, _ in pool.pairs], aliases)
            x, y = [], []
            for row, (_, _, label) in zip(rows, pool.pairs, strict=True):
                gold = (None if realnews.SAME < label < realnews.DIFFERENT else float(label <= realnews.SAME)) \
                    if pool.name == "semeval" else label
                if row is not None and gold is not None:
                    x.append(row)
                    y.append(gold)
            sets.append(Labelled(pool.name, np.asarray(x), np.asarray(y)))
            log(f"{pool.name}: {len(y)} pairs, {int(sum(y))} same story")
    for lang in ("ru", "uk"):
        pool = realnews.wmt60(data, lang, limit)
        with matched(pool) as (app, _):
            twin = candidate_rows(app.matching(unfitted()), lambda a, b: float(
                a.article_id.split(":", 1)[1] == b.article_id.split(":", 1)[1]))
            sets.append(Labelled(pool.name, np.asarray([r for r, _ in twin]), np.asarray([y for _, y in twin])))
            log(f"{pool.name}: {len(twin)} candidate links, {int(sum(y for _, y in twin))} twins")
    pool = realnews.bsnlp(data, limit)
    with matched(pool) as (app, _):
        apart = candidate_rows(app.matching(unfitted()),
                               lambda a, b: 0.0 if pool.topics[a.article_id] != pool.topics[b.article_id] else None)
        sets.append(Labelled(pool.name, np.asarray([r for r, _ in apart]), np.asarray([y for _, y in apart])))
        log(f"{pool.name}: {len(apart)} candidate links across topics")
    pool = realnews.demo(ROOT / "corpora" / "demo")
    with matched(pool) as (app, _):
        matching = app.matching(unfitted())
        rows = app.store.segments_by_rowid([n.rowid for n in matching.graph])
        event = {n.rowid: pool.expected.get(rows[n.rowid].id) for n in matching.graph}
        demo = candidate_rows(matching, lambda a, b: None if event[a.rowid] is None or event[b.rowid] is None
                              else float(event[a.rowid] == event[b.rowid]))
        sets.append(Labelled("demo", np.asarray([r for r, _ in demo]), np.asarray([y for _, y in demo])))
        log(f"demo: {len(demo)} candidate links")
    return [s for s in sets if len(s.y)]


def fit_sets(sets: list[Labelled], l2: float = 1.0) -> LinkModel:
    """One model over every set, each set weighing as much as any other."""
    x = np.vstack([s.x for s in sets])
    y = np.concatenate([s.y for s in sets])
    weight = np.concatenate([np.full(len(s.y), len(y) / (len(sets) * len(s.y))) for s in sets])
    model = fit(x, y, weight, FEATURES, l2=l2)
    metrics = {}
    for s in sets:
        p = model.probability(s.x)
        pred = p >= 0.5
        metrics[s.name] = {"pairs": len(s.y), "positive": int(s.y.sum()),
                           "accuracy": round(float((pred == (s.y >= 0.5)).mean()), 4)}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return LinkModel(model.features, model.mean, model.scale, model.weights, model.bias, f"{stamp}-l2-{l2:g}",
                     {s.name: len(s.y) for s in sets}, metrics)


def write(model: LinkModel, out: Path) -> None:
    out.write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
