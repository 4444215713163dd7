"""Test corpora for dedupe.index, built from the seed articles in data/ (no external corpus needed).

History articles are seeded rewrites of the seed articles' sentences (half the words replaced, so two
articles rarely share eight words by chance); relations are then planted on purpose: exact re-scrapes,
light edits, trimmed copies, a near-duplicate of a history document that has a near-duplicate of its own,
lifted passages with and without a wire credit, a passage in a dozen documents (boilerplate), and
relations inside the batch and inside the history only.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


def seed_words() -> list[str]:
    """Every word of the seed articles, in order."""
    words: list[str] = []
    for path in sorted(DATA.glob("*.txt")):
        words.extend(re.findall(r"\S+", path.read_text(encoding="utf-8")))
    return words


def rewrite(words: list[str], rng: random.Random, vocabulary: list[str], rate: float) -> str:
    """``words`` with each replaced by a random vocabulary word with probability ``rate``."""
    return " ".join(rng.choice(vocabulary) if rng.random() < rate else w for w in words)


def article(rng: random.Random, source: list[str], vocabulary: list[str], length: int = 120) -> str:
    """A fresh article: a random stretch of the seed text, half its words replaced."""
    start = rng.randrange(0, len(source) - length)
    return rewrite(source[start:start + length], rng, vocabulary, 0.5)


def record(doc_id: str, outlet: str, date: str, text: str) -> dict[str, str]:
    return {"id": doc_id, "source": outlet, "date": date, "url": f"https://{outlet.lower()}.example/{doc_id}",
            "text": text}


def corpora(seed: int = 5, history_size: int = 300) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(history, batch)`` records with planted relations (see the module docstring)."""
    rng = random.Random(seed)
    source = seed_words()
    vocabulary = sorted(set(source))
    outlets = ["Reuters", "AP", "AFP", "Daily Mail", "The Sun"]
    history = [record(f"h{i}", outlets[i % 5], f"2024-01-{1 + i % 28:02d}", article(rng, source, vocabulary))
               for i in range(history_size)]
    words = [h["text"].split(" ") for h in history]
    history[11]["text"] = rewrite(words[10], rng, vocabulary, 0.02)  # h10 ~ h11 (history only)
    history[21]["text"] = rewrite(words[20], rng, vocabulary, 0.02)  # h20 ~ h21; the batch copies h20
    boiler = " ".join(source[40:70])
    for i in range(100, 112):  # one passage in 12 history documents
        history[i]["text"] = f"{history[i]['text']} {boiler}"
    lifted = " ".join(words[30][20:60])
    batch = [
        record("b-rescrape", "Reuters", "2024-02-01", history[5]["text"]),
        record("b-edit", "AP", "2024-02-01", rewrite(words[6], rng, vocabulary, 0.03)),
        record("b-trim", "The Sun", "2024-02-02", " ".join(words[7][10:110])),
        record("b-chain", "AFP", "2024-02-02", rewrite(words[20], rng, vocabulary, 0.02)),
        record("b-credited", "Daily Mail", "2024-02-03",
               f"LONDON (Reuters) - {article(rng, source, vocabulary, 40)} {' '.join(words[35][10:50])}"),
        record("b-lifted", "The Sun", "2024-02-03", f"{article(rng, source, vocabulary, 40)} {lifted} "
               f"{article(rng, source, vocabulary, 30)}"),
        record("b-boiler", "AP", "2024-02-04", f"{article(rng, source, vocabulary, 60)} {boiler}"),
        record("b-inside-1", "AFP", "2024-02-04", article(rng, source, vocabulary)),
        record("b-repeat", "AFP", "2024-02-05", f"{' '.join(words[40][:20])} {' '.join(words[41][:30])} "
               f"{' '.join(words[40][:20])}"),
    ]
    batch.append(record("b-inside-2", "AP", "2024-02-05", rewrite(batch[7]["text"].split(" "), rng, vocabulary, 0.02)))
    batch += [record(f"b-new{i}", outlets[i % 5], "2024-02-06", article(rng, source, vocabulary)) for i in range(20)]
    return history, batch


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    """Write records as JSON Lines; returns ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def small_records(count: int, seed: int = 9) -> list[dict[str, str]]:
    """``count`` short distinct articles (for the crash tests)."""
    rng = random.Random(seed)
    source = seed_words()
    vocabulary = sorted(set(source))
    return [record(f"d{i}", "Reuters", f"2024-03-{1 + i % 28:02d}", article(rng, source, vocabulary, 40))
            for i in range(count)]


def reuters_split(path: Path, history_size: int = 300, batch_size: int = 60,
                  seed: int = 3) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(history, batch)`` records from Reuters-21578 as JSON Lines (``path``), planted as the benchmark plants.

    History: the first ``history_size`` articles, and a light edit (one word in 50) of one in ten of them.
    Batch, a quarter each: exact re-scrapes under new ids, light edits, 40 words lifted from a history
    article into a rewrite of an article outside history (half its words replaced), and articles from
    outside history (their own boilerplate, tables and phrases shared with history included).
    """
    rng = random.Random(seed)
    with open(path, encoding="utf-8") as handle:
        articles = [json.loads(line) for line, _ in zip(handle, range(history_size + 2 * batch_size))]
    vocabulary = sorted({w for a in articles for w in a["text"].split()})
    history = [record(a["id"], "Reuters", "", a["text"]) for a in articles[:history_size]]
    history += [record(f"{h['id']}-edit", "Reuters", "", rewrite(h["text"].split(" "), rng, vocabulary, 0.02))
                for h in history[::10]]
    outside = articles[history_size:]
    batch = []
    for i in range(batch_size):
        words, kind = rng.choice(history)["text"].split(" "), i % 4
        if kind == 0:
            text = " ".join(words)
        elif kind == 1:
            text = rewrite(words, rng, vocabulary, 0.02)
        elif kind == 2:
            start = rng.randrange(0, max(1, len(words) - 40))
            fresh = rewrite(outside[i]["text"].split(" ")[:60], rng, vocabulary, 0.5)
            text = f"{fresh} {' '.join(words[start:start + 40])}"
        else:
            text = outside[batch_size + i]["text"]
        batch.append(record(f"batch-{i}", "Wire", "", text))
    return history, batch


def on_small_disk(disk: Path, size: int, script: str) -> str:
    """Run the shell ``script`` with a tmpfs of ``size`` bytes mounted at ``disk`` (an empty folder), in a mount
    namespace of its own: a full disk that nothing else shares. ``python`` in the script is this interpreter, with
    this tree first on its path. Skips the test where the namespace or the mount is refused (root only).

    Returns:
        What the script printed on stdout and stderr, in order.
    """
    mounted = f"mount -t tmpfs -o size={size} tmpfs {disk} || exit 99; python() {{ {sys.executable} \"$@\"; }}; "
    env = {**os.environ, "PYTHONPATH": str(DATA.parent)}
    done = subprocess.run(["unshare", "--mount", "sh", "-c", mounted + script], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120) if shutil.which("unshare") else None
    if done is None or done.returncode != 0:  # every script ends with an echo: this is the mount's failure
        pytest.skip("no mount namespace with a tmpfs here (unshare --mount needs root)")
    return done.stdout


def full_disk_said(index: Path, exc: str) -> str:
    """The error line of a command that found the disk of ``index`` full (``exc``: SQLite's words)."""
    return (f"Error: {index}: the disk is full ({exc}): free some space there, or move the index to a disk with room, "
            "and run the command again (the index keeps every commit made before; a transaction this stopped was "
            "rolled back)")
