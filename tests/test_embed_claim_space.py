"""Tests of dedupe.embed.claim_space (the shipped claim map, its hash check) and of how alignment reads it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from dedupe.compare.align import CLAIM_FEATURES, claim_features, score_pairs
from dedupe.embed.claim_space import CLAIM_MAP_FILE, CLAIM_MAP_SHA256, claim_space, claim_space_cosines, load_claim_map
from dedupe.errors import InputError


def _unit_rows(count: int, dim: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_claim_space_maps_and_normalises_rows() -> None:
    matrix = np.diag([2.0, 0.0, 1.0]).astype(np.float32)
    mapped = claim_space(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32), matrix)
    assert mapped.dtype == np.float32
    assert mapped[0].tolist() == [1.0, 0.0, 0.0]
    assert mapped[1].tolist() == [0.0, 0.0, 0.0]  # a row the map sends to zero stays zero, not NaN


def test_the_shipped_map_loads_and_is_checked() -> None:
    matrix = load_claim_map()
    assert matrix.shape == (384, 384) and matrix.dtype == np.float32
    assert hashlib.sha256(CLAIM_MAP_FILE.read_bytes()).hexdigest() == CLAIM_MAP_SHA256
    assert not matrix.flags.writeable
    assert not np.allclose(matrix, np.eye(384), atol=1e-3)  # trained away from its identity start


def test_a_missing_map_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="claim map missing"):
        load_claim_map(tmp_path / "claim_map.npy", CLAIM_MAP_SHA256)


def test_an_altered_map_is_refused(tmp_path: Path) -> None:
    data = bytearray(CLAIM_MAP_FILE.read_bytes())
    data[-1] ^= 1  # one bit of the last weight
    altered = tmp_path / "claim_map.npy"
    altered.write_bytes(bytes(data))
    with pytest.raises(InputError, match="corrupt or altered"):
        load_claim_map(altered, CLAIM_MAP_SHA256)
    # the same file with its own hash loads: the check is the hash, not the values
    assert load_claim_map(altered, hashlib.sha256(bytes(data)).hexdigest()).shape == (384, 384)


def test_claim_space_cosines_are_the_mapped_cosines_of_model_sized_rows() -> None:
    rows = _unit_rows(5, 384, seed=1)
    candidates = [(0, 1, float(rows[0] @ rows[1])), (2, 4, float(rows[2] @ rows[4]))]
    mapped = claim_space(rows, load_claim_map())
    expected = [float(mapped[0] @ mapped[1]), float(mapped[2] @ mapped[4])]
    assert claim_space_cosines(rows, candidates) == pytest.approx(expected, abs=1e-6)
    assert claim_space_cosines(rows, candidates) != pytest.approx([c for _, _, c in candidates], abs=1e-3)


def test_claim_space_cosines_in_another_map() -> None:  # the maps benchmarks.train_claim_adapter fits
    rows = _unit_rows(4, 384, seed=3)
    candidates = [(0, 1, float(rows[0] @ rows[1])), (3, 2, float(rows[3] @ rows[2]))]
    doubled = 2 * np.eye(384, dtype=np.float32)  # a scaled identity maps unit rows onto themselves
    assert claim_space_cosines(rows, candidates, matrix=doubled) == pytest.approx([c for _, _, c in candidates],
                                                                                   abs=1e-6)
    shipped = claim_space_cosines(rows, candidates)
    assert claim_space_cosines(rows, candidates, matrix=load_claim_map()) == shipped
    assert shipped != pytest.approx([c for _, _, c in candidates], abs=1e-3)


def test_rows_of_another_width_are_compared_plainly() -> None:
    rows = _unit_rows(3, 8, seed=2)
    candidates = [(0, 2, float(rows[0] @ rows[2]))]
    assert claim_space_cosines(rows, candidates) == [candidates[0][2]]
    assert claim_space_cosines(rows, []) == []


def test_the_claim_model_reads_the_claim_cosine_and_the_paraphrase_model_the_plain_one() -> None:
    a, b = ["Kerry threatened to halt diplomacy with Russia."], ["Kerry threatened to cut off contact with Moscow."]
    plain = claim_features(a, b, [0.6])
    mapped = claim_features(a, b, [0.6], [0.8])
    column = CLAIM_FEATURES.index("cosine")
    assert plain[0, column] == 0.6 and mapped[0, column] == 0.8
    others = [k for k in range(len(CLAIM_FEATURES)) if k != column]
    assert mapped[0, others].tolist() == plain[0, others].tolist()
    # a higher claim cosine raises the same-claim probability
    assert score_pairs(a + b, [(0, 1, 0.6)], [0.8])[0].probability > score_pairs(a + b, [(0, 1, 0.6)])[0].probability
