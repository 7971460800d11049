"""``align demo``: the main job on the demo corpus, checked against its expected events."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

from .pipeline import Align
from .settings import Settings
from .tables import event_table


def pair_scores(events: Sequence[Mapping[str, Any]], expected: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of segment co-membership against expected labels."""
    got = {m["segment_id"]: e["event_id"] for e in events for m in e["members"]}
    ids = sorted(set(got) & set(expected))
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_got, same_exp = got[a] == got[b], expected[a] == expected[b]
        tp += same_got and same_exp
        fp += same_got and not same_exp
        fn += same_exp and not same_got
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def run_demo(settings: Settings, corpus: Path, out: Path | None = None) -> int:
    if settings.index_dir == Settings().index_dir:
        settings = replace(settings, index_dir=Path("indexes/demo"))
    app = Align(settings, lock=True)
    report = app.ingest([corpus])
    for problem in report.problems:
        print(f"skipped {problem}")
    app.build()
    events = app.match()
    out = out or settings.index_dir / "events.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for event in events:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")
    counts = app.store.counts()
    print(f"{counts['articles']} articles, {counts['segments']} segments, {len(events)} events "
          f"→ {out}\n")
    print(event_table(events, max_rows=100))
    expected_file = corpus / "expected.json"
    if expected_file.exists():
        expected = json.loads(expected_file.read_text(encoding="utf-8"))["segments"]
        precision, recall = pair_scores(events, expected)
        print(f"\nagainst {expected_file}: pair precision {precision:.3f}, pair recall {recall:.3f}")
    return 0
