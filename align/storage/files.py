"""Files replaced atomically: written beside their target, fsynced, renamed over it.

A crash mid-write leaves the previous file readable; derived files (``.npz`` of language
means, FAISS indexes) that are missing or unreadable read as None and are recomputed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file through a temporary sibling and an atomic rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dirfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_npz(path: Path, arrays: dict[str, Any]) -> None:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def read_npz(path: Path) -> dict[str, Any] | None:
    """Arrays of an .npz file; None when it is missing or unreadable (derived data, recomputed)."""
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError):
        return None


class AtomicLines:
    """A JSON Lines file written beside its target and renamed over it when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")

    def __enter__(self) -> AtomicLines:
        self.fh = open(self.tmp, "w", encoding="utf-8")
        return self

    def write(self, line: str) -> None:
        self.fh.write(line + "\n")

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
