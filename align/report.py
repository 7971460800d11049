"""Plain-text tables of events for the terminal."""

from __future__ import annotations

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


def event_table(events: list[dict[str, Any]], max_rows: int = 40) -> str:
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
