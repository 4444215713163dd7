"""``benchmarks.ci_week``: the CI week end to end, on a small Reuters-style corpus made from the seed articles."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
from pathlib import Path

import pytest

from benchmarks.ci_week import build, check_exits, main, run_week, write
from tests.index_data import article, seed_words


def _corpus(path: Path) -> Path:
    """Seven days of six four-paragraph articles, then a month's worth months later (the Ledger's own stories),
    as Reuters-21578 writes them; one of day 3 says "told Reuters" in its second paragraph."""
    rng = random.Random(3)
    source = seed_words()
    vocabulary = sorted(set(source))
    records = []
    days = [dt.date(1987, 3, 2) + dt.timedelta(days=n) for n in range(7)] + [dt.date(1987, 7, 1)] * 16
    for n, day in enumerate(d for d in days for _ in range(6 if d.month == 3 else 1)):
        paragraphs = [article(rng, source, vocabulary, 30) for _ in range(4)]
        if n == 14:
            paragraphs[1] += " the minister told Reuters on his return from London."
        records.append({"id": f"reuters-{n + 1}", "source": "Reuters", "title": f"story {n + 1}",
                        "date": f"{day.day}-{day.strftime('%b').upper()}-{day.year} 10:{n % 60:02d}:00.00",
                        "text": "\n    ".join(paragraphs)})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_week_passes_every_check_and_replays_byte_for_byte(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--corpus", str(_corpus(tmp_path / "corpus.jsonl")), "--work", str(tmp_path / "week"),
                   "--per-day", "6", "--replay"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0, "\n".join(lines)
    assert len(lines) == 9 and all(" ok " in line for line in lines)
    assert "5 copies" in next(line for line in lines if line.startswith("origins and credits"))  # "told" planted


def test_the_exit_check_fails_when_day_one_does_not_trip_or_its_add_fails(tmp_path: Path) -> None:
    # Day 1 has a doubled paragraph: its scan must exit 1 under --fail-on. Before the plant day 1 had no finding,
    # and a scan that ignored --fail-on (exit 0) passed the check as a correct one did; day 1's add was not checked.
    week, folder = build(_corpus(tmp_path / "corpus.jsonl"), 6), tmp_path / "week"
    write(week, folder)
    runs = run_week(folder)
    assert check_exits(week, folder, runs) == ("exit codes, --fail-on on the batch only", True,
                                               "7 days, text and JSON alike")
    ignored = dict(runs, scan1=subprocess.CompletedProcess(runs["scan1"].args, 0))
    assert check_exits(week, folder, ignored)[1:] == (False, "day1: exit [0], expected 1")
    failed_add = dict(runs, add1=subprocess.CompletedProcess(runs["add1"].args, 1))
    assert check_exits(week, folder, failed_add)[1:] == (False, "day1 index add: exit 1")
