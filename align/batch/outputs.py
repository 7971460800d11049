"""What a batch job writes besides events: pairs, what changed since the last run, the summary."""

from __future__ import annotations

import resource
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from ..events.link import Link
from ..ingest import Problem
from ..records import EventJson, MemberJson
from ..settings import Settings
from ..storage.store import Store
from .state import BatchState


def pair_json(event_id: str, a: MemberJson, b: MemberJson, e: Link) -> dict[str, Any]:
    """One line of ``pairs.jsonl``: a linked pair of segments from different outlets."""
    return {"event_id": event_id, "a": a["segment_id"], "b": b["segment_id"],
            "outlet_a": a["outlet"], "outlet_b": b["outlet"], "lang_a": a["lang"], "lang_b": b["lang"],
            "cosine": e.cosine, "margin": e.margin, "score": e.score, "hours_apart": e.hours_apart, "rule": e.rule,
            "shared": list(e.shared), "conflicting": list(e.conflicting)}


def slim(event: EventJson) -> dict[str, Any]:
    """What the report's index page needs of an event (no texts: the list of every event stays small)."""
    return {"event_id": event["event_id"], "title": event["title"], "outlets": event["outlets"],
            "langs": event["langs"], "members": [{k: m.get(k) for k in ("outlet", "lang", "time", "published")}
                                                 for m in event["members"]]}


class Changes:
    """How this run's events relate to the previous run's, by their members."""

    def __init__(self, previous: dict[str, str]) -> None:
        self.previous = previous
        self.sizes = Counter(previous.values())
        self.counts: Counter[str] = Counter()
        self.ids: dict[str, list[str]] = defaultdict(list)
        self.spread: dict[str, set[str]] = defaultdict(set)
        self.now: dict[str, str] = {}

    def record(self, event_id: str, members: list[str], cross_outlet: bool) -> str:
        """``new`` (no member seen before), ``merged`` (members of several old events),
        ``unchanged`` (exactly an old event's members) or ``grown``."""
        before = {self.previous[i] for i in members if i in self.previous}
        for old in before:
            self.spread[old].add(event_id)
        if not before:
            kind = "new"
        elif len(before) > 1:
            kind = "merged"
        elif all(i in self.previous for i in members) and self.sizes[next(iter(before))] == len(members):
            kind = "unchanged"
        else:
            kind = "grown"
        self.counts[kind] += 1
        if cross_outlet and kind != "unchanged":
            self.ids[kind].append(event_id)
        for i in members:
            self.now[i] = event_id
        return kind

    def to_json(self) -> dict[str, Any]:
        split = sum(1 for spread in self.spread.values() if len(spread) > 1)
        return {**{k: self.counts.get(k, 0) for k in ("new", "grown", "merged", "unchanged")}, "split": split,
                "cross_outlet": {k: v[:200] for k, v in sorted(self.ids.items())}}


def summary(store: Store, state: BatchState, settings: Settings, engine: str, workers: int, files: int,
            path_problems: list[Problem], index: dict[str, Any], result: dict[str, Any],
            stages: dict[str, Any]) -> dict[str, Any]:
    """``summary.json``: inputs, counts, skipped records, the index, and how the run went."""
    counts = store.counts()
    translated, reasons = store.translation_counts()
    skipped = [{"source": p.source, "reason": p.message} for p in path_problems] + state.problems()
    driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "inputs": {"files": files, "records": state.records_read(), "skipped": len(skipped)},
        "counts": {"articles": counts["articles"], "segments": counts["segments"], "embedded": counts["embedded"],
                   "translated": translated, "untranslated": reasons,
                   "republished_articles": len(result["copies"]), "events": result["events"],
                   "cross_outlet_events": result["cross"], "pairs": result["pairs"],
                   "report_pages": result["pages"]},
        "skipped": skipped,
        "index": index,
        "outputs": {"events": "events.jsonl", "pairs": "pairs.jsonl", "report": "report/index.html",
                    "work": "work/"},
        "run": {
            "engine": engine, "workers": workers, "embedder": settings.embedder,
            "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "stages": stages,
            "peak_rss_mb": {"driver": round(driver, 1), "worker_processes": round(children, 1)},
            "changes": result["changes"], "report_pages_written": result["pages_changed"],
        },
    }
