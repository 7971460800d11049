"""The words that attribute a statement, in English, Russian, Ukrainian and Bulgarian.

:data:`CUE_RE` finds a cue: a verb of saying in either aspect and tense ("said", "заявил",
"заявляет", "каже", "казва"), a phrase of attribution ("according to", "со ссылкой на", "за
даними", "според"), an assessment ("believes", "по оценке") or a channel ("told", "в интервью",
"пред"). :data:`CHANNEL_RE` finds what, right before a medium, makes it the channel a statement
went through rather than its author. Which mention a cue attributes is :mod:`attribution`'s work;
this module only holds the vocabulary, so that a word added for one language is seen beside the
same word in the others.
"""

from __future__ import annotations

import re

# Verbs of saying that also mean something else ("добавил в санкционные списки", "ответил ударом",
# "прокомментировала отставку главы МИД", "отбелязаха Деня", "Нагадаємо", "сподели снимка"), in both
# aspects and only their finite forms ("предупреждавайки" is no statement).
_FINITE = r"(?:ет|ют|л|ла|ли)"
_SAYING_TOO = (r"добавил\w*|добавля" + _FINITE + r"|указал\w*|указыва" + _FINITE + r"|напомнил\w*|напомина" + _FINITE
               + r"|констатировал\w*|констатиру(?:ет|ют)|предупредил\w*|предупрежда" + _FINITE
               + r"|ответил\w*|отвеча(?:ет|ют)|завер(?:ил|ила|или|яет|яют)|настаива" + _FINITE
               + r"|прокомментировал\w*|комментиру(?:ет|ют)"
               r"|дода(?:в|ла|ли|[єю]|ють)|нагаду(?:є|ють)|нагада(?:в|ла|ли)|попере(?:див|дила|дили|джа(?:є|ють|в|ла|ли))"
               r"|відпові(?:в|ла|ли|да(?:є|ють))|запевн(?:ив|ила|или|ює|юють)|наполяга(?:є|ють|в|ла|ли)|зауважу(?:є|ють)"
               r"|прокоментува(?:в|ла|ли)|коментую(?:ть)?"
               r"|подчерта(?:ха|ва|ват)?|обясн(?:и|иха|ява|яват)|допъл(?:ни|ниха|ва|ват)|коментира(?:ха|т)?"
               r"|отбеляз(?:а|аха|ва|ват)|добави(?:ха)?|напомн(?:и|иха|я|ят)|отговори(?:ха)?"
               r"|увери(?:ха)?|настоя(?:ха|ва|ват)?|сподели(?:ха)?")
