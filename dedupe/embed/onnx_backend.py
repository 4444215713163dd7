"""The fast encoder backends: the model exported to ONNX at run time and run with ONNX Runtime.

``onnx`` runs the exported float32 graph (the same vectors as PyTorch, to 1e-6); ``onnx-int8``
additionally quantises the weights of every matrix product to int8, per output channel (dynamic
quantisation: activations are quantised on the fly, so it runs one text at a time to keep each
vector independent of the others), and keeps STS Spearman within 0.003 (see ``benchmarks/README.md``).

The ONNX file is made once per model and variant, into ``<cache folder>/onnx/``, written to a
temporary name and renamed into place so that concurrent runs never see half a file. Only models
made of a Transformer, a mean or CLS Pooling and optionally a Normalize module are supported: the
tokenizer (``tokenizer.json``) and the pooling run here, in NumPy.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.errors import ConfigError
from dedupe.output import new_file_mode

ONNX_VARIANTS = ("onnx", "onnx-int8")
# Bump when the export or quantisation recipe changes: it is part of the file name and fingerprint.
EXPORT_VERSION = 1
_SUPPORTED_POOLING = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def onnx_available() -> bool:
    """Whether ``onnxruntime`` and ``onnx`` (needed to export and quantise) are installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def onnx_unsupported_reason(folder: Path) -> str | None:
    """Why the ONNX backends cannot run the model in ``folder``, or ``None`` if they can."""
    if not onnx_available():
        return "onnxruntime and onnx are not installed (pip install onnxruntime onnx)"
    if not (folder / "tokenizer.json").is_file():
        return f"{folder} has no tokenizer.json"
    try:
        _pooling_mode(folder)
    except ConfigError as error:
        return str(error)
    return None


@dataclass
class OnnxEncoder:
    """An :class:`~dedupe.embed.encoder.Encoder` running an ONNX export of a sentence-transformers model.

    Attributes:
        folder: The sentence-transformers model folder.
        weights_sha256: Hash of its weights (names the export).
        variant: ``"onnx"`` or ``"onnx-int8"``.
        export_dir: Where the exported ONNX file is kept.
        batch_size: Texts per forward pass (texts are sorted by length first); 16 measured
            fastest for MiniLM on 2 cores (8 to 128 tried). Always 1 for ``onnx-int8`` (see
            ``__post_init__``); float32 rows do not depend on their batch (padding is masked out:
            checked byte for byte in the tests).
        threads: ONNX Runtime intra-op threads; 0 lets it use every physical core.
        fingerprint: ``"<weights sha256>:<variant>-v<EXPORT_VERSION>:l2"`` (``-single`` after the
            version for ``onnx-int8``, encoded one text per run).
    """

    folder: Path
    weights_sha256: str
    variant: str
    export_dir: Path
    batch_size: int = 16
    threads: int = 0
    fingerprint: str = field(init=False)
    _runtime: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.variant not in ONNX_VARIANTS:
            raise ConfigError(f"ONNX variant must be one of {', '.join(ONNX_VARIANTS)}")
        single = ""
        if self.variant == "onnx-int8":
            # Dynamic quantisation scales the activations by the range of the whole batch tensor, so
            # a vector would depend on its batch neighbours (up to 0.04 per component, measured):
            # one sentence per run keeps every vector a function of its own text.
            self.batch_size, single = 1, "-single"
        self.fingerprint = f"{self.weights_sha256}:{self.variant}-v{EXPORT_VERSION}{single}:l2"

    @property
    def onnx_path(self) -> Path:
        """The exported model file (made on first use)."""
        name = f"{self.weights_sha256[:16]}-{self.variant}-v{EXPORT_VERSION}.onnx"
        return self.export_dir / name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: ``(len(texts), dim)`` float32 rows of L2 norm 1."""
        runtime = self._load()
        return runtime.encode(list(texts), self.batch_size)

    def tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Contextual token vectors of each text, ``[CLS]`` and ``[SEP]`` left out, each row of L2 norm 1.

        Returns:
            One ``(tokens, dim)`` float32 array per text (``(0, dim)`` for a text with no token).
        """
        return self._load().tokens(list(texts), self.batch_size)

    def _load(self) -> _Runtime:
        with self._lock:
            if self._runtime is None:
                if not self.onnx_path.is_file():
                    export_onnx(self.folder, self.onnx_path, quantize=self.variant == "onnx-int8")
                self._runtime = _Runtime.open(self.folder, self.onnx_path, self.threads)
            return self._runtime


