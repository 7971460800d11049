"""Tables of canonical names and the ways the four languages spell them.

Both the source registry (``data/sources.tsv``: TASS, the Russian defence ministry,
Telegram) and the gazetteer (``data/gazetteer.tsv``: Oryol, Kyiv, Sobyanin) are such
tables. An alias is a small regular expression; a trailing ``*`` stands for any word
ending, which is how Cyrillic inflection is covered (``Орловск*`` finds "Орловской
области"). All-capital aliases (TASS, США, AP) match case-sensitively, others ignore case.
Where mentions overlap, the longest wins ("Russian Defence Ministry" over "Defence Ministry").
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError


class SpannedJson:
    """For dataclasses found in text (sources, facts): JSON with the ``span`` tuple as a list.

    Built field by field rather than with ``dataclasses.asdict``, whose deep copy cost a search
    ~4 ms over its ten hits' facts; a dict value (a quantity) is copied, since analyses are cached
    and shared."""

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        out["span"] = list(out["span"])
        if isinstance(out.get("value"), dict):
            out["value"] = dict(out["value"])
        return out


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    pattern: re.Pattern[str]

    @functools.cached_property
    def anchor(self) -> str:
        """Lower-cased literal text every match must contain ('' when the pattern starts with
        regex syntax): a substring test skips the regex for the many entries a text never names."""
        body = self.pattern.pattern.removeprefix(_LEAD).removeprefix("(?-i:")  # case-sensitive names too
        run: list[str] = []
        for i, ch in enumerate(body):
            if not (ch.isalnum() or ch == " "):
                if ch in "?*{" and run:
                    run.pop()
                break
            if i + 1 == len(body) or body[i + 1] not in "?*{":
                run.append(ch)
            else:
                break
        anchor = "".join(run).strip().lower()
        return anchor if len(anchor) >= 2 and anchor.lower() == anchor.upper().lower() else ""


    @functools.cached_property
    def needle(self) -> str:
        """For an entry without an anchor ("(?:the )?mayor"): the longest lower-cased literal run
        outside the pattern's groups, classes and repeats, which every match contains ('' when none
        of three letters exists); a substring test then skips the regex scan for texts without it."""
        body = self.pattern.pattern.removeprefix(_LEAD)
        runs: list[str] = []
        run: list[str] = []
        depth, i = 0, 0
        while i < len(body):
            ch = body[i]
            plain = depth == 0 and (ch.isalnum() or ch == " ")
            if plain and i + 1 < len(body) and body[i + 1] in "?*{+":
                plain = False
            if plain:
                run.append(ch)
            else:
                runs.append("".join(run))
                run = []
                if ch == "\\":
                    i += 1  # an escape: the next character is not plain text either
                elif ch == "{":
                    i = body.find("}", i)  # a repeat count is no text
                elif ch == "|" and depth == 0:
                    return ""  # alternatives at the top: no run is in every match
                elif ch in "([":
                    depth += 1
                elif ch in ")]":
                    depth -= 1
            i += 1
        runs.append("".join(run))
        needle = max(runs, key=len).strip().lower()
        return needle if len(needle) >= 3 else ""

    def mentions(self, text: str) -> list[Mention]:
        """Every match of the pattern in ``text``, scanned from start to end."""
        return [Mention(self.name, self.kind, hit.start(), hit.end(), hit.group(0))
                for hit in self.pattern.finditer(text)]


@dataclass(frozen=True)
class Mention:
    name: str
    kind: str
    start: int
    end: int
    text: str


def split_top_level(aliases: str) -> list[str]:
    """Split ``a|b(?:c|d)|e`` on the bars outside parentheses and brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in aliases:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in (x.strip() for x in parts) if p]


_LEAD = r"(?<![\w])"
_START = 4  # characters of an anchor's first word that index it
_TOKEN_RE = re.compile(r"\w+")


def _start(anchor: str) -> str:
    return anchor.split(" ")[0][:_START]


@functools.lru_cache(maxsize=64)
def _word_starts(lowered: str) -> dict[str, list[int]]:
    """Where the words of a (lower-cased) text start, by each of their first ``_START`` prefixes.

    A mention begins at a word's start (see ``_LEAD``) with its entry's anchor, so an entry need
    only be tried at the starts of the words its anchor's opening begins: no scan of the text per
    entry, and no try in the middle of a word, which ``_LEAD`` would refuse anyway."""
    starts: dict[str, list[int]] = {}
    for m in _TOKEN_RE.finditer(lowered):
        word, at = m.group(0), m.start()
        for n in range(1, min(len(word), _START) + 1):
            starts.setdefault(word[:n], []).append(at)
    return starts


