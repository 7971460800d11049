"""Page-junk removal and text normalisation for article text.

Scraped and re-published news arrives with what surrounded it on the page: sharing
buttons, comment forms, donation appeals, an aggregator's blurb about itself, "Related
Articles". None of it is part of any event, and left in place it pulls unrelated articles
together (every page of one aggregator shares the same blurb). Junk is removed line by
line with patterns in the four languages, plus two paragraph-level rules (appeals and
self-descriptions of a site) that no single line pattern can catch.
"""

from __future__ import annotations

import re
import unicodedata

# Whole lines that are navigation, sharing, comment-form or credit furniture.
_JUNK_LINES = [
    r"leave a (reply|comment)",
    r"(\d+\s+)?comments?",
    r"related (articles|posts|stories|news)",
    r"(read|see) (more|also)\b.*",
    r"read yesterday.s live blog.*",
    r"back to top( button)?",
    r"source link",
    r"source:\s*\S.{0,40}",
    r"share( this( article| story)?)?:?",
    r"share (on|via) \w+.*",
    r"(follow|find) (us )?on (twitter|facebook|x|telegram|instagram).*",
    r"write to us at .*",
    r"your email address will not be published.*",
    r"required fields are marked.*",
    r"(post )?comment",
    r"donate to .*",
    r"support (us|our (journalism|work|media)).*",
    r"(subscribe|sign up) (to|for) .*(newsletter|updates|channel).*",
    r"advertisement|sponsored( content)?|ad",
    r"print( this)?|e-?mail( this)?",
    r"tags?:.*",
    r"©.*",
    r"all rights reserved.*",
    r"\((photo|image|video)( credit)?:.*\)|(photo|image)( credit)?:.*",
    r"\([\w\s]{2,20} with (afp|ap|reuters)[\w\s,]*\)",
    r".{0,40}graphic studio",
    r"(we use )?cookies?\b.{0,80}",
    r"информирайте се на български.*",
    r"(прочетете|вижте) (още|също).*",
    r"сподели(те)?( в .*)?",
    r"последвайте ни .*",
    r"читайте (также|еще|ещё|нас) .*|читайте (также|еще|ещё)",
    r"поделиться.*|подписывайтесь .*|реклама",
    r"оставить комментарий|комментарии",
    r"читайте (також|ще)( .*)?",
    r"поділитися.*|підписуйтесь .*|підписуйтеся .*",
    r"залишити коментар|коментарі|коментари|коментирай",
    r"джерело:\s*\S.{0,40}|източник:\s*\S.{0,40}|источник:\s*\S.{0,40}",
]
_JUNK_LINE_RE = re.compile(r"^\s*(?:" + "|".join(_JUNK_LINES) + r")\s*[.!:]?\s*$", re.IGNORECASE)

# Paragraphs that appeal for money or describe the publishing site itself.
_APPEAL_RE = re.compile(
    r"thank you for your support|#stayinformed|donate|make a donation|support (our|independent) "
    r"(journalism|media)|подкрепете|благодарим ви за подкрепата|поддержите нас|підтримайте нас",
    re.IGNORECASE,
)
_BLURB_RE = re.compile(
    r"\b(is a|is an) (news[- ]sharing|news aggregat\w*|online news|news) (website|site|platform|portal)"
    r"|has got you covered|offers a wide range of categories|stay up-to-date on the latest",
    re.IGNORECASE,
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def normalise(text: str) -> str:
    """NFC, unified newlines, no zero-width, control or lone-surrogate characters.

    The embedder silently stops at a NUL and raises on a lone surrogate, so both are
    removed here, before anything downstream sees the text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.translate(_ZERO_WIDTH)
    text = _CONTROL_RE.sub("", text.replace("\t", " "))
    text = _SURROGATE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ")


def with_content(texts: list[str]) -> tuple[list[str], list[int]]:
    """Normalised texts that have content, and their positions; the rest get zero vectors.

    Embedders return a plausible unit vector for an empty string, which would then match
    every other empty string: that must never reach the index.
    """
    cleaned = [normalise(t).strip() for t in texts]
    keep = [i for i, t in enumerate(cleaned) if t]
    return [cleaned[i] for i in keep], keep


def is_junk_line(line: str) -> bool:
    """True when a whole line is page furniture rather than article text."""
    return bool(_JUNK_LINE_RE.match(line))


def clean_text(text: str) -> str:
    """Remove page junk; keep paragraphs separated by one blank line."""
    return clean(text)[0]


def clean(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text without page junk (paragraphs separated by one blank line), and each line that
    was removed with the reason."""
    removed: list[tuple[str, str]] = []
    paragraphs = []
    for p in _paragraphs(normalise(text)):
        if is_junk_line(p):
            removed.append((p, "page furniture line"))
        else:
            paragraphs.append(p)
    # Leading one- or two-word lines are breadcrumbs ("Europe", "World news").
    while len(paragraphs) > 1 and len(paragraphs[0].split()) <= 2 and paragraphs[0][-1:] not in ".!?":
        removed.append((paragraphs.pop(0), "breadcrumb"))
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        if _APPEAL_RE.search(para) or _BLURB_RE.search(para):
            # A site's name often stands alone on the line before its blurb.
            if kept and i > 0 and kept[-1] == paragraphs[i - 1] and para.startswith(kept[-1]):
                removed.append((kept.pop(), "site name before its blurb"))
            removed.append((para, "appeal or site blurb"))
            continue
        kept.append(para)
    return "\n\n".join(kept), removed


_BREAK_RE = re.compile(r"^\s*(?:[•▪●◦·*\-–—]\s|\d{1,2}[:.]\d{2}\b)")


def _paragraphs(text: str) -> list[str]:
    """Split text into paragraphs, joining hard-wrapped lines inside a block.

    Blocks are separated by blank lines. A block whose lines start bullets or timestamps
    keeps them apart; otherwise its lines are one wrapped paragraph. Text without any blank
    line (as trafilatura gives it) has one paragraph per line.
    """
    lines = text.split("\n")
    if not any(not line.strip() for line in lines):
        return [" ".join(line.split()) for line in lines if line.strip()]
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        rows = [" ".join(r.split()) for r in block.split("\n") if r.strip()]
        if not rows:
            continue
        if len(rows) > 1 and any(_BREAK_RE.match(r) for r in rows[1:]):
            out.extend(rows)
        else:
            out.append(" ".join(rows))
    return out
