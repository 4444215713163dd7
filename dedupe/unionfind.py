"""Disjoint sets (union-find) over ``0..n-1``, shared by story grouping, scan clusters and figure groups.

The smaller index always becomes the root, so the groups come out the same whatever the order of the
unions, and grouping members by root in index order lists the groups by their first member.

Example:
    >>> sets = UnionFind(4)
    >>> sets.union(3, 1)
    >>> sets.groups()
    [[0], [1, 3], [2]]
"""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    """Union-find with path halving; roots are the smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        """The root (smallest member) of ``item``'s set."""
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        """Merge the sets of ``a`` and ``b``."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self, items: Iterable[int] | None = None) -> list[list[int]]:
        """Members of each set (restricted to ``items`` when given), in index order, by first member."""
        members: dict[int, list[int]] = {}
        for item in sorted(items) if items is not None else range(len(self.parent)):
            members.setdefault(self.find(item), []).append(item)
        return list(members.values())
