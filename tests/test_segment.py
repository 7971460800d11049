from pathlib import Path

from align.text.clean import clean_text
from align.text.segment import segment

JUNK = ["Leave a Reply", "Back to top", "Related Articles", "Source link", "Donate to",
        "news sharing website", "Your email address", "Follow on Twitter", "#stayinformed",
        "Write to us at", "Информирайте се"]


def _segments(path: Path) -> list:
    return segment(clean_text(path.read_text(encoding="utf-8")))


def test_france24_liveblog_gives_one_segment_per_entry_plus_key_developments(seeds: Path) -> None:
    segs = _segments(seeds / "france24-liveblog-2023-09-05.txt")
    assert [s.timestamp for s in segs] == ["05:50am", "05:00am", "03:58am", "01:00am", None]
    assert segs[0].text.startswith("05:50am: Cuba")
    assert segs[-1].text.startswith("Key developments from Monday, September 4")
    assert "Sochi" in segs[-1].text


def test_novinite_gives_one_segment_per_section(seeds: Path) -> None:
    segs = _segments(seeds / "novinite-day-612.txt")
    heads = [s.text.split("\n", 1)[0] for s in segs]
    assert len(segs) == 5
    assert heads[0].startswith("Russian air defense has intercepted a total of six")
    assert heads[3].startswith("North Korea says US")
    assert "TASS" in segs[0].text and "KCNA" in segs[3].text
    assert all(s.kind == "section" for s in segs)


def test_no_segment_holds_page_junk(seeds: Path) -> None:
    for path in seeds.glob("*.txt"):
        for s in _segments(path):
            for junk in JUNK:
                assert junk not in s.text, (path.name, junk)


def test_spans_point_into_the_cleaned_text(seeds: Path) -> None:
    text = clean_text((seeds / "novinite-day-612.txt").read_text(encoding="utf-8"))
    for s in segment(text):
        assert text[s.start : s.end] == s.text


def test_timestamp_styles_of_other_languages() -> None:
    text = ("Оперативна інформація\n\n14:30 — Над Києвом збито дві ракети.\n\nПовітряні сили підтвердили це.\n\n"
            "12:05 — У Харкові пролунали вибухи.\n\n10:15 ч. Още едно съобщение за дронове.")
    segs = segment(text)
    assert [s.timestamp for s in segs] == ["14:30", "12:05", "10:15 ч."]
    assert "Повітряні сили" in segs[0].text


def test_single_story_stays_one_segment() -> None:
    text = ("Drones downed near Moscow\n\nRussian air defences destroyed three drones overnight.\n\n"
            "The mayor said there were no casualties.\n\nThe defence ministry blamed Kyiv.")
    segs = segment(text)
    assert len(segs) == 1 and segs[0].start == 0


def test_bullet_summary_without_sections_gives_one_segment_per_bullet() -> None:
    text = ("Morning briefing:\n\n• Six drones were shot down over Oryol and Tula overnight.\n"
            "• Malta hosts peace talks without Russia.\n• Germany delivered a third IRIS-T system.")
    segs = segment(text)
    assert len(segs) == 3 and all(s.kind == "bullet" for s in segs)
    assert segs[1].text.startswith("• Malta")
