"""Names the tables do not list, recognised by the word in front of them.

No gazetteer holds every governor, mayor and spokesperson a war's news quotes, nor every
village it is fought over, but news introduces both the same way in all four languages.
People come after a title, sometimes with what it is the title of ("губернатор Василий
Голубев", "Kharkiv mayor Ihor Terekhov", "говорителят Пламен Иванов", "голова ОВА Іван
Федоров"); places after the kind of settlement they are ("the village of Novoekonomichne",
"в селе Новоэкономическое", "селище Курахівка", "село Нескучне"). The name that follows is
kept in Latin letters (the language's transliteration, see :mod:`translit`) so that it can be
compared and cited like a table entry. Anything a table already names wins: a known person
keeps their canonical name, and a place after a title ("губернатор Белгородской области") is
no name.

The same holds for towns after a preposition of place or before their airport or refinery ("the
summit in Johannesburg", "в Рыльске", "Nizhnekamsk airport"), for media and companies after what
they are ("broadcaster Yle", "state energy company Energocom"), and for a name after a declined
Russian or Ukrainian title, which is put back in the nominative before it is spelled in Latin
("з прем'єр-міністром Марком Карні" → Mark Karni). People news does not title are named by a
given name (``data/given-names.txt``) and a surname, declined ones put back in the nominative
("по словам Андрея Кравченко" → Andrey Kravchenko). Towns named with an adjective take both
words ("біля Великої Писарівки" → Velyka Pysarivka), and a town may follow another in a list
("near Kurakhove and Velyka Novosilka"). English organisations are recognised by their
capitalised name holding a head word ("the Centre for Eastern Studies", "South Korea's National
Intelligence Service"), and an English speaker by one capitalised word right before the verb
("Greenpeace said").
"""

from __future__ import annotations

import functools
import re

from .aliases import Mention, packaged_text
from .entities import _NOT_NAMES, skeleton
from .institutions import BODY, countries, owner
from .translit import transliterate

# Titles that introduce a named person, in English, Russian, Ukrainian and Bulgarian.
_TITLES = [
    # English (lower or capitalised: "Governor Gavin Newsom", "the governor, Oleh Syniehubov")
    r"president", r"prime minister", r"premier", r"(?:\w+ )?minister", r"governor", r"mayor",
    r"spokes(?:man|woman|person)", r"ambassador", r"envoy", r"(?:lieutenant |major |brigadier )?general",
    r"colonel", r"commander", r"chief", r"head", r"adviser", r"advisor", r"secretary", r"senator",
    r"chancellor", r"lawmaker", r"deputy", r"prosecutor", r"ombudsman", r"commissioner", r"chairman",
    r"chairwoman", r"director", r"official", r"representative",
    # who else news quotes by name: reporters, analysts, bloggers, lawyers, activists
    r"journalist", r"correspondent", r"analyst", r"(?:military )?blogger", r"expert", r"political scientist",
    r"researcher", r"lawyer", r"activist", r"leader", r"professor", r"historian", r"volunteer", r"pilot",
    r"лидер\w*", r"лідер\w*", r"профессор\w*", r"професор\w*", r"историк\w*", r"історик\w*", r"волонт[её]р\w*",
    r"волонтер\w*", r"доброволец", r"пилот\w*", r"пілот\w*",
    r"военкор\w*", r"журналист\w*", r"корреспондент\w*", r"аналитик\w*", r"блогер\w*", r"эксперт\w*",
    r"политолог\w*", r"адвокат\w*", r"активист\w*", r"військкор\w*", r"журналіст\w*", r"кореспондент\w*",
    r"аналітик\w*", r"експерт\w*", r"політолог\w*", r"активіст\w*", r"анализатор\w*", r"блогър\w*",
    # Russian
    r"президент\w*", r"премьер\w*", r"премьер-министр\w*", r"министр\w*", r"губернатор\w*", r"мэр\w*",
    r"глав[аыеуой]", r"пресс-секретар\w*", r"посол", r"посла", r"послу", r"спецпосланник\w*",
    r"генерал\w*", r"полковник\w*", r"командующ\w*", r"командир\w*", r"советник\w*", r"помощник\w*",
    r"секретар\w*", r"сенатор\w*", r"канцлер\w*", r"депутат\w*", r"прокурор\w*", r"омбудсмен\w*",
    r"уполномоченн\w*", r"председател\w*", r"директор\w*", r"руководител\w*", r"начальник\w*",
    r"представител\w*", r"вице-премьер\w*", r"вице-президент\w*", r"замглав\w*", r"врио",
    # Ukrainian
    r"прем['’]єр\w*", r"міністр\w*", r"голов[аиіоюу]", r"очільник\w*", r"керівник\w*", r"мер\w*",
    r"речни\w*", r"прес-секретар\w*", r"командувач\w*", r"радник\w*", r"уповноважен\w*", r"омбудсман\w*",
    r"представник\w*", r"віцепрем['’]єр\w*", r"віце-прем['’]єр\w*",
    # Bulgarian
    r"премиер\w*", r"министър\w*", r"кмет\w*", r"говорител\w*", r"посланик\w*", r"съветник\w*",
    r"началник\w*", r"шеф\w*", r"вицепремиер\w*", r"вицепрезидент\w*", r"управител\w*", r"председател\w*",
]
_TITLE_RE = re.compile(r"(?<!\w)(?i:" + "|".join(_TITLES) + r")(?!\w)")
_NAME = r"[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’]+(?:[A-Z][a-z]+)?(?:-[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’]+)?"  # McDonald, DeWine
_NAME_WORD = re.compile(_NAME + "$")
_TOKEN = re.compile(r",?\s+([«\"“„]?[\w'’.-]+[»\"”“]?)")  # a quoted word (a party's name) is no name
OF_WORDS = 3  # words between a title and the name that say what it is the title of
# Words after a one-word "name" that show it was a place's adjective ("Ленинградской области").
_PLACE_NOUNS = re.compile(
    r"\s+(?:област\w*|oblast|region|province|края|краю|край|район\w*|округ\w*|міськ\w*|городск\w*"
    r"|республик\w*|республік\w*)(?!\w)", re.IGNORECASE)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_TITLE_WORD = re.compile(r"(?i:" + "|".join(_TITLES) + r"|[\w-]+ministr\w*)")


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
    return transliterate(name, cyrillic_language(text)) if _CYRILLIC.search(name) else name


