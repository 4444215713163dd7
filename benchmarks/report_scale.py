"""``dedupe report`` at corpus scale against plain sentence-transformers encoding, whole processes.

    .venv/bin/python -m benchmarks.report_scale --corpus /work/shared/corpora/reuters21578.jsonl --docs 2000
    .venv/bin/python -m benchmarks.report_scale --corpus ... --docs 19043 --skip compare
    .venv/bin/python -m benchmarks.report_scale --corpus ... --big-mb 20 --no-peer

Ours: ``python -m dedupe report FIRST_N.jsonl -o page.html --cache-dir FRESH`` (cold embedding cache:
a new folder each run, so the ONNX export is made again too), timed from process start to exit. Its
``time:`` line gives the per-stage seconds. Peer: what a user would write instead, in its own
process: load sentence-transformers' all-MiniLM-L6-v2 (the packaged copy) and ``encode`` every
sentence of the same articles (batch 32, normalised). The peer gets the sentences ready-made (split
by :mod:`dedupe.segment` before the clock starts), so its time is loading and encoding only. Both run
under :func:`benchmarks.process_time.timed`: wall clock, CPU seconds and peak resident memory; in turns,
``--rounds`` times, median kept. ``--big-mb N`` instead builds one document of N MB by joining the
articles with blank lines and reports it alone.

The machine is shared: the load average before each run is printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import process_time

TARGET_RATIO = 0.5
TARGET_PEAK_MB = 2048
TARGET_BIG_S = 60.0


def write_subset(corpus: Path, docs: int, target: Path) -> int:
    """Copy the first ``docs`` records of a JSONL corpus to ``target``; the number copied."""
    count = 0
    with corpus.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for line in source:
            if count >= docs:
                break
            if line.strip():
                out.write(line)
                count += 1
    return count


def write_big(corpus: Path, megabytes: float, target: Path) -> int:
    """One text of about ``megabytes`` MB: the corpus's articles joined by blank lines; its size.

    Reuters-21578 holds 15.8 MB of text: past that the articles start again from the first (so the
    document then repeats itself, which the scan reports).
    """
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip()]
    parts: list[str] = []
    size = 0
    while size < megabytes * 1e6:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        size += len(text.encode("utf-8")) + 2
    target.write_text("\n\n".join(parts), encoding="utf-8")
    return target.stat().st_size


def write_sentences(subset: Path, target: Path) -> int:
    """Every sentence of the subset, one JSON string a line (the peer's input); their number."""
    from dedupe.corpus.load import load_corpus
    from dedupe.segment import segment_document

    count = 0
    with target.open("w", encoding="utf-8") as out:
        for doc in load_corpus([str(subset)]).documents:
            for sentence in segment_document(doc).sentences:
                out.write(json.dumps(sentence.text) + "\n")
                count += 1
    return count


def timed(command: list[str]) -> dict[str, Any]:
    """:func:`benchmarks.process_time.timed` ``command`` (it must succeed) as a dict, with the load average
    before it."""
    load = os.getloadavg()[0]
    run = process_time.timed(command)
    return {"wall": run.wall, "cpu": run.cpu, "peak_mb": run.peak_mb, "load": load, "stderr": run.stderr}


def run_ours(inputs: Path, folder: Path, skip: list[str]) -> dict[str, Any]:
    """``dedupe report`` with a fresh cache folder."""
    cache = Path(tempfile.mkdtemp(dir=folder, prefix="cache-"))
    command = [sys.executable, "-m", "dedupe", "report", str(inputs), "-o", str(folder / "page.html"),
               "--cache-dir", str(cache)] + [arg for stage in skip for arg in ("--skip", stage)]
    result = timed(command)
    stages = re.search(r"time: (.*)", result["stderr"])
    result["stages"] = stages.group(1) if stages else ""
    page = (folder / "page.html").read_bytes()
    result["page_mb"] = len(page) / 1e6
    result["parts"] = page_parts(page)
    result["texts_mb"] = result["parts"].get("documents", 0.0)
    return result


def page_parts(page: bytes) -> dict[str, float]:
    """Megabytes of each section of the page (``documents`` holds the full texts) and of the embedded JSON."""
    parts = {m.group(1).decode(): (page.find(b"</section>", m.start()) - m.start()) / 1e6
             for m in re.finditer(rb'<section class="panel" id="(\w+)"', page)}
    data = page.find(b'id="dedupe-data">')
    parts["json"] = (page.find(b"</script>", data) - data) / 1e6 if data >= 0 else 0.0
    return parts


def run_peer(sentences: Path) -> dict[str, Any]:
    """The peer in its own process."""
    return timed([sys.executable, "-m", "benchmarks.report_scale", "--peer", str(sentences)])


def peer(sentences: Path) -> None:
    """The peer's whole job: load the model, encode every sentence, keep the vectors."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from dedupe.embed.backends import packaged_model_folder

    texts = [json.loads(line) for line in sentences.read_text(encoding="utf-8").splitlines()]
    model = SentenceTransformer(str(packaged_model_folder()), device="cpu")
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    np.save(sentences.with_suffix(".npy"), vectors)


def text_megabytes(inputs: Path) -> float:
    """Megabytes (UTF-8) of the texts the report reads: the file itself, or each JSONL record's text."""
    if inputs.suffix != ".jsonl":
        return inputs.stat().st_size / 1e6
    lines = inputs.read_text(encoding="utf-8").splitlines()
    return sum(len(json.loads(line)["text"].encode("utf-8")) for line in lines if line.strip()) / 1e6


def show(name: str, runs: list[dict[str, Any]], corpus_mb: float = 0.0) -> dict[str, float]:
    """Print one line per run (the page's size against the texts' when known) and return the medians."""
    for run in runs:
        ratio = (f" ({run['page_mb'] / corpus_mb:.2f}x the {corpus_mb:.1f} MB of text; the full texts "
                 f"{run['texts_mb']:.1f} MB, {run['texts_mb'] / corpus_mb:.2f}x)") if corpus_mb else ""
        parts = ", ".join(f"{k} {v:.2f}" for k, v in run.get("parts", {}).items())
        extra = f" page {run['page_mb']:.1f} MB{ratio} [MB: {parts}]; {run['stages']}" if "stages" in run else ""
        print(f"  {name:5s} wall {run['wall']:7.1f} s  cpu {run['cpu']:7.1f} s  peak {run['peak_mb']:6.0f} MB  "
              f"(load {run['load']:.1f}){extra}")
    return {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "peak_mb")}


