"""Tokens and word shingles for ``near_dup``, vectorised with numpy over whole batches of documents.

A **token** is a maximal run of letters, digits and combining marks (Unicode categories L*, N*, M*),
except in scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar, Yi),
where every character is a token of its own, so a Chinese passage is shingled by characters.
Everything else (whitespace, punctuation, quotes, dashes, symbols) separates tokens, so curly and
straight quotes, dashes and line ends (``\\n``, ``\\r\\n``) never matter. Tokens are compared
case-folded and NFKC-folded, one character to one character, so offsets stay exact.

A **shingle** is ``ngram`` consecutive tokens of one document, hashed to 64 bits. A document shorter
than ``ngram`` tokens (but not empty) has one shingle: all its tokens.

The work runs on the text's code points as numpy arrays, not per token in Python: a token's hash is
a polynomial over its code points computed from prefix sums (odd multiplier, so invertible modulo
2**64), then mixed with splitmix64. Hashes depend on the text alone, never on the process, so the
results are the same in every run and in every worker.

Example:
    >>> tokens = tokenize("Kerry \\u201cexpressed grave concern\\u201d")
    >>> [("Kerry \\u201cexpressed grave concern\\u201d")[s:e] for s, e in zip(tokens.starts, tokens.ends)]
    ['Kerry', 'expressed', 'grave', 'concern']
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from dedupe.native import native

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
_Keys = TypeVar("_Keys", I64, U64)
I32 = npt.NDArray[np.int32]
U32 = npt.NDArray[np.uint32]

_SEPARATOR, _WORD, _SINGLE = 0, 1, 2
# Scripts written without spaces between words: every code point is a token (inclusive ranges).
_UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x31F0, 0x31FF),
             (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA4CF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
             (0x20000, 0x3134F))
_CHAR_MULT = 0x100000001B3  # odd: invertible modulo 2**64, so prefix sums can be shifted back
_CHAR_MULT_INV = pow(_CHAR_MULT, -1, 1 << 64)
_GRAM_MULT = np.uint64(0x9E3779B97F4A7C15)
_LENGTH_SALT = np.uint64(0xD6E8FEB86659FD93)
_MASK64 = (1 << 64) - 1


@dataclass(frozen=True)
class Tokens:
    """The tokens of one text: character offsets and 64-bit hashes of the folded token text.

    Attributes:
        starts: Offset of each token's first character.
        ends: Offset just past each token's last character.
        hashes: Hash of each token's folded text (equal tokens, equal hashes).
    """

    starts: I64
    ends: I64
    hashes: U64

    def __len__(self) -> int:
        return int(self.starts.size)


@dataclass(frozen=True)
class Fingerprints:
    """The shingles of a batch of documents, concatenated in document order.

    Attributes:
        ngram: Tokens per shingle.
        token_counts: Number of tokens of each document.
        offsets: ``shingles[offsets[i]:offsets[i + 1]]`` are document ``i``'s shingles, in text order;
            shingle ``j`` of a document starts at its token ``j``.
        shingles: The 64-bit shingle hashes.
        token_starts: Character offset of every token in its document, documents one after another.
        token_ends: Character offset just past every token.
    """

    ngram: int
    token_counts: I64
    offsets: I64
    shingles: U64
    token_starts: I32
    token_ends: I32

    def of(self, index: int) -> U64:
        """The shingle hashes of document ``index``, in text order."""
        return self.shingles[self.offsets[index]:self.offsets[index + 1]]

    @property
    def token_base(self) -> I64:
        """Index of each document's first token in ``token_starts``."""
        cached = self.__dict__.get("_token_base")
        if cached is None:
            cached = np.concatenate([[0], np.cumsum(self.token_counts)[:-1]]).astype(np.int64)
            object.__setattr__(self, "_token_base", cached)
        return cached


#: Values from which :func:`sorted_by` sorts with the compiled radix sort (below, numpy's sort costs as little).
_RADIX_FROM = 1 << 14
_SIGN = np.int64(-1 << 63)


