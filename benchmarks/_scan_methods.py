"""One near-duplicate method, run alone in this process, timed from loading to its pairs.

``python -m benchmarks._scan_methods METHOD CORPUS OUT [--threshold T] [--ngram N] [--num-perm K]``
writes ``OUT`` (JSON): seconds, peak memory, the pairs found (document indices) and, for the baselines,
the LSH candidate pairs. ``scan_reuters`` runs each method in a fresh process so peak memory is its own.

Methods:
    exact        all pairs with Jaccard >= T over our shingles, by sparse matrix products in row blocks.
    datasketch   plain use: a MinHash per document (one ``update_batch``), ``MinHashLSH``, query each
                 document, keep candidates whose estimated Jaccard >= T.
    rensa        plain use: an ``RMinHash`` per document (``update``), ``RMinHashLSH``, same queries.
    rensa-batch  rensa's bulk API: ``RMinHash.from_token_sets``, ``insert_many``, ``query_all``.
    ours         ``dedupe.corpus.load.load_corpus`` + ``dedupe.scan.near_dup.scan`` (what ``dedupe scan`` does).
    ours-json    the same scan after reading the JSONL with ``json.loads``, as the baselines do.
    ours-docs    like ours-json with ``passages=False``: near-duplicate documents only, the baselines' job.

The baselines shingle with the same rule as ours (case-folded runs of letters and digits, 5-grams
joined by spaces, a short document as one shingle), identical to ours on ASCII text such as Reuters.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import resource
import sys
import time
from typing import Any

import numpy as np

_TOKEN = re.compile(r"[^\W_]+")


def read_texts(path: str) -> list[str]:
    """The ``text`` field of every JSONL record, as the baselines read it."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def shingles(text: str, ngram: int) -> list[str]:
    """Word n-grams of the case-folded letter-and-digit runs (one shingle for a short text)."""
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < ngram:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i:i + ngram]) for i in range(len(tokens) - ngram + 1)]


def run_exact(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    from scipy.sparse import csr_matrix

    from dedupe.scan.fingerprints import fingerprint_corpus

    prints = fingerprint_corpus(read_texts(path), ngram, 1)
    sets = [np.unique(prints.of(i)) for i in range(prints.token_counts.size)]
    sizes = np.array([s.size for s in sets])
    vocabulary, columns = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(len(sets)), sizes)
    matrix = csr_matrix((np.ones(rows.size, dtype=np.int32), (rows, columns)), shape=(len(sets), vocabulary.size))
    transposed = matrix.T.tocsr()
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(sets), 2000):
        block = (matrix[start:start + 2000] @ transposed).tocoo()
        a, b, shared = block.row + start, block.col, block.data
        keep = a < b
        a, b, shared = a[keep], b[keep], shared[keep]
        jaccard = shared / (sizes[a] + sizes[b] - shared)
        hit = jaccard >= threshold
        pairs.extend(zip(a[hit].tolist(), b[hit].tolist()))
    return {"pairs": sorted(pairs), "documents": len(sets)}


def _lsh_pairs(sketches: list[Any], query: Any, similarity: Any, threshold: float) -> tuple[set, set]:
    candidates: set[tuple[int, int]] = set()
    for index, sketch in enumerate(sketches):
        if sketch is None:
            continue
        for other in query(sketch):
            if other != index:
                candidates.add((min(index, other), max(index, other)))
    found = {(a, b) for a, b in candidates if similarity(sketches[a], sketches[b]) >= threshold}
    return candidates, found


