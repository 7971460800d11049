"""A stored segment as every surface shows it: its heading, sources, facts and translation state."""

from __future__ import annotations

import json

from .analysis.aliases import AliasTable
from .analysis.compare import analyse
from .records import BriefJson, SegmentJson
from .storage.rows import SegmentRow
from .text.detect import TARGETS
from .text.segment import TIMESTAMP_RE
from .text.sentences import split_sentences


def heading(s: SegmentRow) -> str:
    """A one-line label for a segment: its heading line, else its first sentence."""
    if s.kind == "body" and s.title:
        return s.title
    first = s.text.split("\n", 1)[0].strip()
    first = TIMESTAMP_RE.sub("", first, count=1).strip() or first
    if len(first) > 160:
        sentences = split_sentences(first)
        first = sentences[0] if sentences else first
    return first if len(first) <= 160 else first[:157].rstrip() + "..."


def segment_json(s: SegmentRow, table: AliasTable | None = None) -> SegmentJson:
    found_sources, found_facts = analyse(s.text, table)
    return {
        "article_id": s.article_id,
        "segment_id": s.id,
        "outlet": s.outlet,
        "lang": s.lang,
        "published": s.published,
        "time": s.time,
        "timestamp": s.timestamp,
        "title": heading(s),
        "text": s.text,
        "span": [s.start, s.end],
        "translation": s.translation,
        "translation_model": s.translation_model,
        "translation_reason": None if s.translation else why_untranslated(s),
        "sources": [x.to_json() for x in found_sources],  # type: ignore[misc]
        "facts": [f.to_json() for f in found_facts],  # type: ignore[misc]
        "removed": json.loads(s.removed) if s.removed else [],
    }


def brief(s: SegmentRow) -> BriefJson:
    return {"segment_id": s.id, "article_id": s.article_id, "outlet": s.outlet, "lang": s.lang,
            "title": heading(s)}


def why_untranslated(s: SegmentRow) -> str:
    if s.lang == "en":
        return "the segment is in English"
    if s.translation_note:
        return s.translation_note
    if s.lang not in TARGETS:
        return f"language {s.lang_code or 'unknown'} is not one align translates"
    return "not translated yet: run align build"
