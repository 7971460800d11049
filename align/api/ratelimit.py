"""Requests per minute per client, for the LibreTranslate paths (translation is the costly call).

A sliding window of one minute per client: exact, and small (at most ``limit`` times per client).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimit:
    """``allow(client)`` is False once ``per_minute`` requests came from ``client`` in the last 60 s."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:  # forget clients silent for a minute
                for quiet in [c for c, t in self._seen.items() if not t or now - t[-1] >= 60.0]:
                    del self._seen[quiet]
            times = self._seen[client]
            while times and now - times[0] >= 60.0:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True
