"""A bounded soak: two minutes of mixed ingest and search against a real `align serve` on loopback."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from .conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.soak

KEY = "soak-key"
SECONDS = 120
MIXED = 80  # seconds of ingest + search; the rest is search only, where memory must stay flat
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PLACES = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Kherson", "Sumy", "Kursk", "Belgorod"]
QUERIES = ["drones over Kharkiv", "беспилотники над Курском", "дрони над Одесою", "дронове над Белгород"]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_two_minutes_of_mixed_load(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "index", port, KEY)
    base = f"http://127.0.0.1:{port}"
    begun = time.monotonic()
    stop = begun + SECONDS
    writes_stop = begun + MIXED
    posted: list[str] = []
    statuses: dict[int, int] = {}
    rss: list[tuple[float, int]] = []
    lock = threading.Lock()

    def count(status: int) -> None:
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def writer(w: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = 0
            while time.monotonic() < writes_stop:
                aid = f"soak-{w}-{i}"
                r = client.post(f"{base}/api/articles", headers={"X-API-Key": KEY}, json={
                    "outlet": f"Outlet {w}", "id": aid, "published": "2023-09-05",
                    "text": f"Report {aid}: {i % 9 + 2} drones were shot down over {PLACES[i % len(PLACES)]}."})
                count(r.status_code)
                if r.status_code == 201:
                    with lock:
                        posted.append(aid)
                i += 1

    def reader(n: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = n
            while time.monotonic() < stop:
                count(client.get(f"{base}/api/search", params={"q": QUERIES[i % len(QUERIES)]}).status_code)
                i += 1

    def sampler() -> None:
        while time.monotonic() < stop:
            rss.append((time.monotonic() - begun, _rss_kb(proc.pid)))
            time.sleep(2)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=sampler))
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not [s for s in statuses if s >= 500], statuses
        health = httpx.get(f"{base}/health", timeout=30).json()
        assert health["articles"] == len(posted) > 10
        for aid in posted[:: max(1, len(posted) // 25)]:
            assert httpx.get(f"{base}/api/articles/{aid}", timeout=30).status_code == 200
    finally:
        stop_server(proc)

    def slope(samples: list[tuple[float, int]]) -> float:
        return float(np.polyfit([t for t, _ in samples], [kb for _, kb in samples], 1)[0]) * 60 / 1024

    mixed = [(t, kb) for t, kb in rss if 10 <= t < MIXED]
    searching = [(t, kb) for t, kb in rss if t >= MIXED + 5]
    growth_kb = (mixed[-1][1] - mixed[0][1]) if mixed else 0
    result = {"seconds": SECONDS, "requests": statuses, "articles": len(posted),
              "rss_mb_first": round(rss[0][1] / 1024, 1), "rss_mb_last": round(rss[-1][1] / 1024, 1),
              "rss_slope_mb_per_min_mixed": round(slope(mixed), 2),
              "rss_kb_per_article_mixed": round(growth_kb / max(1, len(posted)), 1),
              "rss_slope_mb_per_min_search_only": round(slope(searching), 2)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "soak.json").write_text(json.dumps(result, indent=1))
    assert result["rss_slope_mb_per_min_search_only"] < 5, result  # no leak once the data stops growing
    assert result["rss_kb_per_article_mixed"] < 200, result  # growth follows the data, within bounds