def sorted_by(values: _Keys, low_bit: int = 0, scratch: npt.NDArray[np.int64] | None = None) -> _Keys:
    """``values`` (int64 or uint64) sorted in place by their bits ``low_bit``..63, ascending in their own dtype,
    stably, and returned: by the compiled radix sort where it is built (Reuters x10's check: 1.4 M places
    sorted by hash group in 35 ms, numpy's sort of the whole values 95 ms), else by numpy.

    With ``low_bit`` above 0, the caller guarantees that values equal in their bits ``low_bit``..63 come in
    ascending order of the low bits (positions packed below a key): the stable sort by the high bits is then
    the sort of the whole values, which numpy's sort gives where the compiled one is missing.

    ``scratch``: an int64 array at least as long as ``values`` (not sharing their memory), overwritten, that the
    compiled sort takes for its passes instead of memory of its own (first touched: a page fault every 4 KiB).
    """
    compiled = native()
    if compiled is None or values.size < _RADIX_FROM or values.dtype not in (np.int64, np.uint64):
        values.sort()
        return values
    signed = values.view(np.int64)
    if values.dtype == np.uint64:
        signed ^= _SIGN  # unsigned order as signed order, and back below
    compiled.sort_int64(signed, low_bit, scratch)
    if values.dtype == np.uint64:
        signed ^= _SIGN
    return values


def sorted_unique(values: _Keys) -> _Keys:
    """The distinct values, sorted: ``np.unique(values)`` without its check for masked arrays, which
    imports ``numpy.ma`` (a tenth of a second at start-up)."""
    ordered = sorted_by(np.array(values, order="C"))
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]  # type: ignore[return-value]


def merge_runs(parts: list[npt.NDArray[np.int64]], shifts: list[int], mask: int,
               scratch: npt.NDArray[np.int64] | None = None) -> tuple[npt.NDArray[np.int64], int]:
    """Sorted int64 ``parts``, each value plus its part's shift, merged into one sorted array by the compiled
    merge (two parts at a time, each filled from both ends at once), with the largest ``value & mask`` plus its
    part's shift (-1 when there is no value); by numpy's timsort of the shifted parts where the compiled module
    is not built (the same array).

    ``scratch``: an int64 array as long as the parts together, which the caller gives up (its values are
    overwritten) and which may hold the parts themselves: the compiled merge's levels take turns between it and
    the result, where they would take fresh memory otherwise (first touched: a page fault every 4 KiB); the
    numpy merge leaves it alone."""
    compiled = native()
    if compiled is None:
        low = [int((part & mask).max()) + shift for part, shift in zip(parts, shifts) if part.size]
        shifted = np.concatenate([np.zeros(0, dtype=np.int64), *(part + shift for part, shift in zip(parts, shifts))])
        shifted.sort(kind="stable")  # timsort merges the sorted runs
        return shifted, max(low, default=-1)
    merged = np.empty(sum(part.size for part in parts), dtype=np.int64)
    largest = compiled.merge_parts([np.ascontiguousarray(part) for part in parts], np.array(shifts, dtype=np.int64),
                                   merged, mask, scratch)
    return merged, int(largest)


def merge_sorted(one: _Keys, other: _Keys) -> _Keys:
    """The values of two sorted arrays, sorted: ``np.sort(np.concatenate([one, other]))`` in one pass over
    ``one`` (a search of each of ``other`` in it), where a sort of both would cost far more for a small
    ``other``. By the compiled merge of int64 runs where it is built (one pass over both)."""
    if one.dtype == np.int64 == other.dtype and one.size + other.size >= _RADIX_FROM and native() is not None:
        return merge_runs([one, other], [0, 0], 0)[0]  # type: ignore[list-item, return-value]
    at = np.searchsorted(one, other, side="right") + np.arange(other.size)
    merged = np.empty(one.size + other.size, dtype=one.dtype)
    taken = np.zeros(merged.size, dtype=bool)
    taken[at] = True
    merged[at] = other
    merged[~taken] = one
    return merged  # type: ignore[return-value]


def key_spans(values: I64, first: I64, last: I64) -> tuple[I64, I64]:
    """Where the keys ``first[i] .. last[i]`` lie in the sorted ``values``: ``(np.searchsorted(values, first,
    side="left"), np.searchsorted(values, last, side="right"))``, by the compiled loop where it is built (each
    search gallops from the previous one where ``first`` ascends: a chunk of 128 k index rows searched for a
    few hundred keys in a third of numpy's time), else by numpy; the same positions either way."""
    compiled = native()
    if compiled is None:
        return np.searchsorted(values, first, side="left"), np.searchsorted(values, last, side="right")
    begins, ends = np.empty(first.size, dtype=np.int64), np.empty(first.size, dtype=np.int64)
    compiled.key_spans(np.ascontiguousarray(values, dtype=np.int64), np.ascontiguousarray(first, dtype=np.int64),
                       np.ascontiguousarray(last, dtype=np.int64), begins, ends)
    return begins, ends


#: Bits of the filter :func:`in_sorted` checks first (a bit per value of the top bits: 512 KiB).
_FILTER_BITS = 22


