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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, replace
from typing import Any, Protocol, cast

import numpy as np

from ..analysis.aliases import AliasTable
from ..dates import parse_time
from ..records import EventJson, EvidenceJson, MemberJson, RelatedJson, Republisher
from ..segments import heading, segment_json
from ..settings import Settings
from ..storage.rows import Nodes, SegmentRow
from ..storage.store import Store
from . import cluster, link, score
from .evidence import Profile, Rarity, profile
from .model import LinkModel

RowSource = Callable[[list[int]], Mapping[int, SegmentRow]]
Array = np.ndarray[Any, Any]


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


def load_signals(store: Store, rowids: list[int], centred: Callable[[Array, list[str]], Array],
                 table: AliasTable) -> tuple[link.Signals, list[int]]:
    """What the link features read of these segments (and their text lengths): centred segment
    and first-sentence vectors, profiles (made and stored now where a segment has none yet:
    stores written before profiles existed), and the rarity of entity keys among them."""
    raw, keys = store.vectors_of(rowids)
    raw_leads, stored, _, texts = store.signals_of(rowids)
    profiles: list[Profile] = []
    fresh: list[tuple[int, str]] = []
    langs = store.langs_of(rowids)
    for r, text, found, lang in zip(rowids, texts, stored, langs, strict=True):
        p = Profile.from_json(found)
        if p is None:
            p = profile(text, lang, table)
            fresh.append((r, p.to_json()))
        profiles.append(p)
    if fresh:
        with store.transaction() as db:
            store.set_profiles(db, fresh)
    leads = centred(raw_leads, keys) if len(raw_leads) else raw_leads
    signals = link.Signals(centred(raw, keys), leads, profiles, Rarity.of(profiles))
    return signals, [len(t) for t in texts]


def graph_nodes(nodes: Nodes, positions: list[int], lengths: Sequence[int]) -> list[link.Node]:
    """The matching view of the stored segments at ``positions`` (``lengths``: their texts' lengths)."""
    return [link.Node(int(nodes.rowids[p]), nodes.outlets[p], nodes.articles[p], parse_time(nodes.times[p]),
                      nodes.langs[p], n) for p, n in zip(positions, lengths, strict=True)]


@dataclass
class Matching:
    """Everything linking needs over a set of stored segments, ready to score any pair."""

    nodes: Nodes
    kept: list[int]  # positions in ``nodes`` taking part (republished copies left out)
    graph: list[link.Node]
    scorer: score.Scorer

    def position(self) -> dict[int, int]:
        """Segment rowid → its position in the graph."""
        return {node.rowid: i for i, node in enumerate(self.graph)}


def prepare(nodes: Nodes, kept: list[int], hood: link.Neighbourhood, signals: link.Signals, lengths: Sequence[int],
            model: LinkModel, settings: Settings) -> Matching:
    """The matching view of the stored segments at positions ``kept`` (``hood``, ``signals`` and
    ``lengths`` are theirs, by position in ``kept``)."""
    graph = graph_nodes(nodes, kept, lengths)
    return Matching(nodes, kept, graph, score.Scorer(graph, hood, signals, model, settings))


def build_events(matching: Matching, rows: RowSource, republished: Mapping[str, list[Republisher]],
                 table: AliasTable, cache: EventCache | None = None, version: str = "") -> Iterator[Built]:
    """Every event over the matched segments, newest first.

    Links are scored by the link model (:mod:`align.events.link`) and grouped by average
    linkage (:mod:`align.events.cluster`). ``rows`` fetches the segment rows of one event;
    ``cache`` (with ``version``: anything else a rendered event depends on) lets an unchanged
    event be reused instead of rendered again.
    """
    nodes, kept, graph, scorer = matching.nodes, matching.kept, matching.graph, matching.scorer
    edges = score.links(scorer)
    groups = cluster.average_linkage(len(graph), edges, scorer, scorer.settings.cluster_threshold)
    inside: dict[int, list[link.Link]] = defaultdict(list)
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    for e in edges:
        if group_of[e.a] == group_of[e.b]:
            inside[group_of[e.a]].append(e)
    order = []
    ids_of: dict[int, str] = {}
    for g, members in enumerate(groups):
        stamps = [t for t in (nodes.times[kept[i]] for i in members) if t]
        ids_of[g] = link.event_id([nodes.ids[kept[i]] for i in members])
        order.append((max(stamps) if stamps else "", ids_of[g], g))
    related = _related(scorer, group_of, ids_of)
    for _, event_id, g in sorted(order, reverse=True):
        members = groups[g]
        local = {i: n for n, i in enumerate(members)}
        own = [replace(e, a=local[e.a], b=local[e.b]) for e in inside.get(g, [])]
        ids = [nodes.ids[kept[i]] for i in members]
        articles = {nodes.articles[kept[i]] for i in members}
        copies = {a: list(republished[a]) for a in sorted(articles) if a in republished}
        near = related.get(g, [])
        signature = hashlib.sha1(json.dumps([ids, [list(astuple(e)) for e in own], copies, near, version],
                                            sort_keys=True).encode()).hexdigest()
        event = cache.get(event_id, signature) if cache is not None else None
        if event is None:
            found = rows([graph[i].rowid for i in members])
            event = event_json([found[graph[i].rowid] for i in members], own, copies, table, near)
            if cache is not None:
                cache.put(event_id, signature, event)
        yield Built(event, ids, own)


def _related(scorer: score.Scorer, group_of: Mapping[int, int],
             ids_of: Mapping[int, str]) -> dict[int, list[RelatedJson]]:
    """For each group, the other groups its members' scored pairs reach with at least
    ``related_threshold`` (best five, best first): one developing story told in several events."""
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {}
    for (i, j), p in scorer.scored():
        a, b = group_of[i], group_of[j]
        if a != b and p >= scorer.settings.related_threshold:
            for key in ((a, b), (b, a)):
                if p > best.get(key, (0.0, (0, 0)))[0]:
                    best[key] = (p, (i, j))
    out: dict[int, list[RelatedJson]] = {}
    for (a, b), (p, (i, j)) in best.items():
        out.setdefault(a, []).append({"event_id": ids_of[b], "score": round(p, 4),
                                      "shared": list(scorer.evidence(i, j).shared)})
    return {g: sorted(found, key=lambda r: (-r["score"], r["event_id"]))[:5] for g, found in out.items()}


def event_json(segs: list[SegmentRow], edges: list[link.Link], republished: Mapping[str, list[Republisher]],
               table: AliasTable | None = None, related: list[RelatedJson] | None = None) -> EventJson:
    """One event: its member segments (in any order) and the links between them (positions into ``segs``)."""
    members: list[MemberJson] = []
    for i, s in enumerate(segs):
        own = [e for e in edges if i in (e.a, e.b)]
        evidence: list[EvidenceJson] = [
            {"segment_id": segs[e.b if e.a == i else e.a].id, "cosine": e.cosine, "margin": e.margin,
             "score": e.score, "hours_apart": e.hours_apart, "rule": e.rule, "shared": list(e.shared),
             "conflicting": list(e.conflicting)} for e in own]
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
        "related": list(related or []),
    }