def tsv_rows(text: str, source: str, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """The data rows of a packaged table (after its header, without comments), with their line
    numbers; a row without exactly ``columns`` fields is an error naming the row."""
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise InputError(f"{source}: row {number} needs {', '.join(columns[:-1])} and {columns[-1]}"
                             " separated by tabs")
    return list(enumerate(rows[1:], start=2))


def packaged_text(filename: str) -> str:
    return resources.files("align").joinpath(f"data/{filename}").read_text(encoding="utf-8")


def compile_alias(alias: str) -> re.Pattern[str]:
    # A * after a letter is "any ending"; after regex syntax (\w*, [ая]*) it keeps its regex sense.
    body = re.sub(r"(?<=[^\W\d_])(?<!\\[wWdDsS])\*(?=\s|$)", r"[\\w'’]*", alias.strip())
    bare = re.sub(r"\\.|[^\w]", "", alias)
    flags = 0 if bare.isupper() else re.IGNORECASE
    return re.compile(rf"{_LEAD}{body}(?![\w])", flags)


class AliasTable:
    """Canonical names with alias patterns; finds their mentions in text."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.kinds = {e.name: e.kind for e in entries}
        self._canonical: dict[str, str] = {}  # composed names already looked up (see canonical)
        # Entries by the start of their anchor: a match begins at a word start (see _LEAD), so a
        # text can only name entries whose anchor starts one of its words. Thousands of aliases
        # then cost a set lookup each instead of a substring search each.
        self._by_start: dict[str, list[int]] = {}
        self._always: list[int] = []
        for i, e in enumerate(entries):
            if e.anchor:
                self._by_start.setdefault(_start(e.anchor), []).append(i)
            else:
                self._always.append(i)

    @classmethod
    def from_tsv(cls, text: str, source: str = "") -> AliasTable:
        entries = []
        for number, (name, kind, aliases) in tsv_rows(text, source, ("name", "kind", "aliases")):
            for alias in split_top_level(aliases):
                try:
                    entries.append(Entry(name, kind, compile_alias(alias)))
                except re.error as exc:
                    raise InputError(f"{source}: row {number}: bad alias {alias!r}: {exc}") from exc
        return cls(entries)

    @classmethod
    def packaged(cls, filename: str) -> AliasTable:
        return cls.from_tsv(packaged_text(filename), filename)

    def extended(self, path: Path | None, section: str) -> AliasTable:
        """This table plus the user's ``[[section]]`` entries (name, kind, aliases) from a TOML file."""
        if path is None:
            return self
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"{path}: cannot read: {exc}") from exc
        extra = []
        for i, item in enumerate(data.get(section, []), start=1):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item.get("aliases"):
                raise InputError(f"{path}: [[{section}]] entry {i} needs 'name' and 'aliases'")
            aliases = item["aliases"] if isinstance(item["aliases"], list) else [item["aliases"]]
            kind = str(item.get("kind", self.kinds.get(item["name"], "agency")))
            extra += [Entry(item["name"], kind, compile_alias(str(a))) for a in [*aliases, re.escape(item["name"])]]
        return AliasTable(extra + self.entries)

    def with_people_of(self, other: AliasTable) -> AliasTable:
        """This table plus the people of another (a gazetteer), as officials who can be cited."""
        return AliasTable(self.entries + [Entry(e.name, "official", e.pattern) for e in other.entries
                                          if e.kind == "person"])

    def canonical(self, name: str) -> str:
        """The table's name for ``name`` when one of its aliases is all of it ("Ukrainian General
        Staff" → General Staff of Ukraine), else ``name``."""
        if name not in self._canonical:
            whole = [m for m in self.find(name) if (m.start, m.end) == (0, len(name))]
            self._canonical[name] = whole[0].name if whole else name
        return self._canonical[name]

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions, longest first where they overlap, in text order."""
        return list(_found(self, text))

    def _find(self, text: str) -> tuple[Mention, ...]:
        lowered = text.lower()
        found: list[Mention] = []
        if len(lowered) == len(text):  # lower() kept every offset (it does but for rare letters)
            starts = _word_starts(lowered)  # remembered: a profile asks several tables about one text
            tried = sorted([(i, "") for i in self._always]
                           + [(i, s) for s in starts for i in self._by_start.get(s, ())])
            for i, opening in tried:
                e = self.entries[i]
                if not opening:
                    if e.needle in lowered:
                        found += e.mentions(text)
                    continue
                end = 0
                for at in starts[opening]:
                    if at >= end and lowered.startswith(e.anchor, at) and (hit := e.pattern.match(text, at)):
                        found.append(Mention(e.name, e.kind, at, hit.end(), hit.group(0)))
                        end = hit.end()
        else:
            found = [m for e in self.entries for m in e.mentions(text)]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Mention] = []
        for m in found:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return tuple(sorted(taken, key=lambda m: m.start))


@functools.lru_cache(maxsize=32)
def _found(table: AliasTable, text: str) -> tuple[Mention, ...]:
    """A table's mentions in one of the last few texts it was asked about: a segment's profile asks
    the gazetteer and the source table about the same text two or three times each (names, facts,
    sources), and this is the largest part of a profile's cost."""
    return table._find(text)


@functools.cache
def packaged_table(filename: str) -> AliasTable:
    """A packaged table, parsed once per process: the gazetteer and the source table are read by
    the fact finder, the attribution registry and the person finder alike."""
    return AliasTable.packaged(filename)