def _tokens(text: str, pos: int, count: int) -> list[tuple[str, int, int]]:
    """The next ``count`` words after ``pos`` with their spans. A comma may stand before a word
    ("the governor, Oleh Syniehubov"); a full stop or any other punctuation ends the run."""
    out: list[tuple[str, int, int]] = []
    while len(out) < count:
        m = _TOKEN.match(text, pos)
        if not m:
            break
        word = m.group(1).rstrip(".")
        out.append((word, m.start(1), m.start(1) + len(word)))
        pos = m.start(1) + len(word)
        if len(word) < len(m.group(1)):
            break
    return out


# What a title is the title of, capitalised as the first word of a body's name ("керівник Центру
# протидії дезінформації", "речник Сил оборони"): never a person's name.
_BODY_WORD = re.compile(r"(?i:центр|управлін|управлен|служб|комітет|комитет|агентств|агенці|міністерств|министерств"
                        r"|департамент|відділ|отдел|сил[аиы]?$|войск|військ|штаб|інститут|институт|фонд|банк|парті|парти"
                        r"|асоціац|ассоциац|союз|спілк|рад[аиіу]$|палат|комісі|комисси|прокуратур|адміністрац|администрац)")


def _name_after(text: str, title: re.Match[str], known: list[Mention]) -> tuple[int, int] | None:
    """The span of the name a title introduces, trying what-it-is-the-title-of runs of 0..OF_WORDS words."""
    tokens = _tokens(text, title.end(), OF_WORDS + 3)
    single: tuple[int, int] | None = None  # a one-word name, unless a full name follows ("речник Сил оборони
    # півдня Владислав Волошин": "Сил" is the first word of what he speaks for)
    for skip in range(min(OF_WORDS, len(tokens)) + 1):
        words: list[tuple[str, int, int]] = []
        for word, start, end in tokens[skip : skip + 3]:
            if not _NAME_WORD.match(word) or word.lower() in _NOT_NAMES or _TITLE_WORD.fullmatch(word) \
                    or _BODY_WORD.match(word):
                break
            if words and text[words[-1][2] : start].strip():
                break  # a comma between two capitalised words: a list, not one name
            words.append((word, start, end))
        if not words:
            continue
        if skip and re.search(r"[,;:]", text[title.end() : words[0][1]]):
            break  # what a title is the title of has no comma in it ("Губернатор сообщил, что в Рыльске")
        span = (words[0][1], words[-1][2])
        after = tokens[skip + len(words) : skip + len(words) + 1]
        if after and _TITLE_WORD.fullmatch(after[0][0]):
            continue  # part of a longer title ("deputy Foreign Minister Sergei Ryabkov")
        overlap = [k for k in known if k.start < span[1] and span[0] < k.end]
        if any(k.kind in {"person", "official"} for k in overlap):
            return None  # the tables know who holds the title
        if overlap:
            continue
        if len(words) == 1 and (_PLACE_NOUNS.match(text, span[1]) or
                                (not _CYRILLIC.search(words[0][0]) and title.group(0)[0].isupper())):
            continue
        if len(words) > 1:
            return span
        if any(k.kind in {"person", "official"} and 0 <= k.start - span[1] <= 12
               and re.fullmatch(r"(?:\s+[a-zа-яёіїєґ]+)*\s*", text[span[1] : k.start]) for k in known):
            return None  # the first name of a listed person ("Урсула фон дер Лайен")
        single = single or span
    return single


