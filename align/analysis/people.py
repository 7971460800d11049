"""People the tables do not list, recognised by the title or the given name in front of them.

No table holds every governor, mayor and spokesperson a war's news quotes, but news introduces
them the same way in all four languages: after a title (:mod:`titles`: "губернатор Василий
Голубев", "Kharkiv mayor Ihor Terekhov") or by a given name (``data/given-names.txt``) and a
surname ("Андрей Кравченко сообщил", "said Andriy Kravchenko"). The name that follows is kept
in Latin letters (:func:`translit.latin_name`) so that it can be compared and cited like a
table entry. A Russian or Ukrainian name after a declined title or in a declined case is put
back in the nominative before it is spelled ("з прем'єр-міністром Марком Карні" → Mark Karni,
"по словам Андрея Кравченко" → Andrey Kravchenko). Anything a table already names wins: a
known person keeps their canonical name, and a place after a title ("губернатор Белгородской
области") is no name.
"""

from __future__ import annotations

import functools
import re

from .aliases import Mention, packaged_table, packaged_text
from .entities import _NOT_NAMES, skeleton
from .institutions import country_adjective
from .organisations import ORG_HEADS
from .titles import OF_WORDS, TITLE_RE, TITLE_WORD
from .translit import CYRILLIC, cyrillic_language, first_ending, latin_name

NAME = r"[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’]+(?:[A-Z][a-z]+)?(?:-[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’]+)?"  # McDonald, DeWine
NAME_WORD = re.compile(NAME + "$")
_TOKEN = re.compile(r",?\s+([«\"“„]?[\w'’.-]+[»\"”“]?)")  # a quoted word (a party's name) is no name
# Words after a one-word "name" that show it was a place's adjective ("Ленинградской области").
PLACE_NOUNS = re.compile(
    r"\s+(?:област\w*|oblast|region|province|края|краю|край|район\w*|округ\w*|міськ\w*|городск\w*"
    r"|республик\w*|республік\w*)(?!\w)", re.IGNORECASE)

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


# Lowercase words inside a surname ("Барт де Вевер", "Jaap de Hoop Scheffer", "Урсула фон дер Лайен").
_PARTICLES = frozenset({"de", "van", "von", "der", "den", "du", "ter", "del", "della", "di", "da", "le", "la",
                        "де", "ван", "фон", "дер", "дю", "тер", "дел", "ди"})


