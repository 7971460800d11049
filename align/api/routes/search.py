"""``/api/search`` and ``/api/segments``: similarity search and single segments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query

from .. import schemas
from ..deps import Context, iso


def router(ctx: Context) -> APIRouter:
    r = APIRouter(dependencies=ctx.reads)
    align, max_q, max_k = ctx.align, ctx.settings.max_query_chars, ctx.settings.max_k

    @r.get("/api/search", response_model=schemas.SearchResponse, tags=["search"])
    def search(q: str = Query(min_length=1, max_length=max_q), k: int = Query(10, ge=1, le=max_k),
               outlet: str | None = None, lang: str | None = None, since: datetime | None = None,
               until: datetime | None = None, quotes: str | None = None,
               granularity: Literal["auto", "sentence", "segment"] = "auto") -> dict[str, Any]:
        """Segments most similar to `q`, in any of the four languages. `granularity`: compare the
        query with single sentences (`sentence`), whole segments (`segment`), or choose by the
        query's length (`auto`: one sentence of up to 250 characters is searched by sentence).
        Each hit names its sentence nearest the query (`sentence`, `sentence_span`)."""
        timings: dict[str, float] = {}
        hits = align.search(q, k=k, outlet=outlet, lang=lang, quotes=quotes, since=iso(since), until=iso(until),
                            timings=timings, granularity=granularity)
        return {"query": q, "count": len(hits), "hits": hits, "timings": timings}

    @r.get("/api/claims", response_model=schemas.ClaimsResponse, tags=["search"])
    def claims(q: str = Query(min_length=1, max_length=max_q), k: int = Query(50, ge=1, le=max_k),
               outlet: str | None = None, lang: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> dict[str, Any]:
        """Every segment that carries the claim `q` (a sentence whose match clears the calibrated
        `claim_cosine`), grouped by outlet in order of first report, the earliest marked, with
        whom each outlet attributes it to and the facts the versions state differently."""
        return dict(align.claims(q, k=k, outlet=outlet, lang=lang, since=iso(since), until=iso(until)))

    @r.get("/api/segments/{segment_id}", response_model=schemas.SegmentOut, tags=["segments"])
    def get_segment(segment_id: str) -> Any:
        return align.segment_view(segment_id)

    @r.get("/api/segments/{segment_id}/similar", response_model=schemas.SimilarResponse, tags=["segments"])
    def similar(segment_id: str, k: int = Query(10, ge=1, le=max_k), other_outlets: bool = True) -> dict[str, Any]:
        hits = align.similar(segment_id, k=k, other_outlets=other_outlets)
        return {"segment_id": segment_id, "count": len(hits), "hits": hits}

    return r
