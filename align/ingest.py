"""Reading articles from JSON Lines, text and HTML files, and folders of them.

Every input becomes an :class:`ArticleInput` with its cleaned text and the raw input it
came from, or a :class:`Problem` naming the file (and line) and what was wrong. A bad
line or file never stops the rest of the input.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .clean import clean_text, normalise
from .encoding import decode_bytes, repair_mojibake
from .errors import InputError, UnsupportedInput

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MAX_ARTICLE_CHARS = 200_000
MAX_FILE_BYTES = 10_000_000  # one .txt/.html article; JSON Lines files may be any size
INVASION_DAY = date(2022, 2, 24)
_NAME_DATE_RE = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_WAR_DAY_RE = re.compile(
    r"\b(?:day|ден|день)\s+(?P<n>\d{1,4})\s+(?:(?:of|от|на)\s+)?(?:the\s+)?"
    r"(?:war|invasion|full-scale|войната|инвазията|войны|вторжения|війни|вторгнення)",
    re.IGNORECASE,
)
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


def read_paths(paths: list[Path], outlet: str | None = None) -> Iterator[ArticleInput | Problem]:
    """Articles and problems from files and folders, in a stable (sorted) order."""
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _readable_suffix(p))
            if not files:
                yield Problem(str(path), "folder holds no .jsonl, .txt or .html files")
            for file in files:
                yield from read_file(file, outlet)
        elif path.exists():
            yield from read_file(path, outlet)
        else:
            yield Problem(str(path), "no such file or folder")


def _readable_suffix(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def read_file(path: Path, outlet: str | None = None) -> Iterator[ArticleInput | Problem]:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix not in JSONL_SUFFIXES and size > MAX_FILE_BYTES:
            raise InputError(f"file is {size:,} bytes; the limit for one .txt or .html article is {MAX_FILE_BYTES:,}")
        data = path.read_bytes()
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, data)
            return
        if not _readable_suffix(path):
            raise UnsupportedInput(f"unsupported file type {suffix or '(none)'}: use .jsonl, .txt or .html")
        text, encoding = decode(data)
        name = outlet or path.parent.name
        if not name:
            raise InputError("no outlet: pass --outlet or put the file in a folder named for its outlet")
        kind = "html" if suffix in HTML_SUFFIXES else "text"
        record = {"outlet": name, kind: text}
        day = date_in_name(path.name)
        if day:
            record["published"] = day
        yield make_article(record, source=str(path), raw=text, encoding=encoding)
    except (InputError, OSError) as exc:
        yield Problem(str(path), exc.message if isinstance(exc, InputError) else str(exc))


def _read_jsonl(path: Path, data: bytes) -> Iterator[ArticleInput | Problem]:
    text, encoding = decode(data)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield parse_jsonl_line(line, f"{path}:{number}", encoding)


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


def make_article(record: Any, source: str, raw: str, encoding: str = "utf-8") -> ArticleInput:
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
    cleaned = clean_text(body)
    if not re.search(r"[^\W_]", cleaned):
        raise UnsupportedInput("no article text left after removing markup and page junk")
    if len(cleaned) > MAX_ARTICLE_CHARS:
        raise InputError(f"article text is {len(cleaned):,} characters; the limit is {MAX_ARTICLE_CHARS:,}")
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
    )


def date_in_name(name: str) -> str | None:
    """An ISO date written in a file name (``france24-liveblog-2023-09-05.txt``), if valid."""
    for m in _NAME_DATE_RE.finditer(name):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return None


def date_from_war_day(text: str) -> str | None:
    """The date a "Day N of the war/invasion" summary names, counting from 24 February 2022.

    Daily war summaries (Novinite's "Day 612 of the Invasion of Ukraine") carry their date
    only this way; without it, reports of different nights could not be told apart.
    """
    m = _WAR_DAY_RE.search(text[:600])
    if not m:
        return None
    day = int(m.group("n"))
    return (INVASION_DAY + timedelta(days=day - 1)).isoformat() if 0 < day < 5000 else None


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


def parse_published(value: str | None) -> str | None:
    """ISO 8601 date or date-time, normalised; anything else is an error naming the field."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if len(value) == 10:  # a date alone stays a date
            day = date.fromisoformat(value)
            _not_future(datetime.combine(day, datetime.min.time()), value)
            return day.isoformat()
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"field 'published' is not an ISO 8601 date: {value!r}") from exc
    _not_future(parsed, value)
    return parsed.isoformat()


def _not_future(when: datetime, raw: str) -> None:
    """News is not published in the future: more than two days ahead is a wrong date."""
    now = datetime.now(when.tzinfo) if when.tzinfo else datetime.now()
    if when - now > timedelta(days=2):
        raise InputError(f"field 'published' is in the future: {raw!r}")


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
