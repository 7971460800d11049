"""Bytes to text for Cyrillic news: encodings guessed, mojibake repaired or flagged.

Cyrillic news still arrives in windows-1251, KOI8-R and KOI8-U, and text that went through
one wrong decode ("РџСЂРёРІРµС‚", "ÐŸÑ€Ð¸Ð²ÐµÑ‚") is common on aggregators. The guess
is made by decoding with each candidate and scoring how much the result looks like
Cyrillic prose: mostly lowercase letters, the most frequent letters frequent. The guess is
recorded on the article, so a wrong one can be seen and corrected.
"""

from __future__ import annotations

import re

_COMMON = set("оеаинтсрвлкмдпуяь") | set("іїє")
_UPPER_CYR = re.compile(r"[А-ЯЁІЇЄҐ]")
_LOWER_CYR = re.compile(r"[а-яёіїєґ]")
# UTF-8 Cyrillic bytes (D0/D1 xx) decoded as windows-1251 or as Latin-1 / cp1252.
_AS_CP1251 = re.compile(r"[РС][\u0402-\u045f\u2018-\u203a\u00a0-\u00bf\u20ac\u2116\u0490\u0491]")
_AS_LATIN1 = re.compile(
    r"[ÐÑ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def _score(text: str) -> float:
    """How much ``text`` looks like Cyrillic prose (higher is better)."""
    sample = text[:20000]
    lower = len(_LOWER_CYR.findall(sample))
    upper = len(_UPPER_CYR.findall(sample))
    letters = lower + upper
    alphabetic = sum(ch.isalpha() for ch in sample)
    if letters == 0 or letters < 0.5 * alphabetic:
        return 0.0
    common = sum(ch in _COMMON for ch in sample)
    odd = sum(0x2500 <= ord(ch) <= 0x25FF or 0x80 <= ord(ch) < 0xA0 for ch in sample)
    return (lower / letters) + common / letters - 5 * odd / max(1, len(sample))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in ("cp1251", "koi8-r", "koi8-u"):
        text = data.decode(name, errors="replace")
        candidates.append((_score(text) - text.count("\ufffd") / max(1, len(text)), name, text))
    best = max(candidates, key=lambda c: c[0])
    if best[0] <= 0.3:  # not Cyrillic: Western text, cp1252 where it decodes, else Latin-1
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    score, name, text = best
    if name == "koi8-r":  # KOI8-U differs only where Ukrainian letters sit; prefer it when they appear
        alt = data.decode("koi8-u", errors="replace")
        if _score(alt) > score:
            return alt, "koi8-u"
    return text, name


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Undo one wrong decode of UTF-8 (as cp1251 or Latin-1). Returns the text and a note:
    ``None`` when nothing looked wrong, else what was repaired or why it could not be."""
    for pattern, codec in ((_AS_CP1251, "cp1251"), (_AS_LATIN1, "latin-1"), (_AS_LATIN1, "cp1252")):
        hits = len(pattern.findall(text))
        if hits < 3 or hits < len(text) / 200:
            continue
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            partial = _repair_runs(text, pattern, codec)
            if partial is None:
                continue
            fixed = partial
        if _score(fixed) > _score(text):
            return fixed, f"repaired mojibake (UTF-8 read as {codec})"
    if len(_AS_CP1251.findall(text)) >= 3 or len(_AS_LATIN1.findall(text)) >= 3:
        return text, "mojibake suspected, not repaired"
    return text, None


def _repair_runs(text: str, pattern: re.Pattern[str], codec: str) -> str | None:
    """Repair the garbled runs only, where the whole text does not survive the round trip."""
    run = re.compile(rf"(?:{pattern.pattern}|[\s\d.,:;!?«»\"'()-])+")
    changed = False

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        try:
            out = m.group(0).encode(codec).decode("utf-8")
        except UnicodeError:
            return m.group(0)
        changed = True
        return out

    fixed = run.sub(fix, text)
    return fixed if changed else None
