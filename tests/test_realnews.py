"""The real-news evaluation on fixed samples of ../shared/eval, with floors just under what align reaches.

`make eval` prints the full numbers; this keeps them from sliding. Skipped when the data is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from align.eval import default_data_dir, realnews
from align.settings import Settings

DATA = default_data_dir()
pytestmark = pytest.mark.skipif(DATA is None, reason="../shared/eval is absent")


@pytest.fixture(scope="module")
def results(embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    assert DATA is not None
    settings = Settings()
    out: dict[str, dict[str, float]] = {}
    for lang in ("ru", "en"):
        pool = realnews.tgcontest(DATA, lang)
        with realnews.built(pool, settings, embedder) as (app, aliases):
            out[f"tg {lang}"] = realnews.pair_scores(pool, realnews.article_events(app.match(), aliases), aliases)
    pool = realnews.semeval(DATA, 120)
    with realnews.built(pool, settings, embedder) as (app, aliases):
        matching = app.matching()
        out["semeval"] = realnews.pair_scores(pool, realnews.article_events(app.match(matching), aliases), aliases)
        scores, similarity = realnews.pair_probabilities(matching, pool, aliases)
        out["semeval"]["pearson"] = realnews.pearson(scores, similarity)
    pool = realnews.bsnlp(DATA, 15)
    with realnews.built(pool, settings, embedder) as (app, _):
        events = app.match()
        out["bsnlp"] = realnews.topic_scores(pool, events, realnews.boilerplate_events(events))
    for lang, limit in (("ru", 30), ("uk", 120)):
        pool = realnews.wmt60(DATA, lang, limit)
        with realnews.built(pool, settings, embedder) as (app, _):
            out[f"wmt {lang}"] = realnews.twin_scores(app.match())
    print({k: {m: round(v, 3) for m, v in d.items()} for k, d in out.items()})
    return out


def test_same_story_pairs_labelled_by_people(results: dict[str, dict[str, float]]) -> None:
    assert results["tg ru"]["precision"] >= 0.85 and results["tg ru"]["recall"] >= 0.6
    assert results["tg en"]["precision"] >= 0.95 and results["tg en"]["f1"] >= 0.85


def test_semeval_same_and_different_events(results: dict[str, dict[str, float]]) -> None:
    assert results["semeval"]["accuracy"] >= 0.80
    assert results["semeval"]["pearson"] >= 0.55


def test_topics_never_mix_and_furniture_never_makes_an_event(results: dict[str, dict[str, float]]) -> None:
    assert results["bsnlp"]["purity"] >= 0.99
    assert results["bsnlp"]["boilerplate_events"] == 0
    assert results["bsnlp"]["cross_language_links"] >= 15  # the baseline found 6 on all 1,513 articles


def test_documents_find_their_partial_translations(results: dict[str, dict[str, float]]) -> None:
    assert results["wmt ru"]["precision"] >= 0.97 and results["wmt ru"]["recall"] >= 0.97
    assert results["wmt uk"]["precision"] >= 0.95 and results["wmt uk"]["recall"] >= 0.85


def test_a_pool_of_nothing_but_files_named_by_the_set_reads(tmp_path: Path) -> None:
    """The readers keep every labelled pair and name outlets by host (or by article when unknown)."""
    assert DATA is not None
    ru = realnews.tgcontest(DATA, "ru")
    ids = {r["id"] for r in ru.records}
    assert len(ru.pairs) == 20 and all(a in ids and b in ids for a, b, _ in ru.pairs)
    assert all("." in r["outlet"] for r in ru.records)
    bs = realnews.bsnlp(DATA, 2)
    assert set(bs.topics.values()) == {"brexit", "covid-19", "us_election_2020"}
    assert all(r["outlet"].startswith("unknown:") or "." in r["outlet"] for r in bs.records)
