"""Tatoeba bul/rus/ukr→eng retrieval (1,000-way), cosine and ratio margin (k=4), on
language-centred vectors, as the matcher uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..vectors import centre
from ..vectors.embed import Embedder

TATOEBA_ANCHORS = {"bul": 88.3, "rus": 92.1, "ukr": 86.2}  # multilingual-e5-small fp32
LANG_OF = {"bul": "bg", "rus": "ru", "ukr": "uk"}


def margin_retrieval(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], k: int = 4) -> tuple[float, float]:
    """Top-1 accuracy of x[i]→y[i] by cosine and by ratio margin."""
    sims = x @ y.T
    kx = min(k, sims.shape[1])
    rx = np.sort(sims, axis=1)[:, -kx:].mean(axis=1)
    ry = np.sort(sims, axis=0)[-kx:, :].mean(axis=0)
    margin = sims / ((rx[:, None] + ry[None, :]) / 2)
    truth = np.arange(len(x))
    return float((sims.argmax(1) == truth).mean()), float((margin.argmax(1) == truth).mean())


def eval_tatoeba(embedder: Embedder, data: Path, limit: int | None) -> list[tuple[str, ...]]:
    prior = centre.prior_means(embedder)
    rows: list[tuple[str, ...]] = []
    for code, lang in LANG_OF.items():
        src = data / "tatoeba" / f"tatoeba.{code}-eng.{code}"
        eng = data / "tatoeba" / f"tatoeba.{code}-eng.eng"
        if not src.exists():
            continue
        xs = src.read_text(encoding="utf-8").splitlines()[:limit]
        ys = eng.read_text(encoding="utf-8").splitlines()[:limit]
        x = centre.centre(embedder.embed(xs), [lang] * len(xs), prior)
        y = centre.centre(embedder.embed(ys), ["en"] * len(ys), prior)
        cos, mar = margin_retrieval(x, y)
        rows.append((f"tatoeba {code}→eng", f"{100 * cos:.1f}", f"{100 * mar:.1f}", f"{TATOEBA_ANCHORS[code]:.1f}"))
    return rows


