"""What the documents of a batch become in the index (:meth:`~dedupe.index.store.Index.add`, and the names
``scan --against --add`` gives them before): each one's ``(id, key, version)``, and which of them are stored,
unchanged or skipped, from what the index holds of their identity keys (:data:`Versions`) and of their ids (asked
through a function: no SQL here).

An id is never given twice: a document stored as ``version`` of ``key`` is ``ID`` (``ID~vN`` for a later version),
else, where another document holds that (another folder's ``batch:1``), ``KEY`` (``KEY~vN``), else the first free
``~2``, ``~3``... of it, as the loader names a repeated id (:func:`~dedupe.corpus.records.free_copy`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dedupe.corpus.records import free_copy
from dedupe.index.prepare import PreparedBatch

#: What is stored of an identity key: its latest version, that version's id, the digests of all its versions.
Versions = tuple[int, str, tuple[bytes, ...]]
_UNSTORED: Versions = (0, "", ())


@dataclass
class NewRows:
    """What a batch's documents become (mutable while it is filled).

    Attributes:
        rows: ``(id, key, version)`` of each document (version 0: not stored).
        stored: Places in the batch of the documents stored (added, or a new version of a key), in order.
        versions: ``(new id, earlier id)`` of the documents stored as a new version.
        unchanged: Documents whose key and text were stored already.
        skipped: Documents without text worth indexing (no token).
    """

    rows: list[tuple[str, str, int]]
    stored: list[int]
    versions: list[tuple[str, str]]
    unchanged: int
    skipped: int


def new_rows(ids: list[str], prepared: PreparedBatch, stored: dict[str, Versions], renamed: bool,
             held: Callable[[list[str]], set[str]]) -> NewRows:
    """What the documents of a batch become.

    Args:
        ids: The documents' ids as loaded.
        prepared: The batch prepared (its identity keys, digests and token counts).
        stored: What the index holds of the batch's keys (updated as the batch's documents are stored).
        renamed: Whether a stored id may not be its row's key (:func:`~dedupe.index.schema.any_renamed`); if not,
            a key the index does not hold is the id of no stored document.
        held: Those of some ids that the index holds (as ids or keys).

    Returns:
        The rows, and which documents are stored, unchanged or skipped.
    """
    if all_new(stored, ids, prepared) and not (renamed and held(ids)):  # what the loop makes of it, without it
        return NewRows([(i, i, 1) for i in ids], list(range(len(ids))), [], 0, 0)
    return one_by_one(ids, prepared, stored, renamed, held)


def one_by_one(ids: list[str], prepared: PreparedBatch, stored: dict[str, Versions], renamed: bool,
               held: Callable[[list[str]], set[str]]) -> NewRows:
    """:func:`new_rows` a document at a time (the same arguments and result)."""
    new = NewRows([], [], [], 0, 0)
    taken: set[str] = set()  # ids given in this batch, not written yet
    for place, (doc_id, key, digest, tokens) in enumerate(zip(
            ids, prepared.identities, prepared.digests, prepared.token_counts.tolist())):
        latest, latest_id, digests = stored.get(key, _UNSTORED)
        if digest in digests:
            new.unchanged += 1
            new.rows.append((doc_id, key, 0))
            continue
        if tokens == 0:
            new.skipped += 1
            new.rows.append((doc_id, key, 0))
            continue
        version = latest + 1
        ident = _free_id(doc_id, key, version, taken, held if renamed else _not_key(key, held))
        taken.add(ident)
        new.rows.append((ident, key, version))
        new.stored.append(place)
        if version > 1:
            new.versions.append((ident, latest_id))
        stored[key] = (version, ident, (*digests, digest))
    return new


def _not_key(key: str, held: Callable[[list[str]], set[str]]) -> Callable[[list[str]], set[str]]:
    """``held`` where no stored id but its row's key (``renamed`` false): ``key``, not stored, is held by none."""
    return lambda names: held([name for name in names if name != key])


def _free_id(doc_id: str, key: str, version: int, taken: set[str], held: Callable[[list[str]], set[str]]) -> str:
    """The id of ``version`` of ``key``, a document given ``doc_id`` (see the module docstring; ``taken``: the ids
    given in this batch)."""

    def used(name: str) -> bool:
        return name in taken or bool(held([name]))

    ident = doc_id if version == 1 else f"{doc_id}~v{version}"
    if not used(ident):
        return ident
    if key != doc_id:  # another folder's ``batch:1``: its file's line
        ident = key if version == 1 else f"{key}~v{version}"
        if not used(ident):
            return ident
    return free_copy(ident, used)


def all_new(stored: dict[str, Versions], ids: list[str], prepared: PreparedBatch) -> bool:
    """Whether every document of a batch is a new key under its own id: no key stored, each document's id its
    key, no key twice, and each with a token (then :func:`new_rows` stores each as version 1, if no stored
    document holds one of the ids)."""
    keys = prepared.identities
    return not stored and ids == keys and len(set(ids)) == len(ids) and bool(prepared.token_counts.all())
