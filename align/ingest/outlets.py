"""Which outlet a file belongs to, and a per-outlet account of what an ingest read.

Users keep articles from many outlets in one folder, with the outlet in the file name
(``france24-liveblog-2023-09-05.txt``) or in the page's own metadata; an outlet taken from the
wrong place silently merges outlets, and merged outlets can never be compared. So the rule is
explicit (``--outlet-from folder|filename``, ``--outlet`` over both, an HTML page's site name
before either), and ``align ingest`` prints what each outlet received and warns when a folder
of differently named files became one outlet.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

OUTLET_FROM = ("folder", "filename")
_LEADING = re.compile(r"^([^-_]+)[-_]")


def outlet_of_path(path: Path, outlet_from: str = "folder") -> str:
    """The outlet a .txt/.html file's path names: its folder, or its file name up to the first
    ``-`` or ``_`` (``france24-liveblog-2023-09-05.txt`` → ``france24``; a name without one is
    the outlet whole)."""
    if outlet_from not in OUTLET_FROM:
        raise InputError(f"outlet_from: {outlet_from!r} is not one of {', '.join(OUTLET_FROM)}")
    if outlet_from == "folder":
        return path.parent.name
    found = _LEADING.match(path.stem)
    return (found.group(1) if found else path.stem).strip()


def html_metadata(html: str) -> dict[str, str]:
    """What a page says about itself (trafilatura reads og:, schema.org and meta tags):
    ``outlet`` (site name, else host), ``published``, ``url``, ``title``; absent keys unknown."""
    from trafilatura import extract_metadata

    try:
        meta = extract_metadata(html)
    except (ValueError, RecursionError):
        return {}
    if meta is None:
        return {}
    found = {"outlet": meta.sitename or meta.hostname, "published": meta.date, "url": meta.url, "title": meta.title}
    return {k: " ".join(str(v).split()) for k, v in found.items() if v and str(v).strip()}


@dataclass
class OutletSummary:
    """What one outlet received in one ingest: articles, their languages, their date range."""

    outlet: str
    articles: int = 0
    langs: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add(self, lang: str, published: str | None) -> None:
        self.articles += 1
        self.langs[lang] += 1
        day = (published or "")[:10] or None
        if day:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)

    def line(self) -> str:
        langs = ", ".join(f"{lang} {n}" for lang, n in self.langs.most_common())
        dates = f"{self.first} … {self.last}" if self.first and self.first != self.last else (self.first or "no dates")
        return f"{self.outlet}: {self.articles} article(s); {langs}; {dates}"


def merged_folders(files: list[Path], outlets: dict[Path, str], outlet_from: str) -> list[str]:
    """Warnings for folders whose files all became the folder's outlet although their names
    start with different words (the outlet was probably in the file name)."""
    if outlet_from != "folder":
        return []
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        if outlets.get(path) == path.parent.name:
            by_folder.setdefault(path.parent, []).append(path)
    warnings = []
    for folder, members in sorted(by_folder.items()):
        leads = sorted({outlet_of_path(p, "filename").casefold() for p in members})
        if len(members) >= 2 and len(leads) >= 2:
            shown = ", ".join(leads[:5]) + (", …" if len(leads) > 5 else "")
            warnings.append(f"{len(members)} files in {folder} became one outlet {folder.name!r}, but their names "
                            f"start differently ({shown}): if the outlet is in the file name, ingest again with "
                            f"--outlet-from filename")
    return warnings


def summary_lines(summaries: dict[str, OutletSummary]) -> list[str]:
    return [s.line() for _, s in sorted(summaries.items(), key=lambda kv: (-kv[1].articles, kv[0]))]
