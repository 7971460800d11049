"""A small, offline sentence splitter for bg, ru, uk and en.

Embedding sentence by sentence (then averaging) keeps every part of a long segment in
the vector, and the translation engine needs sentences too. Library splitters (stanza,
spaCy, minisbd) fetch resources at run time, so align uses its own rule: a sentence ends
at ``.!?…`` followed by space and a capital, digit or opening quote, unless the dot closes
a known abbreviation or an initial.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "st", "jr", "sr", "vs", "etc",
    "no", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "a.m", "p.m", "e.g", "i.e", "approx",
    "г", "гг", "ул", "д", "т", "т.е", "т.к", "т.н", "др", "пр", "им", "млн", "млрд", "тыс",
    "хил", "ок", "вкл", "напр", "см", "стр", "проф", "акад", "обл", "р", "рр", "с", "м",
    "ген", "грн", "руб", "лв", "чл", "ч",
}
_END_RE = re.compile(r"([.!?…]+[\"'”»’)]*)\s+(?=[\"'“«‘(\[]?[A-ZА-ЯЁІЇЄҐ0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; paragraph breaks always end a sentence."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = " ".join(para.split())
        if not para:
            continue
        start = 0
        for m in _END_RE.finditer(para):
            before = para[start : m.start(1)]
            last = before.rsplit(" ", 1)[-1].lower().rstrip(".")
            if m.group(1).startswith(".") and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            out.append(para[start : m.end(1)].strip())
            start = m.end()
        if para[start:].strip():
            out.append(para[start:].strip())
    return out


def sentence_spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where each of ``sentences`` (split from ``text``, perhaps with furniture left out) lies
    in ``text``, in order: the splitter collapses whitespace, so each is found word by word.
    A sentence that cannot be found (it was not split from this text) gets ``(-1, -1)``."""
    out: list[tuple[int, int]] = []
    pos = 0
    for sentence in sentences:
        found = _words_at(text, sentence.split(), pos)
        out.append(found or (-1, -1))
        pos = found[1] if found else pos
    return out


def _words_at(text: str, words: list[str], pos: int) -> tuple[int, int] | None:
    """The first span from ``pos`` on where ``words`` stand in order with only whitespace between
    them. String search, not a regular expression per sentence: a build splits hundreds of
    thousands of sentences, and compiling each one's pattern cost more than the search."""
    if not words:
        return None
    start = text.find(words[0], pos)
    while start != -1:
        end = start + len(words[0])
        for word in words[1:]:
            gap = end
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == end or not text.startswith(word, gap):
                break
            end = gap + len(word)
        else:
            return start, end
        start = text.find(words[0], start + 1)
    return None