def in_sorted(values: npt.NDArray[np.integer[Any]], table: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
    """Whether each of ``values`` is in ``table`` (sorted, distinct, the same dtype).

    By the compiled hash set of the table where it is built (one or two probes a value: the places of the
    groups a check's fresh documents hold, 1.4 M values against ~100 k, in a fraction of the search below).
    Else a table of their top bits rules out most values at the cost of one gather each: only the rest are
    searched (a search of a few million values in a table of tens of thousands costs ten times more).
    """
    found = np.zeros(values.size, dtype=bool)
    if not table.size or not values.size:
        return found
    compiled = native()
    if compiled is not None and values.dtype.itemsize == 8 == table.dtype.itemsize:
        compiled.member_of(np.ascontiguousarray(values), np.ascontiguousarray(table), found)  # a hash set
        return found
    shift = np.uint64(8 * values.dtype.itemsize - _FILTER_BITS)
    seen = np.zeros(1 << _FILTER_BITS, dtype=bool)
    seen[table.view(np.uint64) >> shift] = True
    maybe = np.flatnonzero(seen[values.view(np.uint64) >> shift])
    at = np.minimum(np.searchsorted(table, values[maybe]), table.size - 1)
    found[maybe] = table[at] == values[maybe]
    return found


def mix64(values: U64) -> U64:
    """splitmix64's finaliser: a bijective mix of 64-bit values (new array)."""
    x = values ^ (values >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


class _Table:
    """Class (separator/word/single) and folded value of Basic Multilingual Plane code points, filled in
    lazily: only the code points met so far are classified (a few hundred in most corpora)."""

    def __init__(self) -> None:
        self.classes = np.zeros(0x10000, dtype=np.uint8)
        self.folded = np.zeros(0x10000, dtype=np.uint32)  # values up to 0x110000: half the cache of 64 bits
        self.known = np.zeros(0x10000, dtype=bool)
        self.learn(np.arange(128))
        # ASCII folds to ASCII, so an ASCII text is classified and folded by two bytes.translate calls.
        self.ascii_classes = self.classes[:128].tobytes() + bytes(128)
        self.ascii_folded = self.folded[:128].astype(np.uint8).tobytes() + bytes(128)

    def lookup_ascii(self, text: str) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
        """Class and folded value of each character of an ASCII ``text``."""
        raw = text.encode("ascii")
        return (np.frombuffer(raw.translate(self.ascii_classes), dtype=np.uint8),
                np.frombuffer(raw.translate(self.ascii_folded), dtype=np.uint8))

    def lookup(self, text: str, points: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint8], U32]:
        """Class and folded value of each code point (all below 0x10000)."""
        if not text.isascii():  # O(1): CPython records whether a string is ASCII
            seen = np.flatnonzero(np.bincount(points, minlength=0x10000))
            self.learn(seen[~self.known[seen]])
        return self.classes[points], self.folded[points]

    def learn(self, codes: npt.NDArray[np.intp]) -> None:
        """Classify and fold the code points ``codes`` (each below 0x10000)."""
        for code in codes.tolist():
            self.classes[code], self.folded[code] = _classify(code)
        self.known[codes] = True


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table()


def _classify(code: int) -> tuple[int, int]:
    """(class, folded code point + 1) of one code point; surrogates and unassigned points separate."""
    char = chr(code)
    if unicodedata.category(char)[0] not in "LNM":
        return _SEPARATOR, 0
    kind = _SINGLE if any(lo <= code <= hi for lo, hi in _UNSPACED) else _WORD
    for candidate in (unicodedata.normalize("NFKC", char).casefold(), char.casefold(), char.lower()):
        if len(candidate) == 1:
            return kind, ord(candidate) + 1
    return kind, code + 1


def _code_points(text: str) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.unsignedinteger]]:
    """Class and folded value of every character of ``text`` (astral characters looked up one by one)."""
    if text.isascii():  # O(1): CPython records whether a string is ASCII
        return _table().lookup_ascii(text)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if points.size == 0 or int(points.max()) < 0x10000:
        return _table().lookup(text, points)
    low = points < 0x10000
    kinds = np.zeros(points.size, dtype=np.uint8)
    values = np.zeros(points.size, dtype=np.uint64)
    kinds[low], values[low] = _table().lookup(text, points[low])
    astral = np.flatnonzero(~low)
    uniques, inverse = np.unique(points[astral], return_inverse=True)
    looked = np.array([_classify(int(c)) for c in uniques], dtype=np.uint64).reshape(-1, 2)
    kinds[astral] = looked[inverse, 0].astype(np.uint8)
    values[astral] = looked[inverse, 1]
    return kinds, values


