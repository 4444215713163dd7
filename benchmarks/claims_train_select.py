"""Draw the events of the claim model's in-domain training set (``benchmarks/data/claims_train_reuters.json``).

Usage:
    PYTHONPATH=$PWD .venv/bin/python -m benchmarks.claims_train_select /work/shared/corpora/reuters21578.jsonl \
        [--train benchmarks/data/claims_train_reuters.json] [--write]

The procedure is the file's ``selection`` key, written before any event was drawn: Reuters-21578 stories of
:func:`dedupe.stories.group_stories` with 3-6 reports of 3-20 sentences each, none of whose documents is in a claims
gold or close to one (TF-IDF cosine >= 0.12 with a gold document, so that no other report of a gold event is
trained on), drawn by a seeded permutation. The gold documents are only counted here, never printed. Printed: the
counts excluded, then the draw order (story and document ids). ``--write`` adds the chosen stories' reports (the
ones named by ``--take``, in draw order) to the training file as unannotated sentences (``dedupe.segment``'s
offsets, ``claim`` unset), for annotation by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.corpus.load import load_corpus
from dedupe.segment import segment_document
from dedupe.stories import StoryConfig, group_stories, tfidf_vectorizer

DATA = Path(__file__).parent / "data"
GOLDS = ("claims_gold.json", "claims_gold_reuters.json", "claims_gold_fresh.json")
SEED = 28
REPORTS = (3, 6)
SENTENCES = (3, 20)


def gold_ids() -> set[str]:
    """Every document id of the three claims golds (never printed: the held-out ones must not be read)."""
    return {doc for name in GOLDS for doc in json.loads((DATA / name).read_text(encoding="utf-8"))["documents"]}


def near_gold(documents: Sequence[Document], gold: set[str]) -> set[str]:
    """Ids of the documents whose TF-IDF cosine with some gold document reaches the stories' ``min_similarity``
    (:func:`dedupe.stories.tfidf_vectorizer`)."""
    matrix = tfidf_vectorizer().fit_transform([d.text for d in documents])
    rows = [i for i, d in enumerate(documents) if d.id in gold]
    similar = (matrix @ matrix[rows].T).toarray().max(axis=1) >= StoryConfig().min_similarity
    return {d.id for d, near in zip(documents, similar) if near}


def qualifying(documents: Sequence[Document], excluded: set[str]) -> list[list[Document]]:
    """Stories with no excluded document and 3-6 distinct reports of 3-20 sentences, ordered by first id."""
    stories = []
    place = {d.id: i for i, d in enumerate(documents)}
    for story in group_stories(documents):
        ids = set(story.doc_ids)
        if len(ids) < REPORTS[0] or excluded & ids:  # fewer documents than reports needed: no need to read them
            continue
        members = [documents[i] for i in sorted(place[d] for d in ids)]
        first: dict[str, Document] = {}  # an exact repeat of a text is not another report: the first one kept
        for d in members:
            first.setdefault(d.text, d)
        reports = list(first.values())
        sizes = [len(segment_document(d).sentences) for d in reports]
        if REPORTS[0] <= len(reports) <= REPORTS[1] and all(SENTENCES[0] <= n <= SENTENCES[1] for n in sizes):
            stories.append(reports)
    return sorted(stories, key=lambda r: _number(r[0].id))


def _number(doc_id: str) -> int:
    return int(doc_id.rsplit("-", 1)[1])


def entry(doc: Document, event: str) -> dict:  # type: ignore[type-arg]
    """One report as the gold files hold it: its outlet, event and ``dedupe.segment`` sentences (unannotated)."""
    sentences = [{"i": i, "start": s.start, "end": s.end, "claim": None, "text": s.text}
                 for i, s in enumerate(segment_document(doc).sentences)]
    return {"outlet": f"Reuters {_number(doc.id)}", "set": event, "sentences": sentences}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the draw; with ``--write``, add the taken stories' reports to the training file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="reuters21578.jsonl")
    parser.add_argument("--train", type=Path, default=DATA / "claims_train_reuters.json")
    parser.add_argument("--write", action="store_true", help="add the --take stories' reports to the training file")
    parser.add_argument("--take", nargs="*", default=[], help="EVENT=POSITION: name the story drawn at POSITION")
    args = parser.parse_args(argv)
    documents = list(load_corpus([args.corpus]).documents)
    gold = gold_ids()
    near = near_gold(documents, gold)
    print(f"gold documents: {len(gold)}; documents near a gold document (incl. those): {len(near)}")
    stories = qualifying(documents, near | gold)
    order = np.random.default_rng(SEED).permutation(len(stories))
    print(f"qualifying stories: {len(stories)}")
    for position, index in enumerate(order[:160]):
        print(position, " ".join(d.id for d in stories[index]))
    if args.write:
        train = json.loads(args.train.read_text(encoding="utf-8"))
        for take in args.take:
            event, position = take.split("=")
            for doc in stories[order[int(position)]]:
                train["documents"][doc.id] = entry(doc, event)
            train["split"]["train"].append(event)
        args.train.write_text(json.dumps(train, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
