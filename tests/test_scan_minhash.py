"""One-permutation MinHash signatures and LSH candidates, checked against a real datasketch index."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH
from scipy.integrate import quad

from dedupe.scan.minhash import (KNOWN_PARAMS, LSH_WEIGHTS, candidate_pairs, gauss_legendre, lean_minhash, lsh_params,
                                 search_params, signatures)
from dedupe.scan.shingle import fingerprint


def corpus(seed: int = 7, size: int = 60) -> list[str]:
    """Random documents plus lightly edited copies of some of them."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 300))) for _ in range(size)]
    for index in range(0, size, 4):
        words = texts[index].split()
        if len(words) > 20:
            words[rng.randrange(len(words))] = "edited"
            texts.append(" ".join(words))
    texts.append(texts[1])
    return texts


def test_signatures_are_deterministic_and_seeded() -> None:
    prints = fingerprint(corpus(), 5)
    first, again = signatures(prints, 128, 1), signatures(prints, 128, 1)
    assert first.dtype == np.uint32 and first.shape == (prints.token_counts.size, 128)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, signatures(prints, 128, 2))


def test_identical_documents_have_identical_signatures() -> None:
    texts = corpus()
    table = signatures(fingerprint(texts, 5), 64, 3)
    assert np.array_equal(table[1], table[len(texts) - 1])


def test_agreement_estimates_jaccard() -> None:
    rng = random.Random(3)
    base = [f"t{i}" for i in range(2000)]
    other = base[:1500] + [f"u{i}" for i in range(500)]
    rng.shuffle(other)
    prints = fingerprint([" ".join(base), " ".join(other)], 1)
    table = signatures(prints, 1024, 5)
    estimate = float(np.mean(table[0] == table[1]))
    assert abs(estimate - 1500 / 2500) < 0.06


def test_a_document_without_shingles_has_an_empty_row() -> None:
    table = signatures(fingerprint(["", "some words here"], 5), 32, 1)
    assert (table[0] == 0xFFFFFFFF).all()
    assert not (table[1] == 0xFFFFFFFF).all()


def _datasketch_params(threshold: float, num_perm: int) -> tuple[int, int] | None:
    try:
        index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    except ValueError:  # fewer than two bands
        return None
    return index.b, index.r


def _own_params(threshold: float, num_perm: int) -> tuple[int, int] | None:
    try:
        return lsh_params(threshold, num_perm)
    except ValueError:
        return None


@pytest.mark.parametrize("num_perm", [2, 16, 64, 128, 256])
def test_lsh_params_are_datasketchs_at_every_threshold(num_perm: int) -> None:
    thresholds = [i / 100 for i in range(1, 101)]
    assert [_own_params(t, num_perm) for t in thresholds] == [_datasketch_params(t, num_perm) for t in thresholds]


def test_known_params_are_what_the_search_gives() -> None:
    for (threshold, num_perm), params in KNOWN_PARAMS.items():
        assert search_params(threshold, num_perm) == params == _datasketch_params(threshold, num_perm)


def test_lsh_params_are_datasketchs_for_long_signatures() -> None:
    for num_perm, threshold in ((512, 0.5), (512, 0.85), (600, 0.8)):  # 600: datasketch's own search
        assert lsh_params(threshold, num_perm) == _datasketch_params(threshold, num_perm)


def test_a_scan_imports_neither_datasketch_nor_scipy_nor_numpy_ma() -> None:
    # Each costs a tenth of a second to most of a second at start-up, which a user waits for.
    code = ("import sys; from dedupe.corpus.load import load_corpus; import dedupe.scan.near_dup as n; "
            "result = n.scan(load_corpus(['data']).documents); assert result.findings; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy') or "
            "m == 'numpy.ma' or m.startswith('numpy.ma.')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parent.parent)
    assert found.stdout.strip() == "[]"


def _miss_and_accept_areas(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    """Areas under the banding S-curve ``P(s) = 1 - (1 - s**rows)**bands``: accepted below the threshold
    (false positives) and missed above it (false negatives), integrated here rather than by datasketch."""
    accepted, _ = quad(lambda s: 1 - (1 - s**rows) ** bands, 0.0, threshold)
    missed, _ = quad(lambda s: (1 - s**rows) ** bands, threshold, 1.0)
    return accepted, missed


def _grid_errors(threshold: float, num_perm: int, weights: tuple[float, float]) -> dict[tuple[int, int], float]:
    """Weighted error of every banding that fits in ``num_perm`` rows."""
    errors = {}
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            accepted, missed = _miss_and_accept_areas(threshold, bands, rows)
            errors[bands, rows] = weights[0] * accepted + weights[1] * missed
    return errors


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 32), (0.8, 64), (0.8, 128), (0.9, 128)])
def test_lsh_params_minimise_the_recall_weighted_error(threshold: float, num_perm: int) -> None:
    bands, rows = lsh_params(threshold, num_perm)
    assert bands * rows <= num_perm
    errors = _grid_errors(threshold, num_perm, LSH_WEIGHTS)
    assert errors[bands, rows] <= min(errors.values()) * (1 + 1e-6)
    balanced = _grid_errors(threshold, num_perm, (0.5, 0.5))
    even = min(balanced, key=balanced.__getitem__)
    # Weighted towards recall: never more missed area than the evenly weighted optimum.
    assert _miss_and_accept_areas(threshold, bands, rows)[1] <= _miss_and_accept_areas(threshold, *even)[1]


