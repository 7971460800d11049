"""Plain-text tables of events for the terminal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _fact_text(f: dict[str, Any]) -> str:
    return f"{f['kind']} {f['text']!r}"


def comparison_text(result: dict[str, Any]) -> str:
    """A readable comparison of two segments (``align compare``)."""
    a, b = result["a"], result["b"]
    lines = [f"A  {a['segment_id']}  {a['outlet']} ({a['lang']})  {a['title']}",
             f"B  {b['segment_id']}  {b['outlet']} ({b['lang']})  {b['title']}", ""]
    src = result["sources"]
    lines.append("sources  both: " + (", ".join(src["agree"]) or "-") + " | only A: "
                 + (", ".join(src["only_a"]) or "-") + " | only B: " + (", ".join(src["only_b"]) or "-"))
    facts = result["facts"]
    for item in facts["agree"]:
        lines.append(f"agree    {item['kind']}: {item['a']!r} = {item['b']!r}")
    for item in facts["differ"]:
        left = ", ".join(repr(f["text"]) for f in item["a"])
        right = ", ".join(repr(f["text"]) for f in item["b"])
        lines.append(f"differ   {item['kind']} ({item['about']}): A {left} vs B {right}")
    lines += [f"only A   {_fact_text(f)}" for f in facts["only_a"]]
    lines += [f"only B   {_fact_text(f)}" for f in facts["only_b"]]
    return "\n".join(lines)


def event_table(events: Sequence[Mapping[str, Any]], max_rows: int = 40) -> str:
    """Event × outlet: each cell lists the languages that outlet covered the event in."""
    outlets = sorted({o for e in events for o in e["outlets"]})
    title_w = 46
    widths = [max(len(o), 5) for o in outlets]
    head = f"{'event':<{title_w}} " + " ".join(f"{o:<{w}}" for o, w in zip(outlets, widths, strict=True))
    lines = [head, "-" * len(head)]
    for e in events[:max_rows]:
        cells = []
        for outlet, w in zip(outlets, widths, strict=True):
            langs = sorted({m["lang"] or "?" for m in e["members"] if m["outlet"] == outlet})
            cells.append(f"{','.join(langs) or '·':<{w}}")
        title = e["title"] if len(e["title"]) <= title_w else e["title"][: title_w - 1] + "…"
        lines.append(f"{title:<{title_w}} " + " ".join(cells))
    if len(events) > max_rows:
        lines.append(f"... and {len(events) - max_rows} more")
    return "\n".join(lines)


def batch_table(summary: dict[str, Any], out: Any) -> str:
    """What ``align batch`` did: counts, what changed, the index and its recall, time per stage."""
    c, run, index = summary["counts"], summary["run"], summary["index"]
    ch = run["changes"]
    lines = [
        f"articles {c['articles']}  segments {c['segments']}  events {c['events']} "
        f"({c['cross_outlet_events']} across outlets)  pairs {c['pairs']}  "
        f"skipped inputs {summary['inputs']['skipped']}",
        f"changed since the last run: {ch['new']} new, {ch['grown']} grown, {ch['merged']} merged, "
        f"{ch['split']} split, "
        f"{ch['unchanged']} unchanged event(s); {run['report_pages_written']} report page(s) written",
        f"index {index['type']} (asked: {index['requested']}) over {index['vectors']} vectors: "
        f"recall@10 {index['recall_at_10']:.3f} on {index['recall_sample']} sampled queries",
        "stage        seconds      items   per second",
    ]
    for name, s in run["stages"].items():
        rate = "-" if s["per_second"] is None else f"{s['per_second']:.1f}"
        lines.append(f"{name:<10} {s['seconds']:>9.2f} {s['items']:>10} {rate:>12}  {s['unit']}s")
    peak = run["peak_rss_mb"]
    lines.append(f"peak RSS: driver {peak['driver']:.0f} MB, worker processes {peak['worker_processes']:.0f} MB")
    lines.append(f"outputs in {out}: events.jsonl, pairs.jsonl, summary.json, report/index.html")
    return "\n".join(lines)
