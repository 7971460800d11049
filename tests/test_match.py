import json
from pathlib import Path

from align.demo import pair_scores
from align.events.link import calibrate
from align.pipeline import Align
from align.settings import Settings

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"


def _event_of(events: list[dict]) -> dict[str, str]:
    return {m["segment_id"]: e["event_id"] for e in events for m in e["members"]}


def test_demo_events_match_the_expected_file(demo: tuple[Align, list[dict]]) -> None:
    _, events = demo
    expected = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))["segments"]
    assert set(_event_of(events)) == set(expected)
    assert pair_scores(events, expected) == (1.0, 1.0)


def test_similar_events_on_different_days_stay_apart(demo: tuple[Align, list[dict]]) -> None:
    _, events = demo
    ev = _event_of(events)
    assert ev["mv-drones-moscow:0"] != ev["mv-drones-oryol:0"]
    assert ev["bd-day-560:0"] != ev["bd-day-562:0"]


def test_event_shape_and_evidence(demo: tuple[Align, list[dict]]) -> None:
    _, events = demo
    kim = next(e for e in events if any(m["segment_id"] == "kc-kim-putin:0" for m in e["members"]))
    assert kim["outlets"] == ["Balkan Daily", "Frontline Live", "Kyiv Courier", "Moskovsky Vestnik", "Novini BG"]
    for m in kim["members"]:
        assert {"article_id", "segment_id", "outlet", "lang", "published", "text", "score"} <= set(m)
        assert Settings().link_threshold <= m["score"] <= 1.0
        assert m["evidence"] and all(x["score"] >= Settings().link_threshold for x in m["evidence"])
    single = next(e for e in events if e["members"][0]["segment_id"] == "kc-kharkiv-school:0")
    assert len(single["members"]) == 1 and single["members"][0]["score"] is None


def test_search_in_russian_finds_other_languages(demo: tuple[Align, list[dict]]) -> None:
    app, _ = demo
    hits = app.search("Северная Корея и Россия обсуждают поставки оружия, Ким поедет к Путину", k=5)
    assert {h["article_id"] for h in hits[:5]} >= {"bd-day-560", "fl-2023-09-05"} or \
        sum(h["lang"] != "ru" for h in hits[:5]) >= 3
    assert any(h["lang"] == "en" for h in hits[:3])
    assert all("Kim" in h["text"] or "Ким" in h["text"] or "Кім" in h["text"] for h in hits[:4])
    only_en = app.search("дроны над Москвой", k=3, lang="en")
    assert only_en and all(h["lang"] == "en" for h in only_en)
    by_outlet = app.search("дроны над Москвой", k=3, outlet="Novini BG")
    assert by_outlet and all(h["outlet"] == "Novini BG" for h in by_outlet)


def test_search_calibration_is_monotonic_and_centred_on_the_threshold() -> None:
    assert calibrate(Settings().search_margin, Settings()) == 0.5
    values = [calibrate(m, Settings()) for m in (0.9, 1.0, 1.1, 1.2, 1.5, 2.0)]
    assert values == sorted(values) and values[0] < 0.2 and values[-1] > 0.99


def test_seeds_pair_the_north_korea_story_and_keep_drone_nights_apart(app: Align, seeds: Path, tmp_path: Path) -> None:
    for outlet, name in (("France24", "france24-liveblog-2023-09-05.txt"), ("Novinite", "novinite-day-612.txt")):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / name).write_text((seeds / name).read_text(encoding="utf-8"), encoding="utf-8")
    report = app.ingest([tmp_path / "France24", tmp_path / "Novinite"])
    assert len(report.added) == 2 and not report.problems
    app.build()
    events = app.match()
    by_text = {m["text"].split("\n", 1)[0][:40]: e["event_id"] for e in events for m in e["members"]}

    def event(prefix: str) -> str:
        return next(v for k, v in by_text.items() if k.startswith(prefix))

    assert event("05:00am") == event("03:58am")  # the same drones told twice in one live blog
    # one developing story across outlets, seven weeks apart: not one event, but related events
    kim = next(e for e in events if any(m["text"].startswith("01:00am") for m in e["members"]))
    assert event("01:00am") != event("North Korea says")
    assert event("North Korea says") in [r["event_id"] for r in kim["related"]]
    assert event("05:00am") != event("Russian air defense has intercepted")  # different nights
    assert event("05:50am") != event("05:00am")
    published = {a: app.store.article(a)["published"] for a in report.added}
    assert sorted(published.values()) == ["2023-09-05", "2023-10-28"]  # file name; "Day 612"


def test_an_outlets_editions_in_two_languages_are_two_sources(app: Align, tmp_path: Path) -> None:
    rows = [
        {"outlet": "Novinite", "id": "en-1", "published": "2023-09-07", "text": "Bulgaria's parliament approved sending about one hundred armoured personnel carriers to Ukraine. The vehicles are stored in army depots."},
        {"outlet": "Novinite", "id": "bg-1", "published": "2023-09-07", "text": "Народното събрание одобри изпращането на около сто бронетранспортьора на Украйна. Машините се съхраняват в складове на армията."},
        {"outlet": "Novinite", "id": "en-2", "published": "2023-09-07", "text": "Bulgaria's government approved a plan to buy new armoured vehicles for its own army from a US maker."},
        {"outlet": "Other", "id": "ru-1", "published": "2023-09-07", "text": "В Харькове открыли подземную школу для нескольких сотен учеников."},
    ]
    f = tmp_path / "n.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    app.ingest([f])
    app.build()
    ev = _event_of(app.match())
    assert ev["en-1:0"] == ev["bg-1:0"]  # the outlet's two editions of one story
    assert ev["en-2:0"] != ev["en-1:0"]  # same outlet, same language, another story
