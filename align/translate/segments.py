"""The one way segments get their English: by language, batched, or with the reason there is none.

``align build``, the batch workers and the batch job's late translation of segments
embedded before a model was installed all go through :func:`translate_segments`; the
languages translated are :data:`TRANSLATED`, written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..storage.rows import SegmentRow
from ..storage.store import Store
from . import Translator, missing_message

TRANSLATED = ("bg", "ru", "uk")  # translated into English; English itself needs nothing
TranslationRow = tuple[int, str | None, str | None, str | None]  # rowid, English, model version, note
Progress = Callable[..., Iterator[Any]]


def translate_segments(translator: Translator, items: list[tuple[int, str, str]]) -> list[TranslationRow]:
    """English for (rowid, language, text) items, grouped by language; items in a language
    without a model get the reason (naming the install command) instead. Other languages are
    left out."""
    by_lang: dict[str, list[tuple[int, str]]] = {}
    for rowid, lang, text in items:
        if lang in TRANSLATED:
            by_lang.setdefault(lang, []).append((rowid, text))
    rows: list[TranslationRow] = []
    for lang, group in sorted(by_lang.items()):
        if not translator.available(lang, "en"):
            note = missing_message(lang, "en")
            rows += [(r, None, None, note) for r, _ in group]
            continue
        version = translator.model_version(lang, "en")
        english = translator.translate([t for _, t in group], lang, "en")
        rows += [(r, t, version, None) for (r, _), t in zip(group, english, strict=True)]
    return rows


def translate_stored(store: Store, translator: Translator, segs: list[SegmentRow], batch: int,
                     progress: Progress) -> tuple[int, dict[str, int]]:
    """Translate stored segments and store the results a batch at a time. Returns (segments
    translated, untranslated segments per reason)."""
    translated, reasons = 0, dict[str, int]()
    batches = [segs[i : i + batch] for i in range(0, len(segs), batch)]
    for chunk in progress(batches, "translate →en", total=len(batches)):
        rows = translate_segments(translator, [(s.rowid, s.lang or "other", s.text) for s in chunk])
        with store.transaction() as db:
            store.set_translations(db, rows)
        for _, english, _, note in rows:
            translated += english is not None
            if note:
                reasons[note] = reasons.get(note, 0) + 1
    return translated, reasons
