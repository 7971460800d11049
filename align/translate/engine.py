"""Batched translation through the CTranslate2 model and sentencepiece of Argos packages.

argostranslate's own ``translate()`` splits sentences with stanza, spaCy or minisbd, which
fetch resources at run time and fail offline (argos-translate issues 385, 512, 538), and
it decodes one paragraph at a time. This engine reads the same package files but splits
with align's own splitter, and sends the sentences of *many* texts to CTranslate2 in
length-sorted batches; each pair's model is loaded once and reused. bg, ru and uk
translate into each other through English. Paragraph breaks are kept; empty or
whitespace-only text comes back unchanged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DependencyMissing
from ..text.sentences import split_sentences
from .packages import InstalledModel, find

PIVOT = "en"
MAX_PIECES = 200  # longer sentences are cut into pieces of this many tokens
BUCKET = 64  # sentences per translate_batch call, after sorting by length
_PARA_SPLIT = re.compile(r"(\n\s*\n)")


def missing_message(src: str, tgt: str) -> str:
    pairs = [f"{src}-{tgt}"] if PIVOT in (src, tgt) else [f"{src}-{tgt}", f"{src}-{PIVOT} {PIVOT}-{tgt}"]
    return (f"no {src}→{tgt} translation model is installed; install one with: "
            f"align models install {' or '.join(pairs)}")


@dataclass
class _Loaded:
    model: InstalledModel
    translator: Any
    sp: Any


class Engine:
    """Translates lists of texts with installed Argos packages."""

    def __init__(self, models_dir: Path, threads: int = 0, beam_size: int = 2,
                 fixed_length: int | None = None) -> None:
        self.models_dir = models_dir
        self.threads = threads
        self.beam_size = max(1, beam_size)
        self.fixed_length = fixed_length  # benchmarks only: decode exactly this many tokens
        self._loaded: dict[str, _Loaded] = {}
        self._lock = threading.Lock()
        self.sentences_translated = 0
        self.batches = 0

    def route(self, src: str, tgt: str) -> list[InstalledModel]:
        """The packages that take ``src`` to ``tgt``: direct, else through English."""
        direct = find(self.models_dir, src, tgt)
        if direct:
            return [direct]
        if PIVOT not in (src, tgt):
            first, second = find(self.models_dir, src, PIVOT), find(self.models_dir, PIVOT, tgt)
            if first and second:
                return [first, second]
        raise DependencyMissing(missing_message(src, tgt))

    def available(self, src: str, tgt: str) -> bool:
        try:
            self.route(src, tgt)
        except DependencyMissing:
            return False
        return True

    def model_version(self, src: str, tgt: str) -> str:
        return "+".join(m.model_version for m in self.route(src, tgt))

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """Translate every text; one batched pass per package on the route."""
        if src == tgt:
            return list(texts)
        out = list(texts)
        for model in self.route(src, tgt):
            out = self._translate_with(model, out)
        return out

    # -- one package ------------------------------------------------------------------------
    def _load(self, model: InstalledModel) -> _Loaded:
        with self._lock:
            key = model.model_version
            if key not in self._loaded:
                import ctranslate2
                import sentencepiece as spm

                translator = ctranslate2.Translator(str(model.path / "model"), device="cpu",
                                                    inter_threads=1, intra_threads=self.threads)
                sp = spm.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
                self._loaded[key] = _Loaded(model, translator, sp)
            return self._loaded[key]

    def _translate_with(self, model: InstalledModel, texts: list[str]) -> list[str]:
        loaded = self._load(model)
        units: list[list[str]] = []
        plans = [_plan(text, lambda s: _pieces(loaded.sp, s), units) for text in texts]
        results = self._decode(loaded, units)
        return [plan(results) for plan in plans]

    def _decode(self, loaded: _Loaded, units: list[list[str]]) -> list[str]:
        """Translate units in batches of similar length.

        A batch shares one decoding limit, so units are grouped by their length rounded up
        to 8 tokens and the limit follows that length alone: a sentence translates the same
        whatever it is batched with.
        """
        results = [""] * len(units)
        prefix = loaded.model.target_prefix
        groups: dict[int, list[int]] = {}
        for i in sorted(range(len(units)), key=lambda i: len(units[i])):
            groups.setdefault(-(-max(1, len(units[i])) // 8) * 8, []).append(i)
        for rounded, members in groups.items():
            length = self.fixed_length or min(1024, int(rounded * 1.6) + 10)
            for lo in range(0, len(members), BUCKET):
                chunk = members[lo : lo + BUCKET]
                batch = [units[i] for i in chunk]
                hyps = loaded.translator.translate_batch(
                    batch, beam_size=self.beam_size, max_decoding_length=length,
                    min_decoding_length=self.fixed_length or 1, replace_unknowns=True,
                    target_prefix=[[prefix] for _ in batch] if prefix else None,
                )
                for i, hyp in zip(chunk, hyps, strict=True):
                    tokens = hyp.hypotheses[0]
                    if prefix and tokens and tokens[0] == prefix:
                        tokens = tokens[1:]
                    results[i] = loaded.sp.decode_pieces(tokens).strip()
                self.sentences_translated += len(batch)
                self.batches += 1
        return results


def _pieces(sp: Any, sentence: str) -> list[list[str]]:
    pieces: list[str] = sp.encode(sentence, out_type=str)
    return [pieces[i : i + MAX_PIECES] for i in range(0, len(pieces), MAX_PIECES)] or [[]]


def _plan(text: str, encode: Callable[[str], list[list[str]]], units: list[list[str]]) -> Callable[[list[str]], str]:
    """Queue a text's sentence pieces in ``units``; return how to reassemble its translation."""
    if not text.strip():
        return lambda _results: text
    layout: list[str | list[list[int]]] = []
    for part in _PARA_SPLIT.split(text):
        if _PARA_SPLIT.fullmatch(part) or not part.strip():
            layout.append(part)
            continue
        sentences = []
        for sentence in split_sentences(part):
            ids = []
            for chunk in encode(sentence):
                ids.append(len(units))
                units.append(chunk)
            sentences.append(ids)
        layout.append(sentences)

    def assemble(results: list[str]) -> str:
        out = []
        for item in layout:
            if isinstance(item, str):
                out.append("\n\n" if item.strip() == "" and "\n" in item else item)
            else:
                out.append(" ".join(" ".join(results[i] for i in ids).strip() for ids in item).strip())
        return "".join(out)

    return assemble
