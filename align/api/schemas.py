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


class Hit(SegmentOut):
    score: float
    event_id: str | None


class SearchResponse(BaseModel):
    query: str
    count: int
    hits: list[Hit]
    timings: dict[str, float] = Field(default_factory=dict, description="embed_ms and total_ms of this search")


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
    members: list[SegmentOut]


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
