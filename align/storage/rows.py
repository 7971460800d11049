"""Rows of the store as typed records: an article, a segment, the matching view of all segments."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ArticleRow:
    id: str
    outlet: str
    title: str | None
    url: str | None
    published: str | None
    lang_given: str | None
    text: str
    raw: str
    content_hash: str
    source: str | None
    encoding: str | None = None
    encoding_note: str | None = None
    removed: str | None = None  # JSON: lines of page junk left out of ``text``, and why


@dataclass(frozen=True)
class Nodes:
    """What matching needs of every embedded segment, as arrays in rowid order (no texts)."""

    rowids: np.ndarray[Any, Any]
    ids: list[str]
    articles: list[str]
    outlets: list[str]
    langs: list[str]
    times: list[str | None]  # the segment's time, else its article's date


@dataclass(frozen=True)
class SegmentRow:
    rowid: int
    id: str
    article_id: str
    outlet: str
    ord: int
    start: int
    end: int
    kind: str
    timestamp: str | None
    time: str | None
    text: str
    lang: str | None
    lang_code: str | None
    published: str | None
    title: str | None
    translation: str | None = None
    translation_model: str | None = None
    translation_note: str | None = None
    density: float | None = None
    embedded: bool = False
    match_text: str | None = None  # the text without page furniture, where it differs
    removed: str | None = None  # JSON: furniture left out of matching, and why

    @property
    def matching(self) -> str:
        """What is embedded and matched: the text without page furniture."""
        return self.text if self.match_text is None else self.match_text

    @property
    def furniture(self) -> bool:
        """Nothing but page furniture: never embedded, never in an event."""
        return self.match_text == ""


def chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """``IN (...)`` lists of at most ``size`` ids (SQLite's variable limit)."""
    for lo in range(0, len(ids), size):
        yield ids[lo : lo + size]


def text_hash(text: str) -> str:
    """Key of a cleaned text, so exact copies from another outlet are found by index, not by scan."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
