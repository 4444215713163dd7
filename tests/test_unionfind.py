"""dedupe.unionfind: the bulk components() finds the same sets, labelled the same, as UnionFind."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.unionfind import UnionFind, components


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))))
def test_components_match_union_find(case: tuple[int, list[tuple[int, int]]]) -> None:
    size, edges = case
    sets = UnionFind(size)
    for a, b in edges:
        sets.union(a, b)
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    assert components(size, a, b).tolist() == [sets.find(i) for i in range(size)]


def test_a_long_chain_in_reverse_order_is_one_set() -> None:
    size = 10_000
    a = np.arange(size - 1, 0, -1, dtype=np.int64)
    labels = components(size, a, a - 1)
    assert labels.tolist() == [0] * size