def test_default_banding_misses_few_pairs_at_the_threshold_and_accepts_few_far_below() -> None:
    bands, rows = lsh_params(0.8, 128)  # ScanConfig's defaults

    def accept(s: float) -> float:
        return 1 - (1 - s**rows) ** bands

    assert 1 - accept(0.8) < 0.06        # a pair exactly at the threshold is missed < 6% of the time
    assert 1 - accept(0.9) < 2e-4        # and one at 0.9 about once in 8,000
    assert accept(0.5) < 0.07            # a pair at Jaccard 0.5 becomes a candidate < 7% of the time
    assert accept(0.4) < 0.011
    accepted, missed = _miss_and_accept_areas(0.8, bands, rows)
    assert missed < 0.002 and accepted < 0.14   # areas under the S-curve over [0.8, 1] and [0, 0.8]


@pytest.mark.parametrize("num_perm", [32, 128])
def test_numpy_banding_finds_what_a_real_minhashlsh_finds(num_perm: int) -> None:
    texts = corpus()
    prints = fingerprint(texts, 5)
    table = signatures(prints, num_perm, 1)
    usable = np.diff(prints.offsets) > 0
    bands, rows = lsh_params(0.8, num_perm)
    ours = candidate_pairs(table, usable, bands, rows, 1, backend="numpy")
    theirs = candidate_pairs(table, usable, bands, rows, 1, backend="datasketch")
    assert ours.tolist() == theirs.tolist()
    assert [1, len(texts) - 1] in ours.tolist()


def test_lean_minhash_queries_a_minhashlsh() -> None:
    texts = corpus()
    table = signatures(fingerprint(texts, 5), 128, 1)
    index = MinHashLSH(threshold=0.8, num_perm=128)
    for doc in range(len(texts) - 1):
        index.insert(doc, lean_minhash(table[doc], 1))
    assert 1 in index.query(lean_minhash(table[len(texts) - 1], 1))
    assert lean_minhash(table[1], 1).jaccard(lean_minhash(table[len(texts) - 1], 1)) == 1.0


def test_numpy_banding_handles_buckets_of_every_size() -> None:
    # 150 copies (a bucket over MAX_BUCKET, linked as a chain), 40 and 3 copies (all their pairs), singles.
    texts = corpus(seed=11, size=30)
    texts += [texts[0]] * 150 + [texts[2]] * 40 + [texts[3]] * 3
    prints = fingerprint(texts, 5)
    table = signatures(prints, 64, 1)
    usable = np.diff(prints.offsets) > 0
    bands, rows = lsh_params(0.8, 64)
    ours = candidate_pairs(table, usable, bands, rows, 1, backend="numpy")
    theirs = candidate_pairs(table, usable, bands, rows, 1, backend="datasketch")
    assert ours.tolist() == theirs.tolist()
    assert (ours[:, 0] < ours[:, 1]).all()


@pytest.mark.parametrize("count", [1, 2, 5, 65, 257])
def test_gauss_legendre_matches_numpys(count: int) -> None:
    nodes, weights = gauss_legendre(count)
    expected_nodes, expected_weights = np.polynomial.legendre.leggauss(count)
    order = np.argsort(nodes)
    assert np.allclose(nodes[order], expected_nodes, rtol=0, atol=1e-14)
    assert np.allclose(weights[order], expected_weights, rtol=0, atol=1e-13)
