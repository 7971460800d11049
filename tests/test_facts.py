"""Attribution, facts and comparison across the four languages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from align.analysis.attribution import registry, sources
from align.analysis.compare import analyse, compare_texts, fact_table
from align.analysis.entities import same_name
from align.analysis.facts import facts, numeric_value
from align.analysis.translit import name_key
from align.cli import main
from align.eval import LABELLED, field_scores
from align.pipeline import Align
from align.text.clean import clean_text
from align.text.segment import segment


def _kinds(text: str, kind: str) -> list:
    return [f.value for f in facts(text) if f.kind == kind]


def test_number_words_and_their_inflections() -> None:
    assert _kinds("three drones", "quantity") == [{"n": 3, "unit": "drone"}]
    assert _kinds("сбиты три беспилотника", "quantity") == [{"n": 3, "unit": "drone"}]
    assert _kinds("перехоплення трьох безпілотників", "quantity") == [{"n": 3, "unit": "drone"}]
    assert _kinds("трима души", "quantity") == [{"n": 3, "unit": "person"}]
    for text in ("six drones", "шесть дронов", "шість дронів", "шест дрона"):
        assert _kinds(text, "quantity") == [{"n": 6, "unit": "drone"}], text
    # tens and units in two words are one number; one and a half; a half counts only with a scale
    for text in ("двадцать три человека", "двадцять три людини", "Двайсет и трима души", "twenty-three people"):
        assert _kinds(text, "quantity") == [{"n": 23, "unit": "person"}], text
    assert [f.value for f in facts("хватит на полтора месяца") if f.kind == "quantity"] == [{"n": 1.5, "unit": "month"}]
    assert _kinds("півтора мільйона абонентів", "number") == [1_500_000]
    assert _kinds("около половин милион души", "quantity") == [{"n": 500_000, "unit": "person"}]
    assert _kinds("за половин час", "number") == []
    assert _kinds("Около дузина дрона са свалени.", "quantity") == [{"n": 12, "unit": "drone"}]
    # an ordinal written with digits is no count; a cardinal's case ending keeps it one
    assert _kinds("бійці 3-ї бригади знищили 5 танків", "quantity") == [{"n": 5, "unit": "vehicle"}]
    assert _kinds("3-х человек", "quantity") == [{"n": 3, "unit": "person"}]
    # collective numerals in the genitive: "поранено п'ятьох людей", "задержали пятерых человек"
    for text in ("поранено п'ятьох людей", "задержали пятерых человек"):
        assert _kinds(text, "quantity") == [{"n": 5, "unit": "person"}], text


def test_digits_units_money_and_urls() -> None:
    assert _kinds("about 1,200 people were evacuated", "quantity") == [{"n": 1200, "unit": "person"}]
    assert _kinds("Цената е 4 500 лв.", "money") == [{"amount": 4500, "currency": "BGN"}]
    assert _kinds("estimated at 150 million dollars", "money") == [{"amount": 150_000_000, "currency": "USD"}]
    assert _kinds("$1.5 billion", "money") == [{"amount": 1_500_000_000, "currency": "USD"}]
    assert _kinds("на 9 процентов", "quantity") == [{"n": 9, "unit": "percent"}]
    # a year-like count before its noun is a count, unless a preposition of time makes it a year
    assert _kinds("Над 2000 души са евакуирани", "quantity") == [{"n": 2000, "unit": "person"}]
    assert _kinds("In 2024 people voted", "quantity") == [] and _kinds("In 2024 people voted", "date") == ["2024"]
    url_text = "Read https://example.com/2023/09/05/news-612?id=42 and mail tips@site612.com today."
    assert [f for f in facts(url_text) if f.kind in {"number", "quantity", "date"}] == []


def test_dates_in_several_formats() -> None:
    dates = _kinds("On 2023-09-05, 24.02.2022, September 4, 2023, 4 вересня, 7 септември and Monday.", "date")
    assert dates == ["2023-09-05", "2022-02-24", "2023-09-04", "--09-04", "--09-07", "Monday"]
    assert _kinds("05:50am: drones; later at 14:30 and 3 p.m.", "time") == ["05:50", "14:30", "15:00"]


def test_text_with_no_facts() -> None:
    assert facts("this sentence states nothing in particular.") == []
    assert sources("nobody is quoted here") == []


def test_names_meet_across_scripts() -> None:
    assert name_key("Орёл") == "oryol" and name_key("Орел") == "orel"
    assert name_key("Київ", "uk") == "kyiv" and name_key("Тула") == "tula" and name_key("Собянин") == "sobyanin"
    places = {f.value for f in facts("Орёл, Орел, Oryol, Orel, Київ, Kyiv, Тула, Tula")}
    assert places == {"Oryol", "Kyiv", "Tula"}
    assert _kinds("Собянин сказал", "person") == _kinds("Sobyanin said", "person") == ["Sergei Sobyanin"]


@pytest.mark.parametrize(("text", "name", "phrase"), [
    ("The ministry said so, as quoted by TASS.", "TASS", "as quoted by TASS"),
    ("TASS reported the attack.", "TASS", "TASS reported"),
    ("Об этом сообщает ТАСС.", "TASS", "сообщает ТАСС"),
    ("Атака отбита, передает ТАСС.", "TASS", "передает ТАСС"),
    ("По данным ТАСС, сбиты два дрона.", "TASS", "По данным ТАСС"),
    ("Как пишет Reuters, переговоры продолжатся.", "Reuters", "Как пишет Reuters"),
    ("Газета цитирует РИА Новости.", "RIA Novosti", "цитирует РИА Новости"),
    ("Со ссылкой на Интерфакс агентство пишет.", "Interfax", "Со ссылкой на Интерфакс"),
    ("Про це повідомляє Укрінформ.", "Ukrinform", "повідомляє Укрінформ"),
    ("За даними Укрінформ, атаку відбито.", "Ukrinform", "За даними Укрінформ"),
    ("Атаку відбито, передає AFP.", "AFP", "передає AFP"),
    ("Според БТА срещата е отложена.", "BTA", "Според БТА"),
    ("Министърът, цитиран от БТА, е в Малта.", "BTA", "цитиран от БТА"),
    ("Срещата е отложена, съобщи БТА.", "BTA", "съобщи БТА"),
])
def test_attribution_phrases(text: str, name: str, phrase: str) -> None:
    found = {s.name: s for s in sources(text)}
    assert name in found
    assert found[name].phrase == phrase
    assert text[found[name].span[0] : found[name].span[1]] == phrase


@pytest.mark.parametrize(("text", "expected"), [
    # an acronym an English speaker told, unlisted: the channel
    ("Estonian Prime Minister Kristen Michal told ERR that the border would stay closed.",
     {("Kristen Michal", "source"), ("ERR", "channel")}),
    # a Latin name after "каза пред" in a Bulgarian sentence: the channel
    ("Външният министър Георг Георгиев каза пред ORF, че България ще подкрепи санкциите.",
     {("Georg Georgiev", "source"), ("ORF", "channel")}),
    # the subject that opens the sentence, an aside before its verb
    ("Міністр оборони Денис Шмигаль під час візиту до Берліна заявив, що Україна отримає нові системи.",
     {("Denys Shmyhal", "source")}),
    # a long Bulgarian title before a given name and a listed surname
    ("Двама души са ранени, съобщи ръководителят на областната администрация Сергий Лисак.",
     {("Serhiy Lysak", "source")}),
    # a network posted on is a source; the same company named otherwise is not
    ("Кметът на Варна Благомир Коцев написа във Фейсбук, че пристанището е затворено.",
     {("Blagomir Kotsev", "source"), ("Facebook", "source")}),
    ("Акционерите на Facebook одобриха сделката, съобщи Ройтерс.", {("Reuters", "source")}),
    # a broadcaster told, named by its head word; the broadcast a statement was made on
    ("Foreign Minister Tonino Picula told Croatian Radio that the vote would go ahead.",
     {("Tonino Picula", "source"), ("Croatian Radio", "channel")}),
    ("Министр Ирина Волкова в эфире Euronews News заявила, что переговоры продолжатся.",
     {("Irina Volkova", "source"), ("Euronews News", "channel")}),
    # whom the speaker was with is not the speaker
    ("Премьер Канады Марк Карни в ходе разговора с Путиным заявил, что Оттава поддерживает Киев.",
     {("Mark Karni", "source")}),
    # one word an English speaker gave an interview or remarks to: the channel; a person is named in full
    ("Latvian Foreign Minister Baiba Braze said in an interview with Delfi that Riga would keep its border closed.",
     {("Baiba Braze", "source"), ("Delfi", "channel")}),
    ("In comments to the Associated Press, Odesa governor Oleh Kiper said the port had been hit twice.",
     {("Oleh Kiper", "source"), ("AP", "channel")}),
    ("The minister said in an interview with Tucker Carlson that talks had stalled.", set()),
    # an aside between commas before the verb, the country's adjective before the title
    ("Czech President Petr Pavel, in a speech to parliament in Prague, said the aid would continue.",
     {("Petr Pavel", "source")}),
    # particles inside a surname; a title across a regional administration; a country's adjective is no name
    ("Dutch Defence Minister Ruben van der Meer said the jets would arrive in spring.",
     {("Ruben van der Meer", "source")}),
    ("Трима души са ранени, каза ръководителят на Одеската областна администрация Олег Кипер.",
     {("Oleh Kiper", "source")}),
    ("Медичний директор Норвезького агентства з ліків вважає, що ризик малий.", set()),
    # the programme a speaker spoke on; a name set off by commas that told a medium; a network posted on
    # does not take the cue from the speaker after it
    ("Speaking on NBC's Meet the Press, Senator Tom Cotton said the aid bill would pass.",
     {("Tom Cotton", "source"), ("NBC", "channel")}),
    ("A spokesman for the Eastern Group of Forces, Viktor Trehubov, told the Kyiv Independent that the town was held.",
     {("Viktor Trehubov", "source"), ("Kyiv Independent", "channel")}),
    ("Об этом в своем Telegram-канале написал официальный представитель МИД Белоруссии Руслан Варанков.",
     {("Ruslan Varankov", "source"), ("Telegram", "source")}),
    # claims are citations; a staunch supporter, approving budgets and trailing in polls are not
    ("Германският вестник Bild твърди, че Берлин ще изпрати още танкове.", {("Bild", "source")}),
    ("Твърдият привърженик на Брекзит Джейкъб Рийс-Мог щял да стане министър.", set()),
    ("Губернаторы должны утверждать бюджеты регионов до декабря.", set()),
    ("В опросах президент Трамп уступает сопернику.", set()),
    # a body owned by a country's other body; a generic presidency with its country; the person a
    # speaker spoke with is nobody whose words the source after the cue reports
    ("A statement from the Hungarian army's operational command said jets were scrambled.",
     {("Hungarian Operational Command", "source")}),
    ("Ердоган е разговарял с Тръмп, съобщи турското президентство.", {("Turkish Presidency", "source")}),
    ("У Києві пошкоджено будинок, інформує КМВА.", {("Kyiv City Military Administration", "source")}),
    # a medium's reporter on the spot; a reporter who only appears is no citation
    ("An AP correspondent in Odesa heard several explosions before dawn.", {("AP", "source")}),
    ("A BBC journalist was detained in Moscow.", set()),
    # what a medium writes comes after its comma, the subject of the report included
    ("Как пишет издание The Insider, ФСБ задержала двух человек в Москве.", {("The Insider", "source")}),
    # the broadcast a statement went through, between the cue and the speaker, or in an aside
    ("Як розповів в ефірі «Київ24» військовий аналітик Павло Нарожний, ворог готує наступ.",
     {("Kyiv24", "channel"), ("Pavlo Narozhnyi", "source")}),
    ("Речник ВМС Дмитро Плетенчук в коментарі Радіо Свобода сказав, що флот відійшов до Новоросійська.",
     {("Radio Liberty", "channel"), ("Dmytro Pletenchuk", "source")}),
    # a title set off after the name, then the network posted on; a medium before the channel it runs;
    # who was quoted as saying; the body in a title after the name is the speaker's employer
    ("Valerii Zaluzhnyi, Ukraine's ambassador to Britain, said in a Facebook post that the war would be long.",
     {("Valerii Zaluzhnyi", "source"), ("Facebook", "source")}),
    ("Residents of Belgorod heard sirens, the Rybar Telegram channel said.", {("Rybar", "source"), ("Telegram", "source")}),
    ("State media quoted Georgian Prime Minister Irakli Kobakhidze as saying that Tbilisi would not join sanctions.",
     {("Irakli Kobakhidze", "source")}),
    ("Андрій Коваленко, керівник Центру протидії дезінформації, заявив, що це фейк.", {("Andrii Kovalenko", "source")}),
    # "warned that" cites; "warned the prime minister" does not make the prime minister a source
    ("Германското правителство предупреди, че ще блокира сделката.", {("German Government", "source")}),
    ("България предупреди британския премиер Тереза Мей за последиците.", set()),
    # verbs of stressing and explaining in all four languages; the medium a sentence opening "Об этом"
    # names before its verb is the channel
    ("Finnish Prime Minister Petteri Orpo stressed that Helsinki would keep its border closed.",
     {("Petteri Orpo", "source")}),
    ("Пресс-секретарь Кремля Дмитрий Песков пояснил, что встреча не планируется.", {("Dmitry Peskov", "source")}),
    ("Міністр оборони Денис Шмигаль наголосив, що виробництво зросте.", {("Denys Shmyhal", "source")}),
    ("Премиерът Росен Желязков обясни, че бюджетът ще бъде приет.", {("Rosen Zhelyazkov", "source")}),
    ("Об этом «Известиям» рассказал источник в правительстве.", {("Izvestia", "channel")}),
    # the same verbs meaning something else cite nobody
    ("Минфин США добавил в санкционные списки три компании.", set()),
    ("Тръмп и Байдън отбелязаха поотделно Деня на ветераните.", set()),
    ("Нагадаємо, уряд ухвалив рішення у вівторок.", set()),
    ("Кремъл не коментира информацията.", set()),
    # people told something are no medium, and another name before the verb is the subject
    ("The minister told US lawmakers that aid would continue.", set()),
    ("Председателят на Движението за права и свободи Ахмед Доган пък заяви, че партията ще подкрепи кабинета.",
     set()),
])
def test_channels_and_speakers_the_tables_do_not_list(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(s.name, s.role) for s in sources(text)} == expected


def test_a_listed_person_opening_a_source_name_is_still_named_and_a_verb_is_no_town() -> None:
    assert _kinds("Zelensky's office said the talks would resume.", "person") == ["Volodymyr Zelensky"]
    assert [s.name for s in sources("Zelensky's office said the talks would resume.")] == [
        "Office of the President of Ukraine"]
    # Bulgarian "сочи" ("shows") is not Sochi; the city keeps its name
    assert _kinds("Това сочи анализ на правителството.", "place") == []
    assert _kinds("Олимпиадата в Сочи приключи.", "place") == ["Sochi"]
    # a quoted medium's name is no place even where one opens it
    found = analyse("Як розповів в ефірі «Київ24» військовий аналітик Павло Нарожний, ворог готує наступ.")[1]
    assert [f for f in found if f.kind == "place"] == []


def test_a_quoted_name_an_interview_was_given_to_or_whose_press_service_spoke() -> None:
    # unlisted, so named as written (its case kept): a medium for the interview, a body for the press service
    interview = sources("Глава МИД Словакии Юрай Бланар в интервью «Правде» заявил, что Братислава не пошлет войска.")
    assert {(s.name, s.kind, s.role) for s in interview} == {("Pravde", "agency", "channel"),
                                                              ("Yuray Blanar", "official", "source")}
    press = sources("Пресс-служба «Лукойла» сообщила, что завод работает в штатном режиме.")
    assert [(s.name, s.kind) for s in press] == [("Lukoyla", "institution")]
    # a journal is a medium; a journalist is a person
    assert [s.name for s in sources("Американский журнал Foreign Affairs опубликовал статью о переговорах.")] == [
        "Foreign Affairs"]
    assert _kinds("Встречи ведет журналист Вадим Верник.", "person") == ["Vadim Vernik"]


def test_seeds_quote_who_the_issue_says(seeds: Path) -> None:
    novinite = segment(clean_text((seeds / "novinite-day-612.txt").read_text(encoding="utf-8")))
    france = segment(clean_text((seeds / "france24-liveblog-2023-09-05.txt").read_text(encoding="utf-8")))
    drones = {s.name for s in sources(novinite[0].text)}
    assert {"TASS", "Russian Defence Ministry"} <= drones
    for entry in france[1:3]:
        names = {s.name for s in sources(entry.text)}
        assert {"Sergei Sobyanin", "Telegram"} <= names and names & {"Russian Defence Ministry", "Defence Ministry"}
    nk = {s.name for s in sources(novinite[3].text)}
    assert {"Reuters", "KCNA"} <= nk


def test_compare_agree_differ_and_only_in_one() -> None:
    a = "Air defences intercepted six Ukrainian drones over the Oryol and Tula regions, as quoted by TASS."
    b = "ПВО перехватила четыре беспилотника над Орловской областью, передает ТАСС."
    result = compare_texts(a, b)
    assert result["sources"]["agree"] == ["TASS"]
    differ = result["facts"]["differ"]
    assert [(d["about"], d["a"][0]["value"]["n"], d["b"][0]["value"]["n"]) for d in differ] == [("drone", 6, 4)]
    assert {x["value"] for x in result["facts"]["agree"]} == {"Oryol"}
    assert [f["value"] for f in result["facts"]["only_a"]] == ["Tula"]


def test_user_config_adds_sources_and_aliases(tmp_path: Path) -> None:
    cfg = tmp_path / "sources.toml"
    cfg.write_text('[[sources]]\nname = "Novaya Gazeta"\nkind = "agency"\naliases = ["Новая газета"]\n\n'
                   '[[sources]]\nname = "TASS"\naliases = ["Тасс-агентство"]\n', encoding="utf-8")
    table = registry(cfg)
    assert [s.name for s in sources("Об этом пишет Новая газета.", table)] == ["Novaya Gazeta"]
    assert [s.name for s in sources("Об этом сообщило Тасс-агентство.", table)] == ["TASS"]
    assert sources("Об этом пишет Новая газета.") == []  # the packaged table is unchanged


def test_cli_facts_prints_one_json_object_per_line(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Сбиты шесть дронов над Тулой, сообщает ТАСС.\n\n"))
    assert main(["facts"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["lang"] == "ru"
    assert first["sources"][0] == {"name": "TASS", "kind": "agency", "phrase": "сообщает ТАСС", "span": [30, 43],
                                   "role": "source"}
    assert {"kind": "quantity", "value": {"n": 6, "unit": "drone", "place": "Tula"}, "text": "шесть дронов",
            "span": [6, 18]} in first["facts"], "the count is bound to the place after it"
    assert second == {"lang": "other", "sources": [], "facts": []}


def test_labelled_sets_reach_the_targets() -> None:
    # Floors just under the measured figures. Files 1-6 have been fixed against; facts-heldout-7 was
    # written after unlisted organisations and two-word towns froze, facts-heldout-8 after people by
    # their given name froze, facts-heldout-9 after capitals naming ministries froze, facts-heldout-10
    # after quoted media froze, facts-heldout-11 after media named in Latin letters after a title froze,
    # facts-heldout-12 after channels told in English and asides before a verb froze, facts-heldout-13
    # after channels on air and speakers with whom someone spoke froze, facts-heldout-14 after asides
    # between commas and interviews given to one word froze, facts-heldout-15 after channels spoken on and
    # claims froze, facts-heldout-16 after compound numbers and owned bodies froze, facts-heldout-17
    # after reporters on the spot and broadcasts in asides froze, facts-heldout-18 after claims in Bulgarian and
    # reporters' channels froze, facts-heldout-19 after verbs of saying in both aspects, owners and
    # addressees froze (first measurements in the README); the
    # floors keep what fixes reached.
    floors = {"facts.jsonl": (0.97, 0.97, 0.97, 0.97), "facts-heldout.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-2.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-3.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-4.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-5.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-6.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-7.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-8.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-9.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-10.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-11.jsonl": (0.95, 0.95, 0.95, 0.95),
              "facts-heldout-12.jsonl": (0.94, 0.94, 0.94, 0.94), "facts-heldout-13.jsonl": (0.97, 0.97, 0.97, 0.97),
              "facts-heldout-14.jsonl": (0.97, 0.97, 0.97, 0.97), "facts-heldout-15.jsonl": (0.97, 0.97, 0.97, 0.97),
              "facts-heldout-16.jsonl": (0.97, 0.97, 0.97, 0.97), "facts-heldout-17.jsonl": (0.97, 0.97, 0.97, 0.97),
              "facts-heldout-18.jsonl": (0.95, 0.95, 0.95, 0.95), "facts-heldout-19.jsonl": (0.97, 0.97, 0.97, 0.97)}
    for name, minimums in floors.items():
        rows = [json.loads(x) for x in (LABELLED / name).read_text(encoding="utf-8").splitlines()]
        scores = field_scores(rows)
        for field_name, minimum in zip(("sources", "numbers", "places", "people"), minimums, strict=True):
            precision, recall, _ = scores[field_name]
            assert precision >= minimum and recall >= minimum, (name, field_name, precision, recall)
    assert len((LABELLED / "facts.jsonl").read_text(encoding="utf-8").splitlines()) >= 80


def test_demo_match_carries_sources_and_facts_and_search_filters_quotes(demo: tuple[Align, list[dict]],
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    app, events = demo
    members = {m["segment_id"]: m for e in events for m in e["members"]}
    ru = members["mv-drones-oryol:0"]
    assert {s["name"] for s in ru["sources"]} >= {"TASS", "Russian Defence Ministry"}
    assert {"kind": "quantity", "value": {"n": 6, "unit": "drone"}} in [{k: f[k] for k in ("kind", "value")} for f in ru["facts"]]
    hits = app.search("drones shot down", k=5, quotes="TASS")
    assert hits and all(any(s["name"] == "TASS" for s in h["sources"]) for h in hits)
    result = app.compare("mv-drones-oryol:0", "bd-day-562:0")
    assert "TASS" in result["sources"]["agree"]
    assert any(x["kind"] == "place" and x["value"] == "Oryol" for x in result["facts"]["agree"])


def test_cli_compare_and_search_quotes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = ["--index-dir", str(tmp_path / "idx"), "--quiet"]
    src = tmp_path / "in.jsonl"
    rows = [{"outlet": "A", "id": "a", "text": "Six drones were downed over Oryol, as quoted by TASS."},
            {"outlet": "B", "id": "b", "text": "Над Орловской областью сбиты четыре беспилотника, сообщает Интерфакс."}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["ingest", str(src), *idx]) == 0 and main(["build", *idx]) == 0
    capsys.readouterr()
    assert main(["compare", "a:0", "b:0", *idx]) == 0
    out = capsys.readouterr().out
    assert "differ   quantity (drone)" in out and "only A: TASS" in out
    assert main(["search", "drones over Oryol", "--quotes", "TASS", "--json", *idx]) == 0
    hits = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [h["article_id"] for h in hits] == ["a"]
    assert main(["compare", "a:0", "nope:9", *idx]) == 3


def test_analyse_hides_places_inside_source_names() -> None:
    _, found = analyse("Сообщает Минобороны России.")
    assert [f for f in found if f.kind == "place"] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Sergei Shoigu told Interfax that the army would recruit more soldiers.",
     [("Sergei Shoigu", "source"), ("Interfax", "channel")]),
    ("«Ситуация сложная», — розказав Reuters Саймон Хедер.", [("Reuters", "channel")]),
    ("Об этом рассказывает Харис Associated Press.", [("AP", "channel")]),
    ("Двама служители разказаха пред Ройтерс, че доставките са спрени.", [("Reuters", "channel")]),
    ("Согласно Reuters, переговоры продолжатся.", [("Reuters", "source")]),
    ("Дмитрий Песков в интервью ТАСС заявил, что переговоры возможны.",
     [("Dmitry Peskov", "source"), ("TASS", "channel")]),
    ("Как сообщает ТАСС, над Крымом сбиты дроны.", [("TASS", "source")]),
])
def test_a_channel_is_a_source_and_the_speaker_stays(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.name, s.role) for s in sources(text)] == expected


def test_counts_bind_to_their_place_and_borrow_the_noun_before_them() -> None:
    found = [f.value for f in facts("Six drones were downed: four over Oryol and two over Tula.") if f.kind == "quantity"]
    assert found == [{"n": 6, "unit": "drone"}, {"n": 4, "unit": "drone", "place": "Oryol"},
                     {"n": 2, "unit": "drone", "place": "Tula"}]
    listed = [f.value for f in facts("Six drones were intercepted over the Oryol and Tula regions.")
              if f.kind == "quantity"]
    assert listed == [{"n": 6, "unit": "drone"}], "a count before a list of places is not its first place's"
    apart = [f.value for f in facts("3 drones over Moscow. 2 in Belgorod.") if f.kind in {"quantity", "number"}]
    assert apart == [{"n": 3, "unit": "drone", "place": "Moscow"}, 2], "no noun is borrowed across a sentence"


def test_a_share_takes_the_noun_of_its_whole_and_apostrophe_numbers_have_values() -> None:
    assert _kinds("it destroyed 23 of 28 drones", "quantity") == [{"n": 23, "unit": "drone"},
                                                                  {"n": 28, "unit": "drone"}]
    assert _kinds("сбиты 20 из 25 беспилотников", "quantity") == [{"n": 20, "unit": "drone"},
                                                                  {"n": 25, "unit": "drone"}]
    assert _kinds("загинули п'ятеро людей", "quantity") == [{"n": 5, "unit": "person"}]
    assert _kinds("загинули п’ятеро людей", "quantity") == [{"n": 5, "unit": "person"}]
    assert _kinds("поранені дев’ять", "number") == [9]
    assert _kinds("в Ростове задержаны четверо", "number") == [4], "четверо is a count, not Thursday"
    assert _kinds("у четвер", "date") == ["Thursday"]


def test_an_alias_whose_first_word_is_one_letter_is_found() -> None:
    # The alias index keys each alias by its first word's opening letters; "в X" opens with one.
    assert [(s.name, s.role) for s in sources("Об этом он написал в X.")] == [("X", "source")]
    assert [s.name for s in sources("Про це він написав у X.")] == ["X"]


def test_what_a_cue_reports_is_not_its_source() -> None:
    found = sources("Dmitry Peskov told RIA Novosti that the Kremlin saw no basis for talks.")
    assert [s.name for s in found] == ["Dmitry Peskov", "RIA Novosti"]
    assert [s.name for s in sources("Песков сказал, что Кремль не видит оснований.")] == ["Dmitry Peskov"]
    assert [s.name for s in sources("The Kremlin said talks had stalled.")] == ["Kremlin"]


@pytest.mark.parametrize("text", [
    "Он пришёл ровно в семь часов.", "В тесто добавили изюм.", "Дані свідчать про зростання цін.",
    "Газа не хватает на зиму.", "Тренды моди змінюються.", "Прагматичный подход.", "славянский мир",
    "Спутник вышел на орбиту.", "a guardian of the gate", "В среднем четверо из десяти.",
    "российские войска отступили", "український прапор", "китайский лидер", "іранські дрони",
    "Сбиты два истребителя.", "Причини досі не відомі.", "Загальні суми виплат зросли.", "чехи и словаки голосовали",
    "Рабочие грузили ящики в гавани.",
])
def test_names_that_are_also_common_words_stay_words(text: str) -> None:
    assert [f for f in facts(text) if f.kind in {"place", "person"}] == []
    assert sources(text) == []


def test_a_star_after_regex_syntax_keeps_its_regex_sense() -> None:
    # "Токаев\\w*" once compiled to "Токаев\\w[\\w'’]*", which needs one more letter: the bare name never matched.
    assert [f.value for f in facts("Касым-Жомарт Токаев заявил") if f.kind == "person"] == ["Kassym-Jomart Tokayev"]
    assert [f.value for f in facts("Вячеслав Гладков") if f.kind == "person"] == ["Vyacheslav Gladkov"]


@pytest.mark.parametrize(("text", "place"), [
    ("В Ровно упала ракета.", "Rivne"), ("Удар по Изюму.", "Izium"), ("Обстріл Слов'янська.", "Sloviansk"),
    ("Взрывы в Смоленске.", "Smolensk"), ("Среща в Истанбул.", "Istanbul"), ("Над Житомиром збито дрон.", "Zhytomyr"),
    ("Лукашенко в Минске.", "Minsk"), ("Переговоры в Стамбуле.", "Istanbul"), ("Над Сумами збито дрон.", "Sumy"),
    ("Через обстріл Шостки загинув чоловік.", "Shostka"), ("Черга на пункті пропуску Паланка.", "Palanca"),
    ("Удар по Конотопу.", "Konotop"), ("Refugees crossed at Medyka.", "Medyka"),
])
def test_the_gazetteer_knows_oblast_centres_and_neighbours(text: str, place: str) -> None:
    assert place in _kinds(text, "place")


def test_fact_table_majority_marks_the_lone_value_and_sums_parts() -> None:
    def member(outlet: str, text: str) -> dict:
        return {"outlet": outlet, "facts": [f.to_json() for f in analyse(text)[1]]}

    rows = fact_table([member("A", "Six drones were downed over Bryansk overnight."),
                       member("B", "Шесть беспилотников сбиты этой ночью."),
                       member("C", "Four drones were downed over Oryol and two over Tula."),
                       member("D", "Eight drones were downed, the ministry said.")])
    drone = next(r for r in rows if (r["kind"], r["about"]) == ("quantity", "drone"))
    assert drone["majority"] == ["6"] and (drone["majority_of"], drone["stated_by"]) == (3, 4)
    assert {o: c["status"] for o, c in drone["cells"].items()} == {"A": "agree", "B": "agree", "C": "agree",
                                                                   "D": "differ"}
    tie = fact_table([member("A", "Six drones were downed."), member("B", "Seven drones were downed.")])
    assert tie[0]["majority"] is None and {c["status"] for c in tie[0]["cells"].values()} == {"differ"}


@pytest.mark.parametrize(("text", "name", "lang"), [
    ("Над областью сбиты 12 беспилотников, сообщил губернатор Василий Голубев.", "Vasiliy Golubev", "ru"),
    ("Про це повідомив голова Херсонської ОВА Олександр Прокудін.", "Oleksandr Prokudin", "uk"),
    ("Това каза говорителят на МВР Пламен Иванов.", "Plamen Ivanov", "bg"),
    ("The region's governor, Oleh Kiper, said two people were hurt.", "Oleh Kiper", "en"),
    ("Deputy Foreign Minister Sergei Vershinin told reporters.", "Sergei Vershinin", "en"),
])
def test_a_title_names_a_person_the_tables_do_not_list(text: str, name: str, lang: str) -> None:
    people = [f.value for f in facts(text) if f.kind == "person"]
    assert people == [name], lang
    cited = [(s.name, s.kind) for s in sources(text)]
    assert cited == [(name, "official")]  # the generic role ("Governor") gives way to the name


@pytest.mark.parametrize("text", [
    "губернатор Ленинградской области заявил", "The General Staff said the attack failed.",
    "The minister said on Monday that talks would resume.",
])
def test_a_title_before_a_place_or_a_common_word_names_nobody(text: str) -> None:
    assert [f for f in facts(text) if f.kind == "person"] == []


def test_a_listed_person_keeps_the_canonical_name_after_a_title() -> None:
    assert [f.value for f in facts("президент Владимир Путин заявил") if f.kind == "person"] == ["Vladimir Putin"]
    assert [f.value for f in facts("кметът Сергей Собянин в Телеграм") if f.kind == "person"] == ["Sergei Sobyanin"]


def test_an_institution_that_only_employs_someone_is_not_cited() -> None:
    assert [s.name for s in sources("СБУ затримала в Одесі агента ФСБ, який коригував удари, повідомили в СБУ.")] \
        == ["SBU"]
    assert [s.name for s in sources("An FSB officer was detained in Odesa, the SBU said.")] == ["SBU"]


def test_what_precedes_a_cue_with_its_own_speaker_is_reported() -> None:
    found = sources("Съветът за сигурност на ООН ще заседава в Ню Йорк, обяви Небензя.")
    assert [s.name for s in found] == ["Vasily Nebenzya"]
    assert [s.name for s in sources("ООН заяви, че ще изпрати мисия.")] == ["United Nations"]


@pytest.mark.parametrize(("text", "name"), [
    ("British intelligence believes Russia loses about 1,200 troops a day.", "British intelligence"),
    ("Британська розвідка вважає, що Росія втрачає близько 1200 військових на день.", "British intelligence"),
    ("Цените са се повишили с 8 процента, сочат данни на НСИ.", "NSI"),
    ("По данным Росстата, цены выросли на 9 процентов.", "Rosstat"),
])
def test_assessments_and_data_attribute_their_source(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


def test_romanisations_of_one_name_are_that_name() -> None:
    assert same_name("Vasiliy Golubev", "Vasily Golubev")
    assert not same_name("Ivan Petrov", "Ivan Popov")
    assert not same_name("Golubev", "Vasily Golubev")


@pytest.mark.parametrize(("text", "name"), [
    ("Moldova's energy ministry said power was restored.", "Moldovan Energy Ministry"),
    ("The Dutch defence ministry said the jets would arrive in spring.", "Dutch Defence Ministry"),
    ("У Міноборони Нідерландів заявили, що передадуть техніку.", "Dutch Defence Ministry"),
    ("Министерство обороны Польши сообщило о подъёме истребителей.", "Polish Defence Ministry"),
    ("Това съобщи министерството на отбраната на Унгария.", "Hungarian Defence Ministry"),
    ("Японското министерство на външните работи съобщи за нови санкции.", "Japanese Foreign Ministry"),
    ("South Korea's military intelligence said more troops were sent.", "South Korean Military Intelligence"),
])
def test_a_generic_institution_next_to_its_country_is_that_countrys(text: str, name: str) -> None:
    found, stated = analyse(text)
    assert [s.name for s in found] == [name]
    assert [f for f in stated if f.kind == "place"] == []  # the country is the source's, not a place


def test_a_country_inside_an_institution_that_is_only_named_stays_a_place() -> None:
    found, stated = analyse("Официальный представитель МИД России Мария Захарова заявила, что встреча отменена.")
    assert [s.name for s in found] == ["Maria Zakharova"]
    assert [f.value for f in stated if f.kind == "place"] == ["Russia"]


@pytest.mark.parametrize(("text", "place"), [
    ("Russian forces captured the village of Novoekonomichne near Pokrovsk.", "Novoekonomichne"),
    ("Бои идут у села Нескучное Донецкой области.", "Neskuchnoye"),
    ("Окупанти обстріляли селище Велика Новосілка.", "Velyka Novosilka"),
    ("Дрон е паднал край селото Нови Искър.", "Novi Iskar"),
])
def test_a_settlement_word_names_a_place_the_gazetteer_does_not_list(text: str, place: str) -> None:
    places = [f.value for f in facts(text) if f.kind == "place"]
    assert any(same_name(p, place) for p in places), places


def test_a_title_between_cue_and_name_belongs_to_the_speaker() -> None:
    text = "Погибли два человека, сообщил глава областной военной администрации Александр Прокудин."
    assert [s.name for s in sources(text)] == ["Aleksandr Prokudin"]
    text = "Про це в інтерв'ю «Суспільному» розповів міністр закордонних справ Андрій Сибіга."
    assert [(s.name, s.role) for s in sources(text)] == [("Suspilne", "channel"), ("Andrii Sybiha", "source")]
    # the institution inside a named official's title is the employer, not a source
    assert [s.name for s in sources("Говорителят на Кремъл Дмитрий Песков заяви, че датата не е определена.")] \
        == ["Dmitry Peskov"]


@pytest.mark.parametrize(("text", "n"), [
    ("атакували п'ятьма ракетами", 5), ("з дев’ятьма дронами", 9), ("перед сімома свідками", 7),
    ("десятью ракетами", 10), ("около четырнадцати беспилотников", 14),
])
def test_number_words_in_every_case(text: str, n: int) -> None:
    assert [f.value if f.kind == "number" else f.value["n"] for f in facts(text) if f.kind in {"number", "quantity"}] \
        == [n]


@pytest.mark.parametrize(("text", "place"), [
    ("Срещата ще бъде в Будапеща.", "Budapest"), ("Лидерите се събраха в Брюксел.", "Brussels"),
    ("Цената на газа в Европа скочи.", "Europe"), ("Посещение във Вилнюс.", "Vilnius"),
])
def test_bulgarian_spellings_of_capitals(text: str, place: str) -> None:
    assert _kinds(text, "place") == [place]


def test_the_country_and_generic_tables_name_what_the_other_tables_hold() -> None:
    from align.analysis.facts import gazetteer
    from align.analysis.institutions import GENERIC, countries

    places = {e.name for e in gazetteer().entries if e.kind == "place"}
    assert [c.name for c in countries() if c.name not in places] == []
    assert {e.name for e in registry().entries if e.kind == "institution"} >= GENERIC


def test_fixes_after_held_out_file_5() -> None:
    # scale words in the plural, Ukrainian genitives, data as a cue, the Bulgarian governor's title
    assert [f.value for f in facts("виробить понад 4 мільйони дронів") if f.kind == "quantity"] \
        == [{"n": 4_000_000, "unit": "drone"}]
    assert _kinds("з прем'єр-міністром Канади", "place") == ["Canada"]
    assert [s.name for s in sources("Инфляция замедлилась, следует из данных Росстата.")] == ["Rosstat"]
    assert [s.name for s in sources("Ранени са 25 души, съобщи областният управител Иван Петров.")] == ["Ivan Petrov"]
    # a possessive country belongs to the institution it owns, which is cited
    found, stated = analyse("Russia's Federal Air Transport Agency said flights at Kazan were suspended.")
    assert [s.name for s in found] == ["Rosaviatsia"]
    assert [f.value for f in stated if f.kind == "place"] == ["Kazan"]


def test_romanisations_of_an_unlisted_name_share_a_fact_row() -> None:
    result = compare_texts("governor Andrei Klychkov said six drones were downed",
                           "губернатор Андрей Клычков сообщил, что сбиты шесть беспилотников")
    assert [f["value"] for f in result["facts"]["agree"] if f["kind"] == "person"] == ["Andrei Klychkov"]
    assert result["facts"]["only_a"] == result["facts"]["only_b"] == []


@pytest.mark.parametrize(("text", "name"), [
    ("The Swiss government said it would host the conference.", "Swiss Government"),
    ("Естонська розвідка оцінює, що Росія відновить сили за два роки.", "Estonian Intelligence"),
    ("Poland scrambled jets, the Polish Operational Command said on X.", "Polish Operational Command"),
    ("Уряд Польщі заявив, що кордон залишиться відкритим.", "Polish Government"),
    ("Правительство Венгрии сообщило о новых поставках газа.", "Hungarian Government"),
])
def test_a_body_every_country_has_is_a_source_with_its_country(text: str, name: str) -> None:
    found, stated = analyse(text)
    assert name in [s.name for s in found]
    assert {s.kind for s in found if s.name == name} == {"institution"}
    assert "Poland" not in [f.value for f in stated if f.kind == "place"] or "Polish" in text


@pytest.mark.parametrize("text", [
    "The government said talks would resume.",  # whose? the story's: no source
    "Правительство выделит области 3,5 млрд рублей, сообщил Михаил Мишустин.",
    "Ukraine's army has pulled back from the town, Zelensky said.",  # not next to the cue: what was said
])
def test_a_body_without_its_country_or_away_from_the_cue_is_not_cited(text: str) -> None:
    names = [s.name for s in sources(text)]
    assert not any(n.endswith(("Government", "Armed Forces")) for n in names), names


def test_passive_and_estimate_cues_attribute() -> None:
    assert [s.name for s in sources("Satellite images analysed by the Associated Press show new graves.")] == ["AP"]
    assert [s.name for s in sources("По оценке ISW, российские войска продвинулись.")] \
        == ["Institute for the Study of War"]


@pytest.mark.parametrize(("text", "name"), [
    ("Зеленський провів розмову з прем'єр-міністром Канади Марком Карні.", "Mark Karni"),
    ("Об этом говорится в заявлении губернатора Олега Кравченко.", "Oleg Kravchenko"),
    ("Встреча с министром Сергеем Ивановым прошла в Анкаре.", "Sergey Ivanov"),
    ("Письмо передали губернатору Игорю Артамонову.", "Igor Artamonov"),
    ("Слова віцепрем'єра Олександра Кубракова.", "Oleksandr Kubrakov"),
])
def test_a_name_after_a_declined_title_is_kept_in_the_nominative(text: str, name: str) -> None:
    people = [f.value for f in facts(text) if f.kind == "person"]
    assert name in people, people


@pytest.mark.parametrize(("text", "place"), [
    ("Putin had no plans to attend the G20 summit in Johannesburg.", "Johannesburg"),
    ("Flights at Nizhnekamsk airport were suspended.", "Nizhnekamsk"),
    ("Губернатор сообщил, что в Рыльске повреждены 14 домов.", "Rylsk"),
    ("Через атаку на Шостку затримуються поїзди.", "Shostka"),
    ("Біля Шостці впав дрон.", "Shostka"),
])
def test_a_town_after_a_preposition_of_place_is_a_place(text: str, place: str) -> None:
    places = [f.value for f in facts(text) if f.kind == "place"]
    assert any(same_name(p, place) for p in places), places


@pytest.mark.parametrize("text", [
    "Talks resumed in October.", "He said it in English and in Ukrainian.", "Nations in Action published it.",
    "Решение было принято в Палате представителей.", "Ночью сообщили в Воздушных силах.",
    "Делегатите на Европейския съюз се събраха.", "Той говори в Камарата на представителите.",
    "Праздник отметили на Рождество.", "His troubles were in Ivey's words serious.",
])
def test_bodies_months_languages_and_titles_after_a_preposition_are_no_places(text: str) -> None:
    assert _kinds(text, "place") == []


def test_a_medium_or_company_named_after_what_it_is_is_a_source() -> None:
    assert [s.name for s in sources("The tanker was boarded in the Baltic, broadcaster Yle reported.")] == ["Yle"]
    found = sources("Moldova has bought gas for the winter, state energy company Energocom said, according to Reuters.")
    assert [s.name for s in found] == ["Energocom", "Reuters"]
    assert [s.kind for s in found] == ["institution", "agency"]
    # a company that is only the subject of what happened is not cited
    assert [s.name for s in sources("The company Energocom bought gas, Reuters reported.")] == ["Reuters"]


def test_what_a_speaker_said_about_an_institution_does_not_cite_it() -> None:
    text = ("The European Commission proposed new sanctions on Russian gas, Commission President "
            "Ursula von der Leyen said.")
    assert [s.name for s in sources(text)] == ["Ursula von der Leyen"]
    text = "Захарова назвала провокацией заявление МИД Эстонии о нарушении воздушного пространства."
    found, stated = analyse(text)
    assert [s.name for s in found] == ["Maria Zakharova"]
    assert [f.value for f in stated if f.kind == "place"] == ["Estonia"]


def test_a_network_between_cue_and_speaker_does_not_hide_the_speaker() -> None:
    text = "Уночі над Черкащиною збили вісім шахедів, повідомив у Telegram голова ОВА Ігор Табурець."
    found, stated = analyse(text)
    assert {s.name for s in found} == {"Telegram", "Ihor Taburets"}
    assert [f.value for f in stated if f.kind == "place"] == ["Cherkasy"]  # Черкащина is the Cherkasy region


def test_a_listed_surname_after_another_first_name_is_someone_else() -> None:
    people = [f.value for f in facts("В Одеса са повредени три кораба, заяви вицепремиерът Алексей Кулеба.")
              if f.kind == "person"]
    assert len(people) == 1 and same_name(people[0], "Oleksii Kuleba"), people
    for text in ("Дмитрий Кулеба заявил это.", "Вчера Кулеба заявил это.", "з Кіром Стармером у Лондоні",
                 "переговоры с Реджепом Тайипом Эрдоганом", "съобщи кметът Игор Терехов"):
        assert [f for f in facts(text) if f.kind == "person" and f.value in {"Dmytro Kuleba", "Keir Starmer",
                "Recep Tayyip Erdogan", "Ihor Terekhov"}], text


@pytest.mark.parametrize(("text", "place"), [
    ("Drones hit the Novoshakhtinsk oil refinery overnight.", "Novoshakhtinsk"),
    ("Жители Курчатова сообщили о взрывах.", "Kurchatov"),
    ("A tanker damaged a cable in the Gulf of Finland.", "Gulf of Finland"),
])
def test_towns_by_their_facilities_and_residents(text: str, place: str) -> None:
    places = [f.value for f in facts(text) if f.kind == "place"]
    assert any(same_name(p, place) for p in places), places


def test_region_adjectives_in_a_list_are_not_towns() -> None:
    places = _kinds("Графіки відключень у Сумській, Полтавській та Харківській областях.", "place")
    assert "Sumy" in places and not any(p.startswith("Sums") for p in places), places


@pytest.mark.parametrize(("text", "name"), [
    ("North Korean troops have suffered 4,000 casualties, South Korea's National Intelligence Service told lawmakers.",
     "National Intelligence Service"),
    ("According to the Norwegian Refugee Council, 300 families fled the town.", "Norwegian Refugee Council"),
    ("The Kyiv School of Economics estimated the damage at 10 billion dollars.", "Kyiv School of Economics"),
    ("Moscow is rearming faster than expected, the Centre for Eastern Studies said.", "Centre for Eastern Studies"),
    ("Officer Pete Hettema of the Pasadena Police Department said two cars burned.", "Pasadena Police Department"),
])
def test_an_english_organisation_the_tables_do_not_list_is_a_source_next_to_its_cue(text: str, name: str) -> None:
    found, stated = analyse(text)
    assert name in [s.name for s in found]
    assert next(s.kind for s in found if s.name == name) == "institution"
    # the possessive country and a place inside the name belong to the name
    assert not {"South Korea", "Kyiv"} & {str(f.value) for f in stated if f.kind == "place"}


@pytest.mark.parametrize("text", [
    "The Norwegian Refugee Council opened an office in Kharkiv, where 300 families live.",  # no cue
    "Speaking at the Munich Security Conference Forum, Zelensky said peace was near.",  # the speaker is someone else
    "The Council on Monday said it would meet.",  # one capitalised word is no organisation's name
    "Норвежский совет по делам беженцев сообщил о 300 семьях.",  # only English names are read this way
])
def test_an_unlisted_organisation_away_from_its_cue_or_without_a_name_is_not_cited(text: str) -> None:
    assert not [s for s in sources(text) if s.kind == "institution"]


def test_a_title_or_a_person_ends_an_organisations_name() -> None:
    found, stated = analyse("Leaders agreed on aid, European Council President Antonio Costa wrote on X.")
    assert "Antonio Costa" in [s.name for s in found]
    assert "Antonio Costa" in [f.value for f in stated if f.kind == "person"]


@pytest.mark.parametrize(("text", "name"), [
    ("Как сообщает ОБСЕ, наблюдатели зафиксировали обстрел.", "OSCE"),
    ("Световната здравна организация съобщи за 12 атаки срещу болници.", "World Health Organization"),
    ("За даними Міжнародного комітету Червоного Хреста, 300 людей зникли безвісти.",
     "International Committee of the Red Cross"),
    ("Amnesty International accused both sides of endangering civilians.", "Amnesty International"),
])
def test_international_organisations_are_listed_in_every_language(text: str, name: str) -> None:
    assert name in [s.name for s in sources(text)]


@pytest.mark.parametrize(("text", "place"), [
    ("Russian forces have advanced near Kurakhove and Velyka Novosilka, analysts said.", "Velyka Novosilka"),
    ("Прикордонники зафіксували спробу прориву біля Великої Писарівки.", "Velyka Pysarivka"),
    ("Взрывы прогремели около Старого Оскола.", "Staryy Oskol"),
    ("Дроны атаковали объекты в Рыльске и Курчатове.", "Kurchatov"),
    ("Жителі Шостки повідомили про вибухи.", "Shostka"),
    ("Мешканці Курахового повідомили про вибухи.", "Kurakhove"),
])
def test_two_word_towns_towns_in_a_list_and_residents_in_the_genitive(text: str, place: str) -> None:
    places = [f.value for f in facts(text) if f.kind == "place"]
    assert place in places, places


def test_russian_text_with_a_hard_sign_is_spelled_as_russian() -> None:
    # "объекты" has a ъ, which alone once made the text Bulgarian (Рыльске → Rylyske)
    assert "Rylsk" in _kinds("Дроны атаковали объекты в Рыльске.", "place")


@pytest.mark.parametrize("text", [
    "Отказались нападать на Цукерберга и Дорси.",  # a person taken by the verb
    "Перейдите по ссылке, отправленного на   Отправить еще раз",  # a verb
    "Лидерът на Партията за независимост на Обединеното кралство, Фараж, се опита да убеди Мей.",  # "на" is "of"
])
def test_persons_and_verbs_after_a_preposition_or_in_a_list_are_not_towns(text: str) -> None:
    places = _kinds(text, "place")
    assert not [p for p in places if p.startswith(("Tsuk", "Otpr", "Fara"))], places


def test_an_institution_far_from_a_cue_that_has_its_own_source_is_not_cited() -> None:
    text = "По данным ФСБ, в Краснодарском крае задержан местный житель, передававший СБУ координаты военных объектов."
    assert [s.name for s in sources(text)] == ["FSB"]
    # alone with a cue, a far institution is still the one that said it
    text = "The Russian Defence Ministry, in a long statement published on its website on Tuesday evening, said it hit depots."
    assert "Russian Defence Ministry" in [s.name for s in sources(text)]


def test_fixes_after_held_out_file_7() -> None:
    found = {s.name for s in sources("Жители Туапсе сообщили о взрывах, пишет Telegram-канал «Астра».")}
    assert found == {"Astra", "Telegram"}  # a Telegram channel named after what it is
    found = {s.name for s in sources("Военкор Александр Коц написал в своем Telegram-канале, что ВСУ наступают.")}
    assert "Aleksandr Kots" in found  # who else news quotes by name: reporters, bloggers, analysts
    # a one-word name gives way to a full name further on ("Сил" is what the spokesman speaks for)
    found, stated = analyse("Про це розповів речник Сил оборони півдня Владислав Волошин.")
    assert [s.name for s in found] == ["Vladyslav Voloshyn"]
    assert [f.value for f in stated if f.kind == "person"] == ["Vladyslav Voloshyn"]
    assert not [f for f in facts("Польща закриє ще один пункт пропуску.") if f.kind in {"number", "quantity"}]
    assert [s.name for s in sources("Кремъл не коментира информацията, публикувана от Politico.")] == ["Politico"]
    assert "Peter Szijjarto" in [s.name for s in sources("Петер Сиярто каза пред ТАСС, че няма да подкрепи санкции.")]
    assert "State Agency for Refugees" in [s.name for s in sources("Бежанците са 78 000, съобщи ДАБ.")]
    assert "State Statistics Service of Ukraine" in [
        s.name for s in sources("За даними Державної служби статистики, населення скоротилося.")]
    # the Kharkiv region has one name in every language
    for text in ("Без ток в Харковска област.", "Без света в Харьковской области.", "Без світла в Харківській області."):
        assert _kinds(text, "place") == ["Kharkiv region"], text


def test_a_source_citing_another_keeps_both() -> None:
    text = "Як повідомляє Укрінформ з посиланням на Генштаб, бої тривають поблизу Покровська та Мирнограда."
    found, stated = analyse(text)
    assert {s.name for s in found} == {"Ukrinform", "General Staff of Ukraine"}
    # whom a report cites is no town; "поблизу" is a preposition of place, and a list goes on after it
    assert sorted(str(f.value) for f in stated if f.kind == "place") == ["Myrnohrad", "Pokrovsk"]
    assert not _kinds("Цены выросли на 5%, сообщает РБК со ссылкой на Белстат.", "place")
    found = {s.name for s in sources("Reuters, citing Foreign Minister Andrii Sybiha, said talks stalled.")}
    assert found == {"Reuters", "Andrii Sybiha"}


@pytest.mark.parametrize(("text", "name"), [
    ("Уряд повідомив про нові виплати переселенцям.", "Ukrainian Government"),
    ("Міненерго повідомило про аварійні відключення.", "Ukrainian Energy Ministry"),
    ("Прикордонна служба повідомила про затримання.", "State Border Guard Service of Ukraine"),
])
def test_an_institution_without_its_country_in_ukrainian_news_is_ukraines(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


def test_an_institution_without_its_country_elsewhere_stays_without_one() -> None:
    assert sources("Правительство заявило о новых выплатах.") == []  # Russian is written on both sides
    assert [s.name for s in sources("Минэнерго сообщило об отключениях.")] == ["Energy Ministry"]


def test_the_evaluation_takes_a_listed_spelling_as_the_listed_name() -> None:
    row = {"text": "В Энергодаре после обстрела без света остались люди.", "sources": [], "numbers": [],
           "places": ["Energodar"], "people": []}
    assert field_scores([row])["places"][:2] == (1.0, 1.0)


@pytest.mark.parametrize(("text", "name"), [
    ("Андрей Кравченко сообщил, что повреждены три дома.", "Andrey Kravchenko"),
    ("Three houses were damaged, Andriy Kravchenko said.", "Andriy Kravchenko"),
    ("Про порушення заявив Дмитро Лубінець.", "Dmytro Lubinets"),
    ("Иван Петров каза, че войната ще продължи.", "Ivan Petrov"),
    ("Владимир Владимирович Путин заявил это.", "Vladimir Putin"),
])
def test_a_given_name_and_a_surname_name_a_person_the_tables_do_not_list(text: str, name: str) -> None:
    found, stated = analyse(text)
    assert any(same_name(s.name, name) for s in found), found
    assert any(same_name(str(f.value), name) for f in stated if f.kind == "person"), stated


@pytest.mark.parametrize("text", [
    "Michael said nothing.",  # a given name alone
    "Victoria Police said two people died.",  # a place and a body, not a person
])
def test_a_given_name_without_a_surname_in_the_nominative_names_nobody_new(text: str) -> None:
    assert _kinds(text, "person") == []


@pytest.mark.parametrize(("text", "name"), [
    ("Слова Александра Дубинского прозвучали вчера.", "Aleksandr Dubinskiy"),  # Alexander's, not Aleksandra
    ("По словам Андрея Кравченко, повреждены три дома.", "Andrey Kravchenko"),
    ("Встреча с Сергеем Шойгу прошла в Минске.", "Sergei Shoigu"),
    ("За словами Андрія Єрмака, переговори тривають.", "Andriy Yermak"),
])
def test_a_declined_given_name_and_surname_are_put_back_in_the_nominative(text: str, name: str) -> None:
    people = _kinds(text, "person")
    assert len(people) == 1 and same_name(str(people[0]), name), people


def test_a_possessive_is_not_part_of_a_surname() -> None:
    assert _kinds("David Stern's team said it would appeal.", "person") == ["David Stern"]


def test_fixes_after_held_out_file_8() -> None:
    assert 13e12 in [numeric_value(f) for f in facts("бюджет на оборону вырастет до 13 трлн рублей")]
    assert "Ust-Luga" in _kinds("обломки упали на территории порта Усть-Луга", "place")
    assert "Anapa" in _kinds("an oil slick off the coast of Anapa", "place")
    assert "Kerch Strait" in _kinds("two tankers sank in the Kerch Strait", "place")
    # a given name after "of the city" is the mayor, not a town
    assert _kinds("повідомив мер міста Ігор Терехов", "place") == []
    # what a title is the title of is no name, nor is a listed person's first name or a party in quotes
    assert _kinds("Андрій Коваленко, керівник Центру протидії дезінформації, заявив це.", "person") == [
        "Andrii Kovalenko"]
    assert _kinds("Председателят на Европейската комисия Урсула фон дер Лайен обяви пакет.", "person") == [
        "Ursula von der Leyen"]
    assert [s.name for s in sources("Депутатът от „Възраждане“ Костадин Костадинов заяви, че ще гласува.")] == [
        "Kostadin Kostadinov"]
    # an appeal is no attribution (the convention of the first file)
    assert sources("Лидер ЛДПР Леонид Слуцкий призвал ответить на удары.") == []
    # an agreement named after a place is no place
    assert _kinds("Latvia would leave the Ottawa Convention.", "place") == ["Latvia"]
    assert _kinds("Минские соглашения не выполнены.", "place") == []


def test_a_name_with_its_title_set_off_by_commas_is_the_speaker() -> None:
    text = "Андрій Коваленко, керівник Центру протидії дезінформації, заявив, що Росія поширює фейки."
    assert [s.name for s in sources(text)] == ["Andrii Kovalenko"]
    assert [s.name for s in sources("Oleh Syniehubov, the regional governor, said two were hurt.")] == [
        "Oleh Syniehubov"]
    # a short clause set off by commas is an aside: the sentence's subject is still its speaker; a long
    # one (over NEAR characters) hides the speaker from a cue that far away
    assert [s.name for s in sources("Oleh Syniehubov, who visited the site on Monday evening, said two were hurt.")] \
        == ["Oleh Syniehubov"]
    assert sources("Oleh Syniehubov, who visited the site on Monday evening with rescuers and police from the "
                   "neighbouring districts, said two were hurt.") == []


@pytest.mark.parametrize(("text", "name"), [
    ("Greenpeace said satellite images showed an oil slick.", "Greenpeace"),
    ("Human rights group Memorial said at least 1,300 people are prosecuted.", "Memorial"),
])
def test_one_capitalised_word_before_its_verb_is_the_speaker(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


@pytest.mark.parametrize("text", ["Officials said two died.", "It said two died.", "Witnesses told reporters.",
                                  "Police said two died.", "Monday said nothing."])
def test_pronouns_plurals_and_common_heads_before_a_verb_are_no_speakers(text: str) -> None:
    assert sources(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Російські війська обстріляли Херсон, повідомила Херсонська ОВА.", "Kherson Regional Military Administration"),
    ("За даними Харківської обласної військової адміністрації, поранено двох.",
     "Kharkiv Regional Military Administration"),
    ("A drone entered the airspace, the defence ministry in Bucharest said.", "Romanian Defence Ministry"),
])
def test_regional_administrations_and_ministries_by_their_capital(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


def test_a_listed_place_or_body_before_a_surname_is_no_first_name() -> None:
    found, facts_found = analyse("Според Кремъл Путин и Тръмп може да се срещнат в Будапеща.")
    assert [s.name for s in found] == ["Kremlin"]
    assert {str(f.value) for f in facts_found if f.kind == "person"} == {"Vladimir Putin", "Donald Trump"}


@pytest.mark.parametrize(("text", "names"), [
    ("Kremlin spokesman Dmitry Peskov said Putin will travel to India.", ["Dmitry Peskov"]),
    ("According to Kremlin spokesman Dmitry Peskov, the talks will continue.", ["Dmitry Peskov"]),
    ("White House press secretary Karoline Leavitt said Trump will travel.", ["Karoline Leavitt"]),
])
def test_a_title_belongs_to_one_speaker_and_its_employer_does_not_stand_between(text: str, names: list[str]) -> None:
    assert [s.name for s in sources(text)] == names


@pytest.mark.parametrize(("text", "name"), [
    ("Спецпосланник прилетел в Санкт-Петербург, сообщает «Фонтанка».", "Fontanka"),
    ("Уряд підвищить акциз на пальне, як пише «Економічна правда».", "Ekonomichna pravda"),
    ("Бюджетът ще бъде приет до края на месеца, съобщи „Капитал“.", "Kapital"),
])
def test_a_quoted_name_a_reporting_verb_has_as_subject_is_a_medium(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


def test_a_quoted_thing_handed_over_is_no_medium() -> None:
    assert sources("Германия передаёт «Пэтриот» Украине, заявил министр.") == []


def test_fixes_after_held_out_10_hold_in_general() -> None:
    found, stated = analyse("Ukraine's national energy company Ukrenergo said power cuts would return in Kyiv.")
    assert [s.name for s in found] == ["Ukrenergo"] and {str(f.value) for f in stated} == {"Kyiv"}
    found, stated = analyse("Президентът Еманюел Макрон каза пред Франс 24, че Европа трябва да преговаря.")
    assert [s.name for s in found] == ["Emmanuel Macron", "France 24"]
    assert not [f for f in stated if f.kind == "number"]  # the 24 is the channel's name
    assert [s.name for s in sources("The ministry said in a statement that two drones were downed.")] == []
    assert [s.name for s in sources("Глава Роскомнадзора Андрей Липов заявил, что блокировки продолжатся.")] == [
        "Andrey Lipov"]
    assert [s.name for s in sources("Росіяни обстріляли Нікополь, повідомили в Дніпропетровській ОВА.")] == [
        "Dnipropetrovsk Regional Military Administration"]
    spokesman = sources("По думите на говорителя на украинските военноморски сили Дмитро Плетенчук флотът е изтеглен.")
    assert len(spokesman) == 1 and same_name(spokesman[0].name, "Dmytro Pletenchuk")


@pytest.mark.parametrize(("text", "names"), [
    ("Глава МИД Финляндии Элина Валтонен в интервью Yle заявила, что граница останется закрытой.",
     ["Elina Valtonen", "Yle"]),
    ("Канцлер Фрідріх Мерц в інтерв'ю ZDF заявив, що Берлін готовий допомогти.", ["Friedrich Merz", "ZDF"]),
])
def test_an_interview_given_to_a_medium_in_latin_letters_names_the_channel(text: str, names: list[str]) -> None:
    assert [s.name for s in sources(text)] == names


@pytest.mark.parametrize(("text", "name"), [
    ("Трамп часто подчеркивает, что у него хорошие отношения с Москвой.", "Donald Trump"),
    ("«Мы только начали», — говорит Дмитрий Песков.", "Dmitry Peskov"),
    ("Президент Володимир Зеленський заявляє, що Київ готовий до переговорів.", "Volodymyr Zelensky"),
    ("Росія не припиняє обстріли, каже Володимир Зеленський.", "Volodymyr Zelensky"),
    ("Лондон няма да запази достъпа си до пазара, посочва Ройтерс.", "Reuters"),
    ("Войната ще продължи, казва Владимир Путин.", "Vladimir Putin"),
    ("Kyiv needs more air defence, Zelensky says.", "Volodymyr Zelensky"),
    ("Путин признал, что переговоры зашли в тупик.", "Vladimir Putin"),
])
def test_verbs_of_saying_in_both_aspects_and_the_present_are_cues(text: str, name: str) -> None:
    assert [s.name for s in sources(text)] == [name]


@pytest.mark.parametrize("text", [
    "Штаб Трампа заявил, что будет требовать пересчёта голосов.",
    "Адміністрація Трампа заявила про коротший термін продовження угоди.",
    "Trump's campaign said the count was rigged.",
    "Пресс-секретарь Путина заявил, что встречи не будет.",
    "Пенс объяснил Трампу, почему не выйдет изменить результаты.",
    "Болсонаро е един от последните лидери, признали победата на Байдън.",
    "Ще говорят и министърът на търговията Лиъм Фокс и Дейвид Лидингтън.",
])
def test_whose_staff_spoke_whom_someone_spoke_to_and_recognition_are_no_speakers(text: str) -> None:
    assert not {"Donald Trump", "Vladimir Putin", "Joe Biden"} & {s.name for s in sources(text)}
    assert not any("Fox" in s.name or "Foks" in s.name for s in sources(text))


def test_a_speaker_after_the_owner_of_a_title_still_speaks() -> None:
    assert [s.name for s in sources("Пресс-секретарь Путина Дмитрий Песков заявил, что встречи не будет.")] == [
        "Dmitry Peskov"]
    assert [s.name for s in sources("Сергей Шойгу сказал, что армия готова.")] == ["Sergei Shoigu"]


def test_fixes_after_held_out_19_hold_in_general() -> None:
    assert [s.name for s in sources("Pedro Sanchez told Spanish radio Cadena SER that Madrid would send more aid.")] == [
        "Pedro Sanchez", "Cadena SER"]
    # who the unnamed media's cue belongs to: nobody the sentence names
    assert sources("Latvia's interior ministry expelled two diplomats after the incident, local media reported.") == []
    # what a speaker declined to comment on is not who spoke
    assert [s.name for s in sources("Дмитрий Песков отказа да коментира публикацията на Ройтерс.")] == ["Dmitry Peskov"]
    # "told reporters" is one cue: a speaker after it and a place is still next to it
    told = sources("Това заяви пред журналистите в Киев външният министър Андрий Сибиха.")
    assert [s.name for s in told] == ["Andrii Sybiha"]
    found, stated = analyse("Руски кораб е ударен, съобщи Главното разузнавателно управление на Украйна.")
    assert [s.name for s in found] == ["Ukrainian Military Intelligence"] and not [f for f in stated if f.kind == "place"]
