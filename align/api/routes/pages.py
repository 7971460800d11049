"""The pages people read, each built from the same data function as its JSON twin."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from ...web import pages
from ..deps import Context


def html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers={"Content-Security-Policy": pages.CSP, "X-Content-Type-Options": "nosniff",
                                       "Referrer-Policy": "no-referrer"})


def router(ctx: Context) -> APIRouter:
    r = APIRouter(dependencies=ctx.reads, include_in_schema=False)
    align, max_q, max_k = ctx.align, ctx.settings.max_query_chars, ctx.settings.max_k

    @r.get("/", response_class=HTMLResponse)
    def events_page(outlet: str | None = None, lang: str | None = None, quotes: str | None = None) -> HTMLResponse:
        events = align.events(outlet=outlet or None, lang=lang or None)
        if quotes:
            events = [ev for ev in events if any(any(s["name"].casefold() == quotes.casefold() for s in m["sources"])
                                                 for m in ev["members"])]
        outlets = [o["outlet"] for o in align.store.outlets()]
        return html(pages.events_page(events, outlets, {"outlet": outlet, "lang": lang, "quotes": quotes}))

    @r.get("/events/{event_id}", response_class=HTMLResponse)
    def event_page(event_id: str, view: str = "both") -> HTMLResponse:
        return html(pages.event_page(align.event_view(event_id), view))

    @r.get("/search", response_class=HTMLResponse)
    def search_page(q: str = Query(min_length=1, max_length=max_q), k: int = Query(20, ge=1, le=max_k)) -> HTMLResponse:
        hits = align.search(q, k=k)
        titles = {e["event_id"]: e["title"] for e in align.store.events()}
        return html(pages.search_page(q, hits, titles))

    @r.get("/claims", response_class=HTMLResponse)
    def claims_page(q: str = Query(min_length=1, max_length=max_q), k: int = Query(50, ge=1, le=max_k)) -> HTMLResponse:
        return html(pages.claims_page(align.claims(q, k=k)))

    return r