# A Russian or Ukrainian title's case ending, which the name after it shares ("з прем'єр-міністром
# Марком Карні", "слова губернатора Олега Синегубова"); Bulgarian and English names do not decline.
_CASE_OF_TITLE = (
    ("instrumental", re.compile(r"(?:[оеёє]м|ой|ою)$")),
    ("genitive", re.compile(r"(?<!^глав)(?<!^голов)[ая]$|^(?:главы|голови)$")),
    ("dative", re.compile(r"(?:[^о]у|ю|ові|еві|^главе|^голові)$")),
)
# Per case, endings of a name word and what the nominative has instead, tried in order.
_NOMINATIVE = {
    "instrumental": ((r"([сц]к|[сцз]ьк)им$", r"\1ий"), (r"([оеё]в|[иыіїе]н)(?:ым|им)$", r"\1"),
                     (r"([аеиоуіїєяю])[єеё]м$", r"\1й"), (r"[оеёє]м$", ""), (r"(?:ою|ой)$", "а"),
                     (r"(?:єю|ею|ей)$", "я")),
    "genitive": ((r"([сц]к|[сцз]ьк)ого$", r"\1ий"), (r"(?:ой|ої)$", "а"), (r"([иі])[ияї]$", r"\1я"),
                 (r"([иіе])я$", r"\1й"), (r"([бвгджзклмнпрстфхцчшщ])а$", r"\1"), (r"([лр])я$", r"\1ь"),
                 (r"([бвгджзклмнпрстфхцчшщ])[иы]$", r"\1а")),
    "dative": ((r"([сц]к|[сцз]ьк)ому$", r"\1ий"), (r"(?:ові|еві|єві)$", ""), (r"([иіе])ю$", r"\1й"),
               (r"([бвгджзклмнпрстфхцчшщ])у$", r"\1"), (r"([лр])ю$", r"\1ь")),
}


_WORD_BEFORE = re.compile(r"(" + _NAME + r")\s+$")


def someone_else(text: str, person: Mention) -> bool:
    """True when a listed person found by the surname alone has another first name written before
    it ("вицепремиерът Алексей Кулеба", "Oleksii Kuleba" are not Dmytro Kuleba): then the title
    rule names them. A Cyrillic word that opens a sentence may be anything ("Вчера Кулеба"), so
    it proves nothing; an English one is checked against the function words."""
    if " " in person.text.strip() or " " not in person.name:
        return False
    lo = max(0, person.start - 40)
    m = _WORD_BEFORE.search(text[lo : person.start])
    if not m or _TITLE_WORD.fullmatch(m[1]) or m[1].lower() in _NOT_NAMES:
        return False
    opens = not text[: lo + m.start(1)].strip() or text[: lo + m.start(1)].rstrip()[-1] in ".!?…"
    if opens and _CYRILLIC.search(m[1]):
        return False
    written = skeleton(latin_name(m[1], text))
    return bool(written) and not any(_alike(written, skeleton(w)) for w in person.name.split()[:-1])


def _alike(a: str, b: str) -> bool:
    """Two first names' skeletons that may be one name in two spellings or cases (Igor/Ihor,
    Кіром/Keir, Реджепом/Recep): one starts the other, they open alike, or one letter apart."""
    if not a or not b:
        return True
    if a.startswith(b) or b.startswith(a) or a[0] == b[0]:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    return a[1:] == b or b[1:] == a  # a first consonant one spelling has and the other not (Igor, Ihor)


def nominative(name: str, title: str) -> str:
    """``name`` in the nominative when the ``title`` before it shows a Russian or Ukrainian case
    (a name's Latin spelling is its nominative's: Марком Карні → Марк Карні, not Markom Karni).
    Indeclinable and Latin names keep their letters; the endings are a name's regular ones."""
    word = title.split()[-1].lower() if title.strip() else ""
    if not _CYRILLIC.search(name) or not _CYRILLIC.search(word) or cyrillic_language(name + " " + title) == "bg":
        return name
    case = next((c for c, pattern in _CASE_OF_TITLE if pattern.search(word)), None)
    if case is None:
        return name
    return " ".join(_first_ending(part, _NOMINATIVE[case]) for part in name.split())


def _first_ending(word: str, rules: tuple[tuple[str, str], ...], shortest: int = 0) -> str:
    """``word`` with the first of ``rules`` (an ending and its replacement) that changes it into
    a word of at least ``shortest`` letters applied; the word itself when none does."""
    for ending, replacement in rules:
        changed = re.sub(ending, replacement, word)
        if changed != word and len(changed) >= shortest:
            return changed
    return word


# What a medium or a company the tables do not list is called before its name ("broadcaster Yle
# reported", "state energy company Energocom said", "пише видання «Схеми»", "компания «Лукойл»").
_MEDIUM_WORDS = (r"broadcaster|newspaper|news agency|news site|news outlet|outlet|website|TV channel|daily|magazine"
                 r"|издани\w*|газет\w*|телеканал\w*|радиостанци\w*|портал\w*|виданн\w*|радіостанці\w*"
                 r"|вестник\w*|телевизия(?:та)?|медията|(?:Telegram|телеграм|телеграмм)-канал\w*")
