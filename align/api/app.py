"""The HTTP API: a FastAPI app built by a function from a settings object.

JSON endpoints live under ``/api``; LibreTranslate's paths (``/detect``, ``/translate``,
``/languages``) and ``/health`` and ``/metrics`` stay at the root; the pages at ``/``,
``/events/{id}`` and ``/search``. Each area is a router of its own (``routes/``), a few
lines per route over the :class:`~align.pipeline.Align` facade. Every error, whatever
raised it, leaves in one JSON shape: ``{"error": {"status", "code", "message", "field"}}``.

Concurrency: searches run in parallel (FAISS behind a read-write lock, one SQLite
connection per thread); writes (POST and DELETE) are serialised by one lock, and the number
waiting for it is the ``align_write_queue_depth`` gauge. Events are rebuilt explicitly: by
each write, under the write lock, and at start when articles changed while no server ran.
Reads never rebuild them.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AlignError, DependencyMissing
from ..pipeline import Align
from ..settings import Settings
from ..vectors.embed import Embedder
from ..web.pages import STATIC
from . import schemas
from .deps import Context, Unauthorized
from .metrics import BodyLimit, error_response
from .routes import articles, events, libre, ops, pages, search
from .routes.libre import LibreError

# /docs and /redoc load Swagger UI and ReDoc from fastapi-offline's packaged assets, never a CDN.
# Their pages start the viewer with an inline script and ReDoc runs a blob worker, so their
# policy allows those; every other source stays this server's own.
DOC_PAGES = ("/docs", "/redoc")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")


def create_app(settings: Settings, embedder: Embedder | None = None, core: Align | None = None) -> FastAPI:
    """The API over one index directory. Pass ``core`` to share an opened :class:`Align`."""
    align = core or Align(settings, embedder=embedder)
    align.warm_up()
    ctx = Context(align, settings)
    with ctx.writing():
        if align.events_stale:
            align.match()
    app = FastAPIOffline(title="align", version="0.1.0",
                  description="Multilingual news alignment: search, events, comparison, offline translation.",
                  responses={code: {"model": schemas.ErrorResponse} for code in (401, 404, 413, 415, 422, 501)})
    app.state.align = align
    app.state.settings = settings
    app.state.metrics = ctx.metrics
    _errors(app)

    @app.middleware("http")
    async def measure(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        if request.url.path in DOC_PAGES:
            response.headers["Content-Security-Policy"] = DOCS_CSP
        route = request.scope.get("route")
        ctx.metrics.observe(request.method, getattr(route, "path", "unmatched"), response.status_code,
                            time.perf_counter() - started)
        return response

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    for area in (search, articles, events, libre, pages, ops):
        app.include_router(area.router(ctx))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _errors(app: FastAPI) -> None:
    """One handler per kind of failure, all answering in the one error shape."""

    @app.exception_handler(AlignError)
    async def on_align_error(_: Request, exc: AlignError) -> JSONResponse:
        return error_response(exc.http_status, exc.message)

    @app.exception_handler(DependencyMissing)
    async def on_missing(_: Request, exc: DependencyMissing) -> JSONResponse:
        return error_response(501, exc.message)

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

    @app.exception_handler(LibreError)
    async def on_libre_error(_: Request, exc: LibreError) -> JSONResponse:
        return exc.response()  # LibreTranslate's paths answer in its shape, for its clients

    @app.exception_handler(Unauthorized)
    async def on_unauthorized(_: Request, __: Exception) -> JSONResponse:
        return error_response(401, "a valid API key is required in the X-API-Key header")
