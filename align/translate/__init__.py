"""Offline translation with Argos packages: model management, a batched engine, a cache."""

from __future__ import annotations

from pathlib import Path

from .cache import TranslationCache, text_hash
from .engine import Engine, missing_message
from .packages import InstalledModel, default_models_dir, install, installed, remove

__all__ = ["Engine", "InstalledModel", "TranslationCache", "Translator", "default_models_dir",
           "install", "installed", "missing_message", "remove"]


class Translator:
    """The engine behind the cache: only texts never translated before reach a model."""

    def __init__(self, models_dir: Path, threads: int = 0, beam_size: int = 2) -> None:
        self.models_dir = models_dir
        self.engine = Engine(models_dir, threads=threads, beam_size=beam_size)
        self._cache: TranslationCache | None = None

    @property
    def cache(self) -> TranslationCache:
        if self._cache is None:
            self._cache = TranslationCache(self.models_dir / "translations.sqlite")
        return self._cache

    def available(self, src: str, tgt: str) -> bool:
        return self.engine.available(src, tgt)

    def model_version(self, src: str, tgt: str) -> str:
        return self.engine.model_version(src, tgt)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """Translations of ``texts``; raises DependencyMissing naming the pair to install."""
        if src == tgt:
            return list(texts)
        version = self.engine.model_version(src, tgt)
        pair = f"{src}-{tgt}"
        cached = self.cache.get(texts, pair, version)
        todo = sorted({t for t in texts if text_hash(t) not in cached and t.strip()})
        if todo:
            fresh = self.engine.translate(todo, src, tgt)
            self.cache.put(list(zip(todo, fresh, strict=True)), pair, version)
            cached.update({text_hash(s): o for s, o in zip(todo, fresh, strict=True)})
        return [cached.get(text_hash(t), t) for t in texts]

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
