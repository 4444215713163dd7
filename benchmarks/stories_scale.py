"""Processor time and peak memory of story grouping (:func:`dedupe.stories.group_stories`) on a loaded corpus.

    .venv/bin/python -m benchmarks.stories_scale --corpus /work/shared/corpora/reuters21578.jsonl [--docs N]

Each round runs in a fresh process: it loads the corpus (first ``--docs`` documents), then groups it into
stories and prints the number of stories, the largest, the processor seconds of the grouping alone and the
process's peak resident memory (``ru_maxrss``, loading included), with a SHA-256 of the stories so that two
versions of the code can be checked to give the same stories.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_PROBE = """
import hashlib, json, resource, sys, time
from itertools import islice
from dedupe.corpus.load import load_corpus
from dedupe.stories import group_stories
documents = load_corpus([sys.argv[1]]).documents
if int(sys.argv[2]):
    documents = tuple(islice(documents, int(sys.argv[2])))
start = time.process_time()
stories = group_stories(documents)
seconds = time.process_time() - start
print(json.dumps({"documents": len(documents), "stories": len(stories),
                  "largest": max(len(s.doc_ids) for s in stories), "cpu_s": round(seconds, 1),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "sha256": hashlib.sha256(repr(stories).encode()).hexdigest()[:16]}))
"""


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print one JSON line per round."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="corpus path (JSON Lines, folder...)")
    parser.add_argument("--docs", type=int, default=0, help="only the first N documents (0: all)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    for _ in range(args.rounds):
        out = subprocess.run([sys.executable, "-c", _PROBE, args.corpus, str(args.docs)],
                             check=True, capture_output=True, text=True).stdout
        print(json.dumps(json.loads(out.splitlines()[-1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
