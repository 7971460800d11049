"""The records that travel from the pipeline to its readers: segments, links, events, hits.

They are JSON objects (what ``align match`` writes, what the API answers, what the pages
and the batch report render), so they are typed as TypedDicts: mypy checks every producer
and consumer against one contract while the data stays plain JSON, in a stable key order.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class SourceJson(TypedDict):
    """A source a segment cites: canonical name, kind, the attributing phrase and its span."""

    name: str
    kind: str
    phrase: str
    span: list[int]


class FactJson(TypedDict):
    """A fact a segment states: kind (number, quantity, money, date, time, place, person)."""

    kind: str
    value: Any
    text: str
    span: list[int]


class RemovedJson(TypedDict):
    text: str
    why: str


class SegmentJson(TypedDict):
    """One stored segment as every surface shows it."""

    article_id: str
    segment_id: str
    outlet: str
    lang: str | None
    published: str | None
    time: str | None
    timestamp: str | None
    title: str
    text: str
    span: list[int]
    translation: str | None
    translation_model: str | None
    translation_reason: str | None
    sources: list[SourceJson]
    facts: list[FactJson]
    removed: list[RemovedJson]  # page furniture left out of matching, and why (empty: nothing)


class SegmentView(SegmentJson):
    """A segment with the event it belongs to (``GET /api/segments/{id}``)."""

    event_id: str | None


class EvidenceJson(TypedDict):
    """Why two segments were linked: the other segment, the link's probability (``score``),
    its similarity, and what the two share or disagree on (entities, numbers, dates)."""

    segment_id: str
    cosine: float
    margin: float
    score: float
    hours_apart: float | None
    rule: str
    shared: list[str]
    conflicting: list[str]


class Republisher(TypedDict):
    article_id: str
    outlet: str


class MemberJson(SegmentJson):
    """A segment inside an event, with its links to the other members."""

    score: float | None
    evidence: list[EvidenceJson]
    republished_by: NotRequired[list[Republisher]]


class RelatedJson(TypedDict):
    """Another event of the same developing story: linked by weaker evidence than merging needs."""

    event_id: str
    score: float
    shared: list[str]


class EventJson(TypedDict):
    """One event as ``align match`` writes it (one JSON line)."""

    event_id: str
    title: str
    outlets: list[str]
    langs: list[str]
    time: str | None
    members: list[MemberJson]
    related: list[RelatedJson]


class FactCell(TypedDict):
    values: list[str]
    status: str  # agree, differ, missing


class FactRow(TypedDict):
    kind: str
    about: str
    cells: dict[str, FactCell]
    majority: list[str] | None  # the value most stating outlets give (None: no clear majority)
    stated_by: int  # outlets stating this fact
    majority_of: int  # of them, how many give the majority value


class CoverageJson(TypedDict):
    told: list[dict[str, Any]]  # {"outlet", "langs"} of each outlet that told the event
    silent: list[str]  # known outlets that did not
    cites: dict[str, int]  # watched agency -> how many telling outlets cite it


class EventView(EventJson):
    """What the comparison page shows of an event: the event plus coverage, facts, alignment."""

    coverage: dict[str, list[str]]
    missing_outlets: list[str]
    fact_table: list[FactRow]
    coverage_bar: CoverageJson
    alignment: list[tuple[str, str, float]]


class HitJson(SegmentJson):
    """A search result: a segment with its similarity to the query and its event."""

    score: float
    cosine: float
    margin: float
    event_id: str | None
    query_lang: NotRequired[str]
    granularity: NotRequired[str]  # "sentence" or "segment": how the hit was ranked
    sentence: NotRequired[str | None]  # the hit's sentence nearest the query
    sentence_span: NotRequired[list[int] | None]  # its [start, end) in the segment's text
    sentence_cosine: NotRequired[float]
    sentence_score: NotRequired[float]  # 0..1: how surely that sentence carries the query's claim


class ArticleJson(TypedDict):
    id: str
    outlet: str
    title: str | None
    url: str | None
    published: str | None
    lang: str | None
    lang_code: str | None
    text: str
    ingested_at: str
    encoding: str | None
    encoding_note: str | None
    duplicate_of: str | None
    removed: list[RemovedJson]  # page junk left out of ``text`` at ingest (the raw input keeps it)
    segments: list[SegmentJson]


class BriefJson(TypedDict):
    segment_id: str
    article_id: str
    outlet: str
    lang: str | None
    title: str


class ComparisonJson(TypedDict):
    a: BriefJson
    b: BriefJson
    sources: dict[str, list[str]]
    facts: dict[str, list[dict[str, Any]]]


class ClaimReportJson(HitJson):
    """One segment carrying a claim, as ``/api/claims`` lists it."""

    when: str | None  # "YYYY-MM-DD HH:MM" of the segment or its article ("YYYY-MM-DD" when only the day is known)
    earliest: bool  # the first report of the claim (every report at that first time)


class ClaimOutletJson(TypedDict):
    outlet: str
    langs: list[str]
    first: str | None
    reports: list[ClaimReportJson]


class ClaimsJson(TypedDict):
    """Every stored segment that carries a claim, by outlet in order of first report."""

    query: str
    threshold: float
    count: int
    earliest: list[str]  # segment ids of the first report(s)
    outlets: list[ClaimOutletJson]
    sources: dict[str, list[str]]  # outlet -> whom its reports attribute the claim to
    facts_differ: list[FactRow]  # facts the versions state differently

