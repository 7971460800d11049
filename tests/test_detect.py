import io
import json
from pathlib import Path

import pytest

from align import Align
from align.cli import main
from align.text.detect import detect

SHORT = {
    "en": ["Drones were shot down", "The talks ended today", "Prices rose again"],
    "ru": ["Над Москвой сбиты беспилотники", "Переговоры закончились сегодня", "Это было вчера вечером"],
    "uk": ["Над Києвом збили дрони", "Переговори завершилися сьогодні", "Це сталося вчора ввечері"],
    "bg": ["Над Москва са свалени дронове", "Преговорите приключиха днес", "Това се случи вчера вечерта"],
}
LOOKALIKES = {
    "mk": "Владата денеска ги објави новите мерки за економијата.",
    "be": "Беларускія вайскоўцы правялі вучэнні каля мяжы.",
    "sr": "Влада је данас објавила нове мере за привреду.",
    "de": "Die Regierung hat heute neue Maßnahmen angekündigt.",
}


@pytest.mark.parametrize("lang", sorted(SHORT))
def test_short_texts_from_three_words(lang: str) -> None:
    for text in SHORT[lang]:
        assert detect(text).lang == lang, text


@pytest.mark.parametrize("code", sorted(LOOKALIKES))
def test_lookalikes_are_other_with_their_code(code: str) -> None:
    found = detect(LOOKALIKES[code])
    assert found.lang == "other"
    assert found.code == code


def test_detection_is_deterministic() -> None:
    text = "Там же и лекарство, сказал он."
    assert len({detect(text) for _ in range(5)}) == 1


def test_no_letters_is_other() -> None:
    assert detect("12:30 — 4 500 / 2023").lang == "other"


def test_cli_detect_reads_file_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "lines.txt"
    f.write_text("Дрони збиті над Києвом\nThe talks ended today\nDie Regierung hat heute gesprochen\n",
                 encoding="utf-8")
    assert main(["detect", str(f)]) == 0
    assert capsys.readouterr().out.split() == ["uk", "en", "other"]
    monkeypatch.setattr("sys.stdin", io.StringIO("Переговорите приключиха днес\n"))
    assert main(["detect"]) == 0
    assert capsys.readouterr().out.split() == ["bg"]


def test_build_detects_a_one_segment_article_once(app: Align, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large build outgrows detect's memory before it reaches the segments: the segment of a
    # one-segment article must take its article's detection, not score the text again. Detection
    # runs here without that memory, and every scoring of a text is counted.
    import align.pipeline
    import align.text.detect as detection

    # Bulgarian and English: texts whose alphabet alone does not decide, so they are scored
    texts = {"a": "Над Киев през нощта бяха свалени шест дрона, съобщиха от градската администрация.",
             "b": "Six drones were shot down over Moscow overnight, the city's mayor said."}
    scored: list[str] = []
    real_scores = detection._scores
    monkeypatch.setattr(detection, "_scores", lambda text, *rest: scored.append(text) or real_scores(text, *rest))
    unremembered = detection.detect.__wrapped__
    monkeypatch.setattr(detection, "detect", unremembered)
    monkeypatch.setattr(align.pipeline, "detect", unremembered)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"outlet": "Wire", "id": k, "text": t}, ensure_ascii=False)
                             for k, t in texts.items()), encoding="utf-8")
    assert not app.ingest([src]).problems
    scored.clear()  # ingest detects for its outlet summary; the build is what is counted
    app.build()
    assert sorted(scored) == sorted(texts.values())
    assert {s.article_id: s.lang for s in app.store.segments()} == {"a": "bg", "b": "en"}


def test_a_long_text_is_scored_on_its_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    # The detectors' cost grows with length and a long article's opening already says its
    # language: they see at most detect_chars characters, cut at a word's end.
    import align.text.detect as detection
    from align.settings import Settings

    class Counting:
        def __init__(self, real: object) -> None:
            self.real = real

        def compute_language_confidence_values(self, text: str) -> object:
            seen.append(text)
            return self.real.compute_language_confidence_values(text)  # type: ignore[attr-defined]

    seen: list[str] = []
    real_lingua = detection._lingua
    monkeypatch.setattr(detection, "_lingua", lambda codes: Counting(real_lingua(codes)))
    article = "Над Киев през нощта бяха свалени шест дрона, съобщиха от градската администрация. " * 100
    assert detection.detect.__wrapped__(article).lang == "bg"
    assert len(seen) == 1 and len(seen[0]) <= Settings.detect_chars < len(article)
    assert article.startswith(seen[0]) and article[len(seen[0])] == " "  # a whole word last
    short = "Над Киев през нощта бяха свалени шест дрона."
    assert detection.detect.__wrapped__(short).lang == "bg" and seen[-1] == short


def test_an_alphabet_that_leaves_one_language_decides_without_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    import align.text.detect as detect_module

    texts = {"uk": "Україна отримає ще дві системи ППО, повідомив міністр у своєму зверненні.",
             "ru": "Вчера вечером в Москве прошли выборы, результаты объявят в пятницу."}
    scored = {lang: detect_module._scores(t, detect_module._CYRILLIC, detect_module._CYRILLIC) for lang, t in texts.items()}
    for lang, scores in scored.items():  # what scoring every look-alike would have said
        assert max(scores, key=lambda k: scores[k]) == lang
    monkeypatch.setattr(detect_module, "_scores", lambda *a: pytest.fail("scored a text its alphabet decides"))
    for lang, text in texts.items():
        found = detect_module.detect.__wrapped__(text)
        assert (found.lang, found.code, found.confidence) == (lang, lang, 1.0)


def test_a_short_text_loads_its_family_at_once_and_a_long_one_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lingua reads a short text with every n-gram order; the first one in a process loads all of
    # its family's models, in parallel (_preloaded). A long text needs its trigrams only, so a
    # process that never sees a short one must not pay for the whole family.
    import align.text.detect as detection

    loaded: list[tuple[str, ...]] = []
    monkeypatch.setattr(detection, "_preloaded", loaded.append)
    fresh = detection.detect.__wrapped__
    long_en = "The talks between the two delegations went on late into the night in Istanbul, " * 5
    assert fresh(long_en).lang == "en"
    assert loaded == []
    assert fresh("The talks ended today").lang == "en"
    assert loaded == [detection._LATIN]
    assert fresh("Преговорите приключиха днес").lang == "bg"
    assert loaded == [detection._LATIN, detection._CYRILLIC]
    assert fresh("Дрони збиті над Києвом").lang == "uk"  # the alphabet decides: nothing is scored
    assert len(loaded) == 2
