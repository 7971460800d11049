import json
from pathlib import Path

from align.pipeline import Align


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_bad_lines_are_named_and_the_rest_goes_in(app: Align, tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "in.jsonl", [
        {"outlet": "A", "id": "ok-1", "text": "Drones were shot down over the Kaluga region overnight."},
        "{not json",
        {"outlet": 5, "text": "wrong type of outlet"},
        {"outlet": "A", "text": ["not", "a", "string"]},
        {"outlet": "A"},
        {"outlet": "A", "text": "Date is wrong here.", "published": "yesterday"},
        {"outlet": "A", "id": "ok-2", "text": "Talks on the peace plan opened in Malta on Saturday."},
    ])
    report = app.ingest([f])
    assert report.added == ["ok-1", "ok-2"]
    messages = {p.source: p.message for p in report.problems}
    assert "invalid JSON" in messages[f"{f}:2"]
    assert "'outlet' must be a string" in messages[f"{f}:3"]
    assert "'text' must be a string" in messages[f"{f}:4"]
    assert "'text' or 'html'" in messages[f"{f}:5"]
    assert "'published' is not an ISO 8601" in messages[f"{f}:6"]
    assert app.store.counts()["articles"] == 2


def test_same_content_again_is_a_no_op(app: Align, tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "in.jsonl", [{"outlet": "A", "text": "The bridge reopened after repairs."}])
    first = app.ingest([f])
    second = app.ingest([f])
    assert len(first.added) == 1 and second.added == [] and second.unchanged == first.added
    assert app.store.counts()["articles"] == 1


def test_id_reused_for_other_content_is_refused_and_keeps_the_original(app: Align, tmp_path: Path) -> None:
    app.ingest([_jsonl(tmp_path / "a.jsonl", [{"outlet": "A", "id": "x", "text": "First version of the text."}])])
    report = app.ingest([_jsonl(tmp_path / "b.jsonl", [{"outlet": "A", "id": "x", "text": "Other text."}])])
    assert "already stored with other content" in report.problems[0].message
    assert app.store.article("x")["text"] == "First version of the text."


def test_empty_binary_and_huge_files(app: Align, tmp_path: Path) -> None:
    folder = tmp_path / "Outlet"
    folder.mkdir()
    (folder / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "huge.txt").write_text(("Drones were shot down over the region. " * 130_000), encoding="utf-8")
    (folder / "good.txt").write_text("Parliament approved the budget for next year on Friday.", encoding="utf-8")
    report = app.ingest([folder])
    messages = {Path(p.source).name: p.message for p in report.problems}
    assert messages["empty.txt"] == "empty file"
    assert "binary" in messages["blob.txt"]
    assert "limit is 200,000" in messages["huge.txt"]
    assert len(report.added) == 1
    assert app.store.article(report.added[0])["outlet"] == "Outlet"


def test_html_goes_through_extraction_and_junk_removal(app: Align, tmp_path: Path) -> None:
    html = ("<html><head><script>alert(1)</script></head><body><nav>Home | World</nav><article>"
            "<h1>Three drones downed near Moscow</h1><p>Russian air defences destroyed three drones "
            "overnight, the mayor said on Telegram.</p><p>There were no casualties, he added.</p>"
            "</article><p>Leave a Reply</p></body></html>")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    report = app.ingest([tmp_path / "page.html"], outlet="Web")
    text = app.store.article(report.added[0])["text"]
    assert "three drones" in text and "alert(1)" not in text and "Leave a Reply" not in text


def test_unsupported_language_is_stored_as_other(app: Align, tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "de.jsonl", [
        {"outlet": "Zeitung", "id": "de-1", "text": "Die Regierung hat heute neue Maßnahmen für die Wirtschaft angekündigt."},
    ])
    app.ingest([f])
    app.build()
    article = app.store.article("de-1")
    assert (article["lang"], article["lang_code"]) == ("other", "de")
    assert app.store.segments()[0].lang == "other"


def test_align_ingest_reads_what_align_batch_reads(app: Align, tmp_path: Path) -> None:
    """gzip, Parquet, UTF-16 JSON Lines and folders of them, through the same reader as `align batch`."""
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"outlet": "Wire", "id": f"r{i}", "text": f"Report {i}: drones were shot down over Kursk overnight."}
            for i in range(6)]
    folder = tmp_path / "in"
    (folder / "deep").mkdir(parents=True)
    with gzip.open(folder / "deep" / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(r) for r in rows[:2]) + "\n{broken\n")
    pq.write_table(pa.Table.from_pylist(rows[2:4]), folder / "b.parquet")
    (folder / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows[4:]), encoding="utf-16")
    (folder / "notes.md").write_text("not an input", encoding="utf-8")
    report = app.ingest([folder])
    assert sorted(report.added) == [f"r{i}" for i in range(6)]
    assert [p.source for p in report.problems] == [f"{(folder / 'deep' / 'a.jsonl.gz').resolve()}:3"]
