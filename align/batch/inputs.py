"""Streaming a batch job's inputs: JSON Lines, gzipped JSON Lines, Parquet, and folders of them.

One input may hold a million articles, so nothing here reads a whole file: records come one
at a time with their position (1-based line or row number), so a resumed job skips what an
earlier run committed, and with how many bytes of the file are behind them, for the
progress bar. A bad record or an unreadable file becomes a Problem naming it; the rest of
the input goes on.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import DependencyMissing, InputError
from ..ingest import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    ArticleInput,
    Problem,
    decode,
    make_article,
    parse_jsonl_line,
    read_file,
)

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
                problems.append(Problem(str(path), "folder holds no .jsonl, .jsonl.gz, .parquet, .txt or .html files"))
            files.extend(found)
        elif not path.exists():
            problems.append(Problem(str(path), "no such file or folder"))
        elif kind_of(path) is None:
            problems.append(Problem(str(path), f"unsupported file type {path.suffix or '(none)'}: use .jsonl, "
                                               ".jsonl.gz, .parquet, .txt or .html"))
        else:
            files.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, problems


def stream(path: Path, start: int = 0) -> Iterator[Record]:
    """The records of one file after position ``start``."""
    kind = kind_of(path)
    if kind == "parquet":
        yield from _parquet(path, start)
    elif kind in {"jsonl", "jsonl.gz"}:
        yield from _jsonl(path, start, kind == "jsonl.gz")
    elif start < 1:
        size = path.stat().st_size
        for item in read_file(path):
            yield Record(1, item, size)


def _jsonl(path: Path, start: int, gzipped: bool) -> Iterator[Record]:
    with open(path, "rb") as raw:
        lines: Any = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
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
