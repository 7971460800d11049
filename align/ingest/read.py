"""Reading inputs: JSON Lines (plain or gzipped), Parquet, single .txt/.html articles, folders.

``align ingest`` and ``align batch`` read through the same functions. One input may hold a
million articles, so nothing here reads a whole file: records come one at a time with their
position (1-based line or row number), so a resumed job skips what an earlier run committed,
and with how many bytes of the file are behind them, for a progress bar. A bad record or an
unreadable file becomes a :class:`Problem` naming it; the rest of the input goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..dates import date_in_name
from ..errors import DependencyMissing, InputError
from ..settings import Settings
from .article import ArticleInput, Problem, decode, make_article, parse_jsonl_line
from .outlets import html_metadata, outlet_of_path

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FORMATS = ".jsonl, .jsonl.gz, .parquet, .txt or .html"
PARQUET_ROWS = 512


@dataclass(frozen=True)
class Record:
    """One input record: where it is in its file, what it became, how far reading has got."""

    position: int
    item: ArticleInput | Problem
    bytes_done: int


def kind_of(path: Path) -> str | None:
    """``jsonl``, ``jsonl.gz``, ``parquet`` or ``file`` (one .txt/.html article); None otherwise."""
    name = path.name.lower()
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        return "jsonl.gz"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES:
        return "file"
    return None


def expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Input files in a stable order (folders walked and sorted), and the paths that held none."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and kind_of(p))
            if not found:
                problems.append(Problem(str(path), f"folder holds no {FORMATS} files"))
            files.extend(found)
        elif not path.exists():
            problems.append(Problem(str(path), "no such file or folder"))
        elif kind_of(path) is None:
            problems.append(Problem(str(path), f"unsupported file type {path.suffix or '(none)'}: use {FORMATS}"))
        else:
            files.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, problems


def read_paths(paths: list[Path], outlet: str | None = None,
               outlet_from: str = "folder") -> Iterator[ArticleInput | Problem]:
    """Every article and problem of files and folders, in a stable (sorted) order."""
    files, problems = expand(paths)
    yield from problems
    for path in files:
        for record in stream(path, outlet=outlet, outlet_from=outlet_from):
            yield record.item


def stream(path: Path, start: int = 0, outlet: str | None = None, outlet_from: str = "folder") -> Iterator[Record]:
    """The records of one file after position ``start``; for a single .txt/.html article,
    ``outlet`` names its outlet, else its page's metadata or its path does (``outlet_from``)."""
    kind = kind_of(path)
    if kind == "parquet":
        yield from _parquet(path, start)
    elif kind in {"jsonl", "jsonl.gz"}:
        yield from _jsonl(path, start, kind == "jsonl.gz")
    elif start < 1:
        yield Record(1, read_article_file(path, outlet, outlet_from=outlet_from), path.stat().st_size)


def read_article_file(path: Path, outlet: str | None = None, max_bytes: int = Settings.max_file_bytes,
                      outlet_from: str = "folder") -> ArticleInput | Problem:
    """A single .txt or .html file as one article. Its outlet: ``outlet`` if given, else an HTML
    page's site name, else its path (``outlet_from``: folder or filename); its date: the page's
    metadata, else a date in the file name; an HTML page also gives its URL and title."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size:,} bytes; the limit for one .txt or .html article is {max_bytes:,}")
        text, encoding = decode(path.read_bytes())
        kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
        meta = html_metadata(text) if kind == "html" else {}
        name = outlet or meta.get("outlet") or outlet_of_path(path, outlet_from)
        if not name:
            raise InputError("no outlet: pass --outlet or --outlet-from filename, or put the file in a folder "
                             "named for its outlet")
        record: dict[str, str] = {"outlet": name, kind: text, **{k: meta[k] for k in ("title", "url") if k in meta}}
        day = meta.get("published") or date_in_name(path.name)
        if day:
            record["published"] = day
        return make_article(record, source=str(path), raw=text, encoding=encoding)
    except (InputError, OSError) as exc:
        return Problem(str(path), exc.message if isinstance(exc, InputError) else str(exc))


def _jsonl(path: Path, start: int, gzipped: bool) -> Iterator[Record]:
    with open(path, "rb") as raw:
        lines: Any = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        if not gzipped and raw.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            yield from _utf16_lines(raw, path, start)  # a BOM'd UTF-16 file cannot be split on b"\n"
            return
        raw.seek(0)
        number = 0
        try:
            for number, line in enumerate(lines, start=1):
                if number <= start or not line.strip():
                    continue
                yield Record(number, _jsonl_record(line, f"{path}:{number}"), raw.tell())
        except (OSError, EOFError, zlib.error) as exc:
            where = f"{path}:{number + 1}"
            yield Record(number + 1, Problem(where, f"unreadable {'gzip ' if gzipped else ''}data: {exc}"),
                         path.stat().st_size)


def _utf16_lines(raw: IO[bytes], path: Path, start: int) -> Iterator[Record]:
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding="utf-16", newline="")
    for number, line in enumerate(text, start=1):
        if number > start and line.strip():
            yield Record(number, parse_jsonl_line(line.rstrip("\r\n"), f"{path}:{number}", "utf-16"), raw.tell())


def _jsonl_record(line: bytes, where: str) -> ArticleInput | Problem:
    """A line decoded as UTF-8 (the JSON Lines norm), else by the same guess as a whole file."""
    try:
        text, encoding = line.decode("utf-8").lstrip("\ufeff"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = decode(line)
        except InputError as exc:
            return Problem(where, exc.message)
    return parse_jsonl_line(text.rstrip("\r\n"), where, encoding)


def _parquet(path: Path, start: int) -> Iterator[Record]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise DependencyMissing("reading Parquet needs pyarrow: pip install pyarrow") from exc
    size = path.stat().st_size
    try:
        table = pq.ParquetFile(path)
        total = max(1, table.metadata.num_rows)
        number = 0
        for batch in table.iter_batches(batch_size=PARQUET_ROWS):
            if number + batch.num_rows <= start:
                number += batch.num_rows
                continue
            for record in batch.to_pylist():
                number += 1
                if number <= start:
                    continue
                yield Record(number, _parquet_record(record, f"{path}:row {number}"), size * number // total)
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        yield Record(start + 1, Problem(str(path), f"unreadable Parquet file: {exc}"), size)


def _parquet_record(record: dict[str, Any], where: str) -> ArticleInput | Problem:
    fields = {k: _plain(v) for k, v in record.items() if v is not None}
    try:
        return make_article(fields, source=where, raw=json.dumps(fields, ensure_ascii=False, sort_keys=True))
    except InputError as exc:
        return Problem(where, exc.message)


def _plain(value: Any) -> Any:
    """Parquet timestamps and dates as the ISO strings the article fields take."""
    return value.isoformat() if isinstance(value, datetime | date) else value