_powers_cache: list[U64] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]


def _powers(length: int) -> tuple[U64, U64]:
    """``P**i`` and ``P**-i`` modulo 2**64 for ``i < length`` (cached; grown by extending, never recomputed)."""
    up, down = _powers_cache
    if up.size < length:
        extra = max(length, 2 * up.size, 1 << 16) - up.size
        up = np.concatenate([up, up[-1] * np.cumprod(np.full(extra, _CHAR_MULT, dtype=np.uint64))])
        down = np.concatenate([down, down[-1] * np.cumprod(np.full(extra, _CHAR_MULT_INV, dtype=np.uint64))])
        _powers_cache[:] = [up, down]
    return up[:length], down[:length]


def tokenize(text: str) -> Tokens:
    """Split ``text`` into tokens with their offsets and hashes.

    Args:
        text: Any text; it is not modified.

    Returns:
        The tokens in text order (empty arrays for a text without letters or digits).

    Example:
        >>> len(tokenize("Don\\u2019t stop \\u2014 now!"))
        4
    """
    kinds, values = _code_points(text)
    is_token = kinds > 0
    # A token starts where a token character follows a separator (or stands alone) and ends before one.
    singles = kinds.size > 0 and int(kinds.max()) == _SINGLE
    if singles:
        stop = ~is_token | (kinds == _SINGLE)
        starts = np.flatnonzero(is_token & np.concatenate([[True], stop[:-1]]))
        ends = np.flatnonzero(is_token & np.concatenate([stop[1:], [True]])) + 1
        # a character of a script without spaces is a token of its own
        alone = np.flatnonzero(kinds == _SINGLE)
        starts, ends = np.union1d(starts, alone), np.union1d(ends, alone + 1)
    else:  # token edges alternate: start, end, start, end...
        edges = np.flatnonzero(np.diff(is_token, prepend=False, append=False))
        starts, ends = edges[0::2], edges[1::2]
    return Tokens(starts.astype(np.int64), ends.astype(np.int64), _token_hashes(values, starts, ends))


