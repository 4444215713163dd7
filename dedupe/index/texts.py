"""How the index stores each document's text: its digest, and one zstd frame made with the index's dictionary.

A news article is short (Reuters: ~900 bytes of UTF-8), and a frame compressed alone starts from an empty window
and writes its own entropy tables. A zstd dictionary (:data:`DICTIONARY_BYTES`) trained from the first documents
of an index's first add gives every frame of the index the wording and tables that articles share: Reuters x1
(19,043 articles, level 1, in process) 8.78 -> 7.12 MB of frames, compressed in 90 -> 61 ms and read back in 38 ->
29 ms (the sizes and compression times: the command in benchmarks/README.md, session 17, indexadd24). Training
takes ~2 ms (:data:`SAMPLE_DOCUMENTS`).

The training is deterministic (fixed parameters, one thread, no optimisation search): the same documents give the
same dictionary in every process, so the writer and the forked child of an add (:mod:`~dedupe.index.prepare`)
compress alike, and an index built twice from the same input is the same file. The dictionary is stored in the
index (schema 4, :mod:`~dedupe.index.schema`) with the first batch, and every later add and every read uses it.
The frames carry no dictionary id (a few bytes each): a frame is read with the dictionary of its file only.
An index whose first add has fewer than :data:`MIN_SAMPLES` texts gets none (:data:`PLAIN`), as do version-3
files, whose texts were all compressed without one.
"""

from __future__ import annotations

from collections.abc import Sequence

import zstandard

from dedupe.corpus.documents import Document

try:  # hashlib's blake2b, without hashlib's import of OpenSSL's hashes (3-6 ms of the add's start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without CPython's module
    from hashlib import blake2b

# zstd level 1: Reuters to 55.7% in 0.25 CPU s without a dictionary (level 3: 55.4% in 0.29 s; level -1: 77% in
# 0.15 s, the saving not worth the room and the bytes written); zlib's level 1 takes 1.9 s for the same ratio
# (each call sets up and clears a 256 KB state, more than a short article costs to compress).
ZSTD_LEVEL = 1
#: Size of a trained dictionary (Reuters x1's frames, 1,000 samples: 8 KiB 7.13 MB, 16 KiB 7.07, 32 KiB 6.98).
DICTIONARY_BYTES = 16384
#: The dictionary is trained from the first this many documents of the index's first add (Reuters x1's frames, training
#: time: 200 documents 7.20 MB, 1.7 ms; 300 7.12 MB, 2.2 ms; 500 7.10 MB, 3.7 ms; 1,000 7.07 MB, 6.3 ms)...
SAMPLE_DOCUMENTS = 300
#: ... each cut to its first this many characters (a few very long texts would otherwise make training slow).
SAMPLE_CHARS = 4096
#: An add with fewer texts than this leaves its index without a dictionary (too little to learn from).
MIN_SAMPLES = 100
# fastCover with fixed segment and d-mer sizes, no parameter search (steps=0) and one thread: deterministic.
_TRAINING = {"k": 200, "d": 8, "f": 16, "accel": 1, "steps": 0, "threads": 0, "level": ZSTD_LEVEL}


def digest(data: bytes) -> bytes:
    """The identity of a text (UTF-8 bytes): same digest, same text."""
    return blake2b(data, digest_size=16).digest()


class TextCodec:
    """zstd frames of texts, with a dictionary (``b""``: none).

    Args:
        dictionary: A zstd dictionary as :func:`trained` makes it, or ``b""``.

    Raises:
        zstandard.ZstdError: ``dictionary`` is not a zstd dictionary.
    """

    def __init__(self, dictionary: bytes = b"") -> None:
        self.dictionary = dictionary
        self._dict = (zstandard.ZstdCompressionDict(dictionary, dict_type=zstandard.DICT_TYPE_FULLDICT)
                      if dictionary else None)
        if self._dict is not None:
            self._dict.dict_id()  # a damaged header fails here, not at the first text
        self._compressor: zstandard.ZstdCompressor | None = None  # made on first use (in the process that uses it)
        self._decompress = zstandard.ZstdDecompressor(dict_data=self._dict).decompress

    def compress(self, texts: list[bytes]) -> list[bytes]:
        """Each of ``texts`` compressed, one frame each, in one call where the C backend offers it (Reuters:
        0.17 -> 0.13 s, the same bytes as one ``compress`` call per text)."""
        if self._compressor is None:
            self._compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=self._dict, write_dict_id=False)
        try:
            frames = self._compressor.multi_compress_to_buffer(list[bytes | bytearray | memoryview](texts),
                                                               threads=0)
        except NotImplementedError:  # pragma: no cover - the cffi backend has no multi_compress_to_buffer
            return [self._compressor.compress(text) for text in texts]
        return [frames[i].tobytes() for i in range(len(frames))]

    def decompress(self, frame: bytes) -> bytes:
        """The text (UTF-8 bytes) of one frame :meth:`compress` made with this dictionary.

        Raises:
            zstandard.ZstdError: The frame is damaged, or was made with another dictionary.
        """
        return self._decompress(frame)


#: Texts without a dictionary (version-3 files; an index whose first add was too small to train one).
PLAIN = TextCodec()


def trained(documents: Sequence[Document]) -> TextCodec:
    """The codec of a new index whose first add is ``documents``: a dictionary trained from the texts of its first
    :data:`SAMPLE_DOCUMENTS` (each cut to :data:`SAMPLE_CHARS`), or :data:`PLAIN` when fewer than
    :data:`MIN_SAMPLES` of them have text or zstd finds too little to learn from. The same documents give the same
    dictionary, byte for byte, in any process."""
    samples = [text[:SAMPLE_CHARS].encode("utf-8") for text in (d.text for d in documents[:SAMPLE_DOCUMENTS]) if text]
    if len(samples) < MIN_SAMPLES:
        return PLAIN
    try:
        dictionary = zstandard.train_dictionary(DICTIONARY_BYTES, list[bytes | bytearray | memoryview](samples),
                                                **_TRAINING)
    except zstandard.ZstdError:  # e.g. texts too short in all: store them without one
        return PLAIN
    return TextCodec(dictionary.as_bytes())
