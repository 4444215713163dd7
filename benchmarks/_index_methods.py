"""The persistent datasketch options, one step per process: ``add`` history, or ``check`` a batch.

``python -m benchmarks._index_methods METHOD STEP HISTORY_OR_BATCH STATE OUT [--redis-port P]``

Methods (what a datasketch user has today to keep an index between daily runs):
    redis    ``MinHashLSH`` with its Redis storage (``storage_config={"type": "redis", ...}``); ``add``
             inserts every history document in an ``insertion_session``; ``check`` reconnects to the same
             Redis keys and queries each batch document.
    pickle   ``MinHashLSH`` in memory, pickled to STATE after ``add`` and unpickled by ``check`` (its
             maintainers' advice for persistence).

Both build each document's ``MinHash`` the plain way (one ``update_batch`` of its word 5-grams, shingled
as :mod:`benchmarks._scan_methods` does, like ours). ``check`` writes the candidate pairs
``[batch id, history id]``: datasketch keeps no text, so it cannot verify them or locate passages.
"""

from __future__ import annotations

import argparse
import json
import pickle
from typing import Any

from benchmarks._scan_methods import shingles


def _records(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _sketch(text: str, num_perm: int) -> Any:
    from datasketch import MinHash

    grams = shingles(text, 5)
    if not grams:
        return None
    sketch = MinHash(num_perm=num_perm, seed=1)
    sketch.update_batch([g.encode("utf-8") for g in grams])
    return sketch


def _index(method: str, port: int, num_perm: int) -> Any:
    from datasketch import MinHashLSH

    if method == "redis":
        storage = {"type": "redis", "basename": b"dedupe-bench", "redis": {"host": "127.0.0.1", "port": port}}
        return MinHashLSH(threshold=0.8, num_perm=num_perm, storage_config=storage)
    return MinHashLSH(threshold=0.8, num_perm=num_perm)


def add(method: str, path: str, state: str, port: int, num_perm: int) -> dict[str, Any]:
    """Insert every history document; ``pickle`` writes the index to ``state``."""
    index = _index(method, port, num_perm)
    records = _records(path)
    with index.insertion_session(buffer_size=5000) as session:
        for record in records:
            sketch = _sketch(record["text"], num_perm)
            if sketch is not None:
                session.insert(record["id"], sketch, check_duplication=False)
    if method == "pickle":
        with open(state, "wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return {"documents": len(records)}


def check(method: str, path: str, state: str, port: int, num_perm: int) -> dict[str, Any]:
    """Query each batch document; the candidate pairs ``[batch id, history id]``."""
    if method == "pickle":
        with open(state, "rb") as handle:
            index = pickle.load(handle)  # noqa: S301 - our own file, written by ``add``
    else:
        index = _index(method, port, num_perm)
    pairs: list[list[str]] = []
    for record in _records(path):
        sketch = _sketch(record["text"], num_perm)
        if sketch is not None:
            pairs.extend([record["id"], str(other)] for other in index.query(sketch))
    return {"candidates": sorted(pairs)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("method", choices=["redis", "pickle"])
    parser.add_argument("step", choices=["add", "check"])
    parser.add_argument("corpus")
    parser.add_argument("state")
    parser.add_argument("out")
    parser.add_argument("--redis-port", type=int, default=0)
    parser.add_argument("--num-perm", type=int, default=128)
    args = parser.parse_args(argv)
    step = add if args.step == "add" else check
    result = step(args.method, args.corpus, args.state, args.redis_port, args.num_perm)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