# Verbs of saying that more often mean recognising ("признал Крым", "визнав незалежність", "признали
# победата"): cues only before "that".
_SAYING_THAT = r"призна(?:л|ла|ли|[её]т|ют)|визна(?:в|ла|ли|є|ють)|призна(?:ха|ва|ват)?"
_CUES = [
    # told reporters, as one cue (first: the alternation takes the first that matches), so that a speaker
    # after it stands next to it ("Това каза пред журналисти в Брюксел … Кая Калас")
    r"(?:каза|заяви|съобщи|обяви)(?:ха)?\s+пред\s+(?:журналист\w*|медиите)",
    r"(?:заявил|сказал|сообщил|рассказал|заявив|сказав|повідомив|розповів)\w{0,2}\s+(?:журналистам|журналістам)",
    # English
    r"as quoted by", r"quoted by", r"according to", r"citing", r"cited", r"quoting", r"as saying",
    r"(?:said|says|say|told|reported|reports|announced|stated|wrote|posted|added|confirmed|claimed|denied"
    r"|warned|specified|informed|noted|tweeted|declared|insisted|accused|critici[sz]ed|condemned|published|claims"
    r"|stressed|emphasi[sz]ed|explained|underlined|pointed out|acknowledged|admitted|argued|reiterated|asserted"
    r"|remarked|commented|replied|responded|revealed|disclosed|alleged|recalled"
    r"|(?:say|tell|report|announce|state|write|add|confirm|denie|warn|note|insist|stress|emphasi[sz]e"
    r"|explain|underline|acknowledge|admit|argue|reiterate|assert|remark|comment|post)s)",
    # claims and polls: "Bild твърди, че", "утверждает Bloomberg", "проучване на", "опрос CNN" (not "утверждать"
    # "to approve", the adjective "твърди" "firm", nor whoever leads "в опросах" "in the polls")
    r"утвержда" + _FINITE, r"стверджу\w*",
    r"твърд(?:и|ят|яха|еше)(?=,?\s+(?:че|за)(?!\w)|\s+(?-i:[А-ЯA-Z„\"«]))",
    r"(?:survey|poll) by", r"(?:опрос\w*|опитуванн\w*)(?=\s+(?-i:[A-ZА-ЯЁІЇЄҐ«\"„]))", r"проучване(?:то)? на",
    # Russian
    r"сообща\w*", r"сообщил\w*", r"переда[её]т", r"передал\w*", r"по данным", r"со ссылкой на", r"как пишет",
    r"пишет", r"цитиру\w*", r"заяви\w*", r"отметил\w*", r"написал\w*", r"рассказал\w*", r"уточнил\w*",
    r"подтверди\w*", r"по словам", r"объявил\w*", r"информиру\w*", r"сказал\w*", r"отказался комментировать",
    r"назвал\w*", r"обвинил\w*", r"раскритиковал\w*", r"опубликова\w*",
    r"подчеркну\w*", r"пояснил\w*", r"стало известно",
    # the imperfective of the verbs above ("заявляет", "отмечают", "поясняет") and "говорит"
    r"заявля" + _FINITE, r"отмеча(?:ет|ют|ется|л|ла|ли)", r"подч[её]ркива(?:ет|ют|ется|л|ла|ли)",
    r"поясня" + _FINITE, r"уточня(?:ет|ют|ется|л|ла|ли)", r"объясн(?:ил|ила|или|яет|яют)",
    r"(?<!ще\s)говор(?:ит|ят|ил|ила|или)", r"приводит(?=\s+(?-i:[А-ЯA-Z«\"„]))",
    r"declined to comment",
    # Ukrainian
    r"повідом\w*", r"переда[єє]", r"передал\w*", r"за даними", r"з посиланням на", r"як пише", r"пише",
    r"цитує", r"інформу\w*", r"заяви\w*", r"зазнач\w*", r"написа\w*", r"розпові\w*", r"уточни\w*", r"підтверди\w*",
    r"за словами", r"оголоси\w*", r"сказа\w*", r"відмовився коментувати", r"назва\w*", r"звинуват\w*",
    r"розкритикува\w*", r"опублікува\w*", r"наголоси\w*", r"підкресли\w*", r"поясни(?:в|ла|ли)",
    r"заявля(?:є|ють|в|ла|ли)", r"наголошу(?:є|ють|ється)", r"підкреслю(?:є|ють|ється)", r"поясню(?:є|ють)",
    r"уточню(?:є|ють)", r"(?<!да\s)каж(?:е|уть)", r"казав|казала|казали", r"зауважи(?:в|ла|ли)",
    # assessments and data: "British intelligence believes", "ISW assesses", "сочат данни на НСИ"
    r"believes?", r"assess(?:es|ed)?", r"estimates?", r"estimated", r"data from", r"figures from",
    r"(?:analy[sz]ed|reviewed|verified|obtained|seen|geolocated|compiled|counted) by",
    r"по (?:оценк\w+|подсч[её]там|информации|сведениям)", r"за (?:оцінк\w+|підрахунками|інформацією|відомостями)",
    r"по (?:оценка|изчисления|информация)(?: на)?",
    r"счита\w*", r"полага\w*", r"оценива\w*", r"данны[ех]", r"вважа\w*", r"оціню\w*", r"дан[іи]",
    r"смята\w*", r"оценява\w*", r"сочат", r"данни(?:те)?(?: на)?",
    # what a statement or report says: "говорится в сообщении", "йдеться в заяві", "се казва в"
    r"говорится", r"йдеться", r"ідеться", r"се казва", r"се посочва", r"посочи\w*",
    # channels and their verbs (see CHANNEL_RE): "told Interfax", "согласно Reuters", "пред Ройтерс"
    r"per", r"speaking to", r"talking to", r"spoke to", r"in an (?:exclusive )?interview", r"interview",
    # a medium's reporter on the spot: "An AFP correspondent in Kharkiv heard"
    r"(?:correspondents?|reporters?|journalists?)(?=(?:\s+(?:in|at|on)\s+[A-Z][\w-]+)?\s+(?:heard|saw|witnessed"
    r"|counted|reported|observed))",
    r"speaking on", r"appearing on", r"in an appearance on",
    r"in (?:comments|remarks|a statement) to",
    r"рассказыва\w*", r"согласно", r"в (?:эксклюзивном )?интервью", r"в беседе с",
    r"розказ\w*", r"розповіда\w*", r"згідно з", r"в (?:ексклюзивному )?інтерв['’]?ю", r"в розмові з",
    r"разказ\w*", r"(?:в )?интервю", r"пред",
    # Bulgarian
    r"съобщ\w*", r"според", r"по думите на", r"цитиран\w* от", r"цитира\w*", r"каза", r"написа\w*", r"обяви\w*",
    r"потвърди\w*", r"информира\w*", r"потвърждава(?:т)?", r"заявява(?:т)?", r"казва(?:т)?", r"уточнява(?:т)?",
    r"посочва(?:т)?", r"изтък(?:на|наха|ва|ват)",
    r"заяви\w*", r"уточни\w*", r"предаде\w*", r"отказа да коментира",
    r"предупреди\w*(?=,?\s+(?:че|за)(?!\w))",  # "warned that", not "warned the prime minister"
    r"обвини\w*", r"нарече\w*", r"осъди\w*", r"разкритикува\w*", r"публикува\w*",
    # verbs of saying that also mean something else ("добавил в санкционные списки", "отбелязаха Деня на
    # ветераните", "Нагадаємо"): cues only before "that" or right after a quotation, a comma or "как"
    r"(?:(?<=[,“”\"»—–]\s)|(?<=как\s))(?:" + _SAYING_TOO + r")",
    r"(?:" + _SAYING_TOO + "|" + _SAYING_THAT + r")(?=,?\s+(?:что|що|че|that)(?!\w))",
]
CUE_RE = re.compile(r"(?<!\w)(?:" + "|".join(_CUES) + r")(?!\w)", re.IGNORECASE)

