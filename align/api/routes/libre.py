"""LibreTranslate's paths (``/detect``, ``/translate``, ``/languages``), so its clients work unchanged.

LibreTranslate's clients send form-encoded bodies (``libretranslatepy``), JSON (most others)
or multipart; all three are read here with its field names (``q`` a string or a list,
``source`` with ``auto``, ``target``, ``format`` text/html, ``alternatives``, ``api_key``; the
key may also come as ``X-API-Key``). Answers and failures take its shapes: ``{"error": "..."}``
with 400 for a bad request or a missing model, 403 for a wrong key, 429 over the rate limit.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from ...errors import AlignError
from ...text.detect import TARGETS
from ...text.detect import detect as detect_language
from ...translate.markup import text_of, translate_html
from .. import schemas
from ..deps import Context
from ..ratelimit import RateLimit

LANGUAGE_NAMES = {"en": "English", "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian"}
FORMATS = ("text", "html")


class LibreError(Exception):
    """A failure answered in LibreTranslate's shape: ``{"error": message}`` with ``status``
    (the app's handler for it sends :meth:`response`)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.message}, status_code=self.status)


def _body_doc(model: type[Any]) -> dict[str, Any]:
    """The OpenAPI request body: the same fields as JSON, form-encoded or multipart."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {
        kind: {"schema": schema} for kind in ("application/json", "application/x-www-form-urlencoded",
                                           "multipart/form-data")}}}


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": schemas.LibreErrorOut, "description": what} for code, what in
          ((400, "Invalid request, or no model for the pair"), (403, "Wrong API key"), (429, "Slow down"))}


def router(ctx: Context) -> APIRouter:
    r = APIRouter(tags=["libretranslate"])
    align, settings = ctx.align, ctx.settings
    limit = RateLimit(settings.translate_per_minute)

    async def admitted(request: Request) -> dict[str, Any]:
        """The request's fields once its key and its rate allow it."""
        fields = await read_fields(request)
        given = fields.get("api_key") or fields.get("apiKey") or request.headers.get("x-api-key") or ""
        if not isinstance(given, str):
            raise LibreError(400, "Invalid request: api_key must be a string")
        if ctx.keys and given and not ctx.key_ok(given):
            raise LibreError(403, "Invalid API key")
        if ctx.keys and settings.api_read_auth and not given:
            raise LibreError(400, "Invalid request: this server needs an API key (api_key field or X-API-Key header)")
        client = given or (request.client.host if request.client else "unknown")
        if not limit.allow(client):
            raise LibreError(429, f"Slowdown: more than {settings.translate_per_minute} requests per minute")
        return fields

    @r.post("/detect", response_model=list[schemas.Detection] | list[list[schemas.Detection]],
            openapi_extra=_body_doc(schemas.DetectIn), responses=ERRORS)
    async def detect(request: Request) -> Any:
        fields = await admitted(request)
        texts, single = texts_of(fields, settings.max_query_chars, settings.max_batch)
        found = await run_in_threadpool(lambda: [[detection(t)] for t in texts])
        return found[0] if single else found

    @r.post("/translate", response_model=schemas.TranslateOut, response_model_exclude_none=True,
            openapi_extra=_body_doc(schemas.TranslateIn), responses=ERRORS)
    async def translate(request: Request) -> Any:
        fields = await admitted(request)
        texts, single = texts_of(fields, settings.max_query_chars, settings.max_batch)
        source, target, form = (_field(fields, "source", "auto"), _field(fields, "target"),
                                _field(fields, "format", "text"))
        if not target:
            raise LibreError(400, "Invalid request: missing target parameter")
        if target not in TARGETS:
            raise LibreError(400, f"{target} is not supported (targets: {', '.join(TARGETS)})")
        if form not in FORMATS:
            raise LibreError(400, f"{form} format is not supported (formats: text, html)")
        if source != "auto" and source not in TARGETS:
            raise LibreError(400, f"{source} is not supported (sources: auto, {', '.join(TARGETS)})")
        return await run_in_threadpool(translated, texts, single, source, target, form)

    def translated(texts: list[str], single: bool, source: str, target: str, form: str) -> dict[str, Any]:
        """Each text translated from its source (detected per text under ``auto``), in the request's order."""
        detected = [detection(text_of(t) if form == "html" else t) for t in texts] if source == "auto" else None
        sources = [d["language"] for d in detected] if detected else [source] * len(texts)
        for lang in sources:
            if lang not in TARGETS:
                raise LibreError(400, f"{lang} is not supported (detected; give source as one of "
                                      f"{', '.join(TARGETS)})")
        groups: dict[str, list[int]] = defaultdict(list)
        for i, lang in enumerate(sources):
            groups[lang].append(i)
        out = [""] * len(texts)
        try:
            for lang, where in groups.items():
                def run(batch: list[str], lang: str = lang) -> list[str]:
                    return align.translator.translate(batch, lang, target)

                done = [translate_html(texts[i], run) for i in where] if form == "html" else run(
                    [texts[i] for i in where])
                for i, text in zip(where, done, strict=True):
                    out[i] = text
        except AlignError as exc:  # no model for the pair: its message names `align models install`
            raise LibreError(400, exc.message) from exc
        result: dict[str, Any] = {"translatedText": out[0] if single else out}
        if detected is not None:
            result["detectedLanguage"] = detected[0] if single else detected
        return result

    @r.get("/languages", response_model=list[schemas.Language])
    def languages() -> list[dict[str, Any]]:
        return [{"code": code, "name": LANGUAGE_NAMES[code],
                 "targets": [t for t in TARGETS if t != code and align.translator.available(code, t)]}
                for code in TARGETS]

    return r


async def read_fields(request: Request) -> dict[str, Any]:
    """The request's fields from a JSON, form-encoded or multipart body, over its query string
    (LibreTranslate reads both). A field sent more than once in a form is a list."""
    fields: dict[str, Any] = dict(request.query_params)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        for key in form:
            values = [v for v in form.getlist(key) if not isinstance(v, UploadFile)]
            if values:
                fields[key] = values if len(values) > 1 else values[0]
        return fields
    raw = await request.body()
    if not raw.strip():
        return fields
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise LibreError(400, f"Invalid request: unsupported content type {kind} (send JSON, "
                              "application/x-www-form-urlencoded or multipart/form-data)")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise LibreError(400, f"Invalid request: the body is not valid JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise LibreError(400, "Invalid request: the JSON body must be an object")
    return {**fields, **body}


def texts_of(fields: dict[str, Any], max_chars: int, max_texts: int) -> tuple[list[str], bool]:
    """``q`` as a list of texts, and whether it was one string; LibreTranslate's 400s otherwise."""
    q = fields.get("q")
    if q is None or q == "" or q == []:
        raise LibreError(400, "Invalid request: missing q parameter")
    single = isinstance(q, str)
    texts = [q] if single else q
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise LibreError(400, "Invalid request: q must be a string or a list of strings")
    if len(texts) > max_texts:
        raise LibreError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({max_texts})")
    for text in texts:
        if len(text) > max_chars:
            raise LibreError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({max_chars})")
    # Forms may carry CRLF line ends (RFC 2046): count and translate LF only, as LibreTranslate does.
    return ["\n".join(t.splitlines()) if "\r" in t else t for t in texts], single


def _field(fields: dict[str, Any], name: str, default: str = "") -> str:
    value = fields.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise LibreError(400, f"Invalid request: {name} must be a string")
    return value.strip()


def detection(text: str) -> dict[str, Any]:
    found = detect_language(text)
    return {"language": found.lang if found.lang != "other" else (found.code or "other"),
            "confidence": round(100 * found.confidence, 1)}