def _particles_joined(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """``tokens`` with each run of name particles joined to the capitalised word after it, which
    keeps its own spelling: "де Вевер" is one word of the name, spanning both."""
    out: list[tuple[str, int, int]] = []
    start: int | None = None
    for word, lo, hi in tokens:
        if word.lower() in _PARTICLES and word.islower() and out:
            start = lo if start is None else start
            continue
        out.append((word, lo if start is None else start, hi))
        start = None
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
        for word, start, end in _particles_joined(tokens[skip : skip + 5])[:3]:
            if not NAME_WORD.match(word) or word.lower() in _NOT_NAMES or TITLE_WORD.fullmatch(word) \
                    or _BODY_WORD.match(word) or country_adjective(word):
                break
            if words and text[words[-1][2] : start].strip():
                break  # a comma between two capitalised words: a list, not one name
            words.append((word, start, end))
        if not words:
            continue
        if len(words) == 3 and _given_cases(words[1][0]) and not _given_cases(words[0][0]):
            continue  # what the title is of, then a full name ("глава Росгвардии Виктор Золотов")
        if skip and re.search(r"[,;:]", text[title.end() : words[0][1]]):
            break  # what a title is the title of has no comma in it ("Губернатор сообщил, что в Рыльске")
        span = (words[0][1], words[-1][2])
        after = tokens[skip + len(words) : skip + len(words) + 1]
        if after and TITLE_WORD.fullmatch(after[0][0]):
            continue  # part of a longer title ("deputy Foreign Minister Sergei Ryabkov")
        overlap = [k for k in known if k.start < span[1] and span[0] < k.end]
        if any(k.kind in {"person", "official"} for k in overlap):
            return None  # the tables know who holds the title
        if overlap:
            continue
        if len(words) == 1 and (PLACE_NOUNS.match(text, span[1]) or
                                (not CYRILLIC.search(words[0][0]) and title.group(0)[0].isupper())):
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


_WORD_BEFORE = re.compile(r"(" + NAME + r")\s+$")


def someone_else(text: str, person: Mention) -> bool:
    """True when a listed person found by the surname alone has another first name written before
    it ("вицепремиерът Алексей Кулеба", "Oleksii Kuleba" are not Dmytro Kuleba): then the title
    rule names them. A Cyrillic word that opens a sentence may be anything ("Вчера Кулеба"), so
    it proves nothing; an English one is checked against the function words."""
    if " " in person.text.strip() or " " not in person.name:
        return False
    lo = max(0, person.start - 40)
    m = _WORD_BEFORE.search(text[lo : person.start])
    if not m or TITLE_WORD.fullmatch(m[1]) or m[1].lower() in _NOT_NAMES or _listed_thing(m[1]):
        return False
    opens = not text[: lo + m.start(1)].strip() or text[: lo + m.start(1)].rstrip()[-1] in ".!?…"
    if opens and CYRILLIC.search(m[1]):
        return False
    written = skeleton(latin_name(m[1], text))
    return bool(written) and not any(_alike(written, skeleton(w)) for w in person.name.split()[:-1])


@functools.lru_cache(maxsize=16_384)
def _listed_thing(word: str) -> bool:
    """``word`` is, all of it, a place, body or outlet the packaged tables list ("Според Кремъл
    Путин…"): no first name of another person."""
    return any((m.start, m.end) == (0, len(word)) and m.kind not in {"person", "official"}
               for table in (packaged_table("sources.tsv"), packaged_table("gazetteer.tsv"))
               for m in table.find(word))


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
    if not CYRILLIC.search(name) or not CYRILLIC.search(word) or cyrillic_language(name + " " + title) == "bg":
        return name
    case = next((c for c, pattern in _CASE_OF_TITLE if pattern.search(word)), None)
    if case is None:
        return name
    return " ".join(first_ending(part, _NOMINATIVE[case]) for part in name.split())



def titled(text: str, known: list[Mention]) -> list[Mention]:
    """Named people after a title, where ``known`` (mentions of the tables) names nobody.

    Each is a mention of kind "person" whose span is the name alone and whose name is its
    Latin spelling."""
    found: list[Mention] = []
    for title in TITLE_RE.finditer(text):
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
    declined = [c for c, rules in _NOMINATIVE.items() if first_ending(word, rules) in given_names()
                and first_ending(word, rules) != word] if CYRILLIC.search(word) else []
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


def given_start(text: str, start: int) -> int:
    """Where a listed surname's name begins when a given name stands right before it ("Сергий
    Лисак" where the table lists "Лисак"): a title before the name is measured from there."""
    lo = max(0, start - 30)
    m = _WORD_BEFORE.search(text[lo:start])
    return lo + m.start(1) if m and _given_cases(m[1]) else start


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
        if not NAME_WORD.match(surname) or surname.lower() in _NOT_NAMES or surname.lower() in ORG_HEADS \
                or TITLE_WORD.fullmatch(surname):
            continue
        span = (start, rest[0][1] + len(surname))
        if any(k.start < span[1] and span[0] < k.end for k in known):
            continue
        after = re.match(r"\s+\S", text[span[1] :])
        if after and any(k.start == span[1] + after.end() - 1 and k.kind in {"person", "official"} for k in known):
            continue  # the first names of a listed person ("Реджепом Тайипом Эрдоганом")
        written = f"{word} {surname}"
        if case:
            written = " ".join(first_ending(part, _NOMINATIVE[case]) for part in written.split())
        found.append(Mention(latin_name(written, text), "person", span[0], span[1], text[span[0] : span[1]]))
    return found


def people(text: str, known: list[Mention]) -> list[Mention]:
    """Every person the tables do not list: after a title (:func:`titled`), then by a given name
    (:func:`first_named`)."""
    found = titled(text, known)
    return sorted(found + first_named(text, known + found), key=lambda m: m.start)

