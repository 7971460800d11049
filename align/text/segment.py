"""Split a cleaned article into event segments.

Live blogs and daily summaries bundle several events in one page, so the unit of
alignment is the *event segment*. Structure is read from the layout that such pages
share across outlets and languages: timestamped entries (``05:50am: ...``,
``14:30 — ...``, ``10:15 ч. ...``), section headings, bullet summaries. An article with
none of these is one story; it is only split where a long text changes topic outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..settings import Settings

TIMESTAMP_RE = re.compile(
    r"^(?P<ts>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|ч\.?|час\.?|год\.?|h|uhr|gmt|cet|utc)?)"
    r"(?:\s*[:—–\-|]\s+|\s*[—–|]\s*|(?<=[a-zа-яё.])\s+(?=\S))",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^\s*(?:[•▪●◦·*\-–—]|\d{1,2}[.)])\s+")
_END_PUNCT = tuple(".!?;,…")
_QUOTES = "\"'”’»“‘«)"  # a heading may end in a closing quote, a sentence ends before it


@dataclass(frozen=True)
class Segment:
    """A span of an article's cleaned text that tells one event."""

    ord: int
    start: int
    end: int
    text: str
    kind: str  # "entry" (timestamped), "section", "bullet", "body"
    timestamp: str | None = None


@dataclass(frozen=True)
class _Para:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[_Para]:
    """Paragraphs of a cleaned text (one per line, as ``clean_text`` writes them) with spans."""
    out: list[_Para] = []
    for m in re.finditer(r"[^\n]+", text):
        chunk = m.group(0)
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(_Para(m.start() + lead, m.start() + len(chunk.rstrip()), chunk.strip()))
    return out


def timestamp_of(para: str) -> str | None:
    """The leading clock time of a live-blog entry, as written, or None."""
    m = TIMESTAMP_RE.match(para)
    return m.group("ts").strip() if m else None


def is_heading(para: str) -> bool:
    """A short line without closing punctuation: a title, section head or list intro."""
    words = para.split()
    if not 2 <= len(words) <= 30 or len(para) > 220 or _BULLET_RE.match(para):
        return False
    first = para.lstrip("🔴 ")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    bare = para.rstrip(_QUOTES)
    if bare != para and bare.endswith(_END_PUNCT):
        return False
    return not bare.endswith(_END_PUNCT) or (para.endswith(":") and len(words) <= 16)


def is_bullet(para: str) -> bool:
    return bool(_BULLET_RE.match(para))


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", _BULLET_RE.sub("", text)).strip().lower()[:60]


def segment(text: str, title: str | None = None) -> list[Segment]:
    """Event segments of a cleaned article text, in reading order, with spans into ``text``."""
    paras = paragraphs(text)
    if not paras:
        return []
    body = paras
    if _is_title(paras, title):
        body = paras[1:]
    groups = list(_structured_groups(body))
    if not groups:
        groups = [(kind, g, None) for kind, g in _topic_groups(body or paras)]
        if len(groups) == 1:  # one story: keep its title with it
            groups = [("body", paras, None)]
    return [
        Segment(i, g[0].start, g[-1].end, text[g[0].start : g[-1].end], kind, ts)
        for i, (kind, g, ts) in enumerate(groups)
    ]


def _is_title(paras: list[_Para], title: str | None) -> bool:
    head = paras[0].text
    if title and _key(head) == _key(title):
        return True
    return len(paras) > 1 and is_heading(head) and not head.endswith(":")


def _structured_groups(paras: list[_Para]) -> Iterator[tuple[str, list[_Para], str | None]]:
    """Groups by timestamps, headings and bullets; nothing when the article has no such layout."""
    stamps = [i for i, p in enumerate(paras) if timestamp_of(p.text)]
    bullets = [i for i, p in enumerate(paras) if is_bullet(p.text)]
    heading_keys = {_key(p.text) for p in paras if is_heading(p.text) and not is_bullet(p.text)}
    toc = {i for i in bullets if _key(paras[i].text) in heading_keys}
    heads = [
        i
        for i, p in enumerate(paras)
        if is_heading(p.text) and not is_bullet(p.text) and i not in stamps
        and not (p.text.endswith(":") and i + 1 < len(paras) and i + 1 in bullets)
    ]
    live = len(stamps) >= 2
    sections = len(heads) >= 2 or (live and heads)
    if not (live or sections or len(bullets) - len(toc) >= 2):
        return
    starts = set(stamps) | (set(heads) if sections else set())
    if not live and not sections:
        starts |= set(bullets) - toc
    first = min(starts)
    lede = [p for i, p in enumerate(paras[:first]) if i not in toc and not is_bullet(p.text)]
    lede_is_intro = live or bool(toc) or any(p.text.endswith(":") for p in lede)
    if lede and not lede_is_intro:
        yield "body", lede, None
    current: list[_Para] = []
    kind, ts = "section", None
    for i in range(first, len(paras)):
        if i in toc:
            continue
        if i in starts and current:
            yield kind, current, ts
            current = []
        if i in starts:
            ts = timestamp_of(paras[i].text)
            kind = "entry" if ts else ("section" if i in heads else "bullet")
        current.append(paras[i])
    if current:
        yield kind, current, ts


_WORD_RE = re.compile(r"\w{4,}")


def _stems(text: str) -> set[str]:
    return {w[:5].lower() for w in _WORD_RE.findall(text)}


def _topic_groups(paras: list[_Para]) -> list[tuple[str, list[_Para]]]:
    """Split unstructured text only where a long article changes topic outright.

    Vocabulary overlap (5-letter stems, any language) between the two paragraphs before
    and after each gap; a gap with almost nothing shared, in a text long enough to bundle
    stories, starts a new segment. Short texts are always one story.
    """
    if len(paras) < 6 or sum(len(p.text) for p in paras) < 2500:
        return [("body", paras)]
    groups: list[list[_Para]] = [[]]
    for i, para in enumerate(paras):
        if 2 <= i <= len(paras) - 2 and len(groups[-1]) >= 2:
            before = _stems(" ".join(p.text for p in paras[i - 2 : i]))
            after = _stems(" ".join(p.text for p in paras[i : i + 2]))
            overlap = len(before & after) / max(1, min(len(before), len(after)))
            if overlap < Settings.topic_split_overlap:
                groups.append([])
        groups[-1].append(para)
    return [("body", g) for g in groups if g]
