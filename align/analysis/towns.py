"""Places the gazetteer does not list, recognised by the word in front of them.

No gazetteer holds every village a war is fought over, but news introduces them the same way in
all four languages: after the kind of settlement they are ("the village of Novoekonomichne", "в
селе Новоэкономическое", "селище Курахівка", "село Нескучне"), after a preposition of place or
before their airport or refinery ("the summit in Johannesburg", "в Рыльске", "Nizhnekamsk
airport"). Towns named with an adjective take both words ("біля Великої Писарівки" → Velyka
Pysarivka), and a town may follow another in a list ("near Kurakhove and Velyka Novosilka"). The
name is put back in the nominative and kept in Latin letters (:func:`translit.latin_name`), so
that it can be compared like a gazetteer entry.
"""

from __future__ import annotations

import re

from ..text.patterns import ending_at
from .aliases import Mention
from .entities import _NOT_NAMES
from .institutions import countries
from .people import NAME, NAME_WORD, PLACE_NOUNS, given_names
from .translit import cyrillic_language, first_ending, latin_name

# The kinds of settlement a place's name follows: "the village of X", "в селе X", "селище X", "село X".
_SETTLEMENT_RE = re.compile(
    r"(?<!\w)(?:(?:village|town|city|settlement|hamlet|port|coast) of"
    r"|порт[ау]?|морского порта|аэропорт[ау]?|аеропорт[уа]?|пристанището на|летище(?:то)?"
    r"|сел[оаеу]|селом|посёл\w*|посел\w*|пос\.|деревн\w*|хутор\w*|станиц\w*|город\w{0,2}|г\."
    r"|селищ\w*|смт|місто|міста|місті|містечк\w*|с\."
    r"|селото|градчето|град|гр\.|[Rr]esidents of|[Жж]ител(?:и|і|ей|ям|ів)|[Мм]ешканц(?:і|ів|ям)|[Жж]ителите на)"
    r"\s+(?P<name>" + NAME + r"(?:[\s-]+" + NAME + r")?)(?!\w)")


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
_NA_BEFORE = re.compile(r"(?i:на)\s+$")
_NEXT_IN_LIST = re.compile(r"(?:,\s*|\s+(?:and|or|та|і|й|и|или|або)\s+)(?:(?P<en>" + _EN_TOWN + r")|(?P<cyr>"
                           + _CYR_TOWN + r"))")
# Holidays, bodies and events that follow the same prepositions ("на Рождество", "в Палате
# представителей", "в Конгрессе", "в Брекзит"): stems, checked at the word's start.
_NOT_PLACES = re.compile(
    r"(?i:рождеств|пасх|великд|різдв|коледа|коляд|раде$|раді$|рада$|думе$|дум[аи]$|сенат|конгрес|палат|камар"
    r"|парламент|парти|парті|комисс|коміс|комиси|университет|універс|положени|щаб|штаб|съюз|союз|евросо|євросо"
    r"|евросъ|общност|брекзит|брексит|корреспондент|кореспондент|министерств|міністерств|правительств|уряд"
    r"|правителств|генштаб|суд|съд|коллеги|колегі|национальн|національн|совбез|радбез|офис|офіс|департамент"
    r"|политик|політик|министерск|перв|втор|трет|първ|сейм|бундестаг|кнесет|верховн|меджлис|собрани|собрані"
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
    if word.lower() in _NOT_NAMES or _NOT_PLACES.match(word) or PLACE_NOUNS.match(text, end):
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
        words = [_russian(first_ending(w, _TOWN_ADJECTIVE_CASE), lang) for w in words[:-1]] + [
            first_ending(word, _PLACE_CASE, 4)]
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
    heads = found + [k for k in known if k.kind == "place" and ending_at(_AFTER_PREPOSITION, text, k.start)
                     and (lang != "bg" or not ending_at(_NA_BEFORE, text, k.start))]
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
        first = NAME_WORD.match(m["name"].split()[0])
        if m["name"].split()[0] in given_names():
            continue  # a person after "of the city" ("мер міста Ігор Терехов")
        for stop in (end, start + (first.end() if first else 0)):  # the whole name, else its first word
            if stop <= start or any(w.lower() in _NOT_NAMES for w in text[start:stop].split()):
                continue
            if not any(k.start < stop and start < k.end for k in known):
                name = text[start:stop]
                spelled = name
                if m.group(0)[:5].lower() in {"жител", "мешка"} and cyrillic_language(text) != "bg":
                    spelled = " ".join(first_ending(w, _RESIDENTS_CASE, 4) for w in name.split())
                found.append(Mention(latin_name(spelled, text), "place", start, stop, name))
                break
    return found + placed(text, known + found)
