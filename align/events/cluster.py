"""Events from links: groups whose members agree with the group, not chains of pairwise links.

Connected components chain: with one or two articles per outlet, a best match is found in
almost every outlet, and A–B, B–C, C–D joins quarantine concerts, Crimean tourism and a
border closure into one event. Here a group grows by *average linkage*, as in streaming news
clustering (Miranda et al. 2018, which compares a document with a cluster as a whole), the
cluster-level check of EMM's story linking, and the linkage thresholds of the Telegram
contest's clusterers: two groups merge only when the mean probability over every pair of
their members (from the link model, scored on demand for pairs that were not candidates)
clears ``cluster_threshold``. Links are taken best first; a link whose groups changed since
it was queued is re-queued with the groups' current linkage.

Pairs inside one article are neutral (neither for nor against): a live blog's entries are
split by their author, and a report that covers a story told in three sections of another
outlet's article must be able to join all three.
"""

from __future__ import annotations

import heapq

from .link import Link
from .score import Scorer


def average_linkage(n: int, links: list[Link], scorer: Scorer, threshold: float) -> list[list[int]]:
    """Groups of positions 0..n-1, each sorted, ordered by their first member."""
    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    heap = [(-link.score, link.a, link.b, 1, 1) for link in links]
    heapq.heapify(heap)
    while heap:
        negative, a, b, size_a, size_b = heapq.heappop(heap)
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        if (len(members[ra]), len(members[rb])) != (size_a, size_b):  # the groups grew since: re-queue
            value = linkage(members[ra], members[rb], scorer)
            if value >= threshold:
                heapq.heappush(heap, (-value, a, b, len(members[ra]), len(members[rb])))
            continue
        if size_a * size_b > 1 and -negative < threshold:
            continue
        parent[rb] = ra
        members[ra] = members[ra] + members.pop(rb)
    return sorted((sorted(g) for g in members.values()), key=lambda g: g[0])


def linkage(group_a: list[int], group_b: list[int], scorer: Scorer) -> float:
    """Mean link probability over the pairs of two groups (pairs inside one article left out,
    unless they are all there is). Large groups are compared on an even sample of their pairs
    (``linkage_pairs``), so one huge story never makes grouping quadratic."""
    nodes = scorer.nodes
    pairs = [(i, j) for i in group_a for j in group_b if nodes[i].article_id != nodes[j].article_id]
    pairs = pairs or [(i, j) for i in group_a for j in group_b]
    limit = scorer.settings.linkage_pairs
    if len(pairs) > limit:
        step = len(pairs) / limit
        pairs = [pairs[int(k * step)] for k in range(limit)]
    return float(scorer.probabilities(pairs).mean())
