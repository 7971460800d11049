"""The titles that introduce a named person, in English, Russian, Ukrainian and Bulgarian.

News names the people it quotes after what they are ("губернатор Василий Голубев", "Kharkiv
mayor Ihor Terekhov", "говорителят Пламен Иванов", "голова ОВА Іван Федоров"). One list serves
three readers: :mod:`people` finds the name after a title, :mod:`attribution` counts the title
as part of the speaker when it measures a cue against the name, and a title word is never a
name, an organisation or a speaker by itself.
"""

from __future__ import annotations

import re

# Titles that introduce a named person, in English, Russian, Ukrainian and Bulgarian.
_TITLES = [
    # English (lower or capitalised: "Governor Gavin Newsom", "the governor, Oleh Syniehubov")
    r"president", r"prime minister", r"premier", r"(?:\w+ )?minister", r"governor", r"mayor",
    r"spokes(?:man|woman|person)", r"ambassador", r"envoy", r"(?:lieutenant |major |brigadier )?general",
    r"colonel", r"commander", r"chief", r"head", r"adviser", r"advisor", r"secretary", r"senator",
    r"chancellor", r"lawmaker", r"deputy", r"prosecutor", r"ombudsman", r"commissioner", r"chairman",
    r"chairwoman", r"director", r"official", r"representative", r"charg[eé] d['’]affaires",
    # who else news quotes by name: reporters, analysts, bloggers, lawyers, activists
    r"journalist", r"correspondent", r"analyst", r"(?:military )?blogger", r"expert", r"political scientist",
    r"researcher", r"lawyer", r"activist", r"leader", r"professor", r"historian", r"volunteer", r"pilot",
    r"лидер\w*", r"лідер\w*", r"профессор\w*", r"професор\w*", r"историк\w*", r"історик\w*", r"волонт[её]р\w*",
    r"волонтер\w*", r"доброволец", r"пилот\w*", r"пілот\w*",
    r"военн\w+ (?:эксперт|аналитик)\w*", r"військов\w+ (?:експерт|аналітик)\w*",
    r"военни(?:ят)? (?:експерт|анализатор)\w*", r"military (?:expert|analyst)s?",
    r"военкор\w*", r"журналист\w*", r"корреспондент\w*", r"аналитик\w*", r"блогер\w*", r"эксперт\w*",
    r"политолог\w*", r"адвокат\w*", r"активист\w*", r"військкор\w*", r"журналіст\w*", r"кореспондент\w*",
    r"аналітик\w*", r"експерт\w*", r"політолог\w*", r"активіст\w*", r"анализатор\w*", r"блогър\w*",
    # Russian
    r"президент\w*", r"премьер\w*", r"премьер-министр\w*", r"министр\w*", r"губернатор\w*", r"мэр\w*",
    r"глав[аыеуой]", r"пресс-секретар\w*", r"посол", r"посла", r"послу", r"спецпосланник\w*",
    r"генерал\w*", r"полковник\w*", r"командующ\w*", r"командир\w*", r"советник\w*", r"помощник\w*",
    r"секретар\w*", r"сенатор\w*", r"канцлер\w*", r"депутат\w*", r"прокурор\w*", r"омбудсмен\w*",
    r"уполномоченн\w*", r"председател\w*", r"директор\w*", r"руководител\w*", r"начальник\w*",
    r"официальн\w+ представител\w*", r"поверенн\w+ в делах",
    r"представител\w*", r"заместител\w*", r"вице-премьер\w*", r"вице-президент\w*", r"замглав\w*", r"врио",
    # Ukrainian
    r"прем['’]єр\w*", r"міністр\w*", r"голов[аиіоюу]", r"очільник\w*", r"керівник\w*", r"мер\w*",
    r"речни\w*", r"прес-секретар\w*", r"командувач\w*", r"радник\w*", r"уповноважен\w*", r"омбудсман\w*",
    r"офіційн\w+ представник\w*", r"повірен\w+ у справах", r"представник\w*", r"заступник\w*",
    r"віцепрем['’]єр\w*", r"віце-прем['’]єр\w*",
    # Bulgarian
    r"премиер\w*", r"министър\w*", r"кмет\w*", r"говорител\w*", r"посланик\w*", r"съветник\w*",
    r"началник\w*", r"ръководител\w*", r"заместник\w*", r"командващ\w*",
    r"шеф\w*", r"вицепремиер\w*", r"вицепрезидент\w*", r"управител\w*", r"председател\w*",
]
TITLE_RE = re.compile(r"(?<!\w)(?i:" + "|".join(_TITLES) + r")(?!\w)")
OF_WORDS = 3  # words between a title and the name that say what it is the title of
TITLE_WORD = re.compile(r"(?i:" + "|".join(_TITLES) + r"|[\w-]+ministr\w*)")


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

