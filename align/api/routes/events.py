"""``/api/events`` and ``/api/compare``: events as last built, and two segments compared.

Reads never rebuild events: writes do (``POST``/``DELETE /api/articles``), and so does the
app's start when articles changed while no server ran.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from .. import schemas
from ..deps import Context, iso


def router(ctx: Context) -> APIRouter:
    r = APIRouter(dependencies=ctx.reads, tags=["events"])
    align = ctx.align

    @r.get("/api/events", response_model=schemas.EventsResponse)
    def list_events(since: datetime | None = None, until: datetime | None = None, outlet: str | None = None,
                    lang: str | None = None) -> dict[str, Any]:
        events = align.events(since=iso(since), until=iso(until), outlet=outlet, lang=lang)
        return {"count": len(events), "events": events}

    @r.get("/api/events/{event_id}", response_model=schemas.EventOut)
    def get_event(event_id: str) -> Any:
        return align.event_view(event_id)

    @r.get("/api/compare", response_model=schemas.CompareResponse)
    def compare(a: str = Query(min_length=1), b: str = Query(min_length=1)) -> Any:
        return align.compare(a, b)

    return r
