"""A real `align serve` (uvicorn) process on loopback: concurrent writes and searches, a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

KEY = "server-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(index: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ALIGN_API_KEYS": KEY, "ALIGN_MODELS_DIR": str(index.parent / "models")}
    proc = subprocess.Popen([sys.executable, "-m", "align.cli", "serve", "--index-dir", str(index),
                             "--port", str(port), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    index, port = tmp_path / "index", _free_port()
    proc = _start(index, port)
    yield f"http://127.0.0.1:{port}", index
    _stop(proc)


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
    proc = _start(index, port)
    base = f"http://127.0.0.1:{port}"
    try:
        r = httpx.post(f"{base}/api/articles", json=[_article(1), _article(2)], headers={"X-API-Key": KEY}, timeout=120)
        assert r.status_code == 201
        assert httpx.post(f"{base}/api/articles", json=_article(3), timeout=30).status_code == 401
        before = httpx.get(f"{base}/api/search", params={"q": "drones over Dnipro"}, timeout=60).json()["hits"]
    finally:
        _stop(proc)
    proc = _start(index, port)
    try:
        after = httpx.get(f"{base}/api/search", params={"q": "drones over Dnipro"}, timeout=60).json()["hits"]
        assert [h["segment_id"] for h in after] == [h["segment_id"] for h in before]
        assert httpx.get(f"{base}/health", timeout=30).json()["articles"] == 2
    finally:
        _stop(proc)
