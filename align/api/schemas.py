"""Request and response models of the HTTP API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A response object that may carry more fields than it names."""

    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ArticleIn(BaseModel):
    """One article, with the same fields as a JSON Lines input line."""

    model_config = ConfigDict(extra="forbid")

    outlet: str = Field(min_length=1, max_length=200)
    text: str | None = None
    html: str | None = None
    id: str | int | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    lang: str | None = Field(default=None, min_length=2, max_length=3)


class Source(BaseModel):
    name: str
    kind: str
    phrase: str
    span: list[int]


class FactOut(BaseModel):
    kind: str
    value: Any
    text: str
    span: list[int]


class Removed(BaseModel):
    text: str
    why: str


class SegmentOut(Open):
    article_id: str
    segment_id: str
    outlet: str
    lang: str | None
    published: str | None
    text: str
    translation: str | None
    translation_reason: str | None
    sources: list[Source]
    facts: list[FactOut]
    removed: list[Removed] = Field(default_factory=list, description="page furniture left out of matching, and why")


class Evidence(BaseModel):
    segment_id: str
    score: float = Field(description="the link model's probability that the two tell one story")
    cosine: float
    margin: float
    hours_apart: float | None
    rule: str
    shared: list[str] = Field(description="entities, numbers and dates both segments state")
    conflicting: list[str] = Field(description="counts or dates on which they disagree")


class MemberOut(SegmentOut):
    score: float | None = Field(description="the member's best link probability (null when alone)")
    evidence: list[Evidence] = Field(description="why this member was joined: its links to other members")


class Related(BaseModel):
    event_id: str
    score: float
    shared: list[str]


class Hit(SegmentOut):
    score: float
    event_id: str | None
    granularity: str | None = Field(None, description="how the hit was ranked: 'sentence' or 'segment'")
    sentence: str | None = Field(None, description="the hit's sentence nearest the query")
    sentence_span: list[int] | None = Field(None, description="[start, end) of that sentence in the segment's text")
    sentence_cosine: float | None = None


class SearchResponse(BaseModel):
    query: str
    count: int
    hits: list[Hit]
    timings: dict[str, float] = Field(default_factory=dict, description="embed_ms and total_ms of this search")


class ClaimReport(Hit):
    when: str | None = Field(description="the segment's time, or its article's publication")
    earliest: bool = Field(description="the first report of the claim")


class ClaimOutlet(BaseModel):
    outlet: str
    langs: list[str]
    first: str | None
    reports: list[ClaimReport]


class ClaimsResponse(BaseModel):
    query: str
    threshold: float
    count: int
    earliest: list[str]
    outlets: list[ClaimOutlet]
    sources: dict[str, list[str]]
    facts_differ: list[dict[str, Any]]


class SimilarResponse(BaseModel):
    segment_id: str
    count: int
    hits: list[Hit]


class ArticleOut(Open):
    id: str
    outlet: str
    text: str
    segments: list[SegmentOut]


class IngestedArticle(BaseModel):
    id: str
    segment_ids: list[str]


class IngestResponse(BaseModel):
    added: int
    unchanged: int
    articles: list[IngestedArticle]


class DeleteResponse(BaseModel):
    deleted: str
    segments: int


class EventOut(Open):
    event_id: str
    title: str
    outlets: list[str]
    members: list[MemberOut]
    related: list[Related] = Field(default_factory=list, description="events of the same developing story")


class EventsResponse(BaseModel):
    count: int
    events: list[EventOut]


class CompareResponse(Open):
    a: dict[str, Any]
    b: dict[str, Any]
    sources: dict[str, list[str]]
    facts: dict[str, list[dict[str, Any]]]


class DetectIn(BaseModel):
    q: str | list[str]
    api_key: str | None = None


class Detection(BaseModel):
    language: str
    confidence: float


class TranslateIn(BaseModel):
    q: str | list[str]
    source: str = "auto"
    target: str
    format: str = "text"
    api_key: str | None = None
    alternatives: int | None = None


class LibreErrorOut(BaseModel):
    """LibreTranslate's error shape, used on its paths so that its clients read the message."""

    error: str


class TranslateOut(BaseModel):
    translatedText: str | list[str]
    detectedLanguage: Detection | list[Detection] | None = None


class Language(BaseModel):
    code: str
    name: str
    targets: list[str]


class Health(BaseModel):
    status: str
    articles: int
    segments: int
    embedded: int
    embedder: str
    models: list[str]
