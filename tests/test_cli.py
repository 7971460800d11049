import json
from pathlib import Path

import pytest

from align.cli import main

ROWS = [
    {"outlet": "A", "id": "a1", "published": "2023-09-05", "text": "Russian air defences destroyed three drones flying towards Moscow, the mayor said."},
    {"outlet": "B", "id": "b1", "published": "2023-09-05", "text": "ПВО уничтожила три беспилотника, летевших на Москву, сообщил мэр Собянин."},
    {"outlet": "C", "id": "c1", "published": "2023-09-05", "text": "Кабмин ухвалив новий бюджет на наступний рік після тривалих дебатів."},
]


def test_ingest_build_match_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = ["--index-dir", str(tmp_path / "idx"), "--quiet"]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n{bad\n", encoding="utf-8")
    assert main(["ingest", str(src), *idx]) == 0
    captured = capsys.readouterr()
    assert "ingested 3 article(s)" in captured.out and f"{src}:4" in captured.err
    assert main(["build", *idx]) == 0
    out = tmp_path / "events.jsonl"
    assert main(["match", "--out", str(out), *idx]) == 0
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    drones = next(e for e in events if any(m["article_id"] == "a1" for m in e["members"]))
    assert {m["article_id"] for m in drones["members"]} == {"a1", "b1"}
    assert set(drones) >= {"event_id", "title", "outlets", "members"}
    capsys.readouterr()
    assert main(["search", "дроны над Москвой", "--k", "2", "--json", *idx]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(hits) == 2 and {"article_id", "segment_id", "outlet", "lang", "score", "text"} <= set(hits[0])
    assert {h["article_id"] for h in hits} == {"a1", "b1"}


def test_errors_go_to_stderr_with_nonzero_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = ["--index-dir", str(tmp_path / "idx"), "--quiet"]
    assert main(["search", "   ", *idx]) == 2
    assert "the query is empty" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path / "missing.jsonl"), *idx]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["eval", "--data", str(tmp_path / "nowhere"), *idx]) == 2


def test_build_reports_the_search_graph_from_the_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    idx = ["--index-dir", str(tmp_path / "idx"), "--quiet"]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    monkeypatch.setenv("ALIGN_ANN_AUTO_FLAT_BELOW", "3")
    assert main(["ingest", str(src), *idx]) == 0 and main(["build", *idx]) == 0
    out = capsys.readouterr().out
    assert "search graph (HNSW" in out and "recall@10 against exact search 1.000" in out
    assert (tmp_path / "idx" / "search.faiss").exists()
    assert main(["search", "дроны над Москвой", "--k", "2", "--json", *idx]) == 0
    assert {json.loads(x)["article_id"] for x in capsys.readouterr().out.splitlines()} == {"a1", "b1"}