def _token_hashes(values: U64, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]) -> U64:
    """Position-independent polynomial hash of each token's folded code points, mixed with its length."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    up, down = _powers(values.size)
    prefix = np.empty(values.size + 1, dtype=np.uint64)
    prefix[0] = 0
    np.multiply(values, up, out=prefix[1:])  # in place: no temporary the size of the text
    np.cumsum(prefix[1:], out=prefix[1:])
    raw = (prefix[ends] - prefix[starts]) * down[starts]
    lengths = (ends - starts).astype(np.uint64)
    return mix64(raw ^ (lengths * _LENGTH_SALT))


def fingerprint(texts: Sequence[str], ngram: int) -> Fingerprints:
    """Shingle a batch of texts in one vectorised pass.

    Args:
        texts: Document texts.
        ngram: Tokens per shingle (at least 1).

    Returns:
        Token counts, and shingle hashes concatenated in document order.
    """
    if not texts:
        empty, none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        return Fingerprints(ngram, empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64), none, none)
    # A newline never belongs to a token, so joining cannot glue two documents' tokens together.
    lengths = np.array(list(map(len, texts)), dtype=np.int64) + 1
    char_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    tokens = tokenize("\n".join(texts))
    first_tokens = np.searchsorted(tokens.starts, char_starts)  # a document's tokens start inside it
    token_counts = np.diff(np.append(first_tokens, tokens.starts.size)).astype(np.int64)
    doc_of_token = np.repeat(np.arange(len(texts), dtype=np.int64), token_counts)
    shingles, shingle_docs = _shingles(tokens.hashes, doc_of_token, token_counts, ngram)
    counts = np.bincount(shingle_docs, minlength=len(texts))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    base = char_starts[doc_of_token]
    return Fingerprints(ngram, token_counts, offsets, shingles, (tokens.starts - base).astype(np.int32),
                        (tokens.ends - base).astype(np.int32))


def fingerprint_native(texts: Sequence[Any], ngram: int, threads: int = 1,
                       field: str | None = None) -> Fingerprints | None:
    """:func:`fingerprint` by the compiled loop (:mod:`dedupe.native`), the same arrays, without the
    joined text and numpy's temporaries; ``None`` where it cannot run (not built, or a text holds a
    character beyond the Basic Multilingual Plane), and then :func:`fingerprint` does the work.

    Args:
        texts: Document texts (with ``field``, objects holding them), a list or a tuple.
        ngram: Tokens per shingle (at least 1).
        threads: 2: the later half of the characters is fingerprinted in a second thread meanwhile (the
            compiled loop releases the interpreter lock); the arrays are the same.
        field: ``texts`` are objects, each holding its text in its instance dictionary under this name (documents:
            ``"text"``), read there without a reference taken, by the compiled loops only (no reference count
            written: a forked child's texts keep their pages shared with its parent; :mod:`dedupe.index.prepare`).

    Returns:
        What ``fingerprint(texts, ngram)`` returns, or ``None``.
    """
    module = native()
    texts = texts if isinstance(texts, (list, tuple)) else list(texts)
    table = _native_table(module, texts, field)
    if module is None or table is None:
        return None
    capacity, docs = module.texts_length(texts, field), len(texts)
    token_counts, shingle_counts = np.empty(docs, dtype=np.int64), np.empty(docs, dtype=np.int64)
    shingles = np.empty(capacity, dtype=np.uint64)
    starts, ends = np.empty(capacity, dtype=np.int32), np.empty(capacity, dtype=np.int32)
    tokens, made = module.fingerprint(texts, ngram, table.classes, table.folded, token_counts, shingle_counts,
                                      shingles, starts, ends, threads, field)
    if tokens < 0:
        return None
    for array, used in ((shingles, made), (starts, tokens), (ends, tokens)):
        array.resize(used, refcheck=False)  # realloc: gives back the pages never touched, copies nothing
    offsets = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(shingle_counts, out=offsets[1:])
    return Fingerprints(ngram, token_counts, offsets, shingles, starts, ends)


def token_hashes_native(texts: Sequence[str]) -> list[U64] | None:
    """``[tokenize(text).hashes for text in texts]`` by the compiled loop (:mod:`dedupe.native`); ``None``
    where it cannot run (as :func:`fingerprint_native`).

    Args:
        texts: Document texts.

    Returns:
        The token hashes of each text, or ``None``.
    """
    module = native()
    texts = texts if isinstance(texts, list) else list(texts)
    table = _native_table(module, texts)
    if module is None or table is None:
        return None
    hashes, counts = np.empty(sum(map(len, texts)), dtype=np.uint64), np.empty(len(texts), dtype=np.int64)
    total = module.token_hashes(texts, table.classes, table.folded, hashes, counts)
    if total < 0:
        return None
    return np.split(hashes[:total], np.cumsum(counts)[:-1]) if texts else []


def _native_table(module: ModuleType | None, texts: Sequence[Any], field: str | None = None) -> _Table | None:
    """The character table, taught every code point of ``texts`` (``field``: see :func:`fingerprint_native`);
    ``None`` without the compiled module or when a text holds a character beyond the Basic Multilingual Plane (the
    table covers the plane only)."""
    if module is None:
        return None
    table = _table()
    flags = module.unknown(texts, table.known, field)
    if flags is None:
        return None
    table.learn(np.flatnonzero(np.frombuffer(flags, dtype=np.uint8)))
    return table


def _shingles(hashes: U64, doc_of_token: I64, token_counts: I64, ngram: int) -> tuple[U64, I64]:
    """Shingle hashes and their documents, in document then text order."""
    span = hashes.size - ngram + 1
    if span > 0:
        acc = hashes[:span].copy()
        for k in range(1, ngram):
            acc *= _GRAM_MULT
            acc += hashes[k:k + span]
        valid = doc_of_token[:span] == doc_of_token[ngram - 1:]
        grams, docs = mix64(acc[valid]), doc_of_token[:span][valid]
    else:
        grams, docs = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    short = np.flatnonzero((token_counts > 0) & (token_counts < ngram))
    if short.size == 0:
        return grams, docs
    token_starts = np.concatenate([[0], np.cumsum(token_counts)[:-1]])
    extra = np.array([_whole(hashes[token_starts[d]:token_starts[d] + token_counts[d]]) for d in short],
                     dtype=np.uint64)
    all_docs = np.concatenate([docs, short])
    order = np.argsort(all_docs, kind="stable")
    return np.concatenate([grams, extra])[order], all_docs[order]


def _whole(hashes: U64) -> int:
    """The single shingle of a document shorter than the n-gram: all its tokens, salted by their count."""
    acc = 0
    for value in hashes.tolist():
        acc = (acc * int(_GRAM_MULT) + value) & _MASK64
    salted = np.array([acc ^ (hashes.size * int(_LENGTH_SALT) & _MASK64)], dtype=np.uint64)
    return int(mix64(salted)[0])
