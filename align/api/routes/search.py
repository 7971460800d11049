"""``/api/search`` and ``/api/segments``: similarity search and single segments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from .. import schemas
from ..deps import Context, iso


def router(ctx: Context) -> APIRouter:
    r = APIRouter(dependencies=ctx.reads)
    align, max_q, max_k = ctx.align, ctx.settings.max_query_chars, ctx.settings.max_k

    @r.get("/api/search", response_model=schemas.SearchResponse, tags=["search"])
    def search(q: str = Query(min_length=1, max_length=max_q), k: int = Query(10, ge=1, le=max_k),
               outlet: str | None = None, lang: str | None = None, since: datetime | None = None,
               until: datetime | None = None, quotes: str | None = None) -> dict[str, Any]:
        """Segments most similar to `q`, in any of the four languages."""
        timings: dict[str, float] = {}
        hits = align.search(q, k=k, outlet=outlet, lang=lang, quotes=quotes, since=iso(since), until=iso(until),
                            timings=timings)
        return {"query": q, "count": len(hits), "hits": hits, "timings": timings}

    @r.get("/api/segments/{segment_id}", response_model=schemas.SegmentOut, tags=["segments"])
    def get_segment(segment_id: str) -> Any:
        return align.segment_view(segment_id)

    @r.get("/api/segments/{segment_id}/similar", response_model=schemas.SimilarResponse, tags=["segments"])
    def similar(segment_id: str, k: int = Query(10, ge=1, le=max_k), other_outlets: bool = True) -> dict[str, Any]:
        hits = align.similar(segment_id, k=k, other_outlets=other_outlets)
        return {"segment_id": segment_id, "count": len(hits), "hits": hits}

    return r
