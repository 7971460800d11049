"""One input record becomes an article: validated, decoded, cleaned, dated.

Every input becomes an :class:`ArticleInput` with its cleaned text and the raw input it
came from, or a :class:`Problem` naming the file (and line) and what was wrong. A bad
record never stops the rest of the input (reading files is :mod:`align.ingest.read`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from ..dates import date_from_war_day, parse_published
from ..errors import InputError, UnsupportedInput
from ..settings import Settings
from ..text.clean import clean, normalise
from ..text.encoding import decode_bytes, repair_mojibake

_FIELDS = {"outlet", "text", "html", "id", "title", "url", "published", "lang"}


@dataclass(frozen=True)
class ArticleInput:
    """One article ready to store: cleaned text plus everything the input said about it."""

    outlet: str
    text: str
    raw: str
    source: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    lang: str | None = None
    encoding: str = "utf-8"
    encoding_note: str | None = None
    removed: tuple[tuple[str, str], ...] = ()  # lines of page junk left out of ``text``, and why

    @property
    def content_hash(self) -> str:
        return hashlib.sha1(f"{self.outlet}\n{self.text}".encode()).hexdigest()

    @property
    def article_id(self) -> str:
        return self.id or "a-" + self.content_hash[:16]


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def parse_jsonl_line(line: str, where: str, encoding: str = "utf-8") -> ArticleInput | Problem:
    """One JSON Lines record as an article, or the Problem that names ``where`` and what was wrong."""
    try:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
        return make_article(record, source=where, raw=line, encoding=encoding)
    except InputError as exc:
        return Problem(where, exc.message)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding guess) of a file's bytes; empty and binary content are refused."""
    if not data.strip():
        raise UnsupportedInput("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    sample = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise UnsupportedInput("binary content, not text")
    text, encoding = decode_bytes(data)
    if not text.strip():
        raise UnsupportedInput("whitespace only")
    return text, encoding


def make_article(record: Any, source: str, raw: str, encoding: str = "utf-8",
                 max_chars: int = Settings.max_article_chars) -> ArticleInput:
    """Validate one input record and clean its text; errors name the field."""
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    unknown = sorted(set(record) - _FIELDS)
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}")
    outlet = _string(record, "outlet", required=True)
    text, html = _string(record, "text"), _string(record, "html")
    if text is None and html is None:
        raise InputError("one of 'text' or 'html' is required")
    body = text if text is not None else _html_to_text(html or "")
    body, encoding_note = repair_mojibake(body)
    cleaned, junk = clean(body)
    if not re.search(r"[^\W_]", cleaned):
        raise UnsupportedInput("no article text left after removing markup and page junk")
    if len(cleaned) > max_chars:
        raise InputError(f"article text is {len(cleaned):,} characters; the limit is {max_chars:,}")
    ident = record.get("id")
    if (ident is not None and not isinstance(ident, str | int)) or isinstance(ident, bool):
        raise InputError("field 'id' must be a string or an integer")
    lang = _string(record, "lang")
    if lang is not None and not (2 <= len(lang) <= 3 and lang.isalpha()):
        raise InputError(f"field 'lang' must be an ISO 639-1 code like 'ru', got {lang!r}")
    return ArticleInput(
        outlet=" ".join((outlet or "").split()),
        text=cleaned,
        raw=raw,
        source=source,
        id=None if ident is None else str(ident),
        title=_string(record, "title"),
        url=_string(record, "url"),
        published=parse_published(_string(record, "published")) or date_from_war_day(cleaned),
        lang=lang.lower() if lang else None,
        encoding=encoding,
        encoding_note=encoding_note,
        removed=tuple(junk),
    )


def _string(record: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = record.get(name)
    if value is None:
        if required:
            raise InputError(f"field '{name}' is required")
        return None
    if not isinstance(value, str):
        raise InputError(f"field '{name}' must be a string, got {type(value).__name__}")
    value = normalise(value)
    if required and not value.strip():
        raise InputError(f"field '{name}' is empty")
    return value


def _html_to_text(html: str) -> str:
    import trafilatura
    from lxml import etree

    if not html.strip():
        raise UnsupportedInput("field 'html' is empty")
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    except (ValueError, RecursionError, etree.LxmlError) as exc:
        raise InputError(f"unreadable HTML ({type(exc).__name__})") from exc
    if text is None:
        # Very short pages defeat trafilatura's heuristics; fall back to the bare text.
        from lxml import html as lxml_html

        try:
            tree = lxml_html.fromstring(html)
        except (ValueError, SyntaxError, RecursionError, etree.LxmlError) as exc:
            raise InputError("unreadable HTML") from exc
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    return text
