"""The one event view: what the comparison page (server or static report) shows of an event.

An event plus who covered it (``coverage``: outlet → member segment ids, for every known
outlet), who left it out, the fact table, and the aligned sentence pairs; and the summary the
coverage bar draws (:func:`coverage_of`), also shown for every event of the list page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..analysis.compare import fact_table
from ..records import CoverageJson, EventJson, EventView

# The agencies whose citation a reader of this war checks first (shown on the coverage bar).
WATCHED_AGENCIES = ("TASS", "RIA Novosti", "Interfax", "Ukrinform")


def coverage_of(members: Sequence[Mapping[str, Any]], outlets: list[str]) -> CoverageJson:
    """Which outlets told the event (with their languages), which known outlets did not, and how
    many of the telling outlets cite each watched agency (as source or as channel)."""
    langs: dict[str, set[str]] = {}
    cites: dict[str, set[str]] = {a: set() for a in WATCHED_AGENCIES}
    for m in members:
        langs.setdefault(m["outlet"], set()).add(m.get("lang") or "?")
        for source in m.get("sources", []):
            if source["name"] in cites:
                cites[source["name"]].add(m["outlet"])
    return {"told": [{"outlet": o, "langs": sorted(langs[o])} for o in sorted(langs)],
            "silent": [o for o in outlets if o not in langs],
            "cites": {a: len(cites[a]) for a in WATCHED_AGENCIES}}


def event_view(event: EventJson, outlets: list[str], alignment: list[tuple[str, str, float]]) -> EventView:
    coverage: dict[str, list[str]] = {}
    for m in event["members"]:
        coverage.setdefault(m["outlet"], []).append(m["segment_id"])
    return {**event, "coverage": {o: coverage.get(o, []) for o in outlets},
            "missing_outlets": [o for o in outlets if o not in coverage],
            "fact_table": fact_table(event["members"]),
            "coverage_bar": coverage_of(event["members"], outlets),
            "alignment": alignment}
