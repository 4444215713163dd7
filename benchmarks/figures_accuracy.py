"""Figure extraction accuracy: ours vs quantulum3 on hand-labelled figure phrases from real news.

Each line of the labels file holds a sentence, a phrase in it, and either the expected figure
(``low``, ``high``, ``qualifier``, ``measure``) or ``"figure": false`` for a number that is not a count
(a date, an age, a duration, money). Both extractors read the same sentences; a labelled figure is
matched by the extracted quantity whose span overlaps the phrase.

quantulum3 reports a value (with an uncertainty for ranges) and a unit but no qualifier and no measure,
so its tuple is ``(value, value, "exact", "other")`` or ``(value - u, value + u, "range", "other")``;
the per-field columns show where each one stands. quantulum3's bundled unit classifier cannot be
unpickled with the installed scikit-learn, so it runs with ``USE_CLF = False`` (its rule-based
disambiguation), as the library itself does when scikit-learn is missing.

Usage:
    python -m benchmarks.figures_accuracy --labels benchmarks/data/figure_phrases.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedupe.figures.extract import parse_sentence

TARGET = 0.95
Extracted = tuple[float | None, float | None, str, str]


@dataclass(frozen=True)
class Label:
    """One labelled phrase."""

    source: str
    sentence: str
    phrase: str
    figure: bool
    expected: Extracted | None

    @property
    def span(self) -> tuple[int, int]:
        """Where the phrase stands: its first occurrence not inside a longer number ("50,000" in "450,000")."""
        match = re.search(r"(?<![\w,.])" + re.escape(self.phrase) + r"(?!\w)", self.sentence)
        start = match.start() if match else self.sentence.find(self.phrase)
        return start, start + len(self.phrase)


def load_labels(path: Path) -> list[Label]:
    """Read the JSONL labels."""
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        expected = (row["low"], row["high"], row["qualifier"], row["measure"]) if row["figure"] else None
        labels.append(Label(row["source"], row["sentence"], row["phrase"], row["figure"], expected))
    return labels


def ours(sentence: str, span: tuple[int, int]) -> Extracted | None:
    """Our figure overlapping the span."""
    for figure in parse_sentence(sentence):
        if figure.start < span[1] and span[0] < figure.end:
            return figure.low, figure.high, figure.qualifier, figure.measure
    return None


def _quantulum() -> Callable[[str, tuple[int, int]], Extracted | None]:
    warnings.filterwarnings("ignore")
    import quantulum3.classifier as classifier
    from quantulum3 import parser

    classifier.USE_CLF = False

    def extract(sentence: str, span: tuple[int, int]) -> Extracted | None:
        for quantity in parser.parse(sentence):
            start, end = quantity.span
            if start < 0:
                start = sentence.find(quantity.surface) if quantity.surface else -1
                end = start + len(quantity.surface)
            if start < 0 or not (start < span[1] and span[0] < end):
                continue
            if quantity.unit.name != "dimensionless":
                return None
            value, spread = quantity.value, quantity.uncertainty
            if spread:
                return value - spread, value + spread, "range", "other"
            return value, value, "exact", "other"
        return None
    return extract


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


@dataclass
class Score:
    """Counts for one extractor."""

    name: str
    exact: int = 0
    values: int = 0
    qualifiers: int = 0
    measures: int = 0
    rejected: int = 0
    seconds: float = 0.0


def evaluate(labels: list[Label], name: str, extract: Callable[[str, tuple[int, int]], Extracted | None],
             misses: list[str] | None) -> Score:
    """Run one extractor over the labels; append a line per miss to ``misses`` when given."""
    score = Score(name)
    began = time.perf_counter()
    for label in labels:
        got = extract(label.sentence, label.span)
        if label.expected is None:
            score.rejected += got is None
            if got is not None and misses is not None:
                misses.append(f"{label.source}: '{label.phrase}' is not a figure, got {got}")
            continue
        low, high, qualifier, measure = label.expected
        values = got is not None and _same_number(got[0], low) and _same_number(got[1], high)
        score.values += values
        score.qualifiers += got is not None and got[2] == qualifier
        score.measures += got is not None and got[3] == measure
        if values and got is not None and got[2:] == (qualifier, measure):
            score.exact += 1
        elif misses is not None:
            misses.append(f"{label.source}: '{label.phrase}' expected {label.expected}, got {got}  | {label.sentence}")
    score.seconds = time.perf_counter() - began
    return score


def render(scores: list[Score], positives: int, negatives: int) -> str:
    """The results table."""
    lines = [f"{positives} labelled figures, {negatives} labelled non-figures", "",
             "| extractor | exact (low, high, qualifier, measure) | low+high | qualifier | measure "
             "| non-figures rejected | seconds | vs target 0.95 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in scores:
        exact = s.exact / positives if positives else 0.0
        lines.append(f"| {s.name} | {exact:.3f} ({s.exact}/{positives}) | {s.values / positives:.3f} "
                     f"| {s.qualifiers / positives:.3f} | {s.measures / positives:.3f} "
                     f"| {s.rejected}/{negatives} | {s.seconds:.2f} | {exact / TARGET:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run both extractors and print the table and our misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path(__file__).parent / "data" / "figure_phrases.jsonl")
    parser.add_argument("--no-misses", action="store_true",
                        help="Print the scores only, not the sentences missed (for sets that must stay unread).")
    args = parser.parse_args(argv)
    labels = load_labels(args.labels)
    positives = sum(label.figure for label in labels)
    misses: list[str] = []
    scores = [evaluate(labels, "dedupe (ours)", ours, misses),
              evaluate(labels, "quantulum3 0.10", _quantulum(), None)]
    print(render(scores, positives, len(labels) - positives))
    print(f"\nOur misses ({len(misses)}):")
    for miss in [] if args.no_misses else misses:
        print("  " + miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
