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
