"""`align batch`: outputs equal `align match`, streamed formats, SIGKILL and resume, incremental runs, Ray."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from align.batch import BatchJob, BatchOptions
from align.cli import main
from align.ingest import stream
from align.settings import Settings
from align.vectors.ann import choose

from .conftest import DEMO

PLACES = ["Kursk", "Belgorod", "Oryol", "Tula", "Bryansk", "Kharkiv", "Odesa", "Sumy", "Kherson", "Zaporizhzhia"]


def _settings(tmp_path: Path) -> Settings:
    return replace(Settings(), index_dir=tmp_path / "unused", models_dir=tmp_path / "models", quiet=True)


def _run(tmp_path: Path, inputs: list[Path], out: Path, embedder, settings: Settings | None = None, **kw) -> dict:
    job = BatchJob(settings or _settings(tmp_path), BatchOptions(inputs=inputs, out=out, **kw), embedder=embedder)
    try:
        return job.run()
    finally:
        job.close()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _outputs(out: Path) -> dict[str, object]:
    """Everything a run writes except how long it took and what changed since the run before."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary.pop("run")
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "report").rglob("*.html"))}
    return {"events": (out / "events.jsonl").read_bytes(), "pairs": (out / "pairs.jsonl").read_bytes(),
            "summary": summary, "pages": pages}


def test_batch_writes_the_events_of_align_match_pairs_summary_and_a_static_report(tmp_path: Path, embedder,
                                                                                demo) -> None:
    _, expected = demo
    out = tmp_path / "out"
    summary = _run(tmp_path, [DEMO / "articles.jsonl"], out, embedder, workers=0)
    events = _lines(out / "events.jsonl")
    assert events == json.loads(json.dumps(expected))  # the same shape and content as `align match`
    pairs = _lines(out / "pairs.jsonl")
    assert pairs and all(p["outlet_a"] != p["outlet_b"] for p in pairs)
    member_event = {m["segment_id"]: e["event_id"] for e in events for m in e["members"]}
    assert all(member_event[p["a"]] == member_event[p["b"]] == p["event_id"] for p in pairs)
    assert {"cosine", "margin", "score", "hours_apart", "rule", "lang_a", "lang_b"} <= set(pairs[0])
    cross = [e for e in events if len(e["outlets"]) > 1]
    assert summary["counts"] == {**summary["counts"], "articles": 21, "segments": 29, "events": len(events),
                                 "cross_outlet_events": len(cross), "pairs": len(pairs)}
    assert summary["index"]["type"] == "flat" and summary["index"]["recall_at_10"] == 1.0
    stages = summary["run"]["stages"]
    assert list(stages) == ["ingest", "clean", "embed", "index", "neighbours", "match", "write"]
    assert stages["embed"]["items"] == 29 and stages["embed"]["per_second"] > 0
    assert summary["run"]["peak_rss_mb"]["driver"] > 50
    assert summary["counts"]["untranslated"]  # no model installed: the reason is counted, not hidden
    # the report opens from disk: relative links only, assets beside it, one page per cross-outlet event
    index_html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert 'href="static/app.css"' in index_html and 'href="/' not in index_html and "<form" not in index_html
    pages = sorted(p.stem for p in (out / "report" / "events").glob("*.html"))
    assert pages == sorted(e["event_id"] for e in cross)
    page = (out / "report" / "events" / f"{cross[0]['event_id']}.html").read_text(encoding="utf-8")
    assert 'src="../static/app.js"' in page and "data-aligned" in page and "Facts by outlet" in page
    assert (out / "report" / "static" / "app.css").exists()


