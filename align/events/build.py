"""The one event builder: links → groups → events in the shape ``align match`` writes.

``align match`` (the facade) and ``align batch`` both call :func:`build_events`. They differ
only in where neighbour lists come from (a fresh FAISS search, or lists a batch job stored
and merged incrementally) and in how they fetch segment rows (all at once, or per event),
so an event's members, order, links, scores and ``republished_by`` are decided here once.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import astuple, dataclass
from typing import Protocol, cast

from ..analysis.aliases import AliasTable
from ..dates import parse_time
from ..records import EventJson, EvidenceJson, MemberJson, Republisher
from ..segments import heading, segment_json
from ..settings import Settings
from ..storage.store import Nodes, SegmentRow
from . import cluster, link

RowSource = Callable[[list[int]], Mapping[int, SegmentRow]]


class EventCache(Protocol):
    """Where a batch job keeps rendered events between runs, by event id and signature."""

    def get(self, event_id: str, signature: str) -> EventJson | None: ...

    def put(self, event_id: str, signature: str, event: EventJson) -> None: ...


@dataclass(frozen=True)
class Built:
    """One event and the links inside it (positions into ``member_ids``, in group order)."""

    event: EventJson
    member_ids: list[str]
    links: list[link.Link]


def graph_nodes(nodes: Nodes, positions: list[int]) -> list[link.Node]:
    """The matching view of the stored segments at ``positions``."""
    return [link.Node(int(nodes.rowids[p]), nodes.outlets[p], nodes.articles[p], parse_time(nodes.times[p]),
                      nodes.langs[p]) for p in positions]


def build_events(nodes: Nodes, kept: list[int], hood: link.Neighbourhood, settings: Settings, rows: RowSource,
                 republished: Mapping[str, list[Republisher]], table: AliasTable,
                 cache: EventCache | None = None, version: str = "") -> Iterator[Built]:
    """Every event over the stored segments at positions ``kept`` (``hood`` is their
    neighbourhood, by position in ``kept``), newest first.

    ``rows`` fetches the segment rows of one event; ``cache`` (with ``version``: anything else
    a rendered event depends on) lets an unchanged event be reused instead of rendered again.
    """
    graph = graph_nodes(nodes, kept)
    edges = link.links(graph, hood, settings)
    groups = cluster.components(len(graph), edges)
    inside: dict[int, list[link.Link]] = defaultdict(list)
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    for e in edges:
        inside[group_of[e.a]].append(e)
    order = []
    for g, members in enumerate(groups):
        stamps = [t for t in (nodes.times[kept[i]] for i in members) if t]
        order.append((max(stamps) if stamps else "", link.event_id([nodes.ids[kept[i]] for i in members]), g))
    for _, event_id, g in sorted(order, reverse=True):
        members = groups[g]
        local = {i: n for n, i in enumerate(members)}
        own = [link.Link(local[e.a], local[e.b], e.cosine, e.margin, e.score, e.hours_apart, e.rule)
               for e in inside.get(g, [])]
        ids = [nodes.ids[kept[i]] for i in members]
        articles = {nodes.articles[kept[i]] for i in members}
        copies = {a: list(republished[a]) for a in sorted(articles) if a in republished}
        signature = hashlib.sha1(json.dumps([ids, [list(astuple(e)) for e in own], copies, version],
                                            sort_keys=True).encode()).hexdigest()
        event = cache.get(event_id, signature) if cache is not None else None
        if event is None:
            found = rows([graph[i].rowid for i in members])
            event = event_json([found[graph[i].rowid] for i in members], own, copies, table)
            if cache is not None:
                cache.put(event_id, signature, event)
        yield Built(event, ids, own)


def event_json(segs: list[SegmentRow], edges: list[link.Link], republished: Mapping[str, list[Republisher]],
               table: AliasTable | None = None) -> EventJson:
    """One event: its member segments (in any order) and the links between them (positions into ``segs``)."""
    members: list[MemberJson] = []
    for i, s in enumerate(segs):
        own = [e for e in edges if i in (e.a, e.b)]
        evidence: list[EvidenceJson] = [
            {"segment_id": segs[e.b if e.a == i else e.a].id, "cosine": e.cosine, "margin": e.margin,
             "score": e.score, "hours_apart": e.hours_apart, "rule": e.rule} for e in own]
        member = cast(MemberJson, {**segment_json(s, table), "score": max((e.score for e in own), default=None),
                                   "evidence": sorted(evidence, key=lambda x: -float(x["score"] or 0.0))})
        if s.article_id in republished:
            member["republished_by"] = list(republished[s.article_id])
        members.append(member)
    members.sort(key=lambda m: (m["outlet"], m["time"] or "", m["segment_id"]))
    lead = min(segs, key=lambda s: (s.lang != "en", s.time or "", s.id))
    times = [t for t in (s.time or s.published for s in segs) if t]
    return {
        "event_id": link.event_id([s.id for s in segs]),
        "title": heading(lead),
        "outlets": sorted({s.outlet for s in segs}),
        "langs": sorted({s.lang or "other" for s in segs}),
        "time": max(times) if times else None,
        "members": members,
    }
