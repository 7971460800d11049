"""A real `align serve` (uvicorn) process on loopback: concurrent writes and searches, a restart."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from .conftest import free_port as _free_port
from .conftest import start_server, stop_server

KEY = "server-key"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    index, port = tmp_path / "index", _free_port()
    proc = start_server(index, port, KEY)
    yield f"http://127.0.0.1:{port}", index
    stop_server(proc)


def _article(i: int) -> dict[str, str]:
    places = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Kherson", "Sumy"]
    return {"outlet": f"Outlet {i % 3}", "id": f"c-{i}",
            "text": f"Report {i}: air defence shot down {i + 2} drones over {places[i % len(places)]} overnight."}


def test_parallel_posts_and_searches_lose_nothing(server: tuple[str, Path]) -> None:
    base, _ = server
    n = 12

    def post(i: int) -> int:
        return httpx.post(f"{base}/api/articles", json=_article(i), headers={"X-API-Key": KEY}, timeout=120).status_code

    def search(i: int) -> int:
        return httpx.get(f"{base}/api/search", params={"q": f"drones over Odesa {i}", "k": 3}, timeout=120).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        posts = [pool.submit(post, i) for i in range(n)]
        searches = [pool.submit(search, i) for i in range(n)]
        assert [f.result() for f in posts] == [201] * n
        assert [f.result() for f in searches] == [200] * n
    for i in range(n):
        art = httpx.get(f"{base}/api/articles/c-{i}", timeout=30).json()
        assert art["id"] == f"c-{i}" and len(art["segments"]) == 1
    health = httpx.get(f"{base}/health", timeout=30).json()
    assert health["articles"] == n and health["embedded"] == n  # each exactly once
    again = httpx.post(f"{base}/api/articles", json=_article(0), headers={"X-API-Key": KEY}, timeout=60).json()
    assert again["unchanged"] == 1 and httpx.get(f"{base}/health", timeout=30).json()["articles"] == n


def test_index_survives_a_restart(tmp_path: Path) -> None:
    index, port = tmp_path / "index", _free_port()
    proc = start_server(index, port, KEY)
    base = f"http://127.0.0.1:{port}"
    try:
        r = httpx.post(f"{base}/api/articles", json=[_article(1), _article(2)], headers={"X-API-Key": KEY}, timeout=120)
        assert r.status_code == 201
        assert httpx.post(f"{base}/api/articles", json=_article(3), timeout=30).status_code == 401
        before = httpx.get(f"{base}/api/search", params={"q": "drones over Dnipro"}, timeout=60).json()["hits"]
    finally:
        stop_server(proc)
    proc = start_server(index, port, KEY)
    try:
        after = httpx.get(f"{base}/api/search", params={"q": "drones over Dnipro"}, timeout=60).json()["hits"]
        assert [h["segment_id"] for h in after] == [h["segment_id"] for h in before]
        assert httpx.get(f"{base}/health", timeout=30).json()["articles"] == 2
    finally:
        stop_server(proc)


def test_api_keys_never_reach_the_logs(tmp_path: Path) -> None:
    index, port = tmp_path / "index", _free_port()
    proc = start_server(index, port, KEY)
    base = f"http://127.0.0.1:{port}"
    try:
        assert httpx.post(f"{base}/api/articles", json=_article(1), headers={"X-API-Key": "leaky-wrong-key"},
                          timeout=60).status_code == 401
        r = httpx.post(f"{base}/api/articles", json=_article(1), headers={"X-API-Key": KEY}, timeout=120)
        assert r.status_code == 201 and KEY not in r.text
    finally:
        stop_server(proc)
    logged = proc.stderr.read().decode() if proc.stderr else ""
    assert "leaky-wrong-key" not in logged and KEY not in logged
