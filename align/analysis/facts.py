"""The facts a segment states: numbers, quantities, money, dates, times, places, people.

Numbers are read as digits ("4,500", "4 500", "1.3", "150 million") and as words in all
four languages with their inflected forms (three/три/трёх/трьох/трима, six/шесть/шести/
шість/шест). A number followed by a counted noun from a small cross-language lexicon
becomes a *quantity* with a canonical unit ("шесть беспилотников" → 6 drone), so that
"six drones" and "шість дронів" can be compared. Places and people come from the
gazetteer and keep its canonical (English) spelling. Text inside URLs is never read.

A count is bound to the place right after it ("four over Oryol", "два над Тулой") and, when
it names no noun of its own, to the counted noun of the count before it in the sentence:
"six drones: four over Oryol and two over Tula" gives 6 drone, 4 drone at Oryol and 2 drone
at Tula, so a comparison can see both the total and its parts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ..text.patterns import ending_at
from .aliases import AliasTable, Mention, SpannedJson, packaged_table
from .people import people, someone_else
from .towns import settlements

_WORD_NUMBERS: dict[int, str] = {
    1: "one|один|одна|одно|одного|одной|одним|одну|одне|однієї|одного|един|една|едно",
    2: "two|два|две|двух|двум|двумя|двое|двоих|дві|двох|двом|двома|двоє|двама|двамата",
    3: "three|три|трех|трёх|трем|трём|тремя|трое|троих|трьох|трьом|трьома|троє|трима|тримата",
    4: "four|четыре|четырех|четырёх|четырем|четырьмя|четверо|четверых|чотири|чотирьох|чотирьом|четири|четирима",
    5: "five|пять|пяти|пятью|пятеро|пятерых|п'ять|п'яти|п'ятьох|п'ятьом|п'ятьма|п'ятеро|пет|петима",
    6: "six|шесть|шести|шестью|шестеро|шестерых|шість|шістьох|шістьом|шістьма|шест|шестима",
    7: "seven|семь|семи|семью|семеро|семерых|сім|сімох|сімом|сьома|сімома|седем|седмина",
    8: "eight|восемь|восьми|восемью|восьмью|вісім|вісьмох|вісьмом|вісьма|вісьмома|восьмеро|осем|осмина",
    9: "nine|девять|девяти|девятью|девятеро|дев'ять|дев'яти|дев'ятьох|дев'ятьом|дев'ятьма|дев'ятеро|девет|деветима",
    10: "ten|десять|десяти|десятью|десятеро|десятьох|десятьом|десятьма|десет|десетима",
    11: "eleven|одиннадцать|одиннадцати|одинадцять|одинадцяти|единадесет",
    13: "thirteen|тринадцать|тринадцати|тринадцять|тринадцяти|тринадесет",
    14: "fourteen|четырнадцать|четырнадцати|чотирнадцять|чотирнадцяти|четиринадесет",
    12: "twelve|dozen|дузина|дюжина|дюжину|дюжины|двенадцать|двенадцати|дванадцять|дванадцяти|дванадесет",
    15: "fifteen|пятнадцать|пятнадцати|п'ятнадцять|п'ятнадцяти|петнадесет",
    16: "sixteen|шестнадцать|шестнадцати|шістнадцять|шістнадцяти|шестнадесет",
    17: "seventeen|семнадцать|семнадцати|сімнадцять|сімнадцяти|седемнадесет",
    18: "eighteen|восемнадцать|восемнадцати|вісімнадцять|вісімнадцяти|осемнадесет",
    19: "nineteen|девятнадцать|девятнадцати|дев'ятнадцять|дев'ятнадцяти|деветнадесет",
    20: "twenty|двадцать|двадцати|двадцять|двадцяти|двадесет|двайсет",
    30: "thirty|тридцать|тридцати|тридцять|тридцяти|тридесет|трийсет",
    40: "forty|сорок|сорока|четиридесет|четирийсет",
    50: "fifty|пятьдесят|пятидесяти|п'ятдесят|п'ятдесяти|петдесет",
    60: "sixty|шестьдесят|шестидесяти|шістдесят|шістдесяти|шестдесет",
    70: "seventy|семьдесят|семидесяти|сімдесят|сімдесяти|седемдесет",
    80: "eighty|восемьдесят|восьмидесяти|вісімдесят|вісімдесяти|осемдесет",
    90: "ninety|девяносто|девяноста|дев'яносто|деветдесет",
    100: "hundred|a hundred|сто|ста|сотня|стотина",
    1000: "thousand|a thousand|тысяча|тысячи|тысячу|тисяча|тисячі|хиляда",
}
# Number words are written with a plain apostrophe (п'ять); text may carry the typographic one.
# One and a half, and a half that only counts with a scale after it ("половин милион"; see facts()).
_FRACTIONS = {"полтора": 1.5, "полторы": 1.5, "півтора": 1.5, "півтори": 1.5, "половин": 0.5}
_WORD_VALUE: dict[str, float] = {w: n for n, words in _WORD_NUMBERS.items() for w in words.split("|")} | _FRACTIONS
# Tens and units written as two words make one number ("двадцать три", "twenty-three", "двайсет и трима").
_TENS = "|".join(w for n, words in _WORD_NUMBERS.items() if 20 <= n <= 90 for w in words.split("|"))
_ONES = "|".join(w for n, words in _WORD_NUMBERS.items() if n <= 9 for w in words.split("|"))
_COMPOUND_SPLIT = re.compile(r"[\s-]+(?:и\s+)?")
_SCALES = {
    "thousand": 1e3, "тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тис": 1e3, "тисяч": 1e3, "хил": 1e3, "хиляди": 1e3,
    "million": 1e6, "millions": 1e6, "mln": 1e6, "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6,
    "мільйон": 1e6, "мільйона": 1e6, "мільйонів": 1e6, "мільйони": 1e6, "миллионы": 1e6, "милиона": 1e6,
    "милион": 1e6, "милиони": 1e6, "тисячі": 1e3, "тысячами": 1e3,
    "billion": 1e9, "bn": 1e9, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9,
    "мільярд": 1e9, "мільярда": 1e9, "мільярдів": 1e9, "мільярди": 1e9, "миллиарды": 1e9, "милиарда": 1e9,
    "милиард": 1e9, "милиарди": 1e9,
    "trillion": 1e12, "tn": 1e12, "трлн": 1e12, "триллион": 1e12, "триллиона": 1e12, "триллионов": 1e12,
    "трильйон": 1e12, "трильйона": 1e12, "трильйонів": 1e12, "трилион": 1e12, "трилиона": 1e12,
}
# Counted nouns → canonical unit.
_UNITS: dict[str, str] = {
    "drone": r"drones?|UAVs?|unmanned aerial vehicles?|дрон\w*|беспилотник\w*|БПЛА|безпілотник\w*|БпЛА|безпилотн\w*",
    "missile": r"missiles?|rockets?|ракет\w*",
    "soldier": r"soldiers?|troops?|servicem[ae]n|солдат\w*|военнослужащ\w*|військов\w*|бойц\w*|войни(?:ци)?",
    "person": r"people|persons?|civilians?|человека?|людей|люди|людина|людини|хора|души|жертв\w*|загинал\w*",
    "country": r"countries|country|стран\w*|країн\w*|държави|държава",
    "system": r"systems?|систем\w*",
    "vehicle": r"vehicles?|tanks?|armou?red personnel carriers?|танк\w*|бронетранспорт\w*|бронемашин\w*",
    "ship": r"ships?|vessels?|судн?\w*|кораб\w*",
    "percent": r"%|percent|per cent|процент\w*|відсот\w*|на сто",
    "day": r"days?|дн(?:ей|я|и)|день|днів|дні|дни|ден",
    "year": r"years?|лет|года?|рок(?:у|ів|и)|години",
    "month": r"months?|месяц\w*|місяц\w*|месец\w*",
    "point": r"points?|пункт\w*",
}
_CURRENCIES: dict[str, str] = {
    "USD": r"\$|US\$|dollars?|доллар\w*|долар\w*",
    "EUR": r"€|euros?|евро|євро",
    "UAH": r"₴|hryvnias?|гривен\w*|гривн\w*|гривень|гривні|гривня",
    "RUB": r"₽|roubles?|rubles?|рубл\w*",
    "BGN": r"leva|lev|лев[аа]?|лв\.?",
    "GBP": r"£|pounds?|фунт\w*",
}
_MONTHS: dict[int, str] = {
    1: r"january|jan\.?|январ\w*|січ\w*|януари", 2: r"february|feb\.?|феврал\w*|лют\w*|февруари",
    3: r"march|mar\.?|март\w*|берез\w*", 4: r"april|apr\.?|апрел\w*|квіт\w*|април",
    5: r"may|ма[яйе]|трав\w*|май", 6: r"june|jun\.?|июн\w*|черв\w*|юни",
    7: r"july|jul\.?|июл\w*|лип\w*|юли", 8: r"august|aug\.?|август\w*|серп\w*",
    9: r"september|sept?\.?|сентябр\w*|верес\w*|септември", 10: r"october|oct\.?|октябр\w*|жовт\w*|октомври",
    11: r"november|nov\.?|ноябр\w*|листопад\w*|ноември", 12: r"december|dec\.?|декабр\w*|груд\w*|декември",
}
_WEEKDAYS: dict[str, str] = {
    "Monday": r"monday|понедельник\w*|понеділ\w*|понеделник", "Tuesday": r"tuesday|вторник\w*|вівтор\w*",
    "Wednesday": r"wednesday|сред[аеуы]|серед[аиу]|сряда",
    "Thursday": r"thursday|четверг\w*|четвер(?:у|ом|і)?|четвъртък",  # not четверо, "four of them"
    "Friday": r"friday|пятниц\w*|п['’]ятниц\w*|петък", "Saturday": r"saturday|суббот\w*|субот\w*|събота",
    "Sunday": r"sunday|воскресень\w*|неділ\w*|неделя",
}

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_DIGITS = r"\d{1,3}(?:[ ,\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_WORDS = "|".join(re.escape(w).replace("'", "['’]") for w in sorted(_WORD_VALUE, key=len, reverse=True))
_COMPOUND = rf"(?:{_TENS})(?:-|\s+(?:и\s+)?)(?:{_ONES})".replace("'", "['’]")
_SCALE_RE = "|".join(sorted(map(re.escape, _SCALES), key=len, reverse=True))
_NUMBER_RE = re.compile(
    rf"(?<![\w.,-])(?P<num>{_DIGITS}|{_COMPOUND}|{_WORDS})(?:\s*(?P<scale>{_SCALE_RE})\.?)?(?![\w]|[.,]\d)"
    r"(?!-(?:й|я|е|є|ї|го|му|ий|ій|ая|ое|ые|ті|тя|та|то|ри|ви|th|st|nd|rd)(?!\w))",  # ordinals: "3-ї бригади", "3-й"
    re.IGNORECASE,
)
# A number opens a word (see _NUMBER_RE's look-behind) with a digit or a number word's first letters:
# the first two letters of its first word, or all of a shorter one ("a hundred", "п'ять").
_WORD_RE = re.compile(r"\w+")
_NUMBER_OPENINGS = frozenset(_WORD_RE.match(w)[0][:2].lower() for w in _WORD_VALUE)  # type: ignore[index]
# Up to two words may stand between a count and its noun ("six Shahed drones"), but never another
# number: in "23 of 28 drones" the noun is 28's (23 borrows it, see _share_of).
_NOT_A_NUMBER = rf"(?!(?:\d|(?:{_WORDS})(?!\w)))"
_UNIT_RE = {u: re.compile(rf"\s*(?:{_NOT_A_NUMBER}[\w-]+\s+){{0,2}}?(?:{p})(?!\w)", re.IGNORECASE)
            for u, p in _UNITS.items()}
_CUR_BEFORE = re.compile(r"(?:US\$|\$|€|£|₴|₽)\s*$")
_CUR_AFTER = {c: re.compile(rf"\s*(?:{p})(?!\w)", re.IGNORECASE) for c, p in _CURRENCIES.items()}
_MONTH_ALT = "|".join(f"(?P<m{n}>{p})" for n, p in _MONTHS.items())
_DATE_RES = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<mo>\d\d)-(?P<d>\d\d)(?!\d)"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_ALT})(?:,?\s+(?P<y>(?:19|20)\d\d))?(?!\w)",
               re.IGNORECASE),
    re.compile(rf"(?<![\w])(?:{_MONTH_ALT})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?(?!\w)",
               re.IGNORECASE),
]
_WEEKDAY_RE = {d: re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE) for d, p in _WEEKDAYS.items()}
_TIME_RE = re.compile(
    r"(?<![\w:])(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d)|(?=\s*[ap]\.?m\.?))\s*(?P<ap>[ap]\.?m\.?)?(?!\w)",
    re.IGNORECASE,
)
# A preposition of place between a count and a place name: "over", "над", "в", "край" ...
_AT_PLACE = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:over|above|in|near|around|at|on|outside|off|над|в|во|у|під|под|около|возле|біля|"
    r"поблизу|край|близо до|на|до|при)\s+(?:the\s+)?$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?;](?:\s|$)")
BIND_REACH = 120  # characters back to the count whose noun a bare count borrows

_YEAR_RE = re.compile(r"(?<![\w.,-])(?P<y>(?:19|20)\d\d)(?:\s*(?:г\.|р\.|year|года?|року|година))?(?![\w]|[.,]\d)")
# A year-like number right before a counted noun is a count ("над 2000 души"), unless a preposition
# of time puts it in the calendar ("in 2024 people voted", "с 2014 года").
_COUNTED_NEXT = re.compile(rf"\s+(?:{'|'.join(p for u, p in _UNITS.items() if u != 'year')})(?!\w)", re.IGNORECASE)
_TIME_PREPOSITION = re.compile(r"(?<!\w)(?:in|since|by|until|from|of|в|во|у|с|со|з|із|від|до|през|от|след|преди|после|"
                               r"к|по)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Fact(SpannedJson):
    kind: str  # number, quantity, money, date, time, place, person
    value: Any
    text: str
    span: tuple[int, int]


@functools.cache
def gazetteer() -> AliasTable:
    return packaged_table("gazetteer.tsv")


def _number_value(raw: str, scale: str | None) -> float | None:
    word = raw.lower().replace("’", "'")
    parts = _COMPOUND_SPLIT.split(word)
    if word in _WORD_VALUE:
        value = float(_WORD_VALUE[word])
    elif len(parts) == 2 and all(p in _WORD_VALUE for p in parts):
        value = float(_WORD_VALUE[parts[0]] + _WORD_VALUE[parts[1]])
    else:
        digits = raw.replace("\u202f", " ")
        if re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+(?:[.,]\d+)?", digits):
            digits = re.sub(r"[ ,](?=\d{3}(?:\D|$))", "", digits)
        digits = digits.replace(",", ".")
        try:
            value = float(digits)
        except ValueError:
            return None
    if scale:
        value *= _SCALES.get(scale.lower().rstrip("."), 1.0)
    return value


def _clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


def _masked(text: str) -> str:
    """The text with URLs and e-mail addresses blanked out (same length, so spans hold)."""
    return _URL_RE.sub(lambda m: " " * len(m.group(0)), text)


def _dates(text: str) -> list[Fact]:
    found: list[Fact] = []
    for rx in _DATE_RES:
        for m in rx.finditer(text):
            if any(m.start() < f.span[1] and f.span[0] < m.end() for f in found):
                continue
            groups = m.groupdict()
            month = next((int(k[1:]) for k, v in groups.items() if k.startswith("m") and k != "mo" and v), None)
            month = month or (int(groups["mo"]) if groups.get("mo") else None)
            day = int(groups["d"])
            if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            year = groups.get("y")
            value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
            found.append(Fact("date", value, m.group(0), (m.start(), m.end())))
    for name, rx in _WEEKDAY_RE.items():
        found += [Fact("date", name, m.group(0), (m.start(), m.end())) for m in rx.finditer(text)]
    return found


def _times(text: str) -> list[Fact]:
    out = []
    for m in _TIME_RE.finditer(text):
        hour, minute = int(m["h"]), int(m["mi"] or 0)
        ap = (m["ap"] or "").lower().replace(".", "")
        if not m["mi"] and not ap:
            continue
        if ap == "pm" and hour < 12:
            hour += 12
        if ap == "am" and hour == 12:
            hour = 0
        raw = m.group(0).rstrip()
        out.append(Fact("time", f"{hour:02d}:{minute:02d}", raw, (m.start(), m.start() + len(raw))))
    return out


_ANOTHER = re.compile(r"(?<!\w)(?i:ще|еще|ещё|още)\s+$")


def _numbers(text: str) -> list[re.Match[str]]:
    """``_NUMBER_RE.finditer(text)``, tried only at the words that can open a number: the pattern
    tries hundreds of number words in four languages, which at every word of a text was a tenth of a
    segment's profile."""
    found: list[re.Match[str]] = []
    end = 0
    for word in _WORD_RE.finditer(text):
        opening = word.group(0)
        if (word.start() >= end and (opening[0].isdecimal() or opening[:2].lower() in _NUMBER_OPENINGS)
                and (m := _NUMBER_RE.match(text, word.start()))):
            found.append(m)
            end = m.end()
    return found


