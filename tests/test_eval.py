from pathlib import Path

import numpy as np
import pytest

import align
from align.cli import main
from align.eval import default_data_dir, document_pairs, margin_retrieval


def test_margin_retrieval_counts_the_diagonal() -> None:
    x = np.eye(4, dtype=np.float32)
    assert margin_retrieval(x, x) == (1.0, 1.0)
    assert margin_retrieval(x, x[::-1].copy())[0] == 0.0


def test_document_pairs_precision_and_recall() -> None:
    events = [
        {"members": [{"article_id": "ru:1"}, {"article_id": "en:1"}]},
        {"members": [{"article_id": "ru:2"}, {"article_id": "en:2"}, {"article_id": "en:3"}]},
        {"members": [{"article_id": "ru:3"}]},
    ]
    precision, recall = document_pairs(events)
    assert precision == pytest.approx(2 / 4) and recall == pytest.approx(2 / 3)


def test_eval_runs_on_the_shared_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/eval is absent")
    assert main(["eval", "--data", str(data), "--only", "langid", "wmt", "--limit", "12",
                 "--index-dir", str(tmp_path / "idx"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "langid sentences uk" in out and "wmt22 ru→en docs (12)" in out and "match pair P" in out


def test_public_names_exist() -> None:
    for name in align.__all__:
        assert hasattr(align, name), name


def test_a_single_sentence_finds_its_english_document_by_sentence(tmp_path: Path, embedder: object) -> None:
    """A fixed WMT22 sample: a random Russian or Ukrainian sentence finds its document's English
    version first by sentence (goal ≥ 95%), never worse than by whole segments."""
    import re
    from dataclasses import replace

    from align.eval.wmt import eval_wmt
    from align.settings import Settings

    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/eval is absent")
    rows = eval_wmt(replace(Settings(), index_dir=tmp_path / "idx", quiet=True), embedder, data, 30)  # type: ignore[arg-type]
    lines = [r for r in rows if "sentence→en doc" in r[0]]
    assert len(lines) == 2, rows
    for row in lines:
        by_sentence = float(re.search(r"first ([\d.]+) by sentence", row[1]).group(1))  # type: ignore[union-attr]
        by_segment = float(re.search(r"([\d.]+) by segment", row[2]).group(1))  # type: ignore[union-attr]
        assert by_sentence >= 93.0 and by_sentence >= by_segment, row
    claims = [r for r in rows if "claim threshold" in r[0]]
    kept = [float(re.search(r"kept ([\d.]+)%", r[1]).group(1)) for r in claims]  # type: ignore[union-attr]
    assert min(kept) >= 85.0, claims
