"""Random-weight Argos packages, built from specs, for tests and benchmarks.

No ru/uk/bg→en model can be installed from a registry here, yet the translation code must
run for real. This module builds genuine Argos packages: a sentencepiece model trained on
the given lines, a CTranslate2 Transformer assembled from its specification with random
weights, ``metadata.json``, all zipped as ``.argosmodel``. They translate into nonsense,
deterministically, at the speed a real model of the same size would.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ToySize:
    """Transformer dimensions: the default is tiny; ``ARGOS_SIZE`` matches real Argos models."""

    layers: tuple[int, int] = (2, 2)
    d_model: int = 64
    heads: int = 2
    ffn: int = 128
    vocab: int = 400
    quantization: str | None = None
    eos_bias: float = 1.0  # raises the chance of ending a sentence; -1e4 never ends one


ARGOS_SIZE = ToySize(layers=(6, 6), d_model=512, heads=8, ffn=2048, vocab=32_000, quantization="int8", eos_bias=-1e4)


def train_sentencepiece(lines: list[str], out: Path, vocab: int) -> Path:
    """A unigram sentencepiece model trained on ``lines`` (vocabulary shrinks to what fits)."""
    import sentencepiece as spm

    model = io.BytesIO()
    size = vocab
    while True:
        try:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(lines), model_writer=model, vocab_size=size,
                character_coverage=1.0, model_type="unigram", minloglevel=2,
                hard_vocab_limit=False,
            )
            break
        except RuntimeError:
            if size <= 40:
                raise
            size = int(size * 0.7)
            model = io.BytesIO()
    out.write_bytes(model.getvalue())
    return out


def _vocabulary(sp_model: Path, size: int) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    pieces = [p for p in pieces if p not in {"<unk>", "<s>", "</s>"}]
    tokens = ["<unk>", "<s>", "</s>", *pieces]
    tokens += [f"<filler{i}>" for i in range(max(0, size - len(tokens)))]
    return tokens


def _fill(spec: Any, size: ToySize, vocab: int, rng: np.random.Generator) -> None:
    """Give every weight of a Transformer spec a random value of the right shape."""
    d, f = size.d_model, size.ffn

    def mat(rows: int, cols: int) -> np.ndarray:
        out: np.ndarray = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
        return out

    def vec(n: int, value: float = 0.0) -> np.ndarray:
        return np.full(n, value, dtype=np.float32)

    def norm(ln: Any) -> None:
        ln.gamma, ln.beta = vec(d, 1.0), vec(d)

    def linear(lin: Any, rows: int, cols: int) -> None:
        lin.weight, lin.bias = mat(rows, cols), vec(rows)

    def attention(att: Any, cross: bool) -> None:
        norm(att.layer_norm)
        if cross:
            linear(att.linear[0], d, d)
            linear(att.linear[1], 2 * d, d)
            linear(att.linear[2], d, d)
        else:
            linear(att.linear[0], 3 * d, d)
            linear(att.linear[1], d, d)

    def ffn(block: Any) -> None:
        norm(block.layer_norm)
        linear(block.linear_0, f, d)
        linear(block.linear_1, d, f)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = mat(vocab, d)
    norm(enc.layer_norm)
    for layer in enc.layer:
        attention(layer.self_attention, cross=False)
        ffn(layer.ffn)
    dec.embeddings.weight = mat(vocab, d)
    norm(dec.layer_norm)
    linear(dec.projection, vocab, d)
    dec.projection.bias[2] = size.eos_bias  # </s>
    for layer in dec.layer:
        attention(layer.self_attention, cross=False)
        attention(layer.attention, cross=True)
        ffn(layer.ffn)


def build_ctranslate2_model(out_dir: Path, tokens: list[str], size: ToySize, seed: int = 0) -> Path:
    from ctranslate2.converters.converter import Converter
    from ctranslate2.specs import transformer_spec

    class _RandomConverter(Converter):  # type: ignore[misc]
        def _load(self) -> Any:
            spec = transformer_spec.TransformerSpec.from_config(size.layers, size.heads)
            _fill(spec, size, len(tokens), np.random.default_rng(seed))
            spec.register_source_vocabulary(tokens)
            spec.register_target_vocabulary(tokens)
            return spec

    _RandomConverter().convert(str(out_dir), quantization=size.quantization, force=True)
    return out_dir


def build_package(out: Path, from_code: str, to_code: str, lines: list[str], *,
                  size: ToySize = ToySize(), version: str = "1.0", seed: int = 0) -> Path:
    """Write ``out`` (a ``.argosmodel`` zip) holding a random-weight ``from_code→to_code`` model."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
        root.mkdir()
        sp = train_sentencepiece(lines, root / "sentencepiece.model", min(size.vocab, 8000))
        build_ctranslate2_model(root / "model", _vocabulary(sp, size.vocab), size, seed)
        metadata = {"package_version": version, "argos_version": "1.9", "from_code": from_code,
                    "to_code": to_code, "from_name": from_code, "to_name": to_code, "type": "translate"}
        (root / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
        (root / "README.md").write_text("Random-weight test model built by align.\n", encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(root.parent).as_posix())
        shutil.rmtree(root)
    return out
