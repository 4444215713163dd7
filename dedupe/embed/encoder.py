"""Stage 4: sentence embeddings, computed once and cached on disk.

The maths downstream (alignment, divergence) works on arrays only; this module is the one place that
knows about models. An :class:`Encoder` turns texts into L2-normalised float32 rows and names itself
with a ``fingerprint`` (a hash of its weights plus the backend), which prefixes every cache key, so
that a cache shared by different models or backends never mixes their vectors.

:func:`load_encoder` loads the packaged all-MiniLM-L6-v2 (checking its weights hash) or any local
sentence-transformers folder or hub name. :func:`embed` looks texts up in an
:class:`~dedupe.embed.cache.EmbeddingCache` and encodes only the misses.

Example:
    >>> encoder = load_encoder()                        # doctest: +SKIP
    >>> vectors = embed(encoder, ["Kerry arrives in London."], EmbeddingCache(None))  # doctest: +SKIP
    >>> vectors.shape                                   # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from dedupe.embed.backends import BACKENDS, load_encoder
from dedupe.embed.cache import EmbeddingCache, default_cache_dir, onnx_export_dir
from dedupe.runtime import Progress, no_progress

#: Texts per ``encoder.encode`` call in :func:`embed` (one cache write and one progress step each).
ENCODE_CHUNK = 512

__all__ = ["BACKENDS", "Encoder", "EmbeddingCache", "default_cache_dir", "embed", "encoder_and_cache",
           "load_encoder"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that embeds texts.

    Attributes:
        fingerprint: Identifies the weights and the backend (and so the vectors it returns);
            the prefix of its cache keys.
    """

    fingerprint: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts.

        Args:
            texts: The texts, in any order; may be empty.

        Returns:
            Array of shape ``(len(texts), dim)``, float32, each row of L2 norm 1.
        """
        ...


def encoder_and_cache(model: str | None, cache_folder: Path | None, *,
                      backend: str = "auto") -> tuple[Encoder, EmbeddingCache]:
    """Load an encoder and open the embedding cache, the ONNX export kept beside the cache.

    Args:
        model: Model folder or hub name; ``None`` for the packaged all-MiniLM-L6-v2.
        cache_folder: The embedding cache folder; ``None`` disables the cache (the ONNX export then goes
            to the default folder, since exporting on every run would cost seconds).
        backend: As :func:`load_encoder` takes it.

    Returns:
        The (lazily loaded) encoder and the cache.
    """
    return load_encoder(model, backend=backend, export_dir=onnx_export_dir(cache_folder)), EmbeddingCache(cache_folder)


def embed(encoder: Encoder, texts: Sequence[str], cache: EmbeddingCache | None = None,
          progress: Progress = no_progress) -> np.ndarray:
    """Embed texts, reading cached vectors and encoding (and caching) only the others.

    Each distinct text is encoded at most once per call. The texts not cached are encoded
    :data:`ENCODE_CHUNK` at a time (one ``encoder.encode`` call and one cache write each, so a long
    run keeps what it has done and a progress bar moves); the rows are written straight into the
    result, which is the only array of the corpus's size held.

    Args:
        encoder: The encoder.
        texts: The texts; duplicates are allowed.
        cache: Where to look vectors up and store new ones; ``None`` or a disabled cache
            encodes everything.
        progress: Progress callable, given the chunks of texts to encode (label ``"encode"``).

    Returns:
        Array of shape ``(len(texts), dim)``, float32, rows in the order of ``texts``.

    Raises:
        ConfigError: If the cache folder is unusable.
    """
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.asarray(encoder.encode([]), dtype=np.float32)
    cache = cache if cache is not None else EmbeddingCache(None)
    found, missing = cache.get(encoder.fingerprint, distinct)
    rows: np.ndarray | None = None
    for index, vector in found.items():
        rows = _row_store(rows, len(distinct), vector.shape[-1])
        rows[index] = vector
    found.clear()
    chunks = [missing[begin:begin + ENCODE_CHUNK] for begin in range(0, len(missing), ENCODE_CHUNK)]
    for chunk in progress("encode", chunks):
        new_texts = [distinct[i] for i in chunk]
        new_vectors = np.asarray(encoder.encode(new_texts), dtype=np.float32)
        cache.put(encoder.fingerprint, new_texts, new_vectors)
        rows = _row_store(rows, len(distinct), new_vectors.shape[1])
        rows[chunk] = new_vectors
    assert rows is not None
    if len(distinct) == len(texts):
        return rows
    position = {text: i for i, text in enumerate(distinct)}
    return rows[[position[text] for text in texts]]


def _row_store(rows: np.ndarray | None, count: int, dim: int) -> np.ndarray:
    """``rows``, or a new ``(count, dim)`` float32 array when there is none yet."""
    return rows if rows is not None else np.zeros((count, dim), dtype=np.float32)