_COMPANY_WORDS = (r"company|firm|operator|utility|producer|manufacturer|carrier|concern"
                  r"|(?:rights |campaign |advocacy )?group|watchdog|charity|think tank|NGO"
                  r"|компани\w*|оператор\w*|концерн\w*|госкорпораци\w*|корпораці\w*|корпораци\w*|виробник\w*"
                  r"|производител\w*|компані\w*")
_QUOTED = r"[«\"“„]?"
_DESCRIBED_RE = re.compile(
    r"(?<!\w)(?i:(?P<medium>" + _MEDIUM_WORDS + r")|(?P<company>" + _COMPANY_WORDS + r"))\s+" + _QUOTED
    + r"(?P<name>[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+){0,2}|[А-ЯЁІЇЄҐ][\w'’-]+(?:[\s-]+[А-ЯЁІЇЄҐ][\w'’-]+){0,2})")


def described(text: str, known: list[Mention]) -> list[Mention]:
    """Media and companies named after what they are, where ``known`` names nothing there: a
    medium is an ``agency`` (it can be a statement's channel), a company a body that counts as a
    source only next to its cue (:data:`institutions.BODY`)."""
    found = []
    for m in _DESCRIBED_RE.finditer(text):
        start, end = m.span("name")
        name = m["name"]
        if any(w.lower() in _NOT_NAMES for w in name.split()) or any(k.start < end and start < k.end for k in known):
            continue
        kind = "agency" if m["medium"] else BODY
        found.append(Mention(latin_name(name, text), kind, start, end, name))
    return found


# An English organisation the tables do not list is named in capitals and by what it is
# ("the Norwegian Refugee Council", "South Korea's National Intelligence Service", "the Kyiv
# School of Economics", "the Institute for the Study of War"): a run of capitalised words,
# joined only by "of", "for" and "on" (with "the"), that holds one of these head words.
_ORG_HEADS = frozenset({
    "service", "council", "institute", "ministry", "agency", "centre", "center", "committee", "commission",
    "office", "department", "bureau", "foundation", "organisation", "organization", "union", "court", "police",
    "guard", "fund", "bank", "party", "network", "association", "observatory", "mission", "programme", "program",
    "university", "administration", "authority", "directorate", "inspectorate", "monitor", "watch", "school",
    "academy", "project", "initiative", "coalition", "alliance", "federation", "society", "board", "corps",
    "command", "staff", "forces", "army", "navy", "parliament", "assembly", "tribunal", "secretariat",
    "laboratory", "institution", "consortium", "group", "chamber", "forum", "unit", "brigade", "regiment",
})
_CAPITAL_WORD = r"[A-Z][\w&.-]*[\w&]"
_JOINER = r"(?:of|for|on|&)"
_ORG_RUN = re.compile(r"(?<![\w'’-])" + _CAPITAL_WORD + r"(?:\s+(?:" + _JOINER + r"\s+(?:the\s+)?)?" + _CAPITAL_WORD
                      + r")+(?![\w'’-])")
_CALENDAR = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
                       r"|April|May|June|July|August|September|October|November|December)$")
OF_TAIL = 3  # capitalised words an "of"-phrase after the head word may hold ("of the Study of War")


def _organisation_words(words: list[str]) -> list[str]:
    """The words of a capitalised run that name the organisation: from after a headline's "The"
    and the leading words with no head ("Pete Hettema of the Pasadena Police Department"), up to
    a title or a date ("European Council President …", "Council on Monday"), through the head
    word's segment and the short "of"-phrases after it ("Institute for the Study of War", not
    "Department of Finance Le Ngoc Thuy Trang")."""
    cut = next((i for i, w in enumerate(words) if _CALENDAR.match(w) or _TITLE_WORD.fullmatch(w)), len(words))
    words = words[:cut]
    if "The" in words:
        words = words[len(words) - words[::-1].index("The") :]
    segments: list[list[str]] = [[]]
    for w in words:
        if w in {"of", "for", "on", "the"}:
            if segments[-1]:
                segments.append([])
            segments[-1].append(w)
        else:
            segments[-1].append(w)
    headed = [i for i, seg in enumerate(segments) if any(w.lower() in _ORG_HEADS for w in seg)]
    if not headed:
        return []
    first, last = headed[0], headed[-1]
    head = segments[last]
    head = head[: max(i for i, w in enumerate(head) if w.lower() in _ORG_HEADS) + 1]
    kept = [w for seg in segments[first:last] for w in seg] + head
    for seg in segments[last + 1 :]:
        names = [w for w in seg if w not in {"of", "for", "on", "the", "&"}]
        if len(names) > OF_TAIL:
            break
        kept += seg
    while kept and kept[0] in {"of", "for", "on", "the", "&"}:
        kept = kept[1:]
    while kept and kept[-1] in {"of", "for", "on", "the", "&"}:
        kept = kept[:-1]
    return kept


# A single capitalised word right before a verb of saying is whoever said it ("Greenpeace said",
# "Memorial reported"): not a function word, a plural ("Officials said"), a title or a head word.
_LONE_SPEAKER = re.compile(r"(?<![\w'’-])([A-Z][a-z]+[A-Za-z]*)\s+(?:said|says|told|reported|announced|warned|claimed"
                           r"|estimated|added|confirmed)(?!\w)")
