"""Cyrillic → Latin transliteration, so names can be matched across scripts.

Russian follows BGN/PCGN (simplified: ё → yo, no diacritics), Ukrainian the national
system of 2010 (Київ → Kyiv, Харків → Kharkiv), Bulgarian the Streamlined System of 2009
(щ → sht, ъ → a). ``name_key`` reduces any spelling to a lowercase Latin key on which
Орёл, Орел, Oryol and Orel meet the gazetteer's aliases; ``latin_name`` spells a name found
in running text as that text's language does, and ``first_ending`` is the one step names and
places take from a declined case back to the nominative.
"""

from __future__ import annotations

import re
import unicodedata

CYRILLIC = re.compile("[\u0400-\u04ff]")
_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ё": "yo",
}
_TABLES = {
    "ru": _COMMON,
    "uk": {**_COMMON, "г": "h", "ґ": "g", "е": "e", "є": "ie", "и": "y", "і": "i", "ї": "i",
           "й": "i", "х": "kh", "щ": "shch", "ю": "iu", "я": "ia", "'": "", "’": ""},
    "bg": {**_COMMON, "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "х": "h"},
}
# Word-initial forms that differ from the middle of a word.
_INITIAL = {
    "ru": {"е": "ye", "ё": "yo"},
    "uk": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
    "bg": {},
}
_WORD_RE = re.compile(r"[\w'’]+")


def transliterate(text: str, lang: str = "ru") -> str:
    """Latin spelling of Cyrillic text in ``lang`` (bg, ru or uk); other characters are kept."""
    table, initial = _TABLES.get(lang, _COMMON), _INITIAL.get(lang, {})
    out = []
    prev_letter = False
    for ch in text:
        low = ch.lower()
        if low in table:
            latin = initial.get(low, table[low]) if not prev_letter else table[low]
            if lang == "ru" and low == "е" and prev_letter is False:
                latin = "ye"
            out.append(latin.capitalize() if ch != low and latin else latin)
            prev_letter = True
        else:
            out.append(ch)
            prev_letter = ch.isalpha()
    return "".join(out)


def name_key(name: str, lang: str = "ru") -> str:
    """A lowercase Latin key for a name in any of the four languages."""
    latin = transliterate(name, lang) if CYRILLIC.search(name) else name
    latin = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii")
    return " ".join(w.lower() for w in _WORD_RE.findall(latin)).replace("'", "")



def cyrillic_language(text: str) -> str:
    """The Cyrillic language to spell a name from: letters only Ukrainian or Bulgarian has decide."""
    if re.search("[іїєґІЇЄҐ]", text):
        return "uk"
    if re.search("[ыэёЫЭЁ]", text):
        return "ru"  # letters Bulgarian does not have ("объекты": a Russian ъ stands before е, ё, ю, я)
    if re.search(r"[ъѝ](?![еёюя])|(?<!\w)(?:се|са|във|съм)(?!\w)", text):
        return "bg"
    return "ru"


def latin_name(name: str, text: str) -> str:
    """A Cyrillic name spelled in Latin as its language does (Василий Голубев → Vasiliy Golubev)."""
    return transliterate(name, cyrillic_language(text)) if CYRILLIC.search(name) else name


def first_ending(word: str, rules: tuple[tuple[str, str], ...], shortest: int = 0) -> str:
    """``word`` with the first of ``rules`` (an ending and its replacement) that changes it into
    a word of at least ``shortest`` letters applied; the word itself when none does."""
    for ending, replacement in rules:
        changed = re.sub(ending, replacement, word)
        if changed != word and len(changed) >= shortest:
            return changed
    return word

