"""Running `align serve` as a separate process on loopback (benchmarks and tests use it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def start(index: Path, port: int, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.Popen[bytes]:
    """Start `align serve` on 127.0.0.1:``port`` and return once /health answers."""
    environment = {**os.environ, "ALIGN_MODELS_DIR": str(index.parent / "models"), **(env or {})}
    proc = spawn([sys.executable, "-m", "align.cli", "serve", "--index-dir", str(index), "--port", str(port),
                  "--quiet"], environment)
    wait_healthy(proc, port, timeout)
    return proc


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A server command started with its output dropped and its errors kept for the report."""
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(proc: subprocess.Popen[bytes], port: int, timeout: float = 120) -> None:
    """Return once 127.0.0.1:``port``/health answers 200; raise (killing it) if it exits or never does."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server did not start within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 30 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
