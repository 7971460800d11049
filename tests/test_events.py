"""Events on real-news terms: evidence beyond the vector, no chaining, days apart, stories split differently."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.analysis.attribution import registry
from align.analysis.entities import name_keys, names
from align.events.evidence import Profile, Rarity, compare, profile
from align.events.model import LinkModel
from align.events.score import FEATURES
from align.pipeline import Align

TABLE = registry()


def _event_of(events: list[dict]) -> dict[str, str]:
    return {m["article_id"]: e["event_id"] for e in events for m in e["members"]}


def _ingest(app: Align, tmp_path: Path, rows: list[dict]) -> list[dict]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = app.ingest([src])
    assert not report.problems, report.problems
    app.build()
    return app.match()


# -- evidence, one kind at a time ---------------------------------------------------------------------
def test_names_meet_across_scripts_and_cases() -> None:
    assert name_keys(["Джоковича"], "ru") == name_keys(["Djokovic"], "en")
    assert name_keys(["Лондоне"], "ru") == name_keys(["London"], "en")
    assert name_keys(["Клычкова"], "ru") == name_keys(["Klychkov"], "en")
    assert name_keys(["Трамп"], "uk") == name_keys(["Trump"], "en") != name_keys(["Байден"], "uk")
    # sentence starts, months and Title Case headlines give no names
    assert names("Monday was calm. Police in Tula said nothing.\n\nDrones Hit Oil Depot Near Town") == ["Tula"]


def _profiles(*texts: tuple[str, str]) -> list[Profile]:
    return [profile(text, lang, TABLE) for text, lang in texts]


SAME_A = ("Air defences downed six drones over the Oryol and Tula regions on September 5, governor "
          "Andrei Klychkov said; 120 homes lost power.", "en")
SAME_B = ("Губернатор Андрей Клычков сообщил, что 5 сентября над Орловской и Тульской областями сбиты "
          "шесть беспилотников, без света остались 120 домов.", "ru")
OTHER_DAY = ("Air defences downed four drones over the Belgorod region on October 27, governor Vyacheslav "
             "Gladkov said.", "en")


def test_shared_names_numbers_and_dates_are_evidence() -> None:
    a, b, c = _profiles(SAME_A, SAME_B, OTHER_DAY)
    rarity = Rarity.of([a, b, c])
    same = compare(a, b, rarity)
    assert {"Oryol", "Tula", "Andrei"} <= set(same.shared) and "120" in same.shared
    assert same.conflicts == ()
    apart = compare(a, c, rarity)
    assert "drone: 6 vs 4" in apart.conflicts and any(x.startswith("dates:") for x in apart.conflicts)
    features = dict(zip(FEATURES[-7:], same.features, strict=True))
    other = dict(zip(FEATURES[-7:], apart.features, strict=True))
    assert features["ents_jaccard"] > other["ents_jaccard"] and features["numbers_shared"] > other["numbers_shared"]
    assert other["quantity_conflict"] == 1 and other["dates_conflict"] == 1 and features["dates_shared"] == 1


def test_a_rare_shared_name_weighs_more_than_a_common_one() -> None:
    common = [profile(f"Ukraine said a report number {i} was filed.", "en", TABLE) for i in range(20)]
    a, b = _profiles(("Ukraine and Malta hosted talks with Yermak.", "en"), ("Ukraine and Malta met.", "en"))
    rarity = Rarity.of([*common, a, b])
    assert rarity.weight("g:Malta") > rarity.weight("g:Ukraine")


@pytest.mark.parametrize("part", ["entities", "numbers", "dates"])
def test_each_kind_of_evidence_moves_the_link_probability(part: str) -> None:
    """Two pairs alike in every similarity feature: agreement raises the probability, conflict lowers it."""
    model = LinkModel.packaged()
    texts = {
        "entities": (("Talks on grain in Sochi: Erdogan met Putin.", "en"), ("Erdogan and Putin met in Sochi.", "en"),
                     ("Talks on grain in Ankara: Fidan met Lavrov.", "en")),
        "numbers": (("The strike damaged 1,450 tonnes of grain.", "en"), ("1,450 tonnes of grain were damaged.", "en"),
                    ("The strike damaged 3,200 tonnes of grain.", "en")),
        "dates": (("Six drones were downed on September 5.", "en"), ("On September 5 six drones were downed.", "en"),
                  ("Six drones were downed on October 27.", "en")),
    }[part]
    a, b, c = _profiles(*texts)  # a and b agree; a and c conflict
    rarity = Rarity.of([a, b, c])
    similar = [0.62, 0.6, 1.0, 0.2, 0.05, 0.0, 1.0, 0.1, 3.5]  # cosine ... shorter, as FEATURES orders them
    p_agree = model.probability(np.asarray([similar + list(compare(a, b, rarity).features)]))[0]
    p_conflict = model.probability(np.asarray([similar + list(compare(a, c, rarity).features)]))[0]
    assert p_agree > p_conflict + 0.05, (part, p_agree, p_conflict)


# -- events ---------------------------------------------------------------------------------------------
STORIES = {
    # one topic (the Black Sea grain corridor), three stories, five outlets in four languages
    "ship": [
        ("Frontline Live", "en", "A bulk carrier loaded with 30,000 tonnes of Ukrainian wheat left the port of Odesa "
         "on Tuesday through the new Black Sea corridor, heading for Egypt, the port authority said."),
        ("Balkan Daily", "en", "The ship Aroyat sailed from Odesa with about 30,000 tonnes of wheat bound for Egypt, "
         "the first grain cargo to use Ukraine's new shipping corridor this week."),
        ("Moskovsky Vestnik", "ru", "Сухогруз с 30 тысячами тонн украинской пшеницы вышел из порта Одессы по новому "
         "черноморскому коридору и направляется в Египет, сообщила администрация порта."),
        ("Kyiv Courier", "uk", "Судно з 30 тисячами тонн пшениці вийшло з порту Одеси новим коридором у Чорному "
         "морі й прямує до Єгипту, повідомила адміністрація порту."),
        ("Novini BG", "bg", "Кораб с 30 хиляди тона украинска пшеница отплава от пристанището на Одеса по новия "
         "коридор в Черно море и се отправи към Египет, съобщиха от пристанището."),
    ],
    "talks": [
        ("Frontline Live", "en", "Turkish President Recep Tayyip Erdogan said he will press Vladimir Putin to revive "
         "the Black Sea grain deal when the two leaders meet in Sochi next Monday."),
        ("Balkan Daily", "en", "Erdogan is to travel to Sochi next week for talks with Putin, hoping to persuade "
         "Moscow to return to the grain agreement, Ankara said."),
        ("Moskovsky Vestnik", "ru", "Президент Турции Реджеп Тайип Эрдоган заявил, что на встрече с Владимиром "
         "Путиным в Сочи в следующий понедельник будет добиваться возобновления зерновой сделки."),
        ("Kyiv Courier", "uk", "Ердоган наступного тижня поїде до Сочі на переговори з Путіним і спробує "
         "переконати Москву повернутися до зернової угоди, заявили в Анкарі."),
        ("Novini BG", "bg", "Ердоган ще пътува до Сочи следващата седмица за разговори с Путин и ще настоява "
         "за възобновяване на зърнената сделка, съобщиха от Анкара."),
    ],
    "silos": [
        ("Frontline Live", "en", "Russian drones struck grain silos in the Danube port of Izmail overnight, destroying "
         "about 40,000 tonnes of grain, the Odesa regional governor Oleh Kiper said."),
        ("Balkan Daily", "en", "An overnight drone attack on Izmail on the Danube hit grain storage and destroyed "
         "roughly 40,000 tonnes of grain, governor Oleh Kiper reported."),
        ("Moskovsky Vestnik", "ru", "Ночью беспилотники атаковали зернохранилища в дунайском порту Измаил, "
         "уничтожено около 40 тысяч тонн зерна, сообщил губернатор Олег Кипер."),
        ("Kyiv Courier", "uk", "Уночі дрони атакували зерносховища в дунайському порту Ізмаїл, знищено близько "
         "40 тисяч тонн зерна, повідомив голова ОВА Олег Кіпер."),
        ("Novini BG", "bg", "Дронове удариха през нощта зърнохранилища в дунавското пристанище Измаил и "
         "унищожиха около 40 хиляди тона зърно, съобщи губернаторът Олег Кипер."),
    ],
}


def test_three_stories_of_one_topic_in_five_outlets_stay_three_events(app: Align, tmp_path: Path) -> None:
    rows = [{"outlet": outlet, "id": f"{story}-{n}", "lang": lang, "published": "2023-09-05", "text": text}
            for story, versions in STORIES.items() for n, (outlet, lang, text) in enumerate(versions)]
    event = _event_of(_ingest(app, tmp_path, rows))
    for story in STORIES:
        assert len({event[f"{story}-{n}"] for n in range(5)}) == 1, story  # each story is one event...
    assert len({event[f"{story}-0"] for story in STORIES}) == 3  # ...and the three never chain into one


def test_the_same_kind_of_report_on_another_day_is_another_event(app: Align, tmp_path: Path) -> None:
    rows = [
        {"outlet": "Wire A", "id": "a1", "published": "2023-10-01", "text": "Russian air defences shot down six "
         "Ukrainian drones over the Kursk region overnight, the defence ministry said."},
        {"outlet": "Wire B", "id": "b1", "published": "2023-10-01", "text": "Над Курской областью ночью сбиты шесть "
         "украинских беспилотников, сообщило Минобороны России."},
        {"outlet": "Wire A", "id": "a2", "published": "2023-10-03", "text": "Russian air defences shot down four "
         "Ukrainian drones over the Belgorod region overnight, the defence ministry said."},
        {"outlet": "Wire B", "id": "b2", "published": "2023-10-03", "text": "Над Белгородской областью ночью сбиты "
         "четыре украинских беспилотника, сообщило Минобороны России."},
    ]
    event = _event_of(_ingest(app, tmp_path, rows))
    assert event["a1"] == event["b1"] and event["a2"] == event["b2"]
    assert event["a1"] != event["a2"]


def test_a_story_in_three_sections_joins_the_same_story_told_in_one(app: Align, tmp_path: Path) -> None:
    sections = ("Удар по Измаилу\n\n"
                "Ночью российские беспилотники атаковали дунайский порт Измаил в Одесской области. Губернатор Олег "
                "Кипер сообщил, что удар пришелся по зернохранилищам.\n\n"
                "Потери зерна\n\n"
                "По словам Кипера, в Измаиле уничтожено около 40 тысяч тонн зерна, которое предназначалось для "
                "Египта и Китая.\n\n"
                "Реакция Киева\n\n"
                "В Киеве назвали атаку на Измаил ударом по мировой продовольственной безопасности и призвали "
                "партнеров усилить противовоздушную оборону Одесской области.")
    whole = ("Russian drones attacked the Danube port of Izmail in the Odesa region overnight and hit grain silos, "
             "governor Oleh Kiper said. About 40,000 tonnes of grain meant for Egypt and China were destroyed in "
             "Izmail, Kiper said. Kyiv called the attack on Izmail a blow to world food security and asked partners "
             "for more air defence for the Odesa region.")
    rows = [{"outlet": "Moskovsky Vestnik", "id": "ru-sections", "lang": "ru", "published": "2023-09-06",
             "text": sections},
            {"outlet": "Frontline Live", "id": "en-whole", "lang": "en", "published": "2023-09-06", "text": whole}]
    events = _ingest(app, tmp_path, rows)
    parts = [m for e in events for m in e["members"] if m["article_id"] == "ru-sections"]
    assert len(parts) == 3  # the Russian article is three segments...
    event = _event_of(events)
    assert {e["event_id"] for e in events if any(m["article_id"] == "ru-sections" for m in e["members"])} == \
        {event["en-whole"]}  # ...all three in the one event of the English report
    joined = next(e for e in events if e["event_id"] == event["en-whole"])
    assert all(m["evidence"] for m in joined["members"])  # each member says why it was joined
