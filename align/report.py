"""Plain-text tables of events for the terminal."""

from __future__ import annotations

from typing import Any


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
