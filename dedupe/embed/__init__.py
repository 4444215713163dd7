"""Stage 4: sentence embeddings, computed once and cached on disk.

:mod:`~dedupe.embed.encoder` is the entry point (the :class:`Encoder` protocol, :func:`embed`);
:mod:`~dedupe.embed.backends` loads a model (torch or ONNX, :mod:`~dedupe.embed.onnx_backend`) and
:mod:`~dedupe.embed.cache` keeps the vectors; :mod:`~dedupe.embed.claim_space` loads the shipped claim map (a
linear map of the vectors in which cosine measures "same claim"). Nothing heavy (torch, onnxruntime) is imported
until a model loads.
"""

from __future__ import annotations

from dedupe.embed.encoder import (
                                  BACKENDS,
                                  EmbeddingCache,
                                  Encoder,
                                  default_cache_dir,
                                  embed,
                                  encoder_and_cache,
                                  load_encoder,
)

__all__ = ["BACKENDS", "EmbeddingCache", "Encoder", "default_cache_dir", "embed", "encoder_and_cache", "load_encoder"]
