"""The link model: a logistic regression that turns a candidate link's evidence into a probability.

Its features are the similarity of the two segments (centred cosine, ratio margin, how the
two rank each other, lead sentences) and the evidence of :mod:`align.events.evidence`
(entities shared and apart, numbers, conflicts, dates). The coefficients are data, not code:
``align/data/link-model.json`` holds the feature names, their standardisation, the weights,
what they were fitted on and how they scored, and a version. ``align fit-links`` refits them
from the development sets (see the README); nothing else in the code weighs evidence.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class LinkModel:
    """Standardised features → logit → probability that two segments tell one story."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    version: str = "unfitted"
    fitted_on: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def logits(self, x: Array) -> Array:
        z = (np.asarray(x, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias)

    def probability(self, x: Array) -> Array:
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(self.logits(x), -40, 40))))

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "weights": list(self.weights), "bias": self.bias,
                "fitted_on": self.fitted_on, "metrics": self.metrics}

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "link model") -> LinkModel:
        try:
            n = len(data["features"])
            model = cls(tuple(data["features"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                        tuple(map(float, data["weights"])), float(data["bias"]), str(data.get("version", "?")),
                        dict(data.get("fitted_on", {})), dict(data.get("metrics", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{source}: not a link model ({exc})") from exc
        if not len(model.mean) == len(model.scale) == len(model.weights) == n:
            raise InputError(f"{source}: features, mean, scale and weights differ in length")
        return model

    @classmethod
    def packaged(cls) -> LinkModel:
        text = resources.files("align").joinpath("data/link-model.json").read_text(encoding="utf-8")
        return cls.from_json(json.loads(text), "align/data/link-model.json")

    @classmethod
    def load(cls, path: Path | None) -> LinkModel:
        """The model at ``path`` (a refitted one), else the packaged one."""
        if path is None:
            return cls.packaged()
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the link model: {exc}") from exc


def fit(x: Array, y: Array, weight: Array, names: tuple[str, ...], l2: float = 1.0,
        iterations: int = 50) -> LinkModel:
    """L2-regularised logistic regression by Newton's method on standardised features.

    ``weight`` balances the sets the pairs come from, so no one set decides the model.
    """
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    sw = np.asarray(weight, dtype=np.float64)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -40, 40)))
        gradient = z.T @ (sw * (p - y)) + penalty * w
        hessian = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return LinkModel(names, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                     tuple(float(v) for v in w[:-1]), float(w[-1]))


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