# Right before a medium, these make it the channel of someone's statement, not its author:
# English prepositions of speaking to, Slavic speech verbs and nouns taking the medium in the
# dative ("заявил ТАСС", "виданню", "агентству"), Bulgarian "пред" ("told", literally "before"),
# and the broadcast a statement was made on ("в эфире Sky News").
CHANNEL_RE = re.compile(
    r"(?<!\w)(?:told|said to|speaking to|talking to|spoke to"
    r"|in (?:an |his |her )?(?:exclusive )?interview (?:with|to|for)|in comments to|in remarks to|in a statement to"
    r"|(?:заявил|рассказал|сказал|сообщил|пояснил|признал)\w{0,3}|рассказыва\w*"
    r"|в (?:эксклюзивном )?интервью|в беседе с|(?:изданию|агентству|газете|телеканалу|журналу)"
    r"|(?:заяви|розказа|розпові|сказа|повідоми|поясни)\w{0,3}|розповіда\w*|в (?:ексклюзивному )?інтерв['’]?ю"
    r"|в розмові з|(?:виданню|агентству|агенції|газеті|телеканалу)"
    r"|(?:каза|заяви|разказа|сподели)\w{0,3}\s+пред|пред|в интервю (?:за|пред)|интервю за"
    r"|в эфире|в ефірі|в ефира на|в коментарі|в комментарии|в коментар за|on air with|speaking on|appearing on"
    r"|in an appearance on|про це|об этом|за това)(?:\s+the)?[\s«\"“„']+$",
    re.IGNORECASE)
