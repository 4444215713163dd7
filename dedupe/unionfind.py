"""Disjoint sets (union-find) over ``0..n-1``, shared by story grouping, scan clusters and figure groups.

:class:`UnionFind` joins items one union at a time; :func:`components` finds the same sets for a
whole array of edges at once. The smaller index always becomes the root, so the groups come out the
same whatever the order of the unions, and grouping members by root in index order lists the groups by
their first member.

Example:
    >>> sets = UnionFind(4)
    >>> sets.union(3, 1)
    >>> sets.groups()
    [[0], [1, 3], [2]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt


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


def components(size: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Connected components of the graph on ``0..size-1`` with edges ``a[i] - b[i]``, in bulk with numpy.

    The same sets as :class:`UnionFind` after ``union(a[i], b[i])`` for every edge, labelled the same
    way (each item's label is the smallest member of its set): roots are hooked under the smallest root
    they touch, then every pointer jumps to its root, until no edge joins two roots.

    Args:
        size: Number of items.
        a: One end of each edge.
        b: The other end.

    Returns:
        The label of every item.
    """
    parent = np.arange(size, dtype=np.int64)
    while True:
        root_a, root_b = parent[a], parent[b]
        low, high = np.minimum(root_a, root_b), np.maximum(root_a, root_b)
        joins = low != high
        if not joins.any():
            return parent
        np.minimum.at(parent, high[joins], low[joins])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
