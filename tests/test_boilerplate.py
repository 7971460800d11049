"""Page furniture: found by seed patterns in four languages and by repetition, never matched, text kept."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.pipeline import Align
from align.text.boilerplate import paragraph_key, seed_reason

FOOTER = ("Вестник Приволжья — ваш надёжный спутник в мире событий Самары, Тольятти и Сызрани с 1998 года, "
          "мы рассказываем о главном без спешки.")
STORIES = [
    "В Самаре открыли новый мост через реку Самару, движение по нему начнётся в понедельник.",
    "В Тольятти завершили ремонт городской больницы, в ней появились две новые операционные.",
    "Сызранский нефтезавод сообщил о плановой остановке одной из установок на три недели.",
    "Жители Чапаевска пожаловались на перебои с горячей водой в нескольких микрорайонах.",
    "В Новокуйбышевске прошёл фестиваль уличной музыки, на него пришли около пяти тысяч человек.",
]


def _article(n: int) -> dict[str, str]:
    story = STORIES[n % len(STORIES)].replace(".", f" Это сообщение номер {n} о событиях недели {n // 5 + 1}.")
    return {"outlet": "Вестник Приволжья", "id": f"vp-{n}", "published": f"2023-09-{1 + n // 4:02d}",
            "text": f"{story}\n\n{FOOTER}"}


def _ingest(app: Align, path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert not app.ingest([path]).problems
    app.build()


def test_a_sites_footer_is_learned_and_left_out_of_matching_after_the_first_few(app: Align, tmp_path: Path) -> None:
    """Twenty articles arrive one at a time (four a day); the footer they share is matched while
    the site has four articles of one day, and from the first article of the second day on it is
    furniture: left out of every article's matching text, the first ones embedded again."""
    rows = [_article(n) for n in range(20)]
    before = None
    for n, row in enumerate(rows):
        _ingest(app, tmp_path / f"{n}.jsonl", [row])
        first = app.store.segment("vp-0:0")
        if n < 4:
            assert FOOTER in first.matching, n  # one day of articles: could still be one day's news
            before = app.store.vectors_of([first.rowid])[0][0]
        else:
            assert FOOTER not in first.matching, n
    for n in range(20):
        seg = app.store.segment(f"vp-{n}:0")
        assert FOOTER not in seg.matching and seg.matching.startswith(STORIES[n % 5][:20])
        assert app.store.article(f"vp-{n}")["text"] == rows[n]["text"]  # the article text itself is untouched
        assert json.loads(seg.removed or "[]") == [{"text": FOOTER, "why": "repeats in 5 articles of Вестник Приволжья"}]
    again = app.store.segment("vp-0:0")  # the first article was embedded again without its footer
    assert before is not None and not np.allclose(app.store.vectors_of([again.rowid])[0][0], before)
    assert app.index.problems() == []
    view = app.segment_view("vp-7:0")
    assert view["removed"] and view["removed"][0]["text"] == FOOTER
    events = app.match()
    assert all(FOOTER not in m["text"] or len(e["members"]) == 1 for e in events for m in e["members"])
    assert max(len(e["members"]) for e in events) <= 4  # the footer no longer pulls the site's stories together


@pytest.mark.parametrize(("kind", "text"), [
    ("legal notice", "Использование любых материалов, размещённых на сайте, разрешается при условии ссылки на наш сайт."),
    ("legal notice", "Всички текстове, публикувани в сайта, са собственост на издателя и са под закрила на Закона "
                     "за авторското право."),
    ("registration notice", "Свидетельство о регистрации СМИ Эл № ФС77-57640 выдано Роскомнадзором."),
    ("contact", "Главный редактор: Иванова А. В. Адрес редакции: Москва, улица Примерная, 1."),
    ("comment form", "Ваш e-mail не будет опубликован. Обязательные поля помечены *"),
    ("comment form", "Your email address will not be published. Required fields are marked *"),
    ("subscription appeal", "Підписуйтесь на наш канал у Telegram, щоб першими дізнаватися новини."),
    ("subscription appeal", "Абонирайте се за нашия бюлетин във Viber и Telegram."),
    ("photo or video credit", "Фото: Reuters"),
    ("photo or video credit", "Снимка: БТА"),
    ("cookie notice", "Този сайт използва бисквитки, за да подобри вашето изживяване."),
    ("error report", "Заметили ошибку? Выделите её и нажмите Ctrl+Enter."),
])
def test_seed_patterns_know_furniture_in_four_languages(kind: str, text: str) -> None:
    assert seed_reason(text, 600) == kind


@pytest.mark.parametrize("text", [
    "Роскомнадзор заблокировал доступ к сайту издания, сообщило агентство Интерфакс.",
    "The editor-in-chief of the newspaper was detained in Moscow on Tuesday.",
    "Фото на паспорт стали делать по новым правилам, сообщило МВД.",
    "Украинските власти съобщиха, че над Одеса са свалени шест дрона.",
])
def test_news_that_mentions_such_words_is_not_furniture(text: str) -> None:
    assert seed_reason(text, 600) is None


def test_keys_ignore_numbers_in_short_lines_only() -> None:
    assert paragraph_key("Смотреть видео 01:56") == paragraph_key("смотреть видео 26:07")
    long_a = "Drones attacked Kursk overnight; officials said 5 buildings were damaged and 2 people were hurt there."
    assert paragraph_key(long_a) != paragraph_key(long_a.replace("5 buildings", "7 buildings"))


def test_a_segment_of_furniture_never_becomes_or_joins_an_event(app: Align, tmp_path: Path) -> None:
    notice = "Свидетельство о регистрации СМИ Эл № ФС77-{n} выдано Роскомнадзором. Главный редактор: А. Иванов."
    news = ["Над Курской областью ночью сбиты шесть беспилотников, сообщил губернатор Роман Старовойт.",
            "Губернатор Роман Старовойт: этой ночью ПВО уничтожила над Курской областью шесть дронов.",
            "Шесть украинских беспилотников перехвачены ночью в небе над Курской областью, заявил Старовойт."]
    rows = [{"outlet": f"Site {n}", "id": f"s{n}", "published": "2023-09-05",
             "text": f"Беспилотники над Курском\n\n{news[n]}\n\nО редакции сайта\n\n{notice.format(n=1000 + n)}\n\n"
                     f"Правила для комментариев\n\nВаш e-mail не будет опубликован на сайте."} for n in range(3)]
    _ingest(app, tmp_path / "in.jsonl", rows)
    furniture = [s for s in app.store.segments() if s.furniture]
    assert furniture and all(not s.embedded for s in furniture)
    events = app.match()
    members = {m["segment_id"] for e in events for m in e["members"]}
    assert members.isdisjoint({s.id for s in furniture})
    news = next(e for e in events if any(m["segment_id"] == "s0:0" for m in e["members"]))
    assert {m["article_id"] for m in news["members"]} == {"s0", "s1", "s2"}
    article = app.article_view("s0")
    assert [s["segment_id"] for s in article["segments"]] == ["s0:0", "s0:1", "s0:2"]  # still part of its article
