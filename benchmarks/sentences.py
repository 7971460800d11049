"""``make bench`` for sentence search: the sentence index at 100k segments.

A store of ``n`` segments recombined from the demo's (as the API benchmark makes it), each
with its demo segment's stored sentence vectors copied with a little noise, so the sentence
index holds about four vectors per segment. Measured in one run:

- *build*: opening the index directory builds ``sentences.faiss`` (exact fp16 codes) from the
  store: its time, vectors and file size, beside an exact float32 index of the same vectors;
- *search*: ``Align.search`` by sentence and by segment for demo sentences (the query embedding
  cached first, so the figures are the search's), p50/p99;
- *recall@10* of the fp16 index against exact float32 search over the same centred vectors.

``python -m benchmarks.sentences [--size 100000]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np

from align.pipeline import Align
from align.settings import Settings
from align.text.sentences import split_sentences

from .api import add_sentences, build_demo, build_synthetic
from .bench import _table


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.99 * (len(ordered) - 1))]


def bench_sentences(rows: list[tuple[str, ...]], size: int = 100_000) -> None:
    with tempfile.TemporaryDirectory(prefix="align-bench-sentences-") as tmp:
        demo = Path(tmp) / "demo"
        build_demo(demo)
        big = Path(tmp) / "big"
        build_synthetic(big, size, demo)
        written = add_sentences(big, demo)
        started = time.perf_counter()
        app = Align(replace(Settings(), index_dir=big, models_dir=Path(tmp) / "models", quiet=True))
        built = time.perf_counter() - started
        ann = app.index.sentences
        float32 = 4 * ann.dim * ann.size
        rows.append((f"sentence index, {size:,} segments", f"{ann.size:,} sentences", f"open + build {built:.1f} s",
                     f"fp16 {ann.memory_bytes() / 2**20:.0f} MB", f"float32 {float32 / 2**20:.0f} MB",
                     f"×{float32 / max(1, ann.memory_bytes()):.2f} smaller"))
        assert ann.size == written
        queries = [s for seg in demo_texts(app) for s in split_sentences(seg)][:200]
        for q in queries:
            app.queries.vector(q)  # embedded once: the timings below are the search's
        for granularity in ("sentence", "segment"):
            times = []
            for q in queries:
                t0 = time.perf_counter()
                app.search(q, k=10, granularity=granularity)
                times.append(1000 * (time.perf_counter() - t0))
            p50, p99 = _percentiles(times)
            rows.append((f"search by {granularity}, {size:,} segments", f"{len(queries)} queries",
                         f"p50 {p50:.1f} ms", f"p99 {p99:.1f} ms", "", ""))
        exact = faiss.IndexFlatIP(ann.dim)
        held = np.stack([ann.index.reconstruct(int(i)) for i in ann.ids()])
        exact.add(held)
        picks = np.random.default_rng(2).choice(len(held), 500, replace=False)
        probe = held[picks] + np.random.default_rng(3).normal(0, 0.05, (500, ann.dim)).astype(np.float32)
        _, truth = exact.search(probe, 10)
        _, got = ann.index.search(probe, 10)
        ids = ann.ids()
        recall = np.mean([len(set(ids[truth[i]]) & set(got[i])) / 10 for i in range(len(probe))])
        rows.append((f"sentence index recall@10 vs exact float32, {size:,} segments", "500 queries",
                     f"{recall:.4f}", "", "", ""))
        app.close()


def demo_texts(app: Align) -> list[str]:
    seen: dict[str, None] = {}
    for s in app.store.segments("WHERE s.rowid <= 2000"):
        seen.setdefault(s.text)
    return list(seen)


def main(rows: list[tuple[str, ...]] | None = None, size: int = 100_000) -> str:
    table = [("sentence search", "items", "figure", "", "", "")]
    bench_sentences(table, size)
    rows = rows if rows is not None else []
    rows += table
    return _table(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    print(main(size=parser.parse_args().size))