def _overlaps(span: tuple[int, int], taken: list[Fact]) -> bool:
    return any(span[0] < f.span[1] and f.span[0] < span[1] for f in taken)


def named_in(text: str) -> list[Mention]:
    """The gazetteer's places and people in ``text`` (URLs and e-mail addresses left out); a
    person found by the surname with another first name before it is someone else
    (:func:`people.someone_else`)."""
    masked = _masked(text)
    return [m for m in gazetteer().find(masked) if (m.kind != "person" or not someone_else(masked, m))
            and not (m.kind == "place" and _AGREEMENT.match(masked, m.end))]


# A place that names an agreement is no place the text reports ("the Ottawa Convention", "the
# Minsk agreements", "Будапештский меморандум", "Мінські угоди").
_AGREEMENT = re.compile(r"\s+(?i:Convention|Agreements?|Accords?|Protocol|Treaty|Format|Declaration|Memorandum|Statute"
                        r"|Charter|соглашени\w*|угод\w*|меморандум\w*|конвенци\w*|конвенці\w*|протокол\w*|формат\w*"
                        r"|договор\w*|споразумени\w*)(?!\w)")


def facts(text: str, source_spans: list[tuple[int, int]] | None = None,
          named: list[Mention] | None = None) -> list[Fact]:
    """Every fact in ``text``, in text order. ``source_spans`` hide places and numbers named inside
    sources ("Минобороны России", "France 24");
    ``named`` are the places and people the caller found (:func:`named_in`, :func:`people.people`
    and :func:`towns.settlements`), found here when not given."""
    masked = _masked(text)
    if named is None:
        places = named_in(text)
        named = places + people(masked, places) + settlements(masked, places)
    taken: list[Fact] = _dates(masked) + _times(masked)
    for m in _YEAR_RE.finditer(masked):
        counted = _COUNTED_NEXT.match(masked, m.end()) and not ending_at(_TIME_PREPOSITION, masked, m.start())
        if not _overlaps((m.start(), m.end()), taken) and not counted:
            taken.append(Fact("date", m["y"], m.group(0), (m.start(), m.end())))
    hidden = source_spans or []
    for m in _numbers(masked):
        span = (m.start(), m.end())
        if _overlaps(span, taken) or any(span[0] < b and a < span[1] for a, b in hidden):
            continue
        value = _number_value(m["num"], m["scale"])
        if value is not None and value < 1 and not m["scale"] and not m["num"][0].isdigit():
            continue  # "половин час": a half without a scale is no count
        if value is None or (value == 1 and not m["num"].isdigit() and ending_at(_ANOTHER, masked, m.start())):
            continue  # "ще один пункт", "one more checkpoint": another, not a count
        currency = next((c for c, rx in _CUR_AFTER.items() if rx.match(masked, m.end())), None)
        if symbol := ending_at(_CUR_BEFORE, masked, m.start()):
            currency = next(c for c, rx in _CUR_AFTER.items() if rx.match(symbol.group(0).strip()))
            span = (symbol.start(), span[1])
        elif currency:
            match = _CUR_AFTER[currency].match(masked, m.end())
            assert match is not None
            span = (span[0], match.end())
        if currency:
            taken.append(Fact("money", {"amount": _clean_number(value), "currency": currency},
                              text[span[0] : span[1]], span))
            continue
        unit = next(((u, found) for u, rx in _UNIT_RE.items() if (found := rx.match(masked, m.end()))), None)
        if unit:
            end = unit[1].end()
            taken.append(Fact("quantity", {"n": _clean_number(value), "unit": unit[0]}, text[span[0] : end],
                              (span[0], end)))
        elif value != 1 or m["num"].isdigit():
            taken.append(Fact("number", _clean_number(value), m.group(0), span))
    for mention in sorted(named, key=lambda m: m.start):
        span = (mention.start, mention.end)
        if _overlaps(span, taken) or any(span[0] < b and a < span[1] for a, b in hidden):
            continue
        taken.append(Fact(mention.kind, mention.name, text[span[0] : span[1]], span))
    return _bound(masked, sorted(taken, key=lambda f: f.span))


