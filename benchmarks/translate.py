"""Translation benchmark: align's batched engine against argostranslate, same package, same text.

The package is a random-weight model of Argos size (6+6 layers, d_model 512, 8 heads,
FFN 2048, 32k vocabulary, int8) built from specs. Both sides decode exactly the same
number of tokens per sentence (min = max decoding length), so the comparison measures
the engines, not what random weights happen to emit. argostranslate is driven through its
own ``PackageTranslation.translate()`` (per paragraph, its own batching and beam); only its
sentence splitter is swapped for align's, because its own fetches resources at run time
and fails offline.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from align.text.sentences import split_sentences
from align.translate.engine import Engine
from align.translate.packages import install
from align.vectors.centre import anchor_sentences
from tests.support.toymodel import ARGOS_SIZE, build_package

OUTPUT_TOKENS = 24
SEGMENTS = 12  # paragraphs of 4 sentences


class _FixedLength:
    """Wraps a ctranslate2.Translator so every call decodes exactly OUTPUT_TOKENS tokens."""

    def __init__(self, translator: Any) -> None:
        self._t = translator

    def translate_batch(self, batch: Any, **kwargs: Any) -> Any:
        kwargs.update(min_decoding_length=OUTPUT_TOKENS, max_decoding_length=OUTPUT_TOKENS)
        return self._t.translate_batch(batch, **kwargs)


class _Splitter:
    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text)


def _argos_translation(package_dir: Path, beam: int) -> Any:
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(package_dir.parent / "argos-packages"))
    import ctranslate2
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings
    from argostranslate.translate import PackageTranslation

    argos_settings.beam_size = beam
    pkg = argos_package.Package(package_dir)
    translation = PackageTranslation.__new__(PackageTranslation)
    translation.from_lang, translation.to_lang, translation.pkg = None, None, pkg
    translation.sentencizer = _Splitter()
    translation.translator = _FixedLength(ctranslate2.Translator(
        str(package_dir / "model"), device="cpu", inter_threads=argos_settings.inter_threads,
        intra_threads=argos_settings.intra_threads, compute_type=argos_settings.compute_type))
    return translation


def bench_translation(rows: list[tuple[str, ...]]) -> None:
    with tempfile.TemporaryDirectory(prefix="align-bench-") as tmp:
        os.environ.setdefault("XDG_DATA_HOME", str(Path(tmp) / "xdg-data"))
        os.environ.setdefault("XDG_CONFIG_HOME", str(Path(tmp) / "xdg-config"))
        lines = [s for sents in anchor_sentences().values() for s in sents]
        archive = build_package(Path(tmp) / "ru_en.argosmodel", "ru", "en", lines, size=ARGOS_SIZE)
        model = install([str(archive)], Path(tmp) / "models", "")[0]
        ru = anchor_sentences()["ru"]
        texts = [" ".join(ru[(4 * i + j) % len(ru)] for j in range(4)) for i in range(SEGMENTS)]
        n_sentences = sum(len(split_sentences(t)) for t in texts)
        for beam in (1, 4):
            engine = Engine(model.path.parent, beam_size=beam, fixed_length=OUTPUT_TOKENS)
            engine.translate(texts[:1], "ru", "en")  # load once
            start = time.perf_counter()
            engine.translate(texts, "ru", "en")
            ours = n_sentences / (time.perf_counter() - start)
            argos = _argos_translation(model.path, beam)
            argos.translate(texts[0])
            start = time.perf_counter()
            for text in texts:
                argos.translate(text)
            theirs = n_sentences / (time.perf_counter() - start)
            rows.append((f"translate sentences/s, beam {beam}, {OUTPUT_TOKENS} tokens out",
                         "align engine (all texts batched)", f"{ours:.1f}",
                         "argostranslate translate() per text", f"{theirs:.1f}", f"{ours / theirs:.1f}x"))
