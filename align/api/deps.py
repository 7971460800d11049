"""What the routers share: the opened library, its settings, key checks, the write lock."""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from fastapi import Depends, Request

from ..pipeline import Align
from ..settings import Settings
from .metrics import Metrics


class Unauthorized(Exception):
    """No valid API key where one is required (401)."""


@dataclass
class Context:
    """One app's state: routers are built from it and share nothing else."""

    align: Align
    settings: Settings
    metrics: Metrics = field(default_factory=Metrics)
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def keys(self) -> list[str]:
        return [k.strip() for k in self.settings.api_keys.split(",") if k.strip()]

    def key_ok(self, given: str) -> bool:
        """Constant-time comparison against every configured key."""
        return any(hmac.compare_digest(given.encode(), k.encode()) for k in self.keys)

    def check_key(self, request: Request) -> None:
        if not self.keys or not self.key_ok(request.headers.get("x-api-key", "")):
            raise Unauthorized

    def require_write(self, request: Request) -> None:
        if self.keys:
            self.check_key(request)

    def require_read(self, request: Request) -> None:
        if self.keys and self.settings.api_read_auth:
            self.check_key(request)

    @property
    def reads(self) -> list[Any]:
        return [Depends(self.require_read)]

    @property
    def writes(self) -> list[Any]:
        return [Depends(self.require_write)]

    def writing(self) -> Writing:
        """The one write lock: writes (and the event rebuild after them) run one at a time."""
        return Writing(self)


class Writing:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __enter__(self) -> None:
        with self.ctx.metrics.lock:
            self.ctx.metrics.waiting_writes += 1
        self.ctx.write_lock.acquire()
        with self.ctx.metrics.lock:
            self.ctx.metrics.waiting_writes -= 1

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.ctx.write_lock.release()


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()
