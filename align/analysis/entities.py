"""Named things a text mentions, as keys that meet across scripts and inflections.

Matching needs to know whether two reports name the same people, places and organisations,
in any of the four languages and beyond the gazetteer. A *name* is a capitalised word that
does not merely start a sentence (or that also stands capitalised mid-sentence elsewhere in
the text); title-case headlines give no names of their own. Each name becomes a *key*: its
Latin transliteration (``translit.name_key``), Cyrillic case endings removed, reduced to a
consonant skeleton in which spellings of one sound meet (дж/dj/j, х/kh/h, ч/ch/c/k). So
Джоковича, Djokovic and Джокович share ``jkvk``; Лондоне and London share ``lndn``; Трамп and
Trump share ``trmp``. Gazetteer places and people and registry sources are added under their
canonical names (``g:Oryol``), which also catches adjectives (Орловской области → Oryol).
Keys are a vote, not an identity: a rare key shared is evidence, a common one (Russia, in a
corpus about Russia) weighs little, which is the matcher's business (it weighs by rarity).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .aliases import AliasTable
from .translit import name_key

_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
_SENTENCE_RE = re.compile(r"(?<=[.!?…])[\"'”»’)]*\s+|\n+")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
# Cyrillic case and adjective endings, longest first (names inflect: Лондоне, Джоковича, Путину).
# -ов/-ев/-ин stay: they end surnames (Клычков, Путин), whose cases add to them (Клычкова, Путиным).
def _words(text: str) -> list[str]:
    return text.split()


_ENDINGS = sorted(_words("ами ями ого его ому ему ыми ими ой ей ом ем ах ях ам ям ую юю ая яя ые ие ых их ым им ою ею"
                   " ові еві у ю е ы и о а я й ь і ї"), key=len, reverse=True)
# Capitalised words that are not names: English function words and titles that start clauses,
# months and weekdays (capitalised in English only), and news-page words.
_NOT_NAMES = frozenset(_words("""
the a an and or but if in on at of for to from by with as is are was were be been it its this that these those
he she they we you i his her their our my your there here when where what who which why how after before
during since while about over under between into than then also not no yes said says mr mrs ms dr st
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
photo video update updated breaking live news read more source according however meanwhile
"""))
_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "k"), ("ch", "k"),
             ("sh", "s"), ("ts", "s"), ("tz", "s"), ("ph", "f"), ("ck", "k"), ("x", "ks"), ("w", "v"),
             ("q", "k"), ("c", "k"), ("z", "s"))
_VOWELS = set("aeiouy'h")
SKELETON = 5  # consonants kept: enough to tell names apart, short enough to ignore long endings


def skeleton(key: str) -> str:
    """The consonant skeleton of a Latin key: one spelling per sound, vowels and repeats dropped."""
    s = key.lower()
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    out: list[str] = []
    for ch in s:
        if ch in _VOWELS or not ch.isalpha():
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out[:SKELETON])


def _stem(word: str) -> str:
    """A Cyrillic name without its case ending (Лондоне → Лондон); other words as they are."""
    if not _CYRILLIC_RE.search(word) or len(word) < 5:
        return word
    low = word.lower()
    for ending in _ENDINGS:
        if low.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text) if s.strip()]


def _is_title_case(sentence: str, words: list[str]) -> bool:
    """A headline in Title Case: no closing punctuation, most longer words capitalised."""
    long = [w for w in words if len(w) > 3]
    return (not sentence.rstrip("\"'”»’) ").endswith((".", "!", "?", "…")) and len(long) >= 3
            and sum(w[0].isupper() for w in long) >= 0.6 * len(long))


def names(text: str) -> list[str]:
    """Capitalised words of ``text`` that stand for names, in text order (repeats kept)."""
    parts = _sentences(unicodedata.normalize("NFC", text))
    sentences = [(_WORD_RE.findall(s), _is_title_case(s, _WORD_RE.findall(s))) for s in parts]
    inside = {w.lower() for words, title in sentences if not title for w in words[1:] if w[:1].isupper()}
    found = []
    for words, title in sentences:
        for i, word in enumerate(words):
            bare = re.sub(r"['’]s$", "", word).strip("'’-")
            if len(bare) < 3 or not bare[0].isupper() or bare.lower() in _NOT_NAMES:
                continue
            if (i == 0 or title) and bare.lower() not in inside:
                continue
            found.append(bare)
    return found


def name_keys(words: Iterable[str], lang: str | None) -> list[str]:
    """Skeleton keys of names (two consonants at least: shorter ones meet too often)."""
    out = []
    for word in words:
        latin = name_key(_stem(word.split("-")[0]), lang if lang in {"ru", "uk", "bg"} else "ru")
        key = skeleton(latin)
        if len(key) >= 2:
            out.append(key)
    return out


def entity_keys(text: str, lang: str | None, tables: Iterable[AliasTable] = ()) -> list[str]:
    """Every entity key of ``text``: name skeletons plus canonical names from alias tables."""
    keys = name_keys(names(text), lang)
    for table in tables:
        keys += [f"g:{m.name}" for m in table.find(text) if m.kind not in {"role", "channel"}]
    return keys


def same_name(a: str, b: str) -> bool:
    """True when two Latin spellings are one name word by word (Vasiliy Golubev, Vasily Golubev):
    a name the tables do not list has no canonical spelling, only its language's romanisation."""
    wa, wb = a.split(), b.split()
    if a == b:
        return True
    return len(wa) == len(wb) and all(skeleton(x) == skeleton(y) != "" for x, y in zip(wa, wb, strict=True))