def _split_formats(folder: Path) -> None:
    """The demo corpus as gzipped JSON Lines, Parquet and plain JSON Lines in a folder tree."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _lines(DEMO / "articles.jsonl")
    (folder / "gz").mkdir(parents=True)
    with gzip.open(folder / "gz" / "part1.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:7]) + "\n")
        fh.write("{not json\n")
    pq.write_table(pa.Table.from_pylist(rows[7:14]), folder / "part2.parquet")
    (folder / "part3.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[14:]) + "\n",
                                        encoding="utf-8")
    (folder / "notes.md").write_text("not an input", encoding="utf-8")


def test_streams_gzip_parquet_and_folders_and_reports_what_it_skipped(tmp_path: Path, embedder, demo) -> None:
    _, expected = demo
    data = tmp_path / "data"
    _split_formats(data)
    out = tmp_path / "out"
    summary = _run(tmp_path, [data, tmp_path / "missing.jsonl"], out, embedder, workers=0)
    assert _lines(out / "events.jsonl") == json.loads(json.dumps(expected))
    reasons = {s["source"]: s["reason"] for s in summary["skipped"]}
    assert reasons[str(tmp_path / "missing.jsonl")] == "no such file or folder"
    bad = [r for s, r in reasons.items() if s.endswith("part1.jsonl.gz:8")]
    assert bad and bad[0].startswith("invalid JSON")
    assert summary["inputs"]["files"] == 3 and summary["inputs"]["records"] == 22


def test_a_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    rows = [{"outlet": "O", "text": f"Report number {i} about drones over Kursk."} for i in range(400)]
    whole = gzip.compress("\n".join(json.dumps(r) for r in rows).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    records = list(stream(path))
    good = [r for r in records if not hasattr(r.item, "message")]
    assert 0 < len(good) < 400
    assert "unreadable gzip data" in records[-1].item.message  # type: ignore[union-attr]
    assert next(r.position for r in stream(path, start=len(good) - 1)) == len(good)  # resumes after a position


def test_index_choice_by_size_and_every_type_reports_its_recall(tmp_path: Path, embedder) -> None:
    limit = Settings().ann_auto_flat_below
    assert choose("auto", limit - 1, Settings()) == "flat" and choose("auto", limit, Settings()) == "hnsw"
    for kind in ("hnsw", "ivf"):
        summary = _run(tmp_path, [DEMO / "articles.jsonl"], tmp_path / kind, embedder, workers=0, index=kind)
        assert summary["index"]["type"] == kind and summary["index"]["requested"] == kind
        assert 0.5 <= summary["index"]["recall_at_10"] <= 1.0 and summary["index"]["recall_sample"] == 29
        assert summary["counts"]["cross_outlet_events"] >= 5


def test_bad_arguments_fail_with_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["batch", str(tmp_path / "nothing"), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "no input to read" in capsys.readouterr().err
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["batch", str(DEMO), "--out", str(tmp_path / "file"), "--quiet"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def _corpus(path: Path, n: int = 120) -> Path:
    """The demo corpus plus short reports of four outlets about recurring attacks, one file."""
    lines = (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        lines.append(json.dumps({
            "outlet": ["Wire A", "Wire B", "Wire C", "Wire D"][i % 4], "id": f"w{i}",
            "published": f"2023-10-{1 + (i // 8) % 28:02d}",
            "text": f"Drones attacked {place} overnight, officials said. Report {i}: {i % 7 + 2} buildings were "
                    f"damaged and {i % 5} people were hurt near {PLACES[(i * 3) % len(PLACES)]}."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(store: Path, sql: str) -> int:
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute(sql).fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _kill_when(args: list[str], ready, env: dict[str, str], limit: float = 120.0) -> int:
    """Start `align batch`, SIGKILL it as soon as ``ready()`` holds; its exit code (-9 when killed)."""
    proc = subprocess.Popen([sys.executable, "-m", "align.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    return proc.wait()


@pytest.mark.slow
def test_sigkill_at_any_stage_then_the_same_command_finishes_with_identical_outputs(tmp_path: Path,
                                                                                   embedder) -> None:
    src = _corpus(tmp_path / "corpus.jsonl")
    reference = tmp_path / "reference"
    _run(tmp_path, [src], reference, embedder, workers=0)
    out = tmp_path / "out"
    store = out / "work" / "store.sqlite"
    env = {**os.environ, "ALIGN_MODELS_DIR": str(tmp_path / "models")}
    segments = _count(reference / "work" / "store.sqlite", "SELECT count(*) FROM segments")
    args = ["batch", str(src), "--out", str(out), "--quiet"]
    kills = [
        ("ingest", lambda: _count(store, "SELECT count(*) FROM articles") > 0),
        ("embed", lambda: _count(store, "SELECT count(*) FROM segments WHERE vector IS NOT NULL") > segments // 3),
        ("embed again", lambda: _count(store, "SELECT count(*) FROM segments WHERE vector IS NOT NULL")
         > 2 * segments // 3),
        ("write", lambda: (out / "report" / "events").is_dir() and any((out / "report" / "events").iterdir())),
    ]
    killed = []
    for stage, ready in kills:
        code = _kill_when([*args, "--workers", "2" if stage == "embed" else "0"], ready, env)
        killed.append((stage, code))
        embedded = _count(store, "SELECT count(*) FROM segments WHERE vector IS NOT NULL")
        if stage == "embed":
            assert 0 < embedded < segments  # stopped in the middle of the work; what finished is kept
    assert sum(code == -signal.SIGKILL for _, code in killed) >= 3, killed
    before = _count(store, "SELECT count(*) FROM segments WHERE vector IS NOT NULL")
    assert main([*args, "--workers", "1"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["stages"]["embed"]["items"] == segments - before  # nothing embedded twice
    assert _outputs(out) == _outputs(reference)
    assert not list(out.glob(".*.tmp"))


def test_incremental_run_adds_a_day_and_says_what_changed(tmp_path: Path, embedder) -> None:
    rows = _lines(DEMO / "articles.jsonl")
    day1 = tmp_path / "2023-09-06.jsonl"
    day2 = tmp_path / "2023-09-07.jsonl"
    day1.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows if r["published"] < "2023-09-07"),
                    encoding="utf-8")
    day2.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows if r["published"] >= "2023-09-07"),
                    encoding="utf-8")
    out = tmp_path / "out"
    first = _run(tmp_path, [day1], out, embedder, workers=0)
    first_events = {e["event_id"]: e for e in _lines(out / "events.jsonl")}
    second = _run(tmp_path, [day1, day2], out, embedder, workers=0)
    new_segments = second["counts"]["segments"] - first["counts"]["segments"]
    assert new_segments > 0
    stages = second["run"]["stages"]
    assert stages["ingest"]["items"] == 8  # day 1 is not read again
    assert stages["embed"]["items"] == new_segments  # only the new day is embedded
    changes = second["run"]["changes"]
    events = _lines(out / "events.jsonl")
    after = {e["event_id"]: e for e in events}
    def ids(event: dict) -> list[str]:
        return [m["segment_id"] for m in event["members"]]

    kept = [i for i in first_events if i in after and ids(after[i]) == ids(first_events[i])]
    assert changes["unchanged"] == len(kept) > 0
    assert changes["new"] + changes["grown"] + changes["merged"] > 0
    assert set(changes["cross_outlet"].get("new", [])) <= set(after)
    # the result equals a from-scratch run over both days
    scratch = tmp_path / "scratch"
    _run(tmp_path, [day1, day2], scratch, embedder, workers=0)
    assert (scratch / "events.jsonl").read_bytes() == (out / "events.jsonl").read_bytes()
    # a third run with nothing new changes nothing and rewrites no report page
    third = _run(tmp_path, [day1, day2], out, embedder, workers=0)
    assert third["run"]["stages"]["embed"]["items"] == 0 and third["run"]["report_pages_written"] == 0
    assert third["run"]["changes"]["unchanged"] == len(events)


@pytest.mark.slow
def test_ray_engine_gives_the_outputs_of_the_local_engine(tmp_path: Path, embedder) -> None:
    pytest.importorskip("ray")
    local = tmp_path / "local"
    _run(tmp_path, [DEMO / "articles.jsonl"], local, embedder, workers=2)
    ray_out = tmp_path / "ray"
    code = main(["batch", str(DEMO / "articles.jsonl"), "--out", str(ray_out), "--engine", "ray",
                 "--workers", "2", "--quiet"])
    assert code == 0
    summary = json.loads((ray_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["engine"] == "ray" and summary["run"]["stages"]["embed"]["items"] == 29
    assert _outputs(ray_out) == _outputs(local)


def test_translates_in_workers_and_catches_up_when_a_model_is_installed_later(tmp_path: Path, embedder) -> None:
    from align.translate.packages import install
    from align.vectors.centre import anchor_sentences
    from tests.support.toymodel import build_package

    lines = [s for sentences in anchor_sentences().values() for s in sentences]
    models = tmp_path / "models"
    out = tmp_path / "out"
    first = _run(tmp_path, [DEMO / "articles.jsonl"], out, embedder, workers=0)
    assert any("ru→en" in reason for reason in first["counts"]["untranslated"])
    assert first["counts"]["translated"] == 0
    install([str(build_package(tmp_path / "ru_en.argosmodel", "ru", "en", lines))], models, "")
    second = _run(tmp_path, [DEMO / "articles.jsonl"], out, embedder, workers=0)
    ru = [m for e in _lines(out / "events.jsonl") for m in e["members"] if m["lang"] == "ru"]
    assert ru and all(m["translation"] and m["translation_model"] for m in ru)
    assert second["run"]["stages"]["translate"]["items"] == len(ru) == second["counts"]["translated"]
    # a fresh job translates inside the workers (a separate process here)
    fresh = _run(tmp_path, [DEMO / "articles.jsonl"], tmp_path / "fresh", embedder, workers=1)
    assert fresh["counts"]["translated"] == len(ru) and "translate" not in fresh["run"]["stages"]
    assert (tmp_path / "fresh" / "events.jsonl").read_bytes() == (out / "events.jsonl").read_bytes()


def test_incremental_lists_merged_with_new_vectors_equal_an_exact_search(tmp_path: Path, embedder) -> None:
    """With the means kept (no re-centring), old neighbour lists are merged with the new vectors
    only; the merged lists must be exactly what a full exact search gives."""
    import numpy as np

    from align.storage.store import Store
    from align.vectors import centre

    kept_means = replace(_settings(tmp_path), recentre_drift=10.0)
    rows = sorted(_lines(DEMO / "articles.jsonl"), key=lambda r: r["published"])
    day1, day2 = tmp_path / "d1.jsonl", tmp_path / "d2.jsonl"
    day1.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:15]), encoding="utf-8")
    day2.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[15:]), encoding="utf-8")
    out = tmp_path / "out"
    first = _run(tmp_path, [day1], out, embedder, kept_means, workers=0)
    second = _run(tmp_path, [day1, day2], out, embedder, kept_means, workers=0)
    assert not second["index"]["recentred"]
    old, total = first["counts"]["segments"], second["counts"]["segments"]
    assert second["run"]["stages"]["index"]["items"] == total - old  # only the new vectors were added
    assert second["run"]["stages"]["neighbours"]["items"] == total  # new lists + old lists merged
    store = Store(out / "work" / "store.sqlite")
    try:
        ids, raw, langs = store.vectors()
        with np.load(out / "work" / "means.npz") as data:
            means = {k: data[k] for k in data.files}
        vectors = centre.centre(raw, langs, means)
        sims = vectors @ vectors.T
        for n, r in enumerate(ids):
            row = store.query("SELECT upto, ids, sims FROM batch_neighbours WHERE rowid = ?", (int(r),))[0]
            assert row["upto"] == total
            stored = np.frombuffer(row["sims"], dtype=np.float32)
            exact = np.sort(np.delete(sims[n], n))[::-1][: len(stored)]
            assert np.allclose(stored, exact, atol=1e-5)
            assert set(np.frombuffer(row["ids"], dtype=np.int64).tolist()) <= set(ids.tolist()) - {int(r)}
    finally:
        store.close()
