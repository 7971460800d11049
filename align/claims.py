"""Who carried a claim, and who had it first.

A fact-checker pastes one sentence (a claim, a quote, a number) and asks which outlets
carried it, in which language, and when. A segment *carries* the claim when its sentence
nearest the query is close enough: its claim score (:func:`align.search.claim_score`, 0.5 at
the calibrated centred cosine ``claim_cosine``) is at least one half. The carriers
are grouped by outlet and ordered by publication time; the first report is marked, each
outlet's attributions are listed (whom it says the claim came from), and the facts the
versions state differently are tabled, as on the comparison page.
"""

from __future__ import annotations

from typing import cast

from .analysis.compare import fact_table
from .dates import naive, parse_time
from .records import ClaimOutletJson, ClaimReportJson, ClaimsJson, HitJson


def _when(hit: HitJson) -> tuple[str, str] | None:
    """(day, time of day or "" when only the date is known) of a report."""
    stated = hit["time"] or hit["published"]
    found = parse_time(stated) if stated else None
    if stated is None or found is None:
        return None
    moment = naive(found)
    dated_only = len(stated.strip()) <= 10  # "2023-09-05": a day, not midnight
    return moment.date().isoformat(), "" if dated_only else moment.time().isoformat(timespec="minutes")


def _earliest(whens: list[tuple[str, str] | None]) -> list[bool]:
    """Which reports were first: on the first day, the earliest time, and every report of that
    day whose time is not known (it may have been earlier)."""
    known = [w for w in whens if w is not None]
    if not known:
        return [False] * len(whens)
    day = min(d for d, _ in known)
    times = [t for d, t in known if d == day and t]
    first = min(times) if times else ""
    return [w is not None and w[0] == day and (not w[1] or w[1] == first) for w in whens]


def claim_view(query: str, hits: list[HitJson], threshold: float) -> ClaimsJson:
    """The claim's carriers among ``hits`` (a search by sentence), by outlet and time;
    ``threshold`` is the centred cosine a carrier's sentence reaches."""
    carriers = [h for h in hits if h.get("sentence_cosine", -1.0) >= threshold]
    timed = sorted(carriers, key=lambda h: (_when(h) is None, _when(h) or ("", ""), h["segment_id"]))
    whens = [_when(h) for h in timed]
    reports: list[ClaimReportJson] = []
    for h, when, first in zip(timed, whens, _earliest(whens), strict=True):
        shown = None if when is None else f"{when[0]} {when[1]}".strip()
        reports.append(cast(ClaimReportJson, {**h, "when": shown, "earliest": first}))
    outlets: dict[str, ClaimOutletJson] = {}
    for r in reports:
        entry = outlets.setdefault(r["outlet"], {"outlet": r["outlet"], "langs": [], "first": r["when"],
                                                 "reports": []})
        entry["reports"].append(r)
        if r["lang"] and r["lang"] not in entry["langs"]:
            entry["langs"].append(r["lang"])
    sources = {o: sorted({s["name"] for r in e["reports"] for s in r["sources"]}) for o, e in outlets.items()}
    differ = [row for row in fact_table(reports) if any(c["status"] == "differ" for c in row["cells"].values())]
    return {"query": query, "threshold": threshold, "count": len(reports),
            "earliest": [r["segment_id"] for r in reports if r["earliest"]],
            "outlets": list(outlets.values()), "sources": sources, "facts_differ": differ}