def _bound(text: str, found: list[Fact]) -> list[Fact]:
    """Counts tied to the place right after them; a bare count so tied borrows the noun of the
    count before it in the same sentence (see the module's docstring)."""
    places = [f for f in found if f.kind == "place"]
    out: list[Fact] = []
    for i, f in enumerate(found):
        if f.kind == "number":
            f = _share_of(text, f, found[i + 1 : i + 2])
        if f.kind in {"quantity", "number"}:
            place = next((p for p in places if 0 <= p.span[0] - f.span[1] <= 40
                          and _AT_PLACE.fullmatch(text[f.span[1] : p.span[0]])), None)
            if place is not None and not _listed(text, place, places):
                unit = f.value["unit"] if f.kind == "quantity" else _borrowed_unit(text, f, out)
                if unit is not None:
                    n = f.value["n"] if f.kind == "quantity" else f.value
                    f = Fact("quantity", {"n": n, "unit": unit, "place": place.value}, f.text, f.span)
        out.append(f)
    return out


_AND = re.compile(r"[\s\w-]{0,20}?(?:,|\band\b|\bor\b|(?<!\w)(?:и|і|та|й|или|або)(?!\w))\s*(?:the\s+)?$",
                  re.IGNORECASE)


def _listed(text: str, place: Fact, places: list[Fact]) -> bool:
    """True when ``place`` opens a list of places ("over the Oryol and Tula regions"): a count
    before a list is not the count of its first place."""
    return any(0 < p.span[0] - place.span[1] <= 30 and _AND.fullmatch(text[place.span[1] : p.span[0]])
               for p in places)


