"""``make bench`` for matching: the link model with average linkage beside the rules it replaced.

Both run in one process over the same segments and the same neighbour lists, so the table
shows what linking and grouping cost, not what searching costs (the same for both):

- *before*: a segment links to its mutual best match in another source when the ratio margin
  clears 1.10 and the centred cosine 0.35 (one-way 1.25 and 0.45), and events are connected
  components (the rules of align before the real-news work, re-implemented here as the baseline);
- *after*: candidates scored by the link model from similarity and evidence (entities,
  numbers, dates), article-level links, average linkage.

Segments come in stories of about four outlets each (synthetic vectors: noisy copies of one
direction per story; a real model would take hours at 100k), with the profiles of demo texts
recombined as in the batch benchmark (made beforehand, as ``align build`` makes them).
``python -m benchmarks.match [--sizes 10000,100000]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import faiss
import numpy as np

from align.analysis.attribution import registry
from align.events import cluster, link, score
from align.events.evidence import Rarity, profile
from align.events.model import LinkModel
from align.settings import Settings
from align.text.detect import detect

from .batch import OUTLETS, recombined_corpus
from .bench import _table


def corpus(n: int, seed: int = 0) -> tuple[list[link.Node], link.Neighbourhood, link.Signals]:
    """``n`` segments in stories of about four outlets each: a story's vectors are noisy copies of
    one direction (centred cosine about 0.67 within a story, about 0 between), its members come
    from different outlets on one day; their profiles are those of recombined demo texts."""
    rng = np.random.default_rng(seed)
    stories = max(1, n // 4)
    story = rng.integers(0, stories, n)
    centres = rng.standard_normal((stories, 384)).astype(np.float32)
    vectors = centres[story] + 0.7 * rng.standard_normal((n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        recombined_corpus(path, min(n, 2000))
        texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    table = registry()
    langs = [detect(t[:300]).lang for t in texts]
    made = [profile(t, lang, table) for t, lang in zip(texts, langs, strict=True)]
    profiles = [made[i % len(made)] for i in range(n)]
    day = rng.integers(1, 29, stories)
    nodes = [link.Node(i, OUTLETS[(int(story[i]) + i) % len(OUTLETS)], f"a{i}",
                       datetime(2023, 10, int(day[story[i]])), langs[i % len(langs)], len(texts[i % len(texts)]))
             for i in range(n)]
    index = faiss.IndexFlatIP(384)
    index.add(vectors)
    settings = Settings()
    hood = link.neighbourhood(vectors, lambda q, k: index.search(q, k), np.arange(n), settings.match_candidates,
                              settings.match_k)
    return nodes, hood, link.Signals(vectors, vectors, profiles, Rarity.of(profiles))


def before(nodes: list[link.Node], hood: link.Neighbourhood, vectors: np.ndarray) -> int:  # type: ignore[type-arg]
    """The replaced rules: mutual best match per source and margins, then connected components."""
    best: list[dict[tuple[str, str], int]] = []
    for i in range(len(nodes)):
        per_source: dict[tuple[str, str], int] = {}
        for j in hood.pos[i]:
            if j >= 0:
                per_source.setdefault(nodes[j].source, int(j))
        best.append(per_source)
    parent = list(range(len(nodes)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, node in enumerate(nodes):
        for source, j in best[i].items():
            if source == node.source:
                continue
            cos = float(vectors[i] @ vectors[j])
            margin = cos / max(1e-6, (float(hood.density[i]) + float(hood.density[j])) / 2)
            mutual = best[j].get(node.source) == i
            hours = abs((node.time - nodes[j].time).total_seconds()) / 3600 if node.time and nodes[j].time else 0
            need_margin, need_cos = (1.10, 0.35) if mutual else (1.25, 0.45)
            if hours > 36:
                need_margin, need_cos = 1.40, 0.45
            if margin >= need_margin and cos >= need_cos:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        groups[root(i)].append(i)
    return len(groups)


def after(nodes: list[link.Node], hood: link.Neighbourhood, signals: link.Signals) -> int:
    scorer = score.Scorer(nodes, hood, signals, LinkModel.packaged(), Settings())
    edges = score.links(scorer)
    return len(cluster.average_linkage(len(nodes), edges, scorer, scorer.settings.cluster_threshold))


def bench_matching(rows: list[tuple[str, ...]], sizes: list[int]) -> None:
    for n in sizes:
        nodes, hood, signals = corpus(n)
        started = time.perf_counter()
        old_groups = before(nodes, hood, signals.vectors)
        old = time.perf_counter() - started
        started = time.perf_counter()
        new_groups = after(nodes, hood, signals)
        new = time.perf_counter() - started
        rows.append((f"{n:,}", f"{old:.2f} s ({1e6 * old / n:.0f} µs/segment)",
                     f"{new:.2f} s ({1e6 * new / n:.0f} µs/segment)", f"{new / old:.2f}x",
                     f"{old_groups:,} / {new_groups:,}"))
        print(rows[-1], flush=True)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.match")
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args(argv)
    rows: list[tuple[str, ...]] = [("segments", "before (rules, components)", "after (model, average linkage)",
                                    "after / before", "events before / after")]
    bench_matching(rows, [int(x) for x in args.sizes.split(",") if x])
    text = _table(rows)
    print(text)
    return text


if __name__ == "__main__":
    main()


