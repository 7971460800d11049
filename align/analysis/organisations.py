"""Organisations, media and companies the tables do not list, recognised by what they are.

News names them the same way it names the ones the tables hold: media and companies after what
they are ("broadcaster Yle", "state energy company Energocom", "пише видання «Схеми»"), English
organisations by a capitalised name holding a head word ("the Centre for Eastern Studies",
"South Korea's National Intelligence Service"), and an English speaker by one capitalised word
right before the verb ("Greenpeace said"). Each is a body that counts as a source only next to
its cue (:data:`institutions.BODY`), or a medium that can be a statement's channel.
"""

from __future__ import annotations

import re

from .aliases import Mention
from .entities import _NOT_NAMES
from .institutions import BODY, owner
from .titles import TITLE_WORD
from .translit import CYRILLIC, latin_name

# What a medium or a company the tables do not list is called before its name ("broadcaster Yle
# reported", "state energy company Energocom said", "пише видання «Схеми»", "компания «Лукойл»").
_MEDIUM_WORDS = (r"broadcaster|newspaper|news agency|news site|news outlet|outlet|website|TV channel|daily|magazine"
                 r"|(?-i:radio|television)"
                 r"|издани\w*|газет\w*|телеканал\w*|радиостанци\w*|портал\w*|виданн\w*|радіостанці\w*"
                 r"|вестник\w*|телевизия(?:та)?|медията|(?:Telegram|телеграм|телеграмм)-канал\w*|радио|радіо"
                 r"|агенци\w*|агентств\w*|журнал(?:а|у|ом|е|і)?|списание(?:то)?")
_COMPANY_WORDS = (r"company|firm|operator|utility|producer|manufacturer|carrier|concern"
                  r"|(?:rights |campaign |advocacy )?group|watchdog|charity|think tank|NGO"
                  r"|компани\w*|оператор\w*|концерн\w*|госкорпораци\w*|корпораці\w*|корпораци\w*|виробник\w*"
                  r"|производител\w*|компані\w*")
_QUOTED = r"[«\"“„]?"
_DESCRIBED_RE = re.compile(
    r"(?<!\w)(?i:(?P<medium>" + _MEDIUM_WORDS + r")|(?P<company>" + _COMPANY_WORDS + r"))\s+" + _QUOTED
    + r"(?P<name>[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+){0,2}|[А-ЯЁІЇЄҐ][\w'’-]+(?:[\s-]+[А-ЯЁІЇЄҐ][\w'’-]+){0,2})")


# A name in quotes that a reporting verb has as its subject is a medium, listed or not ("сообщает
# «Фонтанка»", "як пише «Економічна правда»", "съобщи „Капитал“"): the verb's subject stands in
# the nominative, so the quoted words are the name as it is spelled. Not "передаёт", which also
# hands over weapons ("передаёт «Пэтриот»").
_REPORTED_BY_QUOTED = re.compile(
    r"(?<!\w)(?i:сообща(?:ет|ют)|пише[тш]?|повідомля(?:є|ють)|съобщ(?:ава|и|иха))"
    r"\s+[«“„](?P<name>[A-ZА-ЯЁІЇЄҐ][\w'’.-]*(?:\s+[\w'’.-]+){0,2})[»”“]")


# An interview given in Russian or Ukrainian ("в интервью", "в ексклюзивному інтерв'ю"), and where an
# English medium's name ends: punctuation, "that", or a preposition or time word after it.
_IN_INTERVIEW = r"в (?:эксклюзивном |ексклюзивному )?(?:интервью|інтерв['’]?ю)"
_MEDIUM_END = r"[,.;:]|that\b|on\b|in\b|at\b|late\b|earlier\b|last\b|$"


# A medium named before the kind of channel it runs ("the Astra Telegram channel said").
_RUNS_CHANNEL = re.compile(
    r"(?<!\w)the\s+(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?)\s+(?=(?:Telegram|YouTube|VK)\s+channel)")


# What an interview was given to, or whose press service spoke, when its name stands in quotes
# ("в интервью «Российской газете»", "інтерв'ю «Дзеркалу тижня»", "пресс-служба «Газпрома»"): a
# medium, or a body that counts next to its cue. The name keeps the case it is written in.
_QUOTED_AFTER = re.compile(
    r"(?<!\w)(?i:(?P<interview>" + _IN_INTERVIEW + r"|интервю за|в эфире|в ефірі|в ефира на)"
    r"|(?:пресс-служб|прес-служб|пресслужб|пресцентър)\w*(?:\s+на)?)"
    r"\s+[«“„](?P<name>[A-ZА-ЯЁІЇЄҐ][\w'’.-]*(?:\s+[\w'’.-]+){0,2})[»”“]")


# What an interview or a statement was given to, in a Cyrillic sentence, when its name is written
# in Latin letters or is an acronym ("в интервью Yle", "в інтерв'ю ZDF", "интервю за CNN", "каза пред
# ARD", "розповіла Voice of America"): a medium. A person the interview was with, or who was told,
# would be spelled in Cyrillic, and in words, not capitals.
_INTERVIEWED_BY = re.compile(
    r"(?<!\w)(?i:" + _IN_INTERVIEW + r"|(?:в )?интервю за|в эфире|в ефірі"
    r"|(?:каза|заяви|разказа|сподели|призна)\w{0,3}\s+пред|(?:рассказал|сказал|розповіл|розповів|сказав|заявил|заявив)\w{0,2})"
    r"\s+[«“„]?(?P<name>[A-Z][\w&.-]*(?:\s+(?:of\s+)?[A-Z][\w&.-]*){0,2}|[A-ZА-ЯЁІЇЄҐ]{2,6}(?!\w))")

