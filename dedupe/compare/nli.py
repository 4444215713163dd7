"""Optional NLI cross-encoder: the probability that one sentence contradicts another.

Used by ``dedupe compare --nli-model PATH`` for users who have a sentence-transformers CrossEncoder
trained on NLI (labels such as contradiction / entailment / neutral). The model loads once per path.

Example:
    >>> contradiction_scores("models/nli-deberta", [("It rained.", "It did not rain.")])  # doctest: +SKIP
    array([0.97], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.errors import ConfigError


def contradiction_scores(model_path: str, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Contradiction probability of each (premise, hypothesis) pair.

    The contradiction column is the label whose name contains "contradiction" in the model's
    ``id2label``; a model without such a label must have it first (the usual NLI label order).

    Args:
        model_path: Folder of a saved CrossEncoder.
        pairs: Sentence pairs.

    Returns:
        Array of ``len(pairs)`` floats in [0, 1].

    Raises:
        ConfigError: If the folder is missing or is not a loadable CrossEncoder.
    """
    model, column = _load(model_path)
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    logits = np.asarray(model.predict([list(p) for p in pairs], convert_to_numpy=True, show_progress_bar=False),
                        dtype=np.float64)
    if logits.ndim == 1:  # a single-output model scores contradiction directly
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted[:, column] / shifted.sum(axis=1)).astype(np.float32)


def check_model(model_path: str) -> None:
    """Load the model now (it stays loaded).

    Raises:
        ConfigError: If the folder is missing or is not a loadable CrossEncoder.
    """
    _load(model_path)


@lru_cache(maxsize=2)
def _load(model_path: str) -> tuple[Any, int]:
    if not Path(model_path).is_dir():
        raise ConfigError(f"NLI model folder not found: {model_path}")
    try:
        from sentence_transformers import CrossEncoder

        model = CrossEncoder(model_path, device="cpu")
    except Exception as exc:  # any load failure is the user's model, reported on one line
        raise ConfigError(f"cannot load NLI model {model_path}: {type(exc).__name__}: {exc}") from None
    labels = getattr(model.config, "id2label", None) or {}
    column = next((int(i) for i, name in labels.items() if "contradict" in str(name).lower()), 0)
    return model, column
