"""Clusters of records linked by proposed pairs: connected components (union-find).

A chain a-b, b-c puts a, b and c in one cluster even if a-c was not proposed; the review shows
each pair's own evidence, so a reviewer can still split it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable


def connected_components(pairs: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Groups of two or more ids, each group and the list in first-seen order."""
    parent: dict[Hashable, Hashable] = {}

    def root(item: Hashable) -> Hashable:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]  # path halving keeps the trees flat
            item = parent[item]
        return item

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[b] = a
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for item in parent:
        groups[root(item)].append(item)
    return [members for members in groups.values() if len(members) > 1]
