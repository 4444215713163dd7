"""The claim space: a linear map on the MiniLM embeddings in which cosine measures "same claim".

The map (a ``384 x 384`` float32 matrix, shipped as ``claim_map.npy`` beside this module) was trained by
``python -m benchmarks.train_claim_adapter`` on outside news pairs only (MRPC train, STS headlines 2013-2015),
started at the identity; its SHA-256 is checked when it is loaded. The maths (:func:`claim_space`) works on arrays
alone; :func:`load_claim_map` is the one place that reads the file.

Example:
    >>> import numpy as np
    >>> claim_space(np.array([[3.0, 4.0]], dtype=np.float32), np.eye(2, dtype=np.float32)).tolist()
    [[0.6000000238418579, 0.800000011920929]]
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from dedupe.embed.backends import PACKAGED_SHA256
from dedupe.errors import InputError

CLAIM_MAP_FILE = Path(__file__).with_name("claim_map.npy")
# Written by `python -m benchmarks.train_claim_adapter --corpus /work/shared/corpora --out dedupe/embed/claim_map.npy`
# at 1a1aba5 (session 13). Since claims23's claim_content fixes (0956c87, 2a588a3: 49 of the 10,512 training contents)
# the command writes 8a8c2c92...; that map, measured in session 17 (mend20), lowered the Reuters tune event karbala7
# (F1 0.364 -> 0.308), so this one stays (benchmarks/README.md, session 17, branch mend20).
CLAIM_MAP_SHA256 = "3020d3378dd6da61a7bb0623e03459ec1c38ac0ad52b15cab53ca70b232fb9f8"


def claim_space(vectors: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Rows mapped by ``matrix`` and L2-normalised again (a zero row stays zero).

    Args:
        vectors: ``(n, d)`` embeddings.
        matrix: ``(d, d)`` map.

    Returns:
        ``(n, d)`` float32 unit rows.
    """
    mapped = np.asarray(vectors, dtype=np.float32) @ np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(mapped, axis=1, keepdims=True)
    return (mapped / np.where(norms > 0, norms, 1.0)).astype(np.float32)


@lru_cache(maxsize=4)
def load_claim_map(path: Path = CLAIM_MAP_FILE, sha256: str = CLAIM_MAP_SHA256) -> np.ndarray:
    """The shipped claim-space matrix, its SHA-256 checked.

    Args:
        path: The ``.npy`` file.
        sha256: Its expected SHA-256.

    Returns:
        The ``(d, d)`` float32 matrix (read-only).

    Raises:
        InputError: If the file is missing, altered, or not a square float32 matrix.
    """
    if not path.is_file():
        raise InputError(f"claim map missing: {path} (reinstall dedupe)")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise InputError(f"claim map {path} is corrupt or altered: sha256 {actual[:12]}... expected {sha256[:12]}... "
                         "(reinstall dedupe)")
    matrix = np.load(io.BytesIO(data), allow_pickle=False)  # the bytes checked, not a second read
    if matrix.dtype != np.float32 or matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InputError(f"claim map {path} is not a square float32 matrix")
    matrix.setflags(write=False)
    return matrix


def fits_claim_map(fingerprint: str) -> bool:
    """Whether an encoder (by its ``fingerprint``, ``"<weights sha256>:<backend>:l2"``) is the packaged
    all-MiniLM-L6-v2, whose vectors the claim map was fitted on."""
    return fingerprint.split(":")[0] == PACKAGED_SHA256


def claim_space_cosines(embeddings: np.ndarray, candidates: Sequence[tuple[int, int, float]],
                        mapped: bool = True, matrix: np.ndarray | None = None) -> list[float]:
    """Each candidate pair's cosine in the claim space (the shipped map).

    The map was fitted on the packaged all-MiniLM-L6-v2's vectors; another model's (``mapped`` false:
    :func:`fits_claim_map`) have no claim space, and their plain cosine is returned, as are vectors of another width
    than the map's (a fallback for a test's small encoder).

    Args:
        embeddings: ``(n, dim)`` L2-normalised plain embeddings the candidates index.
        candidates: ``(i, j, cosine)`` pairs.
        mapped: Whether the embeddings are the packaged model's (:attr:`dedupe.compare.align.AlignConfig.claim_space`).
        matrix: Another map than the shipped one (``benchmarks.train_claim_adapter`` scores the maps it fits).

    Returns:
        One cosine per candidate.
    """
    if not candidates:
        return []
    if not mapped:
        return [float(c) for _, _, c in candidates]
    matrix = load_claim_map() if matrix is None else matrix
    if embeddings.shape[1] != len(matrix):
        return [float(c) for _, _, c in candidates]
    rows = sorted({k for i, j, _ in candidates for k in (i, j)})
    vectors = dict(zip(rows, claim_space(embeddings[rows], matrix)))
    return [float(vectors[i] @ vectors[j]) for i, j, _ in candidates]


def paired_claim_cosines(first: np.ndarray, second: np.ndarray, matrix: np.ndarray | None = None) -> np.ndarray:
    """The claim-space cosine of each pair of unit rows (``first[k]``, ``second[k]``) as alignment reads it
    (:func:`claim_space_cosines`; the benchmarks score pairs so), in the shipped map or in ``matrix``."""
    count, plain = len(first), (first * second).sum(axis=1)
    candidates = [(k, count + k, float(plain[k])) for k in range(count)]
    return np.array(claim_space_cosines(np.vstack([first, second]), candidates, matrix=matrix))
