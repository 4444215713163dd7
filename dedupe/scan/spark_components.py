"""Connected components of a graph held in an RDD, by min-label propagation: the clusters of a Spark scan
whose verified pairs are too many for the driver (:func:`dedupe.scan.spark.scan_spark` finds smaller graphs'
components on the driver, with the local union-find).

Each node holds its label and its neighbours; every round it offers its label to its neighbours and takes the
smallest label offered (one shuffle), until no label changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark import SparkContext

_CHECKPOINT_EVERY = 3  # label-propagation rounds between checkpoints (cuts the lineage)
_NO_LABEL = 2**62
_EDGES_PER_PART = 20_000  # least edges a partition of the label propagation gets (a task costs more below)


def components(sc: SparkContext, edges: list[tuple[int, int]], parts: int) -> list[tuple[int, ...]]:
    """Connected components of an undirected graph by min-label propagation over an RDD.

    Each node holds its label and its neighbours; every round it offers its label to its neighbours and
    takes the smallest label offered (one shuffle), until no label changes. The node table is cached and
    checkpointed every few rounds (a long lineage, or components computed on uncached inputs, is what makes
    GraphFrames' answers wrong).

    Args:
        sc: The Spark context (a checkpoint folder must be set).
        edges: Node pairs.
        parts: Most partitions to use (fewer for a small graph: a task costs more than its nodes).

    Returns:
        Each component's nodes sorted, components ordered by their first node (as the local union-find).
    """
    if not edges:
        return []
    parts = max(1, min(parts, len(edges) // _EDGES_PER_PART + 1))
    nodes = sc.parallelize(edges, parts).flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).groupByKey(parts) \
        .map(lambda kv: (kv[0], (min(kv[0], *kv[1]), tuple(sorted(kv[1])), True))).cache()
    rounds = 0
    while nodes.filter(lambda kv: kv[1][2]).count():
        rounds += 1
        updated = nodes.flatMap(_offers).reduceByKey(_take_smallest, parts) \
            .mapValues(lambda r: (r[0], r[1], r[0] < r[2])).cache()
        if rounds % _CHECKPOINT_EVERY == 0:
            updated.checkpoint()
        nodes.unpersist()
        nodes = updated
    groups: dict[int, list[int]] = {}
    for node, (label, _, _) in sorted(nodes.collect()):
        groups.setdefault(label, []).append(node)
    nodes.unpersist()
    return sorted(tuple(members) for members in groups.values())


_Offer = tuple[int, tuple[int, ...], int]


def _offers(node: tuple[int, tuple[int, tuple[int, ...], bool]]) -> list[tuple[int, _Offer]]:
    """A node's own record (label, neighbours, own label), and its label offered to each neighbour (as a
    record without neighbours whose own label is unknown: larger than any)."""
    key, (label, near, _) = node
    return [(key, (label, near, label))] + [(other, (label, (), _NO_LABEL)) for other in near]


def _take_smallest(one: _Offer, other: _Offer) -> _Offer:
    """Merge two records of a node: the smallest label offered, the neighbours, the node's own label."""
    return min(one[0], other[0]), one[1] or other[1], min(one[2], other[2])
