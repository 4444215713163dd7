"""The claim encoder: the packaged all-MiniLM-L6-v2 with its upper transformer layers fine-tuned on same-claim pairs.

``python -m benchmarks.train_claim_encoder`` keeps MiniLM's embeddings and lower layers frozen and trains the upper
ones (mean pooling, unit rows, as the sentence-transformers model reads them) on outside news pairs only (MRPC train,
STS headlines 2013-2015). Only the trained layers are shipped (``claim_encoder.safetensors`` beside this module,
their SHA-256 checked on load); at load time they replace the packaged model's upper layers. The forward pass
(:func:`hidden_states`, :func:`run_layers`, :func:`mean_pooled`) is the one the training script runs, so the
vectors here are the vectors it scored.

Example:
    >>> import torch
    >>> mean_pooled(torch.tensor([[[1.0, 0.0], [0.0, 1.0]]]), torch.tensor([[1, 0]])).tolist()
    [[1.0, 0.0]]
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.embed.backends import PACKAGED_SHA256, packaged_model_folder, verify_weights
from dedupe.errors import InputError

CLAIM_ENCODER_FILE = Path(__file__).with_name("claim_encoder.safetensors")
CLAIM_ENCODER_SHA256 = ""
#: Tokens read per text (the sentence-transformers model's ``max_seq_length``).
MAX_TOKENS = 256
#: Texts per forward pass.
BATCH = 32


def load_base() -> tuple[Any, Any]:
    """The packaged all-MiniLM-L6-v2 (weights hash checked) as a transformers tokenizer and ``BertModel``, offline,
    in eval mode.

    Raises:
        InputError: If the packaged model is missing or altered.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the library never writes to the terminal
    folder = verify_weights(packaged_model_folder(), PACKAGED_SHA256).folder
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager")
    return tokenizer, model.eval()


def tokenized(tokenizer: Any, texts: Sequence[str]) -> dict[str, Any]:
    """``texts`` as one padded batch of token ids (``input_ids``, ``attention_mask``), at most :data:`MAX_TOKENS`."""
    return tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt",
                     return_token_type_ids=False)


def hidden_states(model: Any, batch: dict[str, Any], layers: int) -> Any:
    """The token states of a tokenized batch after the embeddings and the first ``layers`` transformer layers."""
    import torch

    ids = batch["input_ids"]
    states = model.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
    return run_layers(model.encoder.layer[:layers], states, batch["attention_mask"])


def run_layers(layers: Sequence[Any], states: Any, mask: Any) -> Any:
    """Token states ``(batch, tokens, dim)`` through ``layers``, padding (``mask`` 0) never attended to."""
    import torch

    additive = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
    for layer in layers:
        output = layer(states, attention_mask=additive)
        states = output[0] if isinstance(output, tuple) else output
    return states


def mean_pooled(states: Any, mask: Any) -> Any:
    """Each text's mean token state over its real tokens, L2-normalised (sentence-transformers' pooling)."""
    import torch

    weights = mask[:, :, None].to(states.dtype)
    summed = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(summed, dim=1)


def read_claim_layers(path: Path = CLAIM_ENCODER_FILE, sha256: str = CLAIM_ENCODER_SHA256) -> tuple[int, dict[str, Any]]:
    """The shipped upper layers, their SHA-256 checked.

    Args:
        path: The ``.safetensors`` file (keys ``encoder.layer.<k>....`` of the ``BertModel``; metadata ``frozen``).
        sha256: Its expected SHA-256.

    Returns:
        How many lower layers stay frozen, and the trained layers' tensors (float32).

    Raises:
        InputError: If the file is missing, altered or unreadable.
    """
    if not path.is_file():
        raise InputError(f"claim encoder missing: {path} (reinstall dedupe)")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise InputError(f"claim encoder {path} is corrupt or altered: sha256 {actual[:12]}... expected "
                         f"{sha256[:12]}... (reinstall dedupe)")
    import json

    from safetensors.torch import load

    header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    frozen = int(header.get("__metadata__", {}).get("frozen", -1))
    tensors = {name: tensor.float() for name, tensor in load(data).items()}  # the bytes checked, not a second read
    if frozen < 0 or not tensors:
        raise InputError(f"claim encoder {path} has no frozen-layer count or no tensors")
    return frozen, tensors


@dataclass
class ClaimEncoder:
    """An :class:`~dedupe.embed.encoder.Encoder` whose cosine measures "same claim": MiniLM with the shipped upper
    layers, built on first use (torch, whatever backend the plain encoder runs on).

    Attributes:
        weights_sha256: The shipped layers' SHA-256.
        fingerprint: ``"<MiniLM sha256>+claim-<layers sha256>:torch:l2"``, so the embedding cache keys its vectors
            apart from the plain model's.
    """

    path: Path = CLAIM_ENCODER_FILE
    weights_sha256: str = CLAIM_ENCODER_SHA256
    fingerprint: str = field(init=False)
    _model: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.fingerprint = f"{PACKAGED_SHA256}+claim-{self.weights_sha256}:torch:l2"

    def _built(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                frozen, tensors = read_claim_layers(self.path, self.weights_sha256)
                tokenizer, model = load_base()
                missing = set(tensors) - set(model.state_dict())
                if missing:
                    raise InputError(f"claim encoder {self.path} does not fit all-MiniLM-L6-v2: {sorted(missing)[0]}")
                model.load_state_dict(tensors, strict=False)
                self._model = (tokenizer, model)
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: ``(len(texts), 384)`` float32 rows of L2 norm 1."""
        import torch

        tokenizer, model = self._built()
        rows = []
        with torch.inference_mode():
            for begin in range(0, len(texts), BATCH):
                batch = tokenized(tokenizer, texts[begin:begin + BATCH])
                states = hidden_states(model, batch, len(model.encoder.layer))
                rows.append(mean_pooled(states, batch["attention_mask"]).numpy())
        return np.ascontiguousarray(np.vstack(rows) if rows else np.zeros((0, 384)), dtype=np.float32)


@cache
def load_claim_encoder() -> ClaimEncoder:
    """The shipped claim encoder (one per process); the file is read and checked on first ``encode``."""
    return ClaimEncoder()