_OF = re.compile(r"\s+(?:out of|of|из|з|із|от|от общо)\s+", re.IGNORECASE)


def _share_of(text: str, bare: Fact, following: list[Fact]) -> Fact:
    """A bare count that is a share of the quantity right after it takes that quantity's noun:
    "23 of 28 drones", "20 из 25 беспилотников", "10 out of 12 missiles"."""
    after = following[0] if following else None
    if after is None or after.kind != "quantity" or not _OF.fullmatch(text[bare.span[1] : after.span[0]]):
        return bare
    return Fact("quantity", {"n": bare.value, "unit": after.value["unit"]}, bare.text, bare.span)


def _borrowed_unit(text: str, bare: Fact, before: list[Fact]) -> str | None:
    for f in reversed(before):
        if f.kind == "quantity" and bare.span[0] - f.span[1] <= BIND_REACH:
            if _SENTENCE_BREAK.search(text[f.span[1] : bare.span[0]]):
                return None
            return str(f.value["unit"])
    return None


def numeric_value(fact: Fact) -> float | None:
    """The number a fact states, whatever its kind (for evaluation and comparison)."""
    if fact.kind == "number":
        return float(fact.value)
    if fact.kind == "quantity":
        return float(fact.value["n"])
    if fact.kind == "money":
        return float(fact.value["amount"])
    return None