_SUBJECT_WORDS = frozenset({"everyone", "nobody", "someone", "one", "both", "each", "many", "some", "most", "none",
                            "another", "other", "officials", "police", "nato", "embassy", "house", "democrat",
                            "republican", "citizen", "christ", "god", "undefeated"})


def lone_speakers(text: str, known: list[Mention]) -> list[Mention]:
    """English speakers named by one word the tables do not list, right before their verb."""
    if _CYRILLIC.search(text):
        return []
    found = []
    for m in _LONE_SPEAKER.finditer(text):
        word, (start, end) = m[1], m.span(1)
        lowered = word.lower()
        common = lowered in _NOT_NAMES or lowered in _SUBJECT_WORDS or lowered in _ORG_HEADS
        if common or lowered.endswith(("s", "ly")) or _TITLE_WORD.fullmatch(word) or _CALENDAR.match(word) \
                or any(k.start < end and start < k.end for k in known):
            continue
        found.append(Mention(word, BODY, start, end, word))
    return found


def organisations(text: str, known: list[Mention]) -> list[Mention]:
    """English organisations the tables do not list (see ``_ORG_RUN``), where ``known`` names
    nothing there: a body that counts as a source only next to its cue (like "the Swiss
    government"), spanning the possessive country before it, named as written."""
    if _CYRILLIC.search(text):
        return []
    found = []
    for m in _ORG_RUN.finditer(text):
        words = _organisation_words(m.group(0).split())
        if len(words) < 2:
            continue
        name = " ".join(words)
        located = re.search(r"\s+".join(map(re.escape, words)) + r"(?![\w'’-])", m.group(0))
        if located is None:
            continue
        start, end = m.start() + located.start(), m.start() + located.end()
        if any(k.start < end and start < k.end and (k.kind != "place" or (start, end) == (k.start, k.end))
               for k in known):
            continue  # a table names it (a place inside a longer name is part of it: "Kyiv School of Economics")
        country = owner(text, start, known)
        found.append(Mention(name, BODY, country.start if country else start, end, text[start:end]))
    return found


def titled(text: str, known: list[Mention]) -> list[Mention]:
    """Named people after a title, where ``known`` (mentions of the tables) names nobody.

    Each is a mention of kind "person" whose span is the name alone and whose name is its
    Latin spelling."""
    found: list[Mention] = []
    for title in _TITLE_RE.finditer(text):
        if found and title.start() < found[-1].end:
            continue
        span = _name_after(text, title, known)
        if span is not None:
            name = text[span[0] : span[1]]
            found.append(Mention(latin_name(nominative(name, title.group(0)), text), "person", span[0], span[1], name))
    return found


@functools.cache
def given_names() -> frozenset[str]:
    """The packaged given names (``data/given-names.txt``)."""
    lines = packaged_text("given-names.txt").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _given_starts() -> frozenset[str]:
    """The first three letters of every given name: most capitalised words are no given name in any case."""
    return frozenset(name[:3] for name in given_names())


