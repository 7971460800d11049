"""``/api/articles``: add, read and delete articles. Writes rebuild the events before answering."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from .. import schemas
from ..deps import Context


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    align = ctx.align
    Batch = Annotated[list[schemas.ArticleIn], Field(min_length=1, max_length=ctx.settings.max_batch)]

    @r.get("/api/articles/{article_id}", response_model=schemas.ArticleOut, dependencies=ctx.reads,
           tags=["articles"])
    def get_article(article_id: str) -> Any:
        return align.article_view(article_id)

    @r.delete("/api/articles/{article_id}", response_model=schemas.DeleteResponse, dependencies=ctx.writes,
              tags=["articles"])
    def delete_article(article_id: str) -> dict[str, Any]:
        with ctx.writing():
            n = align.delete_article(article_id)
            align.match()
        return {"deleted": article_id, "segments": n}

    def post_articles(body: Any) -> dict[str, Any]:
        """Ingest, detect, embed, index and translate one article or a list of them; events are rebuilt."""
        items = body if isinstance(body, list) else [body]
        records = [i.model_dump(exclude_none=True) for i in items]
        with ctx.writing():
            report, ids = align.ingest_records(records)
            align.build()
            if report.added:
                align.match()
            articles = [{"id": a, "segment_ids": [s.id for s in align.store.article_segments(a)]} for a in ids]
        return {"added": len(report.added), "unchanged": len(report.unchanged), "articles": articles}

    # The batch limit comes from settings, so the body type is made here, not in an annotation string.
    post_articles.__annotations__["body"] = schemas.ArticleIn | Batch
    r.post("/api/articles", response_model=schemas.IngestResponse, status_code=201, dependencies=ctx.writes,
           tags=["articles"])(post_articles)
    return r
