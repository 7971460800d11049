"""Batch alignment of large corpora: streaming, resumable, incremental, local or on Ray."""

from __future__ import annotations

from .job import BatchJob, BatchOptions

__all__ = ["BatchJob", "BatchOptions"]
