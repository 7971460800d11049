"""``align eval``: our numbers beside the published anchors of ``../shared/eval``.

The data is read from a path and never copied into the project. Parts, one module each:
``retrieval`` (Tatoeba), ``langid``, ``wmt`` (WMT22 documents, pooled matching), ``facts``
(the labelled sets in ``corpora/labelled``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..settings import Settings
from ..vectors.embed import Embedder, make_embedder
from . import realnews
from .facts import LABELLED, eval_facts, field_scores
from .langid import eval_langid
from .retrieval import eval_tatoeba, margin_retrieval
from .wmt import document_pairs, eval_wmt

__all__ = ["LABELLED", "default_data_dir", "document_pairs", "field_scores", "margin_retrieval", "run_eval"]


def default_data_dir() -> Path | None:
    for candidate in (Path("../shared/eval"), Path(__file__).resolve().parents[3] / "shared" / "eval"):
        if candidate.is_dir():
            return candidate
    return None


PARTS = ("langid", "tatoeba", "wmt", "facts", "realnews")


def run_eval(settings: Settings, data: Path | None = None, parts: list[str] | None = None,
             limit: int | None = None, work: Path | None = None, embedder: Embedder | None = None) -> int:
    """Print the table of ``parts`` (default: all); ``work`` keeps the real-news pools built
    between runs (they are rebuilt when it is empty)."""
    parts = parts or list(PARTS)
    table: list[tuple[str, ...]] = []
    if "facts" in parts:
        table += eval_facts()
    if parts == ["facts"]:
        return _print(table)
    data = data or default_data_dir()
    if data is None or not data.is_dir():
        raise InputError("no evaluation data: pass --data DIR (../shared/eval was not found)")
    embedder = embedder or make_embedder(settings.embedder, settings.threads, settings.batch_size)
    if "langid" in parts:
        table += eval_langid(data, limit)
    if "tatoeba" in parts:
        table += [("", "cosine", "margin", "published e5-small fp32"), *eval_tatoeba(embedder, data, limit)]
    if "wmt" in parts:
        table += eval_wmt(settings, embedder, data, limit)
    if "realnews" in parts:
        table += [("real news", "result", "detail", "goal"), *realnews.run(settings, embedder, data, limit, work)]
    return _print(table)


def _print(table: list[tuple[str, ...]]) -> int:
    for row in table:
        print(" | ".join(f"{c:<28}" if i == 0 else c for i, c in enumerate(row)))
    return 0