def run_datasketch(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    texts = read_texts(path)
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches: list[Any] = []
    for key, text in enumerate(texts):
        grams = shingles(text, ngram)
        if not grams:
            sketches.append(None)
            continue
        sketch = MinHash(num_perm=num_perm, seed=1)
        sketch.update_batch([g.encode("utf-8") for g in grams])
        index.insert(key, sketch, check_duplication=False)
        sketches.append(sketch)
    candidates, found = _lsh_pairs(sketches, index.query, lambda a, b: a.jaccard(b), threshold)
    return {"pairs": sorted(found), "candidates": sorted(candidates), "documents": len(texts)}


def run_rensa(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    from rensa import RMinHash, RMinHashLSH

    texts = read_texts(path)
    index = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=16)
    sketches: list[Any] = []
    for key, text in enumerate(texts):
        grams = shingles(text, ngram)
        if not grams:
            sketches.append(None)
            continue
        sketch = RMinHash(num_perm=num_perm, seed=1)
        sketch.update(grams)
        index.insert(key, sketch)
        sketches.append(sketch)
    candidates, found = _lsh_pairs(sketches, index.query, lambda a, b: a.jaccard(b), threshold)
    return {"pairs": sorted(found), "candidates": sorted(candidates), "documents": len(texts)}


def run_rensa_batch(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    from rensa import RMinHash, RMinHashLSH

    texts = read_texts(path)
    token_sets = [shingles(text, ngram) or [""] for text in texts]
    sketches = RMinHash.from_token_sets(token_sets, num_perm, 1)
    index = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=16)
    index.insert_many(sketches)
    candidates: set[tuple[int, int]] = set()
    for key, found in enumerate(index.query_all(sketches)):
        candidates.update((min(key, o), max(key, o)) for o in found if o != key)
    pairs = {(a, b) for a, b in candidates if sketches[a].jaccard(sketches[b]) >= threshold}
    return {"pairs": sorted(pairs), "candidates": sorted(candidates), "documents": len(texts)}


def _our_pairs(documents: Any, threshold: float, ngram: int, num_perm: int, passages: bool = True) -> dict[str, Any]:
    from dedupe.scan.config import ScanConfig
    from dedupe.scan.near_dup import scan

    result = scan(documents, ScanConfig(threshold=threshold, ngram=ngram, num_perm=num_perm, passages=passages))
    position = {doc.id: i for i, doc in enumerate(documents)}
    pairs = sorted((position[p.a], position[p.b]) for p in result.pairs if p.jaccard >= threshold)
    kinds = {kind: len(result.of_kind(kind)) for kind in ("near_duplicate", "reuse", "repeat", "boilerplate")}
    return {"pairs": pairs, "documents": len(documents), "findings": kinds,
            "candidates_count": result.stats.candidate_pairs, "stages": result.stats.seconds,
            "workers": result.stats.workers}


def run_ours(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    import warnings

    from dedupe.corpus.load import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateutil warns about Reuters' time zones
        began = time.perf_counter()
        documents = load_corpus([path]).documents
        loaded = time.perf_counter() - began
    return {**_our_pairs(documents, threshold, ngram, num_perm), "load_seconds": loaded}


def _json_documents(path: str) -> list[Any]:
    from dedupe.corpus.documents import Document, Origin

    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [Document(str(r.get("id", i)), str(r.get("source", "")), "", "", None, r["text"], Origin(path, i + 1))
            for i, r in enumerate(records)]


def run_ours_json(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    return _our_pairs(_json_documents(path), threshold, ngram, num_perm)


def run_ours_docs(path: str, threshold: float, ngram: int, num_perm: int) -> dict[str, Any]:
    return _our_pairs(_json_documents(path), threshold, ngram, num_perm, passages=False)


METHODS = {"exact": run_exact, "datasketch": run_datasketch, "rensa": run_rensa, "rensa-batch": run_rensa_batch,
           "ours": run_ours, "ours-json": run_ours_json, "ours-docs": run_ours_docs}


_LIBRARIES = {"exact": ["scipy.sparse", "dedupe.scan.near_dup"], "datasketch": ["datasketch"], "rensa": ["rensa"],
              "rensa-batch": ["rensa"], "ours": ["dedupe.corpus.load", "dedupe.scan.near_dup"],
              "ours-json": ["dedupe.corpus.load", "dedupe.scan.near_dup"],
              "ours-docs": ["dedupe.corpus.load", "dedupe.scan.near_dup"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("method", choices=sorted(METHODS))
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument("--num-perm", type=int, default=128)
    args = parser.parse_args(argv)
    for library in _LIBRARIES[args.method]:  # imports are a one-off cost, left out of every method's time
        importlib.import_module(library)
    began = time.perf_counter()
    result = METHODS[args.method](args.corpus, args.threshold, args.ngram, args.num_perm)
    result["seconds"] = time.perf_counter() - began
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_mb"] = (own + children) / 1024
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