def main() -> None:
    """Build the inputs, run ours and the peer in turns, print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--big-mb", type=float, default=0.0, help="report one document of this many MB")
    parser.add_argument("--skip", action="append", default=[], help="stage to skip in dedupe report")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        peer(args.peer)
        return
    if args.corpus is None:
        parser.error("--corpus is required")
    with tempfile.TemporaryDirectory(prefix="report-scale-") as name:
        folder = Path(name)
        if args.big_mb:
            inputs = folder / "big.txt"
            print(f"one document of {write_big(args.corpus, args.big_mb, inputs) / 1e6:.1f} MB")
        else:
            inputs = folder / "subset.jsonl"
            print(f"{write_subset(args.corpus, args.docs, inputs)} articles")
        sentences = folder / "sentences.jsonl"
        if not args.no_peer:
            print(f"{write_sentences(inputs, sentences)} sentences for the peer")
        ours: list[dict[str, Any]] = []
        peers: list[dict[str, Any]] = []
        for _ in range(args.rounds):
            ours.append(run_ours(inputs, folder, args.skip))
            if not args.no_peer:
                peers.append(run_peer(sentences))
        mine = show("ours", ours, text_megabytes(inputs))
        verdict = f"peak {mine['peak_mb']:.0f} MB (target <= {TARGET_PEAK_MB})"
        if args.big_mb:
            verdict += f"; wall {mine['wall']:.1f} s (target <= {TARGET_BIG_S:.0f} s)"
        if peers:
            theirs = show("peer", peers)
            verdict += (f"; ours / peer: wall {mine['wall'] / theirs['wall']:.2f}x, cpu "
                        f"{mine['cpu'] / theirs['cpu']:.2f}x (target <= {TARGET_RATIO})")
        print(verdict)


if __name__ == "__main__":
    main()