def export_onnx(folder: Path, target: Path, *, quantize: bool) -> Path:
    """Export a sentence-transformers folder's transformer to ONNX, optionally int8-quantised.

    Args:
        folder: The model folder.
        target: The ONNX file to write (atomically: a temporary file renamed into place).
        quantize: Quantise matrix-product weights to int8 per channel.

    Returns:
        ``target``.

    Raises:
        ConfigError: If the target folder cannot be written or the export fails.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".onnx")
    except OSError as error:
        raise ConfigError(f"cannot write the ONNX export into {target.parent}: {error}") from error
    os.close(handle)
    os.chmod(scratch, new_file_mode())  # mkstemp makes 0600 files; the export is a cache entry others may read
    float_path = Path(scratch + ".fp32") if quantize else Path(scratch)
    try:
        _export_float(folder, float_path)
        if quantize:
            _quantize(float_path, Path(scratch))
        os.replace(scratch, target)
    except (RuntimeError, ValueError, TypeError, OSError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(f"cannot export {folder} to ONNX ({message}); use the torch backend") from error
    finally:
        for leftover in {Path(scratch), float_path}:
            leftover.unlink(missing_ok=True)
    return target


def _export_float(folder: Path, target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    # Eager attention traces to plain MatMul/Softmax nodes, free of data-dependent branches.
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    wrapper = _LastHiddenState(model)
    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    with torch.no_grad(), _quiet():
        torch.onnx.export(wrapper, (sample, sample, torch.zeros_like(sample)), str(target),
                          input_names=list(_INPUTS), output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)


class _LastHiddenState:
    """Wraps a Hugging Face model so that tracing sees keyword inputs and one tensor output."""

    def __new__(cls, model: Any) -> Any:
        import inspect

        import torch

        takes_token_types = "token_type_ids" in inspect.signature(model.forward).parameters

        class Wrapper(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                extra = {"token_type_ids": token_type_ids} if takes_token_types else {}
                return self.model(input_ids=input_ids, attention_mask=attention_mask,
                                  **extra).last_hidden_state

        return Wrapper()


@dataclass
class _Runtime:
    """A loaded ONNX session with its tokenizer and pooling."""

    session: Any
    tokenizer: Any
    pooling: str
    input_names: tuple[str, ...]

    @classmethod
    def open(cls, folder: Path, onnx_path: Path, threads: int) -> _Runtime:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(_max_seq_length(folder))
        names = tuple(i.name for i in session.get_inputs())
        return cls(session, tokenizer, _pooling_mode(folder), names)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        width = self.session.get_outputs()[0].shape[-1]
        vectors = np.zeros((len(texts), width if isinstance(width, int) else 0), dtype=np.float32)
        if not texts:
            return vectors
        token_ids = [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]
        # Longest first, as SentenceTransformer.encode does: batches hold texts of similar length.
        order = sorted(range(len(texts)), key=lambda i: (-len(token_ids[i]), i))
        for begin in range(0, len(order), batch_size):
            rows = order[begin:begin + batch_size]
            pooled = self._forward([token_ids[i] for i in rows])
            if vectors.shape[1] != pooled.shape[1]:
                vectors = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            vectors[rows] = pooled
        return vectors

    def tokens(self, texts: list[str], batch_size: int) -> list[np.ndarray]:
        token_ids = [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: (-len(token_ids[i]), i))
        found: dict[int, np.ndarray] = {}
        for begin in range(0, len(order), batch_size):
            rows = order[begin:begin + batch_size]
            hidden = self._hidden([token_ids[i] for i in rows])[0]
            for place, row in enumerate(rows):
                found[row] = unit_rows(hidden[place, 1:len(token_ids[row]) - 1])
        return [found[i] for i in range(len(texts))]

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        hidden, mask = self._hidden(batch)
        pooled = hidden[:, 0] if self.pooling == "cls" else _mean_pool(hidden, mask)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _hidden(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The last hidden state of a batch of token ids (padded, masked) and the mask."""
        ids = np.zeros((len(batch), max(len(ids) for ids in batch)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, token_ids in enumerate(batch):
            ids[row, :len(token_ids)] = token_ids
            mask[row, :len(token_ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, {name: feeds[name] for name in self.input_names})[0], mask


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` (float32) with every row scaled to L2 norm 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _pooling_mode(folder: Path) -> str:
    modules = _read_json(folder / "modules.json")
    kinds = [str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise ConfigError(f"the ONNX backend supports Transformer+Pooling(+Normalize) models, not {kinds}")
    config = _read_json(folder / modules[1].get("path", "1_Pooling") / "config.json")
    chosen = [mode for key, mode in _SUPPORTED_POOLING.items() if config.get(key)]
    others = [key for key, value in config.items() if key.startswith("pooling_mode") and value
              and key not in _SUPPORTED_POOLING]
    if len(chosen) != 1 or others:
        raise ConfigError("the ONNX backend supports mean or CLS pooling only")
    return chosen[0]


def _max_seq_length(folder: Path) -> int:
    config = folder / "sentence_bert_config.json"
    declared = _read_json(config).get("max_seq_length") if config.is_file() else None
    model_limit = _read_json(folder / "config.json").get("max_position_embeddings", 512)
    return int(min(declared or model_limit, model_limit))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from error


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the exporters' warnings (tracer notes, "consider pre-processing"): never user-facing."""
    import warnings

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)
