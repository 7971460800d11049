"""Operations: ``/health`` and ``/metrics``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from ...translate import installed
from .. import schemas
from ..deps import Context


def router(ctx: Context) -> APIRouter:
    r = APIRouter(tags=["operations"])
    align = ctx.align

    @r.get("/health", response_model=schemas.Health)
    def health() -> dict[str, Any]:
        counts = align.store.counts()
        return {"status": "ok", "articles": counts["articles"], "segments": counts["segments"],
                "embedded": counts["embedded"], "embedder": align.embedder.name,
                "models": [m.pair for m in installed(ctx.settings.resolved_models_dir())]}

    @r.get("/metrics", response_class=PlainTextResponse)
    def prometheus() -> str:
        return ctx.metrics.render(align.index.size, align.store.counts()["articles"])

    return r
