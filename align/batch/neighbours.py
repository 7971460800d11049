"""The batch job's neighbour stage: each segment's nearest neighbours, kept and merged.

A list is stored with ``upto``, the number of indexed vectors it accounts for. New segments
get a full search; an old list that does not account for the vectors added since is merged
with the nearest of those new vectors only, so an incremental run never searches everything
again (O(N_old × N_new), not O(N²)). A list made with other language means or another index
is void and cleared by the index stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..settings import Settings
from ..storage.store import Store
from ..vectors import centre
from ..vectors.ann import Ann
from .state import BatchState

Array = np.ndarray[Any, Any]


def update_neighbours(store: Store, state: BatchState, ann: Ann, means: centre.Means, rowids: Array,
                      settings: Settings, advance: Callable[[int], None]) -> int:
    """Make every list account for all ``ann.size`` indexed vectors (``rowids``, in order);
    returns the number of lists written. ``advance`` reports progress."""
    keep = settings.match_candidates + settings.batch_neighbours_extra
    chunk = settings.batch_search_chunk
    n = ann.size
    done = 0
    after = 0
    while todo := state.without_neighbours(after, chunk):
        raw, langs = store.vectors_of(todo)
        sims, ids = ann.search(centre.centre(raw, langs, means), keep + 1)
        rows = []
        for r, srow, irow in zip(todo, sims, ids, strict=True):
            mine = (irow >= 0) & (irow != r)
            rows.append((r, n, irow[mine][:keep], srow[mine][:keep]))
        state.set_neighbours(rows)
        done, after = done + len(todo), todo[-1]
        advance(len(todo))
    blocks: dict[int, Ann] = {}
    after = 0
    while stale := state.stale_neighbours(n, after, chunk):
        rows = []
        for upto in sorted({u for _, u in stale}):
            if upto not in blocks:  # the vectors indexed since these lists were made
                blocks[upto] = Ann.empty("flat", ann.dim, settings)
                for ids_, raw, langs in store.vector_chunks(int(rowids[upto - 1]) if upto else 0):
                    blocks[upto].add(centre.centre(raw, langs, means), ids_)
            group = [r for r, u in stale if u == upto]
            rows.extend(_merged(store, state, group, blocks[upto], n, means, keep))
        state.set_neighbours(rows)
        done, after = done + len(stale), stale[-1][0]
        advance(len(stale))
    return done


def _merged(store: Store, state: BatchState, group: list[int], block: Ann, n: int, means: centre.Means,
            keep: int) -> list[tuple[int, int, Array, Array]]:
    """Old lists merged with the nearest of the vectors in ``block`` (those added since)."""
    raw, langs = store.vectors_of(group)
    sims, found = block.search(centre.centre(raw, langs, means), keep)
    old = state.neighbours_of(group)
    rows = []
    for r, srow, irow in zip(group, sims, found, strict=True):
        ok = irow >= 0
        ids = np.concatenate([old[r][0], irow[ok]])
        s = np.concatenate([old[r][1], srow[ok]])
        order = np.argsort(-s, kind="stable")
        order = order[ids[order] != r][:keep]
        rows.append((r, n, ids[order], s[order]))
    return rows
