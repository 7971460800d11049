"""The one event view: what the comparison page (server or static report) shows of an event.

An event plus who covered it (``coverage``: outlet → member segment ids, for every known
outlet), who left it out, the fact table, and the aligned sentence pairs.
"""

from __future__ import annotations

from ..analysis.compare import fact_table
from ..records import EventJson, EventView


def event_view(event: EventJson, outlets: list[str], alignment: list[tuple[str, str, float]]) -> EventView:
    coverage: dict[str, list[str]] = {}
    for m in event["members"]:
        coverage.setdefault(m["outlet"], []).append(m["segment_id"])
    return {**event, "coverage": {o: coverage.get(o, []) for o in outlets},
            "missing_outlets": [o for o in outlets if o not in coverage],
            "fact_table": fact_table(event["members"]),
            "alignment": alignment}
