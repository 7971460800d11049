"""LibreTranslate's paths: ``/detect``, ``/translate``, ``/languages``, in its request and answer shapes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...errors import InputError
from ...text.detect import TARGETS
from ...text.detect import detect as detect_language
from .. import schemas
from ..deps import Context

LANGUAGE_NAMES = {"en": "English", "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian"}


def router(ctx: Context) -> APIRouter:
    r = APIRouter(dependencies=ctx.reads, tags=["libretranslate"])
    align, max_q = ctx.align, ctx.settings.max_query_chars

    @r.post("/detect", response_model=list[schemas.Detection] | list[list[schemas.Detection]])
    def detect(body: schemas.DetectIn) -> Any:
        texts = [body.q] if isinstance(body.q, str) else body.q
        _check_texts(texts, max_q)
        found = [[detection(t)] for t in texts]
        return found[0] if isinstance(body.q, str) else found

    @r.post("/translate", response_model=schemas.TranslateOut)
    def translate(body: schemas.TranslateIn) -> dict[str, Any]:
        texts = [body.q] if isinstance(body.q, str) else body.q
        _check_texts(texts, max_q)
        if body.target not in TARGETS:
            raise InputError(f"target: {body.target!r} is not one of {', '.join(TARGETS)}")
        detected = None
        if body.source == "auto":
            found = [detection(t) for t in texts]
            languages = {d["language"] for d in found if d["language"] in TARGETS}
            if len(languages) != 1:
                raise InputError("source: cannot tell one source language; give source explicitly")
            source = languages.pop()
            detected = found[0] if isinstance(body.q, str) else found
        elif body.source in TARGETS:
            source = body.source
        else:
            raise InputError(f"source: {body.source!r} is not one of auto, {', '.join(TARGETS)}")
        out = align.translator.translate(texts, source, body.target)
        result: dict[str, Any] = {"translatedText": out[0] if isinstance(body.q, str) else out}
        if detected is not None:
            result["detectedLanguage"] = detected
        return result

    @r.get("/languages", response_model=list[schemas.Language])
    def languages() -> list[dict[str, Any]]:
        return [{"code": code, "name": LANGUAGE_NAMES[code],
                 "targets": [t for t in TARGETS if t != code and align.translator.available(code, t)]}
                for code in TARGETS]

    return r


def _check_texts(texts: list[str], limit: int) -> None:
    if not texts:
        raise InputError("q: give at least one text")
    for text in texts:
        if len(text) > limit:
            raise InputError(f"q: text over the limit of {limit} characters")


def detection(text: str) -> dict[str, Any]:
    found = detect_language(text)
    return {"language": found.lang if found.lang != "other" else (found.code or "other"),
            "confidence": round(100 * found.confidence, 1)}
