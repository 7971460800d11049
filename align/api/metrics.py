"""Request metrics for ``/metrics`` (Prometheus text) and the request-body limit."""

from __future__ import annotations

import threading
from collections import defaultdict

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media", 422: "invalid", 429: "too_many_requests",
          501: "not_installed"}


def error_response(status: int, message: str, field: str | None = None) -> JSONResponse:
    """align's one error shape: ``{"error": {"status", "code", "message", "field"}}``."""
    body = {"error": {"status": status, "code": _CODES.get(status, "error"), "message": message, "field": field}}
    return JSONResponse(body, status_code=status)


class BodyLimit:
    """Refuses a body over the limit before anything parses it (Content-Length or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await error_response(413, f"request body over the limit of {self.limit} bytes")(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await error_response(413, f"request body over the limit of {self.limit} bytes")(scope, receive, send)


class _TooLarge(Exception):
    pass


class Metrics:
    """Request counts and latencies per route, for /metrics in Prometheus text format."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count: dict[tuple[str, str, int], int] = defaultdict(int)
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.buckets = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
        self.hist: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * (len(self.buckets) + 1))
        self.waiting_writes = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.count[(method, route, status)] += 1
            self.seconds[(method, route)] += seconds
            slot = next((i for i, b in enumerate(self.buckets) if seconds <= b), len(self.buckets))
            self.hist[(method, route)][slot] += 1

    def render(self, segments: int, articles: int) -> str:
        lines = ["# HELP align_requests_total HTTP requests by method, route and status.",
                 "# TYPE align_requests_total counter"]
        with self.lock:
            for (method, route, status), n in sorted(self.count.items()):
                lines.append(f'align_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}')
            lines += ["# HELP align_request_duration_seconds HTTP request latency.",
                      "# TYPE align_request_duration_seconds histogram"]
            for (method, route), counts in sorted(self.hist.items()):
                label = f'method="{method}",route="{route}"'
                total = 0
                for bound, n in zip((*self.buckets, float("inf")), counts, strict=True):
                    total += n
                    le = "+Inf" if bound == float("inf") else f"{bound}"
                    lines.append(f'align_request_duration_seconds_bucket{{{label},le="{le}"}} {total}')
                lines.append(f"align_request_duration_seconds_sum{{{label}}} {self.seconds[(method, route)]:.6f}")
                lines.append(f"align_request_duration_seconds_count{{{label}}} {total}")
            waiting = self.waiting_writes
        lines += ["# HELP align_index_segments Segments in the index.", "# TYPE align_index_segments gauge",
                  f"align_index_segments {segments}", "# HELP align_articles Articles stored.",
                  "# TYPE align_articles gauge", f"align_articles {articles}",
                  "# HELP align_write_queue_depth Writes waiting for the write lock.",
                  "# TYPE align_write_queue_depth gauge", f"align_write_queue_depth {waiting}"]
        return "\n".join(lines) + "\n"