_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZА-ЯЁІЇЄҐ][\w'’-]*")
_PATRONYMIC = re.compile(r"[А-ЯЁІЇЄҐ]\w+(?:ович|евич|ьевич|йович|ївна|івна|овна|евна|ична)$")


_SURNAME_CASE = (("genitive", re.compile(r"(?:ого|ой|ої)$")), ("dative", re.compile(r"(?:ому|ій)$")),
                 ("instrumental", re.compile(r"(?:ым|им|ою|ой)$")))


@functools.lru_cache(maxsize=65_536)
def _given_cases(word: str) -> tuple[str, ...]:
    """The cases ``word`` can be a given name in: "" for the nominative, else keys of ``_NOMINATIVE``."""
    if word[:3] not in _given_starts():
        return ()
    declined = [c for c, rules in _NOMINATIVE.items() if _first_ending(word, rules) in given_names()
                and _first_ending(word, rules) != word] if _CYRILLIC.search(word) else []
    return tuple(([""] if word in given_names() else []) + declined)


def _given_case(word: str, surname: str) -> str | None:
    """The case a given name stands in, as a key of ``_NOMINATIVE``, "" for the nominative, or
    None when ``word`` is no given name; a declined surname ("Дубинского") decides between a
    nominative and a declined reading ("Александра": Aleksandra, or Alexander's)."""
    cases = _given_cases(word)
    if not cases:
        return None
    by_surname = next((c for c, pattern in _SURNAME_CASE if c in cases and pattern.search(surname)), None)
    return by_surname if by_surname is not None else cases[0]


def first_named(text: str, known: list[Mention]) -> list[Mention]:
    """People named by a given name and a surname ("Андрей Кравченко сообщил", "said Andriy
    Kravchenko", "по словам Андрея Кравченко"), with a patronymic between them if there is one,
    where ``known`` names nothing there: news introduces people it does not title this way in all
    four languages. A Russian or Ukrainian name in another case is put back in the nominative."""
    words = [(m.group(0), m.start(), m.end()) for m in _CAPITALISED.finditer(text)]
    lang = cyrillic_language(text)
    found: list[Mention] = []
    for i, (word, start, end) in enumerate(words):
        if found and start < found[-1].end:
            continue
        rest = words[i + 1 : i + 3]
        if rest and _PATRONYMIC.match(rest[0][0]) and len(rest) > 1 and not text[end : rest[0][1]].strip():
            end, rest = rest[0][2], rest[1:]
        if not rest or text[end : rest[0][1]].strip():
            continue
        surname = re.sub(r"['’]s$", "", rest[0][0])
        case = _given_case(word, surname) if lang != "bg" or word in given_names() else None
        if case is None or surname in given_names():
            continue
        if not _NAME_WORD.match(surname) or surname.lower() in _NOT_NAMES or surname.lower() in _ORG_HEADS \
                or _TITLE_WORD.fullmatch(surname):
            continue
        span = (start, rest[0][1] + len(surname))
        if any(k.start < span[1] and span[0] < k.end for k in known):
            continue
        after = re.match(r"\s+\S", text[span[1] :])
        if after and any(k.start == span[1] + after.end() - 1 and k.kind in {"person", "official"} for k in known):
            continue  # the first names of a listed person ("Реджепом Тайипом Эрдоганом")
        written = f"{word} {surname}"
        if case:
            written = " ".join(_first_ending(part, _NOMINATIVE[case]) for part in written.split())
        found.append(Mention(latin_name(written, text), "person", span[0], span[1], text[span[0] : span[1]]))
    return found


def people(text: str, known: list[Mention]) -> list[Mention]:
    """Every person the tables do not list: after a title (:func:`titled`), then by a given name
    (:func:`first_named`)."""
    found = titled(text, known)
    return sorted(found + first_named(text, known + found), key=lambda m: m.start)


_APPOSITIVE = re.compile(r"\s*,\s*(?:the\s+|a\s+)?(?:[\w'’-]+\s+){0,2}?(?i:" + "|".join(_TITLES)
                         + r")(?!\w)[^,;:.!?]{0,80},\s*")


def appositive(between: str) -> bool:
    """True when ``between`` (what stands between a name and its cue) is only a title set off by
    commas ("Андрій Коваленко, керівник Центру протидії дезінформації, заявив")."""
    return bool(_APPOSITIVE.fullmatch(between))


_TITLE_RUN = re.compile(r"(?<!\w)(?i:" + "|".join(_TITLES) + r")(?:\s+[\w'’-]+){0," + str(OF_WORDS) + r"}?,?\s+$")
TITLE_REACH = 80  # characters before a name searched for the title that introduces it


def title_start(text: str, start: int) -> int:
    """Where the title introducing the name at ``start`` begins ("глава областной военной
    администрации Александр Прокудин"), or ``start`` when no title stands right before it:
    the title belongs to the speaker when a cue is measured against the name."""
    window = text[max(0, start - TITLE_REACH) : start]
    m = _TITLE_RUN.search(window)
    return start - len(window) + m.start() if m else start


# The kinds of settlement a place's name follows: "the village of X", "в селе X", "селище X", "село X".
_SETTLEMENT_RE = re.compile(
    r"(?<!\w)(?:(?:village|town|city|settlement|hamlet|port|coast) of"
    r"|порт[ау]?|морского порта|аэропорт[ау]?|аеропорт[уа]?|пристанището на|летище(?:то)?"
    r"|сел[оаеу]|селом|посёл\w*|посел\w*|пос\.|деревн\w*|хутор\w*|станиц\w*|город\w{0,2}|г\."
    r"|селищ\w*|смт|місто|міста|місті|містечк\w*|с\."
    r"|селото|градчето|град|гр\.|[Rr]esidents of|[Жж]ител(?:и|і|ей|ям|ів)|[Мм]ешканц(?:і|ів|ям)|[Жж]ителите на)"
    r"\s+(?P<name>" + _NAME + r"(?:[\s-]+" + _NAME + r")?)(?!\w)")


# A capitalised word after a preposition of place, or before "airport", is a town the gazetteer
# does not list ("the summit in Johannesburg", "Nizhnekamsk airport", "в Рыльске", "атаку на
# Шостку"): one word, not followed by another capitalised word (a name of several words is a
# person's or an organisation's) nor by a region noun (then it was an adjective: "у Дніпровському
# районі"). Latin words in Cyrillic text are media and networks ("в Telegram", "на X"). Two words
# when the first is one of the adjectives towns are named with ("near Velyka Novosilka", "біля
# Великої Писарівки"); and a town may follow another one in a list after the preposition ("near
# Kurakhove and Velyka Novosilka").
_EN_TOWN_ADJECTIVE = (r"(?:Velyk[aeyi]\w{0,2}|Velik\w{1,3}|Mal[aeyi]\w{0,2}|Nov[aeyio]\w{0,2}|Star[aeyoi]\w{0,2}"
                      r"|Verkhn\w{1,3}|Nyzhn\w{1,3}|Nizhn\w{1,3}|Krasn\w{1,3}|Chervon\w{1,3}|Bil[aey]\w{0,2}|Bel[aeyi]\w{0,2})")
_CYR_TOWN_ADJECTIVE = r"(?:Велик|Мал|Нов|Стар|Верхн|Нижн|Красн|Червон|Біл|Бел)[а-яёіїєґ]{1,4}"
_EN_TOWN = r"(?:" + _EN_TOWN_ADJECTIVE + r"\s+)?[A-Z][a-z-]{2,}(?![\w'’-])(?!\s+[A-Z])"
_CYR_TOWN = r"(?:" + _CYR_TOWN_ADJECTIVE + r"\s+)?[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]{3,}(?![\w'’-])(?!\s+[A-ZА-ЯЁІЇЄҐ])"
_CYR_PLACE_PREPOSITION = (r"(?i:в|во|у|на|под|під|біля|поблизу|неподалік від|около|возле|вблизи|неподалеку от|край"
                          r"|във|близо до|недалеч от)")
_PLACED_RE = re.compile(
    r"(?<!\w)(?:in|near|outside|around|close to)\s+(?P<en>" + _EN_TOWN + r")"
    r"|(?<![\w-])(?P<air>[A-Z][a-z'’-]{2,})\s+(?:airports?|air ?base|airfield|(?:oil )?refinery|seaport)(?!\w)"
    r"|(?<!\w)" + _CYR_PLACE_PREPOSITION + r"\s+(?P<cyr>" + _CYR_TOWN + r")")
_AFTER_PREPOSITION = re.compile(r"(?<!\w)(?:in|near|outside|around|" + _CYR_PLACE_PREPOSITION + r")\s+$")
_NEXT_IN_LIST = re.compile(r"(?:,\s*|\s+(?:and|or|та|і|й|и|или|або)\s+)(?:(?P<en>" + _EN_TOWN + r")|(?P<cyr>"
                           + _CYR_TOWN + r"))")
# Holidays, bodies and events that follow the same prepositions ("на Рождество", "в Палате
# представителей", "в Конгрессе", "в Брекзит"): stems, checked at the word's start.
_NOT_PLACES = re.compile(
    r"(?i:рождеств|пасх|великд|різдв|коледа|коляд|раде$|раді$|рада$|думе$|дум[аи]$|сенат|конгрес|палат|камар"
    r"|парламент|парти|парті|комисс|коміс|комиси|университет|універс|положени|щаб|штаб|съюз|союз|евросо|євросо"
    r"|евросъ|общност|брекзит|брексит|корреспондент|кореспондент|министерств|міністерств|правительств|уряд"
    r"|правителств|генштаб|суд|съд|коллеги|колегі|национальн|національн|совбез|радбез|офис|офіс|департамент"
    r"|политик|політик|министерск|перв|втор|трет|първ"
    r"|(?:police|parliament|congress|senate|court|government|office|christ|god|heaven|fall|spring|summer|winter"
    r"|autumn|downtown|action|power|charge|touch|time|mind|person|public|private|total|fact|general)$)")
# A Bulgarian noun with its article is a common noun capitalised ("в Камарата", "на Съда").
_BG_ARTICLE = re.compile(r"(?:ата|ята|ът|ят|ото|ите|ета)$")
_ADJECTIVE = re.compile(r"(?:[ыиі]х|[ыи]ми|[оеиіы]й|[оаи]я|[оеі]му|[оеы]м|ого|ої|ую|ия|ата|ото|ите)$")
# A Cyrillic place's case ending after a preposition, and its nominative: в Рыльске → Рыльск,
# на Шостку / у Шостці → Шостка, у Львові → Льв(ів): near enough for its Latin skeleton.
_PLACE_CASE = ((r"и[ий]$", "ия"), (r"і[її]$", "ія"), (r"ию$", "ия"), (r"ію$", "ія"), (r"ц[іи]$", "ка"),
               (r"к[уиі]$", "ка"), (r"(?:ові|еві|єві)$", ""),
               (r"([бвгджзклмнпрстфхцчшщ])[еіуа]$", r"\1"))


# The feminine adjective a town is named with, from its case after a preposition to the
# nominative: "Великої", "Великій", "Велику" → "Велика"; "Великой", "Великую" → "Великая";
# masculine "Новому", "Старого" → "Новий", "Старий"; "Старом" → "Старый".
_TOWN_ADJECTIVE_CASE = ((r"(?<!н)(?:ої|ій)$", "а"), (r"(?<!н)у$", "а"), (r"(?:ой|ую)$", "ая"),
                        (r"(?<!н)(?:ому|ого)$", "ий"), (r"(?<!н)(?:ом|ым)$", "ый"))


_CITING = re.compile(r"(?i:ссылкой|посиланням|позовавайки се|позовавайки)\s+\w+\s+$")


def _russian(adjective: str, lang: str) -> str:
    """A masculine adjective as Russian spells it: "ый" except after к, г, х and soft н (Старый, Великий)."""
    return re.sub(r"(?<![кгхн])ий$", "ый", adjective) if lang == "ru" else adjective


# A town's name after "residents of" is in the genitive: "Жители Курчатова" → Курчатов,
# "Жителі Шостки" → Шостка, "жителей Курахового" → Курахове.
_RESIDENTS_CASE = ((r"ого$", "е"), (r"([бвгджзклмнпрстфхцчшщ])а$", r"\1"), (r"([кгхж])и$", r"\1а"),
                   (r"ы$", "а"))


def _town(text: str, group: str, start: int, end: int, lang: str, known: list[Mention]) -> Mention | None:
    """The town named by ``text[start:end]`` (found after a preposition, before "airport" or
    next in a list of places), unless the word is something else that stands there."""
    words = text[start:end].split()
    word = words[-1]
    if word.lower() in _NOT_NAMES or _NOT_PLACES.match(word) or _PLACE_NOUNS.match(text, end):
        return None
    before = text[max(0, start - 60) : start]
    preposition = (before.split() or [""])[-1].lower()
    if group == "cyr" and lang == "bg" and (preposition == "на" or _BG_ARTICLE.search(word)):
        return None  # Bulgarian "на" is "of"
    if _CITING.search(before):
        return None  # whom a report cites ("со ссылкой на Белстат", "позовавайки се на БНР")
    if group == "cyr" and (word.endswith("ть") or (preposition in {"на", "под", "під"} and word[-1] in "ая")):
        return None  # a verb ("Отправить"), or a person taken by the verb ("нападать на Цукерберга")
    if any(k.start < end and start < k.end for k in known):
        return None
    if any(c.adjective.search(word + " ") for c in countries()):
        return None
    if group == "cyr" and _ADJECTIVE.search(word) and (re.search("[сц]ь?к..?.?$", word)
                                                      or re.match(r"\s+[а-яёіїєґ]", text[end:])):
        return None  # an adjective: of a body's name ("в Воздушных силах") or of regions ("у Сумській, …")
    if group != "cyr" and re.search(r"(?:ish|ian|ese|ean)$", word):
        return None  # a language or a people ("in English", "in Ukrainian")
    if group != "cyr" and re.search(r"[A-Z][\w'’-]*\s+(?:in|near|outside|around)\s+$",
                                    text[max(0, start - 40) : start]):
        return None  # inside a capitalised title ("Nations in Action")
    if group == "cyr" and lang != "bg":
        words = [_russian(_first_ending(w, _TOWN_ADJECTIVE_CASE), lang) for w in words[:-1]] + [
            _first_ending(word, _PLACE_CASE, 4)]
    return Mention(latin_name(" ".join(words), text), "place", start, end, text[start:end])


def placed(text: str, known: list[Mention]) -> list[Mention]:
    """Towns the gazetteer does not list, named after a preposition of place or before
    "airport" (see ``_PLACED_RE``), or next in a list of places after such a preposition, where
    ``known`` names nothing there and the word is not a country's adjective ("in Ukrainian")."""
    lang = cyrillic_language(text)
    found = []
    for m in _PLACED_RE.finditer(text):
        group = next(g for g in ("en", "air", "cyr") if m[g])
        town = _town(text, group, *m.span(group), lang, known)
        if town is not None:
            found.append(town)
    heads = found + [k for k in known if k.kind == "place" and _AFTER_PREPOSITION.search(text, 0, k.start)
                     and (lang != "bg" or not re.search(r"(?i:на)\s+$", text[: k.start]))]
    for head in sorted(heads, key=lambda k: k.start):
        listed = _NEXT_IN_LIST.match(text, head.end)
        group = "en" if listed and listed["en"] else "cyr"
        town = _town(text, group, *listed.span(group), lang, known + found) if listed else None
        if town is not None:
            found.append(town)
            heads.append(town)
    return sorted(found, key=lambda k: k.start)


def settlements(text: str, known: list[Mention]) -> list[Mention]:
    """Places named after the kind of settlement they are, where ``known`` names nothing there,
    and towns after a preposition of place (:func:`placed`).

    Each is a mention of kind "place" whose span is the name alone and whose name is its Latin
    spelling."""
    found = []
    for m in _SETTLEMENT_RE.finditer(text):
        start, end = m.span("name")
        first = _NAME_WORD.match(m["name"].split()[0])
        if m["name"].split()[0] in given_names():
            continue  # a person after "of the city" ("мер міста Ігор Терехов")
        for stop in (end, start + (first.end() if first else 0)):  # the whole name, else its first word
            if stop <= start or any(w.lower() in _NOT_NAMES for w in text[start:stop].split()):
                continue
            if not any(k.start < stop and start < k.end for k in known):
                name = text[start:stop]
                spelled = name
                if m.group(0)[:5].lower() in {"жител", "мешка"} and cyrillic_language(text) != "bg":
                    spelled = " ".join(_first_ending(w, _RESIDENTS_CASE, 4) for w in name.split())
                found.append(Mention(latin_name(spelled, text), "place", start, stop, name))
                break
    return found + placed(text, known + found)
