"""The HTTP API: a FastAPI app built by a function from a settings object.

JSON endpoints live under ``/api``; LibreTranslate's paths (``/detect``, ``/translate``,
``/languages``) and ``/health`` and ``/metrics`` stay at the root. Every route is a few
lines over the :class:`~align.pipeline.Align` facade. Every error, whatever raised it,
leaves in one JSON shape: ``{"error": {"status", "code", "message", "field"}}``.

Concurrency: searches run in parallel (FAISS behind a read-write lock, one SQLite
connection per thread); writes (POST and DELETE) are serialised by one lock, and the
number waiting for it is the ``align_write_queue_depth`` gauge.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..detect import TARGETS
from ..detect import detect as detect_language
from ..embed import Embedder
from ..errors import AlignError, DependencyMissing, InputError
from ..pipeline import Align
from ..settings import Settings
from . import pages, schemas

LANGUAGE_NAMES = {"en": "English", "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian"}
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media", 422: "invalid", 501: "not_installed"}


def error_response(status: int, message: str, field: str | None = None) -> JSONResponse:
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


def create_app(settings: Settings, embedder: Embedder | None = None, core: Align | None = None) -> FastAPI:
    """The API over one index directory. Pass ``core`` to share an opened :class:`Align`."""
    align = core or Align(settings, embedder=embedder)
    align.warm_up()
    keys = [k.strip() for k in settings.api_keys.split(",") if k.strip()]
    write_lock = threading.Lock()
    metrics = Metrics()
    app = FastAPI(title="align", version="0.1.0",
                  description="Multilingual news alignment: search, events, comparison, offline translation.",
                  responses={code: {"model": schemas.ErrorResponse} for code in (401, 404, 413, 415, 422, 501)})
    app.state.align = align
    app.state.settings = settings
    app.state.metrics = metrics

    def check_key(request: Request) -> None:
        given = request.headers.get("x-api-key", "")
        if not keys or not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
            raise _Unauthorized

    def require_write(request: Request) -> None:
        if keys:
            check_key(request)

    def require_read(request: Request) -> None:
        if keys and settings.api_read_auth:
            check_key(request)

    class _Writing:
        def __enter__(self) -> None:
            with metrics.lock:
                metrics.waiting_writes += 1
            write_lock.acquire()
            with metrics.lock:
                metrics.waiting_writes -= 1

        def __exit__(self, *exc: object) -> None:
            write_lock.release()

    # -- errors: one shape ---------------------------------------------------------------
    @app.exception_handler(AlignError)
    async def on_align_error(_: Request, exc: AlignError) -> JSONResponse:
        return error_response(exc.http_status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # With a union body (one article or a list), the branch of the wrong shape reports a type error
        # too; the other branch's error is the one that names what is wrong.
        branch_types = {"dict_type", "model_attributes_type", "list_type"}
        errors = sorted(exc.errors(), key=lambda e: e.get("type") in branch_types)
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path", "header")
               and not str(x).startswith(("ArticleIn", "list["))]
        field = ".".join(loc) or None
        return error_response(422, f"{field or 'request'}: {first.get('msg', 'invalid')}", field)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(_Unauthorized)
    async def on_unauthorized(_: Request, __: Exception) -> JSONResponse:
        return error_response(401, "a valid API key is required in the X-API-Key header")

    @app.middleware("http")
    async def measure(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.observe(request.method, path, response.status_code, time.perf_counter() - started)
        return response

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    max_q, max_k = settings.max_query_chars, settings.max_k
    Batch = Annotated[list[schemas.ArticleIn], Field(min_length=1, max_length=settings.max_batch)]
    reads = [Depends(require_read)]
    writes = [Depends(require_write)]

    # -- JSON API -----------------------------------------------------------------------------
    @app.get("/api/search", response_model=schemas.SearchResponse, dependencies=reads, tags=["search"])
    def search(q: str = Query(min_length=1, max_length=max_q), k: int = Query(10, ge=1, le=max_k),
               outlet: str | None = None, lang: str | None = None, since: datetime | None = None,
               until: datetime | None = None, quotes: str | None = None) -> dict[str, Any]:
        """Segments most similar to `q`, in any of the four languages."""
        timings: dict[str, float] = {}
        hits = align.search(q, k=k, outlet=outlet, lang=lang, quotes=quotes, since=_iso(since), until=_iso(until),
                            timings=timings)
        return {"query": q, "count": len(hits), "hits": hits, "timings": timings}

    @app.get("/api/segments/{segment_id}", response_model=schemas.SegmentOut, dependencies=reads, tags=["segments"])
    def get_segment(segment_id: str) -> dict[str, Any]:
        return align.segment_view(segment_id)

    @app.get("/api/segments/{segment_id}/similar", response_model=schemas.SimilarResponse, dependencies=reads,
             tags=["segments"])
    def similar(segment_id: str, k: int = Query(10, ge=1, le=max_k), other_outlets: bool = True) -> dict[str, Any]:
        hits = align.similar(segment_id, k=k, other_outlets=other_outlets)
        return {"segment_id": segment_id, "count": len(hits), "hits": hits}

    @app.get("/api/articles/{article_id}", response_model=schemas.ArticleOut, dependencies=reads, tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        return align.article_view(article_id)

    @app.delete("/api/articles/{article_id}", response_model=schemas.DeleteResponse, dependencies=writes,
                tags=["articles"])
    def delete_article(article_id: str) -> dict[str, Any]:
        with _Writing():
            n = align.delete_article(article_id)
        return {"deleted": article_id, "segments": n}

    def post_articles(body: Any) -> dict[str, Any]:
        """Ingest, detect, embed and index one article or a list of them."""
        items = body if isinstance(body, list) else [body]
        records = [i.model_dump(exclude_none=True) for i in items]
        with _Writing():
            report, ids = align.ingest_records(records)
            align.build()
            articles = [{"id": a, "segment_ids": [s.id for s in align.store.segments("WHERE s.article_id = ?", (a,))]}
                        for a in ids]
        return {"added": len(report.added), "unchanged": len(report.unchanged), "articles": articles}

    # The batch limit comes from settings, so the body type is made here, not in an annotation string.
    post_articles.__annotations__["body"] = schemas.ArticleIn | Batch
    app.post("/api/articles", response_model=schemas.IngestResponse, status_code=201, dependencies=writes,
             tags=["articles"])(post_articles)

    @app.get("/api/events", response_model=schemas.EventsResponse, dependencies=reads, tags=["events"])
    def list_events(since: datetime | None = None, until: datetime | None = None, outlet: str | None = None,
                    lang: str | None = None) -> dict[str, Any]:
        with _Writing():  # may re-run matching when articles changed
            events = align.events(since=_iso(since), until=_iso(until), outlet=outlet, lang=lang)
        return {"count": len(events), "events": events}

    @app.get("/api/events/{event_id}", response_model=schemas.EventOut, dependencies=reads, tags=["events"])
    def get_event(event_id: str) -> dict[str, Any]:
        with _Writing():
            return align.event_view(event_id)

    @app.get("/api/compare", response_model=schemas.CompareResponse, dependencies=reads, tags=["events"])
    def compare(a: str = Query(min_length=1), b: str = Query(min_length=1)) -> dict[str, Any]:
        return align.compare(a, b)

    # -- LibreTranslate-compatible ------------------------------------------------------------
    @app.post("/detect", response_model=list[schemas.Detection] | list[list[schemas.Detection]], dependencies=reads,
              tags=["libretranslate"])
    def detect(body: schemas.DetectIn) -> Any:
        texts = [body.q] if isinstance(body.q, str) else body.q
        _check_texts(texts, max_q)
        found = [[_detection(t)] for t in texts]
        return found[0] if isinstance(body.q, str) else found

    @app.post("/translate", response_model=schemas.TranslateOut, dependencies=reads, tags=["libretranslate"])
    def translate(body: schemas.TranslateIn) -> dict[str, Any]:
        texts = [body.q] if isinstance(body.q, str) else body.q
        _check_texts(texts, max_q)
        if body.target not in TARGETS:
            raise InputError(f"target: {body.target!r} is not one of {', '.join(TARGETS)}")
        detected = None
        if body.source == "auto":
            found = [_detection(t) for t in texts]
            languages = {d["language"] for d in found if d["language"] in TARGETS}
            if len(languages) != 1:
                raise InputError("source: cannot tell one source language; give source explicitly")
            source = languages.pop()
            detected = found[0] if isinstance(body.q, str) else found
        elif body.source in TARGETS:
            source = body.source
        else:
            raise InputError(f"source: {body.source!r} is not one of auto, {', '.join(TARGETS)}")
        out = align.translator.translate(texts, source, body.target)
        result: dict[str, Any] = {"translatedText": out[0] if isinstance(body.q, str) else out}
        if detected is not None:
            result["detectedLanguage"] = detected
        return result

    @app.get("/languages", response_model=list[schemas.Language], dependencies=reads, tags=["libretranslate"])
    def languages() -> list[dict[str, Any]]:
        return [{"code": code, "name": LANGUAGE_NAMES[code],
                 "targets": [t for t in TARGETS if t != code and align.translator.available(code, t)]}
                for code in TARGETS]

    # -- pages (same data functions as their JSON twins) ----------------------------------------
    static = Path(__file__).resolve().parents[1] / "web" / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    def html(text: str) -> HTMLResponse:
        return HTMLResponse(text, headers={"Content-Security-Policy": pages.CSP, "X-Content-Type-Options": "nosniff",
                                           "Referrer-Policy": "no-referrer"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=reads)
    def events_page(outlet: str | None = None, lang: str | None = None, quotes: str | None = None) -> HTMLResponse:
        with _Writing():
            events = align.events(outlet=outlet or None, lang=lang or None)
        if quotes:
            events = [ev for ev in events if any(any(s["name"].casefold() == quotes.casefold() for s in m["sources"])
                                                 for m in ev["members"])]
        outlets = [o["outlet"] for o in align.store.outlets()]
        return html(pages.events_page(events, outlets, {"outlet": outlet, "lang": lang, "quotes": quotes}))

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False, dependencies=reads)
    def event_page(event_id: str, view: str = "both") -> HTMLResponse:
        with _Writing():
            data = align.event_view(event_id)
        return html(pages.event_page(data, view))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False, dependencies=reads)
    def search_page(q: str = Query(min_length=1, max_length=max_q), k: int = Query(20, ge=1, le=max_k)) -> HTMLResponse:
        hits = align.search(q, k=k)
        titles = {e["event_id"]: e["title"] for e in align.store.events()}
        return html(pages.search_page(q, hits, titles))

    # -- operations -----------------------------------------------------------------------------
    @app.get("/health", response_model=schemas.Health, tags=["operations"])
    def health() -> dict[str, Any]:
        counts = align.store.counts()
        from ..translate import installed

        return {"status": "ok", "articles": counts["articles"], "segments": counts["segments"],
                "embedded": counts["embedded"], "embedder": align.embedder.name,
                "models": [m.pair for m in installed(settings.resolved_models_dir())]}

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
    def prometheus() -> str:
        counts = align.store.counts()
        return metrics.render(align.index.faiss.ntotal, counts["articles"])

    @app.exception_handler(DependencyMissing)
    async def on_missing(_: Request, exc: DependencyMissing) -> JSONResponse:
        return error_response(501, exc.message)

    return app


class _Unauthorized(Exception):
    pass


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _check_texts(texts: list[str], limit: int) -> None:
    if not texts:
        raise InputError("q: give at least one text")
    for text in texts:
        if len(text) > limit:
            raise InputError(f"q: text over the limit of {limit} characters")


def _detection(text: str) -> dict[str, Any]:
    found = detect_language(text)
    return {"language": found.lang if found.lang != "other" else (found.code or "other"),
            "confidence": round(100 * found.confidence, 1)}
