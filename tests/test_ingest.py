import json
from dataclasses import replace
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError
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


FRANCE24 = "Russia said its air defences downed drones over the Moscow region overnight, the mayor said."
NOVINITE = "Bulgaria will send spare parts for Soviet-era air defence systems to Ukraine, the minister said."


def _mixed_folder(root: Path) -> Path:
    folder = root / "seeds"
    folder.mkdir()
    (folder / "france24-liveblog-2023-09-05.txt").write_text(FRANCE24, encoding="utf-8")
    (folder / "novinite-day-612.txt").write_text(NOVINITE, encoding="utf-8")
    (folder / "novinite_2023-09-07.txt").write_text(NOVINITE.replace("spare parts", "missiles"), encoding="utf-8")
    return folder


def test_outlet_from_filename_keeps_outlets_apart(app: Align, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = _mixed_folder(tmp_path)
    index = ["--index-dir", str(app.settings.index_dir), "--quiet"]
    app.close()
    assert main(["ingest", str(folder), "--outlet-from", "filename", *index]) == 0
    out, err = capsys.readouterr()
    assert "  novinite: 2 article(s); en 2; 2023-09-07\n" in out and "  france24: 1 article(s); en 1; 2023-09-05" in out
    assert "warning" not in err
    reopened = Align(app.settings, embedder=app.embedder)
    try:
        assert sorted(o["outlet"] for o in reopened.store.outlets()) == ["france24", "novinite"]
    finally:
        reopened.close()


def test_a_folder_merged_into_one_outlet_is_warned_about(app: Align, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = _mixed_folder(tmp_path)
    report = app.ingest([folder])
    assert list(report.outlets) == ["seeds"] and report.outlets["seeds"].articles == 3
    assert len(report.warnings) == 1 and "3 files" in report.warnings[0]
    assert "france24, novinite" in report.warnings[0] and "--outlet-from filename" in report.warnings[0]
    named = app.ingest([folder], outlet="Wire")  # one outlet asked for: no warning
    assert named.warnings == [] and list(named.outlets) == ["Wire"]
    with pytest.raises(InputError, match="outlet-from"):
        app.ingest([folder], outlet_from="title")


def test_html_names_its_own_outlet_date_url_and_title(app: Align, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "page-1.html").write_text(
        '<html><head><title>Drones downed near Moscow - France 24</title>'
        '<meta property="og:site_name" content="France 24">'
        '<meta property="og:url" content="https://www.france24.com/en/live-2023-09-05">'
        '<meta property="article:published_time" content="2023-09-05T07:00:00+00:00"></head>'
        f'<body><article><p>{FRANCE24}</p><p>{FRANCE24}</p></article></body></html>', encoding="utf-8")
    (folder / "novinite-612.html").write_text(f"<html><body><p>{NOVINITE}</p></body></html>", encoding="utf-8")
    report = app.ingest([folder], outlet_from="filename")
    assert sorted(report.outlets) == ["France 24", "novinite"]
    stored = {a["outlet"]: a for a in (app.store.article(i) for i in report.added)}
    page = stored["France 24"]
    assert page["url"] == "https://www.france24.com/en/live-2023-09-05" and page["title"] == "Drones downed near Moscow"
    assert str(page["published"]).startswith("2023-09-05")


def test_batch_takes_the_same_outlet_options(tmp_path: Path, embedder) -> None:
    from align.batch import BatchJob, BatchOptions
    from align.settings import Settings

    folder = _mixed_folder(tmp_path)
    settings = replace(Settings(), index_dir=tmp_path / "unused", models_dir=tmp_path / "models", quiet=True)
    job = BatchJob(settings, BatchOptions(inputs=[folder], out=tmp_path / "out", workers=0, outlet_from="filename"),
                   embedder=embedder)
    try:
        job.run()
        assert sorted(o["outlet"] for o in job.store.outlets()) == ["france24", "novinite"]
    finally:
        job.close()
