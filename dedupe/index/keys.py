"""What the index stores to find a document again: band, passage and shingle keys, from the scan's own code.

* **Band keys**: the scan's one-permutation MinHash signatures (:func:`dedupe.scan.minhash.signatures`)
  cut into the scan's LSH bands (:func:`dedupe.scan.minhash.band_keys`), each band's key salted by the
  band number, so one column of integers holds every band. Two documents share a key exactly when the
  scan's LSH makes them a candidate pair.
* **Passage keys**: the hash of every window of ``min_words - ngram + 1`` consecutive shingles (the
  scan's :func:`dedupe.scan.shingle.fingerprint`), i.e. of every stretch of ``min_words`` tokens. The
  scan's shortest shared passage is ``min_words`` tokens, so two documents that share a passage always
  share a passage key, and two that share none rarely do.
* **Shingle rows**: every shingle occurrence (its hash's stored key, repeats kept), so that a check can
  count the places of a shingle in documents it does not read (:mod:`dedupe.index.ranks`).

Example:
    >>> params = IndexParams.from_config(ScanConfig())
    >>> (params.bands, params.rows, params.window)
    (16, 8, 4)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from dedupe.native import native
from dedupe.scan.minhash import band_keys, lsh_params, signatures
from dedupe.scan.config import ScanConfig
from dedupe.scan.shingle import I64, U64, Fingerprints, merge_runs, mix64, sorted_by

_BAND_SALT = np.uint64(0x8CB92BA72F3D8DD7)
_WINDOW_MULT = np.uint64(0x9E3779B97F4A7C15)
#: Bits of a hash kept in a stored key. The index stores each key with its document in one 64-bit integer
#: (:mod:`dedupe.index.segments`), the document in the low :data:`DOC_BITS`. A false match of 150 k
#: looked-up keys against 30 M stored ones comes about 4 times a lookup, and costs reading one document
#: more (findings are verified on the texts).
KEY_BITS = 40
DOC_BITS = 64 - KEY_BITS
#: The low bits of a packed row ``stored key | document``: its document.
DOC_MASK = (1 << DOC_BITS) - 1
_KEY_MASK = np.uint64(((1 << 64) - 1) ^ DOC_MASK)
_STORED = _KEY_MASK.astype(np.int64)  # the same bits as a signed integer
#: Rows masked at once by :func:`document_bounds` (256 KiB, reused chunk after chunk, in the processor's cache).
BOUND_ROWS = 1 << 15


@dataclass(frozen=True)
class IndexParams:
    """The parameters an index was built with; a scan against it must use the same ones.

    Attributes:
        ngram: Tokens per shingle.
        num_perm: MinHash signature length.
        seed: Seed of the MinHash hashing.
        bands: LSH bands (from the threshold, as the scan chooses them).
        rows: Signature rows per band.
        min_words: Shortest shared passage, in tokens (sets the passage-key window).
    """

    ngram: int
    num_perm: int
    seed: int
    bands: int
    rows: int
    min_words: int

    @classmethod
    def from_config(cls, config: ScanConfig) -> IndexParams:
        """The parameters a scan with ``config`` uses."""
        bands, rows = lsh_params(config.threshold, config.num_perm)
        return cls(config.ngram, config.num_perm, config.seed, bands, rows, config.min_words)

    @property
    def window(self) -> int:
        """Shingles per passage key: the shingles of the shortest passage the scan reports."""
        return max(1, self.min_words - self.ngram + 1)

    def as_dict(self) -> dict[str, int]:
        """The parameters by name."""
        return asdict(self)

    def differences(self, other: IndexParams) -> list[str]:
        """``name index=X scan=Y`` for every parameter that differs."""
        mine, theirs = self.as_dict(), other.as_dict()
        return [f"{name} index={mine[name]} scan={theirs[name]}" for name in mine if mine[name] != theirs[name]]


@dataclass(frozen=True)
class DocumentKeys:
    """The keys of a batch of documents, as ``(key, document index)`` rows sorted by key, without repeats.

    Attributes:
        bands: Band keys (:func:`stored_keys`).
        band_docs: Document index of each band key.
        passages: Passage keys.
        passage_docs: Document index of each passage key.
    """

    bands: I64
    band_docs: I64
    passages: I64
    passage_docs: I64


def document_keys(prints: Fingerprints, params: IndexParams, passages: bool = True) -> DocumentKeys:
    """Band and passage keys of every document of ``prints``.

    Documents the scan never pairs (no shingles, or fewer than ``min_words`` tokens) get no band key;
    documents shorter than one passage get no passage key.

    Args:
        prints: The documents' shingles (``params.ngram`` tokens each).
        params: The index parameters.
        passages: Whether to compute the passage keys too (else none are given).

    Returns:
        The keys, each kind sorted by (key, document).
    """
    bands, band_docs = _sorted(*_band_rows(prints, params))
    if not passages:
        return DocumentKeys(bands, band_docs, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    return DocumentKeys(bands, band_docs, *_sorted(*passage_keys(prints, params.window)))


def packed_keys(prints: Fingerprints, params: IndexParams) -> tuple[I64, I64, I64]:
    """The band keys, passage keys and shingle rows of every document of ``prints`` (as :func:`document_keys`
    and :func:`shingle_rows` give them), each row packed as ``stored key | document index`` (the layout of a
    segment's rows, :mod:`dedupe.index.segments`), sorted: what ``index add`` stores, in a third less room.

    Args:
        prints: The documents' shingles (``params.ngram`` tokens each), fewer than ``2 ** DOC_BITS`` documents.
        params: The index parameters.

    Returns:
        ``(bands, passages, shingles)``, the first two without repeats.

    Raises:
        OverflowError: ``prints`` holds ``2 ** DOC_BITS`` documents or more.
    """
    if prints.token_counts.size > DOC_MASK:
        raise OverflowError(f"a batch of {prints.token_counts.size} documents: at most {DOC_MASK} fit a segment")
    bands = _packed(*_band_rows(prints, params), doc_order=True)
    compiled = native()
    if compiled is None:
        shingle_docs = shingle_documents(prints)
        return bands, _packed(*passage_keys(prints, params.window)), _packed(prints.shingles, shingle_docs, False)
    # The compiled loop makes the rows in one pass (numpy: the windows' hashes, the documents, the masks and
    # the packing, each a pass and a temporary array); sorted as above (made document after document). Two
    # arrays of one row a shingle take turns as rows and as the sort's scratch: the passage rows are copied
    # out without repeats before the shingle rows are sorted in the other (a batch's ~2 MB arrays: no third).
    size = prints.shingles.size
    windows, shingles = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    made = compiled.packed_rows(prints.shingles, prints.offsets, params.window, True, int(_STORED), windows)
    passages = _distinct(sort_rows(windows[:made], doc_order=True, scratch=shingles))
    made = compiled.packed_rows(prints.shingles, prints.offsets, 1, False, int(_STORED), shingles)  # all of them
    return bands, passages, sort_rows(shingles[:made], doc_order=True, scratch=windows)


def _band_rows(prints: Fingerprints, params: IndexParams) -> tuple[U64, I64]:
    """The band keys (hashes, not yet stored keys) of every document the scan can pair, and its index."""
    usable = (np.diff(prints.offsets) > 0) & (prints.token_counts >= params.min_words)
    members = np.flatnonzero(usable)
    table = signatures(prints, params.num_perm, params.seed)
    salted = band_keys(table, members, params.bands, params.rows) ^ (
        np.arange(1, params.bands + 1, dtype=np.uint64) * _BAND_SALT)
    return mix64(salted.ravel()), np.repeat(members, params.bands)


def passage_keys(prints: Fingerprints, window: int) -> tuple[U64, I64]:
    """The hash of every ``window`` consecutive shingles of each document, and its document index.

    Args:
        prints: The documents' shingles.
        window: Shingles per key.

    Returns:
        ``(keys, docs)`` in document then text order: key ``j`` of a document covers its shingles
        ``j .. j + window - 1``, that is its tokens ``j .. j + window + ngram - 2``.
    """
    shingles = prints.shingles
    span = shingles.size - window + 1
    if span <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    doc_of = shingle_documents(prints)
    acc = shingles[:span].copy()
    for k in range(1, window):
        acc *= _WINDOW_MULT
        acc += shingles[k:k + span]
    inside = doc_of[:span] == doc_of[window - 1:]
    return mix64(acc[inside]), doc_of[:span][inside]


def shingle_rows(prints: Fingerprints) -> tuple[I64, I64]:
    """Every shingle occurrence as a ``(stored key, document index)`` row, sorted, repeats kept: how many
    places of each hash group come before a document (:mod:`dedupe.index.ranks`).

    Args:
        prints: The documents' shingles.

    Returns:
        ``(keys, docs)`` sorted by key, then document.
    """
    docs = shingle_documents(prints)
    return _sorted(prints.shingles, docs, unique=False)


def shingle_documents(prints: Fingerprints) -> I64:
    """The document index of each of ``prints.shingles``."""
    return np.repeat(np.arange(prints.token_counts.size, dtype=np.int64), np.diff(prints.offsets))


def stored_keys(hashes: U64) -> I64:
    """Keys as the index stores and looks them up: the hashes' top :data:`KEY_BITS` bits, as signed integers
    (SQLite's and the segments' integers) whose low bits are zero."""
    return (hashes & _KEY_MASK).view(np.int64)


def sort_rows(rows: I64, doc_order: bool = False, scratch: I64 | None = None) -> I64:
    """``rows`` (int64, C-contiguous) sorted in place, ascending, and returned: by the compiled radix sort where
    it is built (Reuters' 270 k shingle rows of a batch: 2 ms, numpy's sort 12 ms), else by numpy; the same
    values either way. ``doc_order``: the packed rows come in ascending order of their documents (the low
    :data:`DOC_BITS` bits), so a stable sort of the keys alone orders them (a pass of the radix sort less).
    ``scratch``: an int64 array as long at least, overwritten (:func:`~dedupe.scan.shingle.sorted_by`)."""
    return sorted_by(rows, DOC_BITS if doc_order else 0, scratch)


def document_bounds(packed: I64) -> tuple[int, int]:
    """The smallest and the largest document (low :data:`DOC_BITS` bits) of ``packed`` rows, ``(-1, -1)`` for
    none, masked a chunk of :data:`BOUND_ROWS` at a time into one small array (masked whole, a merged segment
    made a 17 MB temporary, first touched: 13 ms for Reuters x1's 8th batch at merge fanout 8; a 1 MiB temporary
    a chunk, ~500 page faults a call)."""
    bounds, masked = [], np.empty(min(BOUND_ROWS, packed.size), dtype=np.int64)
    for start in range(0, packed.size, BOUND_ROWS):
        chunk = packed[start:start + BOUND_ROWS]
        docs = np.bitwise_and(chunk, DOC_MASK, out=masked[:chunk.size])
        bounds += [int(docs.min()), int(docs.max())]
    return (min(bounds), max(bounds)) if bounds else (-1, -1)


def merge_rows(parts: list[I64], shifts: list[int], scratch: I64 | None = None) -> tuple[I64, int]:
    """Sorted int64 ``parts``, each value plus its part's shift, merged into one sorted array: by the compiled
    loop where it is built (two parts at a time, each from both ends at once, the shifts added as the parts are
    read), else by numpy (copy, shift, timsort: 2-3x slower); the same values either way.

    Args:
        parts: Sorted int64 arrays (C-contiguous).
        shifts: What to add to each part's values (to the low :data:`DOC_BITS` bits of packed rows).
        scratch: An int64 array as long as the parts together, given up by the caller, which may hold the parts
            (:func:`~dedupe.scan.shingle.merge_runs`; the numpy merge leaves it alone).

    Returns:
        The merged rows, and the largest low :data:`DOC_BITS` bits of a part's row plus its shift (-1 when
        there is no row): a value of ``2 ** DOC_BITS`` or more means the shift carried into the keys.
    """
    return merge_runs(parts, shifts, DOC_MASK, scratch)  # fanout 8's Reuters x1 merge: 8 tiers, 275 k rows, 13 ms


def _sorted(keys: U64, docs: I64, unique: bool = True) -> tuple[I64, I64]:
    """``(key, doc)`` rows as stored keys (:func:`stored_keys`), sorted, repeats dropped unless not ``unique``."""
    signed = stored_keys(keys)
    if docs.size and int(docs.max()) >= 1 << DOC_BITS:  # batches this large: sort the pairs as pairs
        order = np.lexsort((docs, signed))
        signed, docs = signed[order], docs[order]
        keep = np.ones(signed.size, dtype=bool)
        if unique:
            keep[1:] = (signed[1:] != signed[:-1]) | (docs[1:] != docs[:-1])
        return signed[keep], docs[keep]
    packed = _packed(keys, docs, unique)
    return packed & ~np.int64(DOC_MASK), packed & np.int64(DOC_MASK)


def _packed(keys: U64, docs: I64, unique: bool = True, doc_order: bool = False) -> I64:
    """``(key, doc)`` rows (every doc below ``2 ** DOC_BITS``) as ``stored key | doc``, sorted, repeats dropped
    unless not ``unique``; ``doc_order``: ``docs`` ascend (:func:`sort_rows`)."""
    # The document in the key's free low bits: one plain sort of integers orders the rows by (key, doc)
    # (4-6x faster than an argsort, which the pairs would need).
    packed = sort_rows(stored_keys(keys) | docs, doc_order)
    return _distinct(packed) if unique else packed


def _distinct(rows: I64) -> I64:
    """Sorted rows without repeats."""
    keep = np.ones(rows.size, dtype=bool)
    keep[1:] = rows[1:] != rows[:-1]
    return rows[keep]
