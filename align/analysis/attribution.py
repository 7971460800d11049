"""Who a segment cites: news agencies, institutions, officials and channels.

A source counts as *cited* when it is mentioned in a sentence that also carries an
attribution cue in one of the four languages ("as quoted by", "reported", "said",
"сообщает", "передает", "со ссылкой на", "по данным", "повідомляє", "за даними",
"според", "цитиран от", "съобщи", ...), or when the mention itself is a channel
("on Telegram"). Each cited source is listed once, with the phrase that attributes it
and that phrase's character span. A generic role ("the mayor") gives way to the named
official next to it, and a generic institution ("the defence ministry") to a specific one
("Russian Defence Ministry") cited in the same segment.

A medium a statement went through is a source too, with ``role`` "channel": "Shoigu told
Interfax", "Песков в интервью ТАСС заявил", "заявив виданню Reuters", "разказаха пред Ройтерс".
For comparing TASS-quoted reports an interview given to TASS is a TASS report; the speaker is
kept beside it (role "source"), and the channel never hides the speaker from its verb.

Not cited: an institution that only employs someone ("Kremlin spokesman Dmitry Peskov",
"агента ФСБ", "an FSB agent"), and what a cue reports ("told RIA Novosti that the Kremlin…";
"the UN Security Council will meet, Nebenzya announced"). Assessments and data attribute
too ("British intelligence believes", "сочат данни на НСИ"). People the tables do not list
are found by the title before their name or by their given name (:mod:`people`) and cited
like listed officials; English organisations the tables do not list ("the Norwegian Refugee
Council", "Greenpeace said") by their capitalised name, cited only right next to their cue;
Ukraine's regional administrations by their region ("Херсонська ОВА"). A source citing another
keeps both ("Укрінформ з посиланням на Генштаб"). An institution far from every cue is not
cited when the cue has its own source next to it ("По данным ФСБ, … задержан житель,
передававший СБУ координаты").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .aliases import AliasTable, Mention, SpannedJson, packaged_table
from .cues import CHANNEL_RE, CUE_RE
from .facts import named_in
from .institutions import BODY, administrations, composed
from .organisations import described, lone_speakers, organisations
from .people import given_start, people, someone_else
from .titles import TITLE_RE, appositive, title_start
from .translit import cyrillic_language

_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”»’)]*)\s+(?=[\"'“«‘(]?[A-ZА-ЯЁІЇЄҐ])")
MEDIA = frozenset({"agency"})
NEAR = 60  # characters between cue and mention that still make one phrase
PERSON_NEAR = 25  # a person or role is a source only right next to the cue ("Sobyanin said")


@dataclass(frozen=True)
class Source(SpannedJson):
    name: str
    kind: str
    phrase: str
    span: tuple[int, int]
    role: str = "source"  # or "channel": the medium a speaker's statement went through


def channels(text: str, mentions: list[Mention]) -> dict[int, int]:
    """The media mentions that are the channel of a statement, by index, with where their
    channel cue starts: right after the cue, or after it and a name ("рассказывает Харис
    Associated Press")."""
    found = {}
    for i, m in enumerate(mentions):
        if m.kind not in MEDIA:
            continue
        lo = max(0, m.start - 60)
        before = text[lo : m.start]
        cue = CHANNEL_RE.search(before) or CHANNEL_RE.search(_NAME_TAIL.sub("", before))
        if cue:
            found[i] = lo + cue.start()
    return found


_NAME_TAIL = re.compile(r"(?:[A-ZА-ЯЁІЇЄҐ][\w'’-]+\s+){1,3}$")


@functools.cache
def registry(extra: Path | None = None) -> AliasTable:
    """The packaged source table, plus the user's ``[[sources]]`` from a TOML file."""
    return packaged_table("sources.tsv").with_people_of(packaged_table("gazetteer.tsv")).extended(extra, "sources")


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _gap(m: Mention, cue: tuple[int, int]) -> int:
    """Characters between a mention and a cue (0 when they touch or overlap)."""
    return max(0, cue[0] - m.end, m.start - cue[1])


def _between(m: Mention, cue: tuple[int, int], others: list[Mention], text: str) -> bool:
    """True when another source stands between the mention and its cue: not a role, not a medium
    that is a statement's channel (``others`` holds none, see :func:`sources`), not a network the
    statement was posted on ("повідомив у Telegram голова ОВА …"), not the employer written
    into the speaker's title ("according to Kremlin spokesman Dmitry Peskov"), not someone the
    speaker was with ("с Путиным"), not the body named in a title set off after the name
    ("Андрій Коваленко, керівник Центру протидії дезінформації, заявив")."""
    lo, hi = min(m.end, cue[1]), max(m.start, cue[0])
    return any(o is not m and o.kind not in {"role", "channel"} and lo <= o.start and o.end <= hi and not _with(text, o)
               and (o.end > m.start or text[o.end : m.start].strip() or _untitled(text, m))
               and not (m.end <= o.start and _TITLE_AFTER.fullmatch(text, m.end, o.start)) for o in others)


def _untitled(text: str, m: Mention) -> bool:
    """The mention starts at its name: :func:`sources` moved no title in front of it."""
    return text.startswith(m.text, m.start)


# Cues whose source before them cites the one after them: both are sources ("Укрінформ з посиланням
# на Генштаб", "Reuters, citing the ministry").
_CITING_CUE = re.compile(r"(?i:citing|quoting|со ссылкой на|з посиланням на|цитира\w*|цитиру\w*|цитує)")


# A person named after "with" is who the speaker was with, not who spoke ("Моди в ходе разговора с
# Путиным заявил", "Зеленський під час зустрічі з Туском заявив", "met with Tusk and said").
_WITH = re.compile(r"(?<!\w)(?i:с|со|з|із|зі|със|with)\s+$")


def _with(text: str, m: Mention) -> bool:
    return _WITH.search(text, max(0, m.start - 20), m.start) is not None


def _speaker_cue(m: Mention, cues: list[tuple[int, int]], others: list[Mention], text: str,
                 media: tuple[Mention, ...] = ()) -> tuple[int, int] | None:
    """The cue that makes a person the speaker: right next to the name, nothing in between but
    the ``media`` a statement went through, and, when the cue comes first ("said Peskov"), not
    already taken by a source before it ("the White House said Kim could travel")."""
    if _with(text, m):
        return None
    blanked = _media_blanked(text, media)
    for cue in sorted(cues, key=lambda c: _gap(m, c)):
        titled_aside = cue[0] >= m.end and appositive(text[m.end : cue[0]])
        aside = _subject_aside(m, cue, blanked)
        # a medium the statement went through may stand between the cue and its speaker ("Як зазначив
        # в ефірі «Київ24» військовий експерт Олег Жданов")
        through = sum(o.end - o.start for o in media if min(m.end, cue[1]) <= o.start and o.end <= max(m.start, cue[0]))
        far = _gap(m, cue) - through > PERSON_NEAR and not titled_aside and not aside
        if far or _between(m, cue, others, text):
            continue
        between = text[min(m.end, cue[1]) : max(m.start, cue[0])]
        apposition = cue[0] >= m.end and _COMMA.fullmatch(between) and (
            re.search(r",\s*$", text[: m.start]) or "," in text[m.start : m.end])
        if re.search(r"[,;:]", between) and not apposition and not titled_aside and not aside:
            continue  # "the governor, Oleh Kiper, said" is his, and "Andrii Kovalenko, head of the centre, said"
        if cue[1] <= m.start and not _CITING_CUE.fullmatch(text, cue[0], cue[1]) and any(
            o is not m and o.kind not in {"role", "channel"} and 0 <= cue[0] - o.end <= PERSON_NEAR
            and not re.search(r"[,;:]", text[o.end : cue[0]]) for o in others
        ):
            continue
        return cue
    return None


def _media_blanked(text: str, media: tuple[Mention, ...]) -> str:
    """``text`` with each medium's name replaced by as many x's: an aside may name the medium a
    statement went through ("Андрій Демченко в коментарі Радіо Свобода сказав") and stay an aside."""
    for o in media:
        text = text[: o.start] + "x" * (o.end - o.start) + text[o.end :]
    return text


def _subject_aside(m: Mention, cue: tuple[int, int], text: str) -> bool:
    """True when a named speaker opens the sentence and only a short aside stands before its verb
    ("Міністр закордонних справ Андрій Сибіга під час зустрічі у Варшаві заявив"): the sentence's
    subject, however far its verb (one capitalised word, the country's adjective, may stand
    before it). The aside may stand between commas ("Slovak Prime Minister Robert
    Fico, in a video posted on Facebook, said"), and holds no other punctuation, no "that" and no
    other name (two capitalised words: "Лидерът на Демократичната … партия Арлин Фостър заяви" is
    Foster's)."""
    before, between = _OPENING_WORD.sub("", text[: m.start].rstrip()), text[m.end : cue[0]]
    aside = _COMMA_ASIDE.fullmatch(between)
    between = aside.group(1) if aside else between
    return (m.kind == "official" and cue[0] >= m.end and (not before or before[-1] in ".!?…")
            and len(between) <= NEAR and not re.search(r"[,;:()—–«»„“\"-]", between)
            and not _THAT.search(between) and not _TWO_CAPITALISED.search(between))


_TWO_CAPITALISED = re.compile(r"(?<!\w)[A-ZА-ЯЁІЇЄҐ][\w'’]*\s+[A-ZА-ЯЁІЇЄҐ]")
_COMMA_ASIDE = re.compile(r"\s*,(.*),\s*", re.DOTALL)
# One capitalised word may open the sentence before a speaker's title: the country's adjective
# ("Slovak Prime Minister Robert Fico", "Турският президент").
_OPENING_WORD = re.compile(r"(?:(?<=[.!?…])\s+|^)[A-ZА-ЯЁІЇЄҐ][\w'’-]*$")


# A member of an institution named right before it ("агента ФСБ", "офицер от ГРУ") or, in English,
# right after it ("an FSB agent"): the institution says who the person works for, not who speaks.
_MEMBER_BEFORE = re.compile(
    r"(?<!\w)(?:агент|сотрудник|офицер|офіцер|співробітник|служител|военнослужащ|військовослужбов|бо[йе]ц"
    r"|бійц|шпион|шпигун|шпионин|диверсант|информатор|інформатор|завербован)\w*(?:\s+(?:на|от))?\s+$",
    re.IGNORECASE)
_MEMBER_AFTER = re.compile(r"\s+(?:agents?|officers?|operatives?|employees?|informants?|spy|spies)(?!\w)",
                           re.IGNORECASE)


_TITLE_AFTER = re.compile(r"\s*,\s*(?:the\s+)?(?:[\w'’-]+\s+){0,2}?" + TITLE_RE.pattern + r"(?:\s+[\w'’-]+){0,2}?\s+")


def _affiliation(m: Mention, others: list[Mention], text: str) -> bool:
    """True when an institution only names a person's employer ("Kremlin spokesman Dmitry Peskov",
    "агента ФСБ", "an FSB agent")."""
    if _MEMBER_BEFORE.search(text[max(0, m.start - 30) : m.start]) or _MEMBER_AFTER.match(text, m.end):
        return True
    if any(o.kind == "official" and o.start <= m.start and m.end <= o.end for o in others):
        return True  # inside an official's title ("Говорителят на Кремъл Дмитрий Песков")
    if any(o.kind == "official" and o.end <= m.start and _TITLE_AFTER.fullmatch(text, o.end, m.start) for o in others):
        return True  # in a title set off after the name ("Андрій Коваленко, керівник Центру протидії…")
    # What "according to" cites, unless a title follows it ("Според Кремъл Путин и Тръмп…", not
    # "According to Kremlin spokesman Dmitry Peskov").
    cited = _ACCORDING.search(text, max(0, m.start - 30), m.start) is not None
    for o in others:
        between = text[m.end : o.start]
        if o.kind == "official" and 0 <= o.start - m.end <= 30 and not re.search(r"[,;.]", between) \
                and not CUE_RE.search(between) and not (cited and _untitled(text, o)):
            return True
        if o.kind == "official" and 0 <= m.start - o.end <= 3:
            return True
    return False


_ACCORDING = re.compile(r"(?i:according to(?: the)?|според|согласно|по данным|за даними|згідно з)\s+$")
_OWNED_THING = re.compile(r"(?<!\w)[a-zа-яёіїєґ]{4,}\s+(?:на|of)[\s«\"„“']*$")
# Unnamed who take a cue as their own ("Polish media reported", "сообщают СМИ", "съобщиха медиите").
_UNNAMED = re.compile(r"(?<!\w)(?i:media|press reports|СМИ|ЗМІ|медии(?:те)?|медиите)(?!\w)")


def _unnamed_speaker(text: str, cue: tuple[int, int], lo: int, hi: int) -> bool:
    """True when unnamed media stand right next to the cue, no quotation between ("…, Polish media
    reported", not "…просто проверете медиите", написа Тръмп")."""
    for u in _UNNAMED.finditer(text, max(lo, cue[0] - PERSON_NEAR), min(hi, cue[1] + PERSON_NEAR)):
        between = text[min(u.end(), cue[1]) : max(u.start(), cue[0])]
        if not re.search(r"[«»\"“”„]", between):
            return True
    return False


_THAT = re.compile(r"(?<!\w)(?:that|что|чтобы|що|щоб|че)(?!\w)", re.IGNORECASE)


_COMMA = re.compile(r"\s*,\s*")


def _set_off(before: str, after: str) -> bool:
    """Only a comma before a name and after it: the name is an aside to what stands before."""
    return bool(_COMMA.fullmatch(before) and _COMMA.fullmatch(after))


def _reported(m: Mention, cue: tuple[int, int], text: str, mentions: list[Mention],
              through: tuple[Mention, ...] = ()) -> bool:
    """True when the mention stands inside the clause its cue reports: after the cue and a "that"
    ("told RIA Novosti that the Kremlin saw no basis"), or before a comma and a cue that already has
    its speaker right after it ("the UN Security Council will meet, Nebenzya announced") or right
    before it ("the Commission proposed sanctions, Commission President von der Leyen said"): the
    subject of what was said, not who said it. ``through`` are the media statements went through
    (:func:`channels`)."""
    if cue[1] <= m.start:
        # after a cue whose speaker stands right before it, an institution is what was said or
        # whom it was about ("Захарова назвала провокацией заявление МИД Эстонии")
        spoken = any(o is not m and o.kind == "official" and 0 <= cue[0] - o.end <= 2 and not _with(text, o)
                     for o in mentions)
        # "Как пишет издание The Insider, ФСБ задержала…": the cue's source came first, then a comma
        taken = any(o is not m and o.kind != "role" and cue[1] <= o.start and o.end <= m.start
                    and re.fullmatch(r"[»\"”]?\s*,\s*", text[o.end : m.start]) for o in mentions)
        # a medium right after a noun is whose that thing is ("отказа да коментира информацията на Блумбърг")
        owned = bool(_OWNED_THING.search(text, cue[1], m.start))
        return bool(_THAT.search(text[cue[1] : m.start])) or (spoken and (m.kind != "agency" or owned)) or taken
    if "," not in text[m.end : cue[0]] or _CITING_CUE.fullmatch(text, cue[0], cue[1]):
        return False  # next to its cue, or the one citing ("Reuters, citing minister Sybiha, said")
    speakers = [o for o in mentions if o is not m and o.kind in {"official", "person"}]
    # a name set off by a comma before its cue speaks even when the medium it told comes next
    # ("Dmytro Pletenchuk, told the Kyiv Independent"), and a network posted on never speaks
    appositive_name = m.kind in {"official", "person"} and _COMMA.fullmatch(text, m.end, cue[0]) is not None
    after = any(0 <= o.start - cue[1] <= PERSON_NEAR and not re.search(r"[,;:.]", text[cue[1] : o.start])
                for o in mentions if o is not m and o.kind not in {"role", "channel"}
                and not (appositive_name and o in through))
    # "The Commission proposed sanctions, Commission President Ursula von der Leyen said", and a
    # name set off by commas right after the body it speaks for ("A spokesperson for the Southern
    # Defence Forces, Dmytro Pletenchuk, told")
    before = any(m.end < o.start and o.end <= cue[0] and cue[0] - o.end <= PERSON_NEAR
                 and "," in text[m.end : o.start] and (not re.search(r"[,;:.]", text[o.end : cue[0]])
                                                      or _set_off(text[m.end : o.start], text[o.end : cue[0]]))
                 for o in speakers)
    return after or before


def names_in(text: str, table: AliasTable) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """What ``text`` names: the gazetteer's places and people, ``table``'s mentions (generic
    institutions :func:`institutions.composed` with their country) and the people named after a
    title or their given name (:func:`people.people`); found once per text, for sources and facts alike."""
    places = named_in(text)
    listed = [m for m in table.find(text) if m.kind != "official" or not someone_else(text, m)]
    home = "Ukraine" if cyrillic_language(text) == "uk" else None
    mentions = composed(text, listed, places, home, table.canonical) + administrations(text, places)
    mentions = mentions + described(text, mentions + places)
    mentions = mentions + organisations(text, mentions + places)
    named = people(text, mentions + places)
    mentions = sorted(mentions + lone_speakers(text, mentions + places + named), key=lambda m: m.start)
    return places, mentions, named


# A person named right after those who speak for them is whose they are, not who speaks ("Штаб Трампа
# заявил", "пресс-секретарь Путина Дмитрий Песков", "щабът на Тръмп", "Trump's campaign said").
# Nouns that never stand before their own holder's name, and (_OWNER_TITLE) titles that do ("пресс-секретарь
# Стефан Дюжаррик"): after those a person is the owner only when "на" or a genitive one-word name says so.
_OWNER_AFTER = re.compile(
    r"(?<!\w)(?:штаб|кампани|команд[аыиоуі]|сторонник|прихильник|окружени|оточенн|соратник|щаб|екип"
    r"|привърженици|сын|син|дочь|донька|семь|сім)\w*(?:\s+на)?\s+$", re.IGNORECASE)
_OWNER_TITLE = re.compile(
    r"(?<!\w)(?:администраци|адміністраці|офис|офіс|советник|радник|помощник|помічник|пресс-секретар|прес-секретар"
    r"|прессекретар|представител|представник|говорител|адвокат|юрист|съветник)\w*(\s+на)?\s+$", re.IGNORECASE)
_GENITIVE = re.compile(r"[А-ЯЁІЇЄа-яёіїє]+(?:[ая]|ого|его)$")
_OWNED = re.compile(r"['’]s\s+(?:[a-z-]+\s+)?(?:campaign|administration|team|lawyers?|attorneys?|spokes\w+"
                    r"|son|daughter|wife|office|allies|supporters|aides?|advis[eo]rs?|press secretary"
                    r"|representatives?|envoy|camp)(?!\w)")
# A Cyrillic name in the dative or a woman's in the accusative ("объяснил Трампу", "сказал Зеленскому",
# "назвала Захарову") is whom someone spoke to or of; a name whose own ending is "-u" ("Шойгу") is not declined.
_ADDRESSED = re.compile(r"(?:ому|ему|ові|еві|[бвгджзклмнпрстфхцчшщ][уюУЮ])$")


def _silent(text: str, m: Mention) -> bool:
    """True when a named person cannot be the speaker: an owner of who speaks or an addressee."""
    start = given_start(text, m.start)
    if _OWNER_AFTER.search(text, max(0, start - 30), start) or _OWNED.match(text, m.end):
        return True
    title = _OWNER_TITLE.search(text, max(0, start - 30), start)
    if title and (title[1] or (_GENITIVE.fullmatch(text, m.start, m.end) and not m.name.lower().endswith("a"))):
        return True
    return bool(_ADDRESSED.search(text[m.start : m.end])) and not m.name.lower().endswith("u")


def _titled(text: str, m: Mention, speakers: list[Mention], bodies: list[Mention]) -> int:
    """Where the speaker's title begins, across the body it names ("говорителя на украинските
    военноморски сили Дмитро Плетенчук"); a title never reaches back over another speaker
    ("Kremlin spokesman Dmitry Peskov said Putin…": spokesman is Peskov's, not Putin's)."""
    name_start = given_start(text, m.start)
    start = title_start(text, name_start)
    body = next((b for b in bodies if b.end < name_start and not text[b.end : name_start].strip()), None)
    if start == name_start and body is not None:
        body_title = title_start(text, body.start)
        start = body_title if body_title < body.start else start
    return m.start if any(start <= o.start and o.end <= m.start for o in speakers if o is not m) else start


def sources(text: str, table: AliasTable | None = None, mentions: list[Mention] | None = None,
            people: list[Mention] | None = None) -> list[Source]:
    """The sources ``text`` cites, once each, in order of first citation.

    ``mentions`` and ``people`` (see :func:`names_in`) are found here unless the caller already
    has them."""
    table = table or registry()
    if mentions is None or people is None:
        _, mentions, people = names_in(text, table)
    people = [m for m in people if not _silent(text, m)]
    mentions = [m for m in mentions if m.kind != "official" or not _silent(text, m)]
    speakers = [m for m in mentions if m.kind == "official"] + people
    bodies = [m for m in mentions if m.kind in {"institution", BODY}]
    mentions = sorted([replace(m, start=_titled(text, m, speakers, bodies)) if m.kind == "official" else m
                       for m in mentions]
                      + [replace(m, kind="official", start=_titled(text, m, speakers, bodies)) for m in people],
                      key=lambda m: m.start)
    via = channels(text, mentions)
    cues = [(m.start(), m.end()) for m in CUE_RE.finditer(text)]
    cited: list[tuple[Mention, tuple[int, int], str]] = []
    for lo, hi in _sentences(text):
        inside = [m for i, m in enumerate(mentions) if lo <= m.start < hi and i not in via]
        through = tuple(m for i, m in enumerate(mentions) if lo <= m.start < hi and i in via)
        sentence_cues = [c for c in cues if lo <= c[0] < hi]
        cited += [(m, (via[i], m.end), "channel") for i, m in enumerate(mentions) if lo <= m.start < hi and i in via]
        for m in inside:
            if m.kind == "role" and any(o.kind == "official" and abs(o.start - m.end) <= 40 for o in inside):
                continue
            if not sentence_cues and m.kind != "channel":
                continue
            near = min(sentence_cues, key=lambda c: _gap(m, c), default=None)
            if m.kind in {"official", "role", BODY}:  # a speaker: right next to its cue
                near = _speaker_cue(m, sentence_cues, inside, text, through)
                if near is None:
                    continue
            if m.kind in {"institution", BODY} and _affiliation(m, inside, text):
                continue
            if near is not None and m.kind != "channel" and _reported(m, near, text, mentions, through):
                continue
            close = near is not None and _gap(m, near) <= NEAR
            if near is not None and not close and any(o is not m and o.kind != "role" and _gap(o, near) <= PERSON_NEAR
                                                      for o in inside):
                continue  # far from a cue that has its own source ("По данным ФСБ, … передававший СБУ координаты")
            if near is not None and _gap(m, near) > PERSON_NEAR and _unnamed_speaker(text, near, lo, hi):
                continue  # away from a cue whose source is unnamed ("…, Polish media reported")
            span = (min(near[0], m.start), max(near[1], m.end)) if near and close else (m.start, m.end)
            cited.append((m, span, "source"))
    cited.sort(key=lambda c: c[1][0])
    names = {m.name for m, _, _ in cited}
    out: list[Source] = []
    seen: set[str] = set()
    for m, span, role in cited:
        if m.name in seen or any(other != m.name and other.endswith(m.name) for other in names):
            continue
        seen.add(m.name)
        kind = {"role": "official", BODY: "institution"}.get(m.kind, m.kind)
        out.append(Source(m.name, kind, text[span[0] : span[1]], span, role))
    return out


def quotes(found: list[Source] | list[dict[str, Any]], name: str) -> bool:
    """True when ``name`` (any case) is among the sources: ``quotes(srcs, "TASS")``."""
    wanted = name.casefold()
    return any((s.name if isinstance(s, Source) else s["name"]).casefold() == wanted for s in found)
