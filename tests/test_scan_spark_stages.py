"""``dedupe.scan.spark_stages``: the partition-side numpy work of the Spark engine (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dedupe.scan import spark_stages as st
from dedupe.scan.fingerprints import fingerprint_corpus

DATA = Path(__file__).resolve().parents[1] / "data"


def seed_texts() -> list[str]:
    """The seed articles, and the last quarter of each copied (a shared passage; the rest found once)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.txt"))]
    return texts + [text[3 * len(text) // 4:] for text in texts]


def routed_links(blocks: list[st.Block], layout: st.Layout, parts: int,
                 table: np.ndarray | None) -> tuple[list[tuple[int, int]], int]:
    """Every link found by ``parts`` partitions, sorted, and the shingles sent to them."""
    inbox: dict[int, list[st.Routed]] = {part: [] for part in range(parts)}
    for block in blocks:
        for part, arrays in st.shingle_records(block, layout, parts, table):
            inbox[part].append((part, arrays))
    sent = sum(arrays[0].size for routed in inbox.values() for _, arrays in routed)
    found = [st.links(routed, layout) for routed in inbox.values()]
    return sorted(zip(np.concatenate([f[0] for f in found]).tolist(),
                      np.concatenate([f[1] for f in found]).tolist())), sent


def test_repeated_shingles_alone_give_every_link() -> None:
    texts = seed_texts()
    assert len(texts) >= 4
    halves = [list(range(0, len(texts), 2)), list(range(1, len(texts), 2))]
    blocks = [st.fingerprint_block(docs, [str(d) for d in docs], fingerprint_corpus([texts[d] for d in docs], 5))
              for docs in halves]
    prints = fingerprint_corpus(texts, 5)
    layout = st.Layout.of(prints.token_counts, np.diff(prints.offsets), 20, 5)
    parts = 3
    counted = [(part, arrays) for block in blocks for part, arrays in st.key_records(block, parts)]
    repeated = np.concatenate([st.repeated_keys([r for r in counted if r[0] == part]) for part in range(parts)])
    table = st.key_table(repeated)
    every, sent_all = routed_links(blocks, layout, parts, None)
    kept, sent_kept = routed_links(blocks, layout, parts, table)
    assert every, "the copies share passages"
    assert kept == every
    assert sent_kept < 0.6 * sent_all, "shingles found once are not sent"


def test_key_table_holds_every_repeated_key_and_few_others() -> None:
    rng = np.random.default_rng(5)
    shingles = rng.integers(0, 2**63, 50_000, dtype=np.int64).astype(np.uint64)
    repeated = np.unique(shingles[:5_000].astype(np.uint32))
    table = st.key_table(repeated)
    assert st._in_table(table, shingles[:5_000]).all()
    assert st._in_table(table, shingles[5_000:]).mean() < 0.1


def test_bucket_order_is_lexsorts() -> None:
    rng = np.random.default_rng(7)
    band = rng.integers(0, 16, 20_000).astype(np.int64)
    key = rng.integers(0, 50, 20_000).astype(np.uint64)  # keys meet often, across bands too
    doc = rng.integers(0, 3_000, 20_000).astype(np.int64)
    assert np.array_equal(st._by_band_key_doc(band, key, doc), np.lexsort((doc, key, band)))


def test_scatter_keeps_row_order_within_each_partition() -> None:
    rng = np.random.default_rng(3)
    for parts in (1, 3, 8, 9, 300):
        target = rng.integers(0, parts, 5_000).astype(np.int64)
        rows = np.arange(target.size)
        got = {part: arrays[0] for part, arrays in st.scatter(target, parts, rows)}
        assert sorted(got) == sorted(set(target.tolist()))
        for part, chosen in got.items():
            assert np.array_equal(chosen, rows[target == part])
