"""Language identification: ``bg``, ``ru``, ``uk``, ``en`` or ``other``.

Chosen by measurement on ``../shared/eval/langid`` (see ``align eval``): lingua and
py3langid, each restricted to a candidate set that *includes the look-alikes*
(Macedonian, Belarusian, Serbian, Kazakh, ...), their probabilities summed, after an
alphabet filter removes every candidate whose alphabet cannot spell the text (a
Ukrainian ``ї`` rules out Russian; Kazakh needs one of its own letters). Look-alikes keep
a mild prior against them (``lookalike_prior``) because align reads bg/ru/uk/en news; they still win when
the evidence is clear, and map to ``other`` with their code kept. Latin-script text is
told apart among Latin languages the same way, and everything else is ``other``.
Both detectors are deterministic.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..settings import Settings

TARGETS = ("bg", "ru", "uk", "en")

_CYRILLIC = ("bg", "ru", "uk", "mk", "be", "sr", "kk", "ky", "mn", "tg", "tt", "ba")
_LATIN = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "bs",
          "ro", "hu", "sv", "da", "no", "fi", "et", "lt", "lv", "tr", "sq", "ca", "id")

_BASE = set("абвгдежзийклмнопрстуфхцчшщъыьэюя")
_ALPHABETS: dict[str, set[str]] = {
    "ru": _BASE | {"ё"},
    "uk": (_BASE - set("ёъыэ")) | set("іїєґ"),
    "bg": _BASE - set("ёыэ"),
    "be": (_BASE - set("ищъ")) | set("іўё"),
    "mk": set("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "sr": set("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "kk": _BASE | set("ёәғқңөұүһі"),
    "ky": _BASE | set("ёңөү"),
    "mn": _BASE | set("ёөү"),
    "tg": (_BASE - set("щыь")) | set("ёғӣқӯҳҷ"),
    "tt": _BASE | set("ёәөүҗңһ"),
    "ba": _BASE | set("ёәөүғҡңҙҫһ"),
}
# Languages that share the Russian alphabet but always show some letters of their own.
_NEEDS_OWN_LETTER: dict[str, set[str]] = {
    "kk": set("әғқңөұүһ"), "ky": set("ңөү"), "mn": set("өү"),
    "tg": set("ғӣқӯҳҷ"), "tt": set("әөүҗңһ"), "ba": set("әөүғҡңҙҫһ"),
}
_LETTER_RE = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Detection:
    """The language of a text: one of ``TARGETS`` or ``other``, plus the detected code."""

    lang: str
    code: str | None
    confidence: float


@functools.lru_cache(maxsize=4096)
def detect(text: str) -> Detection:
    """Detect the language of one text.

    Remembered for the last few thousand texts: an article of one segment is detected as an
    article and again as its segment, and a search repeats its query's detection."""
    letters = Counter(_LETTER_RE.findall(text.lower()))
    count = sum(letters.values())
    if count < 2:
        return Detection("other", None, 0.0)
    cyrillic = {c: n for c, n in letters.items() if "\u0400" <= c <= "\u04ff"}
    latin = sum(n for c, n in letters.items() if c.isascii() or "\u00c0" <= c <= "\u024f")
    in_cyrillic = sum(cyrillic.values())
    if in_cyrillic >= latin and in_cyrillic >= count * 0.3:
        candidates = _admissible(cyrillic)
        if len(candidates) == 1:  # the alphabet has decided (Ukrainian "ї", Russian "ы"): nothing to score
            return Detection(candidates[0] if candidates[0] in TARGETS else "other", candidates[0], 1.0)
        scores = _scores(text, candidates, _CYRILLIC)
    elif latin >= count * 0.5:
        scores = _scores(text, _LATIN, _LATIN)
    else:
        return Detection("other", None, 0.0)
    total = sum(scores.values()) or 1.0
    code = max(scores, key=lambda k: scores[k])
    return Detection(code if code in TARGETS else "other", code, round(scores[code] / total, 4))


def detect_many(texts: list[str]) -> list[Detection]:
    return [detect(t) for t in texts]


def article_lang(text: str, given: str | None, found: Detection | None = None) -> tuple[str, str | None]:
    """An article's language: what the input said (``other`` outside the four), else detected
    (``found``, when the caller has detected it already)."""
    if given:
        return (given if given in TARGETS else "other"), given
    found = found or detect(text)
    return found.lang, found.code


def segment_lang(text: str, parent: str | None, min_confidence: float = Settings.segment_lang_confidence,
                 found: Detection | None = None) -> tuple[str, str | None]:
    """A segment's own language; short or unsure segments take their article's. ``found`` is the
    text's detection when the caller already has it (an article of one segment)."""
    found = found or detect(text)
    if parent in TARGETS and (found.confidence < min_confidence or len(text.split()) < 3):
        return parent, parent
    return found.lang, found.code


def _admissible(letters: dict[str, int]) -> tuple[str, ...]:
    """Candidates whose alphabet spells the text (2% foreign letters tolerated, for names).

    Counted over distinct letters: a text has a few dozen, against hundreds of letters."""
    total = sum(letters.values())
    ok = []
    for lang, alphabet in _ALPHABETS.items():
        foreign = sum(n for c, n in letters.items() if c not in alphabet)
        if foreign > total // 50:
            continue
        if lang in _NEEDS_OWN_LETTER and not letters.keys() & _NEEDS_OWN_LETTER[lang]:
            continue
        ok.append(lang)
    return tuple(ok) or _CYRILLIC


def _scores(text: str, candidates: tuple[str, ...], family: tuple[str, ...]) -> dict[str, float]:
    text = _opening(text, Settings.detect_chars)
    if len(text) < _SHORT:
        _preloaded(family)
    lingua = _lingua(family)
    langid = _langid(family)
    by_lingua = {
        c.language.iso_code_639_1.name.lower(): c.value
        for c in lingua.compute_language_confidence_values(text)
    }
    by_langid = dict(langid.rank(text))
    return {
        c: (by_lingua.get(c, 0.0) + float(by_langid.get(c, 0.0)))
        * (1.0 if c in TARGETS else Settings.lookalike_prior)
        for c in candidates
    }


def _opening(text: str, chars: int) -> str:
    """The first ``chars`` characters of ``text``, ending at a word's end: scored in full, a
    5,000-character article costs lingua ten times a sentence's time and says nothing more (on
    2,757 articles and segments of bsnlp-dev and the bench corpus, 2,000 characters gave every
    text the language and code its full text gets)."""
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars)
    return text[: cut if cut > chars // 2 else chars]


# Lingua reads a long text by its trigrams only, a short one by every n-gram order, and loads each
# language's models on first use, one language after another: a process's first short English text
# cost 4.3 s (26 languages, every order), its first long one 0.2 s. Below this many characters the
# family's models are loaded at once instead, which lingua does on all cores (2.6 s on two).
_SHORT = 300


@functools.cache
def _preloaded(codes: tuple[str, ...]) -> None:
    """Every model of a family, loaded in parallel: lingua keeps models per process, so the
    detector of ``_lingua`` then finds them loaded. Detection results are the same either way."""
    _builder(codes).with_preloaded_language_models().build()


@functools.cache
def _lingua(codes: tuple[str, ...]) -> Any:
    return _builder(codes).build()


def _builder(codes: tuple[str, ...]) -> Any:
    """A lingua detector builder for those of ``codes`` lingua knows."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes if hasattr(IsoCode639_1, c.upper())]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos)


@functools.cache
def _langid(codes: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([c for c in codes if c in ident.nb_classes])
    return ident
