"""Encodings, the index-directory lock, `align check`, and SIGKILL at any point of a run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from align.cli import main
from align.pipeline import Align
from align.settings import Settings

from .conftest import DEMO

RU = "Силы ПВО перехватили шесть беспилотников над Орловской областью, сообщает ТАСС."
UK = "Над Києвом збили шість дронів, повідомляє Укрінформ. Їхні уламки впали на ґанок."


@pytest.mark.parametrize(("codec", "text"), [("cp1251", RU), ("koi8-r", RU), ("koi8-u", UK), ("utf-8-sig", RU)])
def test_cyrillic_encodings_are_decoded_and_recorded(app: Align, tmp_path: Path, codec: str, text: str) -> None:
    folder = tmp_path / "Outlet"
    folder.mkdir()
    (folder / "a.txt").write_bytes(text.encode(codec))
    report = app.ingest([folder])
    article = app.store.article(report.added[0])
    assert article["text"] == text
    assert article["encoding"] == codec


def test_mojibake_is_repaired_or_flagged(app: Align, tmp_path: Path) -> None:
    broken = RU.encode("utf-8").decode("cp1251")
    latin = UK.encode("utf-8").decode("latin-1")
    rows = [{"outlet": "A", "id": "m1", "text": broken}, {"outlet": "A", "id": "m2", "text": latin},
            {"outlet": "A", "id": "m3", "text": "Р° Р± Р» then plain words follow here with Рё noise."}]
    src = tmp_path / "m.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    app.ingest([src])
    assert app.store.article("m1")["text"] == RU
    assert "UTF-8 read as cp1251" in app.store.article("m1")["encoding_note"]
    assert app.store.article("m2")["text"] == UK
    assert app.store.article("m3")["encoding_note"] in {"mojibake suspected, not repaired",
                                                        "repaired mojibake (UTF-8 read as cp1251)"}


def _hold_lock(index: Path, seconds: float) -> subprocess.Popen[bytes]:
    code = (f"import time; from pathlib import Path; from align.storage.lock import IndexLock; "
            f"l = IndexLock(Path({str(index)!r}), 5).acquire(); print('locked', flush=True); time.sleep({seconds})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
    return proc


def test_a_second_writer_waits_or_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "idx"
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"outlet": "A", "text": "Drones were downed over Kursk."}), encoding="utf-8")
    holder = _hold_lock(index, 30)
    try:
        monkeypatch.setenv("ALIGN_LOCK_TIMEOUT", "1")
        assert main(["ingest", str(src), "--index-dir", str(index), "--quiet"]) == 7
        err = capsys.readouterr().err
        assert f"pid {holder.pid}" in err and "is in use by" in err
        assert main(["search", "drones", "--index-dir", str(index), "--quiet"]) == 0  # reads need no lock
    finally:
        holder.kill()
        holder.wait()
    short = _hold_lock(index, 1.5)
    monkeypatch.setenv("ALIGN_LOCK_TIMEOUT", "30")
    started = time.monotonic()
    assert main(["ingest", str(src), "--index-dir", str(index), "--quiet"]) == 0  # waited, then went in
    assert time.monotonic() - started > 0.5
    short.wait()


def test_check_finds_and_repairs_a_disagreeing_index(settings: Settings, embedder, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import faiss
    import numpy as np

    app = Align(settings, embedder=embedder)
    app.ingest([DEMO])
    app.build()
    stray = faiss.IndexIDMap2(faiss.IndexFlatIP(384))
    stray.add_with_ids(np.ones((1, 384), dtype=np.float32), np.asarray([999_999], dtype=np.int64))
    app.close()
    faiss.write_index(stray, str(settings.index_dir / "vectors.faiss"))
    # opening repairs by itself; `align check --dry-run` on a broken file reports, `align check` repairs
    idx = ["--index-dir", str(settings.index_dir), "--quiet"]
    assert main(["check", "--dry-run", *idx]) == 0
    assert "consistent" in capsys.readouterr().out
    again = Align(settings, embedder=embedder)
    assert again.index.problems() == []
    again.index.ann.index.remove_ids(np.asarray([again.store.segments()[0].rowid], dtype=np.int64))
    assert again.index.problems() == ["1 stored segment vector(s) missing from the FAISS index"]
    result = again.check(repair=True)
    assert result["repaired"] and result["consistent"] and again.index.problems() == []
    again.close()


def _run_and_kill(args: list[str], after: float, env: dict[str, str]) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "align.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    return proc.wait()


@pytest.mark.parametrize("after", [0.8, 2.5, 4.0])
def test_sigkill_during_ingest_and_build_leaves_a_consistent_directory(tmp_path: Path, embedder, after: float) -> None:
    index = tmp_path / "idx"
    rows = [{"outlet": f"O{i % 4}", "id": f"k{i}", "text": f"Report {i}: drones were downed over Kursk and Belgorod. "
             f"Officials said {i} houses were damaged."} for i in range(300)]
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    env = {**os.environ, "ALIGN_MODELS_DIR": str(tmp_path / "models")}
    _run_and_kill(["ingest", str(src), "--index-dir", str(index), "--quiet"], after / 4, env)
    _run_and_kill(["build", "--index-dir", str(index), "--quiet"], after, env)
    settings = replace(Settings(), index_dir=index, models_dir=tmp_path / "models", quiet=True)
    app = Align(settings, embedder=embedder, lock=True)  # the lock of the killed process is gone
    assert app.store.integrity() == [] and app.index.problems() == []
    for a in {s.article_id for s in app.store.segments()}:
        assert app.store.segments("WHERE s.article_id = ?", (a,))  # no article without its segments
    app.ingest([src])
    app.build()
    counts = app.store.counts()
    assert counts["articles"] == 300 and counts["embedded"] == counts["segments"] == 300
    assert app.index.size == 300 and app.index.problems() == []
    app.close()


def test_a_corpus_of_bad_input(app: Align, tmp_path: Path) -> None:
    """Each bad input gets an error naming its file or line, or a documented outcome; the rest goes in."""
    folder = tmp_path / "Bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "spaces.txt").write_text(" \n\t\n  ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(os.urandom(4096))
    (folder / "huge.txt").write_bytes(b"Drones over the region. " * 2_200_000)  # ~50 MB
    (folder / "nested.html").write_text("<div>" * 5000 + "Deep text about drones over Kursk." + "</div>" * 5000,
                                        encoding="utf-8")
    (folder / "scripts.html").write_text("<html><body><script>alert(1)</script><p>Talks on grain exports "
                                         "resumed in Istanbul on Monday, officials said.</p></body></html>",
                                         encoding="utf-8")
    (folder / "controls.txt").write_text("Zero\u200bwidth\u200d and \x07control\x01 characters around "
                                         "a report on drones over Bryansk.", encoding="utf-8")
    (folder / "mixed.txt").write_text("The mayor said three drones were downed.\n\nМэр сообщил о трех "
                                      "сбитых беспилотниках.\n\nDie Stadt meldete drei Drohnen.", encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    long_line = json.dumps({"outlet": "L", "text": "word " * 300_000})
    lines.write_text("\n".join([
        json.dumps({"outlet": "L", "id": "ok", "text": "Parliament approved the budget."}),
        long_line,
        json.dumps({"outlet": "L", "text": "A date that never was.", "published": "2023-02-30"}),
        json.dumps({"outlet": "L", "text": "A report from the future.", "published": "2999-01-01"}),
        json.dumps({"outlet": "L", "text": "Ein Bericht auf Deutsch über Drohnen.", "id": "de"}),
    ]), encoding="utf-8")
    before = app.store.counts()
    report = app.ingest([folder, lines])
    problems = {Path(p.source.split(":")[0]).name + (":" + p.source.split(":")[1] if ":" in p.source else ""):
                p.message for p in report.problems}
    assert problems["empty.txt"] == "empty file"
    assert problems["spaces.txt"] == "empty file"
    assert "binary" in problems["binary.txt"]
    assert "the limit for one .txt or .html article is 10,000,000" in problems["huge.txt"]
    assert "limit is 200,000" in problems["lines.jsonl:2"]
    assert "not an ISO 8601 date" in problems["lines.jsonl:3"]
    assert "in the future" in problems["lines.jsonl:4"]
    stored = {app.store.article(a)["source"].split("/")[-1]: app.store.article(a) for a in report.added}
    assert "alert(1)" not in stored["scripts.html"]["text"]
    assert "Zerowidth and control characters" in stored["controls.txt"]["text"]
    assert "nested.html" in stored or "nested.html" in problems  # extracted, or refused by name
    app.build()
    assert app.store.article("de")["lang"] == "other"
    assert app.store.article(next(a for a in report.added if "mixed" in app.store.article(a)["source"]))["lang"] == "en"
    assert app.store.counts()["articles"] == before["articles"] + len(report.added)


def test_republished_copy_is_linked_not_counted_and_exact_copies_dropped(app: Align, seeds: Path,
                                                                        tmp_path: Path) -> None:
    from align.text.clean import clean_text

    raw = (seeds / "france24-liveblog-2023-09-05.txt").read_text(encoding="utf-8")
    original = clean_text(raw).split("\n\n", 2)[2]  # France24's own page: no aggregator furniture
    copy = "Shared from France24 by Global NewsX.\n\n" + raw.replace("Kim Jong Un", "Kim Jong-un")
    rows = [{"outlet": "France24", "id": "f24", "published": "2023-09-05", "text": original},
            {"outlet": "Global NewsX", "id": "gnx", "published": "2023-09-05", "text": copy},
            {"outlet": "Copycat", "id": "cc", "published": "2023-09-05", "text": original}]
    src = tmp_path / "dups.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = app.ingest([src])
    assert report.added == ["f24", "gnx"]
    assert "exact duplicate of article 'f24' (France24)" in report.problems[0].message
    app.build()
    assert app.store.article("gnx")["duplicate_of"] == "f24"
    events = app.match()
    assert all("Global NewsX" not in e["outlets"] for e in events)
    members = [m for e in events for m in e["members"]]
    assert members and all(m["article_id"] == "f24" for m in members)
    assert all(m["republished_by"] == [{"article_id": "gnx", "outlet": "Global NewsX"}] for m in members)


def test_sigkill_in_the_middle_of_the_index_save(tmp_path: Path, embedder) -> None:
    settings = replace(Settings(), index_dir=tmp_path / "idx", models_dir=tmp_path / "models", quiet=True)
    app = Align(settings, embedder=embedder)
    app.ingest([DEMO])
    app.build()
    app.close()
    before = (settings.index_dir / "vectors.faiss").read_bytes()
    code = f"""
import time, faiss, json
from pathlib import Path
import align.vectors.ann as index_module
real = faiss.write_index
def slow(ix, path):
    Path(path).write_bytes(b"half")
    print("writing", flush=True)
    time.sleep(60)
index_module.faiss.write_index = slow
from dataclasses import replace
from align.pipeline import Align
from align.settings import Settings
s = replace(Settings(), index_dir=Path({str(settings.index_dir)!r}), models_dir=Path({str(tmp_path / 'models')!r}),
            quiet=True)
app = Align(s, lock=True)
app.ingest_records([{{"outlet": "K", "id": "late", "text": "A late report about drones over Sumy."}}])
app.build()
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (settings.index_dir / "vectors.faiss").read_bytes() == before  # the old file is whole
    assert list(settings.index_dir.glob(".vectors.faiss.*"))  # the half-written temporary is still there
    again = Align(settings, embedder=embedder, lock=True)
    assert not list(settings.index_dir.glob(".vectors.faiss.*"))
    assert again.index.problems() == [] and again.store.integrity() == []
    assert again.index.size == again.store.counts()["embedded"]
    again.build()
    assert again.search("late report drones over Sumy", k=1)[0]["article_id"] == "late"
    again.close()
