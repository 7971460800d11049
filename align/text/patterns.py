"""Regular-expression helpers the analysers share."""

from __future__ import annotations

import re


def ending_at(rx: re.Pattern[str], text: str, end: int, reach: int = 40) -> re.Match[str] | None:
    """``rx``'s match in ``text[:end]`` for a pattern that ends with a short word and the whitespace
    up to ``end`` ("$ ", "ще ", "since ", "близо до "). Searched from ``reach`` characters before that
    whitespace rather than from the text's start, which made every number or place of a text cost
    the length of the text; the same match whenever the pattern's word is shorter than ``reach``."""
    start = end
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return rx.search(text, max(0, start - reach), end)
