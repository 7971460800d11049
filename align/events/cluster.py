"""Events from links: which linked segments form one event.

Events are the connected components of the link graph.
"""

from __future__ import annotations

from collections import defaultdict

from .link import Link


def components(n: int, edges: list[Link]) -> list[list[int]]:
    """Connected components (positions), each sorted, ordered by their first member."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        parent[root(e.a)] = root(e.b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[root(i)].append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