# What an English speaker told, when the tables do not list it and it is written as an acronym or
# named as a broadcaster ("told TVN24 that", "speaking to LSM on Monday", "told Czech Television"):
# a medium. People and places told something are written in words ("told Zelensky"), and a
# country before whom it is told is followed by them ("told US lawmakers").
_TOLD_MEDIUM = re.compile(
    r"(?<!\w)(?i:told|speaking to|talking to|in an interview with|in comments to|speaking on|appearing on)"
    r"\s+(?:the\s+)?"
    r"(?P<name>[A-Z][A-Z\d]{1,6}(?!\w)|(?:[A-Z][\w&.-]*\s+){1,2}(?:Television|TV|Radio|News|Broadcasting))"
    r"(?=['’]s\s|\s*(?:" + _MEDIUM_END + r"))")

# What an English speaker gave an interview or comments to, when it is one capitalised word, or two
# with a foreign article ("in an interview with Rzeczpospolita", "in comments to Le Monde"): a
# medium. A person interviewed with is named in full, given name first ("with Tucker Carlson"), and
# a listed one is known before this runs.
_INTERVIEW_MEDIUM = re.compile(
    r"(?<!\w)(?i:in an? (?:exclusive )?interview with|in (?:an? )?(?:exclusive )?(?:comments|remarks) to)\s+"
    r"(?P<name>(?:(?:Le|La|Les|Die|Der|Das|El|Il|De|Het)\s+)?[A-Z][\w&.-]*[\w&])"
    r"(?=\s*(?:" + _MEDIUM_END + r"|published\b))")


def described(text: str, known: list[Mention]) -> list[Mention]:
    """Media and companies named after what they are, where ``known`` names nothing there: a
    medium is an ``agency`` (it can be a statement's channel), a company a body that counts as a
    source only next to its cue (:data:`institutions.BODY`). A quoted name a reporting verb has
    as its subject is a medium too, and so is what a Cyrillic sentence says an interview was given
    to in Latin letters or capitals, an acronym an English speaker told something, and the one
    word an English speaker gave an interview to."""
    found: list[Mention] = []
    named = [(m, "agency" if m["medium"] else BODY) for m in _DESCRIBED_RE.finditer(text)]
    named += [(m, "agency") for m in _RUNS_CHANNEL.finditer(text)]
    quoted = [(m, "agency") for m in _REPORTED_BY_QUOTED.finditer(text)]
    quoted += [(m, "agency" if m["interview"] else BODY) for m in _QUOTED_AFTER.finditer(text)]
    in_quotes = {id(m) for m, _ in quoted}
    interviewed = [(m, "agency") for m in _INTERVIEWED_BY.finditer(text)] if CYRILLIC.search(text) else []
    told = [(m, "agency") for m in (*_TOLD_MEDIUM.finditer(text), *_INTERVIEW_MEDIUM.finditer(text))]
    for m, kind in named + quoted + interviewed + told:
        start, end = m.span("name")
        name = m["name"]
        # "издание The Insider": after what it is, "The" opens a Latin name
        article = name.startswith("The ") and m.re is _DESCRIBED_RE
        # a quoted name is one even where a place opens it («Київ24»)
        overlap = [k for k in known + found if k.start < end and start < k.end
                   and not (id(m) in in_quotes and k.kind == "place")]
        if (name.split()[0].lower() in _NOT_NAMES and not article) or overlap:
            continue
        found.append(Mention(latin_name(name, text), kind, start, end, name))
    return found


# An English organisation the tables do not list is named in capitals and by what it is
# ("the Norwegian Refugee Council", "South Korea's National Intelligence Service", "the Kyiv
# School of Economics", "the Institute for the Study of War"): a run of capitalised words,
# joined only by "of", "for" and "on" (with "the"), that holds one of these head words.
ORG_HEADS = frozenset({
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
    cut = next((i for i, w in enumerate(words) if _CALENDAR.match(w) or TITLE_WORD.fullmatch(w)), len(words))
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
    headed = [i for i, seg in enumerate(segments) if any(w.lower() in ORG_HEADS for w in seg)]
    if not headed:
        return []
    first, last = headed[0], headed[-1]
    head = segments[last]
    head = head[: max(i for i, w in enumerate(head) if w.lower() in ORG_HEADS) + 1]
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
    if CYRILLIC.search(text):
        return []
    found = []
    for m in _LONE_SPEAKER.finditer(text):
        word, (start, end) = m[1], m.span(1)
        lowered = word.lower()
        common = lowered in _NOT_NAMES or lowered in _SUBJECT_WORDS or lowered in ORG_HEADS
        if common or lowered.endswith(("s", "ly")) or TITLE_WORD.fullmatch(word) or _CALENDAR.match(word) \
                or any(k.start < end and start < k.end for k in known):
            continue
        found.append(Mention(word, BODY, start, end, word))
    return found


def organisations(text: str, known: list[Mention]) -> list[Mention]:
    """English organisations the tables do not list (see ``_ORG_RUN``), where ``known`` names
    nothing there: a body that counts as a source only next to its cue (like "the Swiss
    government"), spanning the possessive country before it, named as written."""
    if CYRILLIC.search(text):
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

