"""Figure discrepancies against hand-labelled groups: conflicts, updates, grouping, scope, place; one run.

The gold (``benchmarks/data/figure_groups.jsonl``, rules at its top) labels every count of people in the
seeds and in the multi-outlet corpus with its scope, place, period and comparable group, and each group
with the status an editor should see (consistent / update / conflict). The run extracts figures from
both corpora, groups them per *gold event* (so that story grouping, a separate stage, does not blur the
measure) and scores, separately for the events tuned on and the event held out:

- **conflicts**: precision (a reported conflict is real when every labelled figure in it belongs to one
  gold group whose status is ``conflict`` and it holds no figure the gold leaves out) and recall (gold
  conflict groups that a real reported conflict covers); conflicts mixing gold groups (another scope,
  event or place) are counted apart;
- **status**: for each gold group spanning >= 2 outlets, the reported group holding most of its figures
  must carry its status (``update`` accuracy is the share of gold ``update`` groups so judged);
- **grouping**: the outlets of each gold group that one reported group gathers, and that group's range;
- **scope** and **place** of every labelled figure the extractor finds;
- **figure exact match** on a phrase set labelled after the change and never tuned on
  (``figure_phrases_holdout7.jsonl``, scored as in :mod:`benchmarks.figures_accuracy`); holdout5 and
  holdout6 were never-tuned sets of the first round and guided the second, so they print as tuned.

Usage:
    python -m benchmarks.figures_groups --corpus ../shared/corpora/multi-outlet/articles.jsonl --seeds data
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.figures_accuracy import evaluate, load_labels, ours
from dedupe.corpus.load import load_corpus
from dedupe.figures.discrepancies import find_discrepancies
from dedupe.figures.extract import Figure, extract_figures
from dedupe.segment import segment_document
from dedupe.stories import Story

DATA = Path(__file__).parent / "data"
KEY_GROUPS = ("aleppo:killed:offensive", "aleppo:remaining:doctors", "ludian:killed", "ludian:injured",
              "toba:missing", "toba:killed", "cebu:killed", "cebu:injured")


@dataclass(frozen=True)
class GoldFigure:
    """One labelled figure."""

    event: str
    doc: str
    start: int
    end: int
    phrase: str
    scope: str
    places: tuple[str | None, ...]
    group: str


@dataclass(frozen=True)
class Gold:
    """The labelled figures, group statuses, events and split."""

    figures: tuple[GoldFigure, ...]
    status: dict[str, str]
    events: dict[str, tuple[str, ...]]
    held_out: tuple[str, ...]


def load_gold(path: Path) -> Gold:
    """Read the gold JSONL."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    figures = tuple(GoldFigure(r["event"], r["doc"], r["start"], r["end"], r["phrase"], r["scope"],
                               tuple(r["places"]), r["group"]) for r in rows if r["kind"] == "figure")
    status = {r["group"]: r["status"] for r in rows if r["kind"] == "group"}
    events = {r["event"]: tuple(r["docs"]) for r in rows if r["kind"] == "event"}
    split = next(r for r in rows if r["kind"] == "split")
    return Gold(figures, status, events, tuple(split["held_out"]))


def run_system(corpus: Path, seeds: Path, gold: Gold) -> tuple[tuple[Figure, ...], tuple[Any, ...]]:
    """Extract figures from both corpora and find discrepancies with one story per gold event."""
    loaded = load_corpus([str(seeds), str(corpus)])
    documents = [segment_document(d) for d in loaded.documents]
    figures = extract_figures(documents)
    dates = {d.id: d.date for d in loaded.documents}
    stories = tuple(Story(f"story-{n}", docs, *_date_span([dates.get(d) for d in docs]))
                    for n, (event, docs) in enumerate(sorted(gold.events.items()), 1))
    return figures, find_discrepancies(figures, stories)


def _date_span(dates: list[Any]) -> tuple[Any, Any]:
    known = sorted(d for d in dates if d is not None and not isinstance(d, str))
    return (known[0], known[-1]) if known else (None, None)


def match(gold: Gold, figures: Sequence[Figure]) -> dict[int, int]:
    """Gold index -> system figure index, by overlapping span in the same document."""
    by_doc: dict[str, list[int]] = {}
    for i, f in enumerate(figures):
        by_doc.setdefault(f.doc, []).append(i)
    found = {}
    for g, label in enumerate(gold.figures):
        for i in by_doc.get(label.doc, []):
            if figures[i].start < label.end and label.start < figures[i].end:
                found[g] = i
                break
    return found


@dataclass
class Scores:
    """The numbers of one part of the split."""

    name: str
    conflicts: int = 0
    real: int = 0
    mixed: int = 0
    gold_conflicts: int = 0
    found_conflicts: int = 0
    status_right: int = 0
    status_total: int = 0
    update_right: int = 0
    update_total: int = 0
    scope_right: int = 0
    scope_stated: int = 0
    scope_stated_right: int = 0
    place_right: int = 0
    matched: int = 0
    labelled: int = 0


def score(gold: Gold, figures: Sequence[Figure], groups: Sequence[Any], events: set[str],
          name: str) -> tuple[Scores, list[str]]:
    """Score the discrepancies of ``events``; return the scores and one line per error."""
    s = Scores(name)
    notes: list[str] = []
    matched = match(gold, figures)
    group_of = {matched[g]: gold.figures[g].group for g in matched}
    docs = {d for e in events for d in gold.events[e]}
    mine = [d for d in groups if figures[d.figures[0]].doc in docs]
    for d in mine:
        if d.status != "conflict":
            continue
        s.conflicts += 1
        labelled = {group_of[i] for i in d.figures if i in group_of}
        unlabelled = [i for i in d.figures if i not in group_of]
        real = len(labelled) == 1 and gold.status.get(next(iter(labelled))) == "conflict" and not unlabelled
        s.real += real
        s.mixed += len(labelled) > 1
        if not real:
            notes.append(f"  false conflict: {_show(d, figures, group_of)}")
    _status_and_recall(s, gold, figures, mine, matched, events, notes)
    _figures(s, gold, figures, matched, events, notes)
    return s, notes


def _status_and_recall(s: Scores, gold: Gold, figures: Sequence[Figure], mine: list[Any],
                       matched: dict[int, int], events: set[str], notes: list[str]) -> None:
    for group, status in sorted(gold.status.items()):
        members = [g for g, f in enumerate(gold.figures) if f.group == group and f.event in events]
        if not members or status == "single":
            continue
        found = {matched[g] for g in members if g in matched}
        best = max(mine, key=lambda d: len(found & set(d.figures)), default=None)
        got = best.status if best is not None and found & set(best.figures) else "none"
        s.status_total += 1
        s.status_right += got == status
        if status == "update":
            s.update_total += 1
            s.update_right += got == "update"
        if status == "conflict":
            s.gold_conflicts += 1
            s.found_conflicts += got == "conflict"
        if got != status:
            notes.append(f"  status of {group}: expected {status}, got {got}")


def _figures(s: Scores, gold: Gold, figures: Sequence[Figure], matched: dict[int, int], events: set[str],
             notes: list[str]) -> None:
    for g, label in enumerate(gold.figures):
        if label.event not in events:
            continue
        s.labelled += 1
        if g not in matched:
            notes.append(f"  not extracted: {label.doc} '{label.phrase}'")
            continue
        figure = figures[matched[g]]
        s.matched += 1
        scope = getattr(figure, "scope", None)
        s.scope_right += scope == label.scope
        s.scope_stated += scope is not None
        s.scope_stated_right += scope is not None and scope == label.scope
        place_ok = _place_ok(figure.place, label.places)
        s.place_right += place_ok
        if not place_ok:
            expected = list(label.places)
            notes.append(f"  place of {label.doc} '{label.phrase}': expected {expected}, got {figure.place!r}")
        if scope is not None and scope != label.scope:
            notes.append(f"  scope of {label.doc} '{label.phrase}': expected {label.scope}, got {scope}")


def _place_ok(place: str | None, allowed: tuple[str | None, ...]) -> bool:
    if place is None:
        return None in allowed
    norm = _norm(place)
    return any(a is not None and _norm(a) == norm for a in allowed)


def _norm(place: str) -> str:
    words = place.lower().replace("\u2019", "'").split()
    return " ".join(w for w in words if w != "the")


def _show(d: Any, figures: Sequence[Figure], group_of: dict[int, str]) -> str:
    parts = [f"{figures[i].text!r} {figures[i].doc}[{group_of.get(i, 'unlabelled')}]" for i in d.figures]
    return f"{d.measure} {d.what} {d.place}: " + ", ".join(parts)


def grouping(gold: Gold, figures: Sequence[Figure], groups: Sequence[Any], reasons: bool = True) -> list[str]:
    """For the key groups: outlets gathered by the best reported group, with its range, status and reason."""
    matched = match(gold, figures)
    lines = ["| gold group | gold status | outlets | best group: outlets | status | low / best / high |",
             "|---|---|---:|---:|---|---|"]
    for group in KEY_GROUPS:
        members = [g for g, f in enumerate(gold.figures) if f.group == group]
        outlets = {figures[matched[g]].outlet for g in members if g in matched}
        all_outlets = {_outlet(gold, figures, g) for g in members}
        found = {matched[g] for g in members if g in matched}
        best = max(groups, key=lambda d: len(found & set(d.figures)), default=None)
        if best is None or not found & set(best.figures):
            lines.append(f"| {group} | {gold.status[group]} | {len(all_outlets)} | 0 | none | - |")
            continue
        covered = {figures[i].outlet for i in found & set(best.figures)}
        best_value = getattr(best, "best", None)
        rng = f"{best.low} / {best_value if best_value is not None else '-'} / {best.high}"
        lines.append(f"| {group} | {gold.status[group]} | {len(all_outlets)} | {len(covered)} (of {len(outlets)} "
                     f"extracted) | {best.status} | {rng} |")
        if reasons:
            lines.append(f"|  | reason: {best.reason} |")
    return lines


def _outlet(gold: Gold, figures: Sequence[Figure], g: int) -> str:
    doc = gold.figures[g].doc
    return next((f.outlet for f in figures if f.doc == doc), doc)


def render(parts: list[Scores]) -> list[str]:
    """The scores table."""
    lines = ["| events | conflicts reported | real (precision) | mixing gold groups | conflict recall "
             "| status right | update accuracy | scope right (of stated) | place right | extracted |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in parts:
        lines.append(
            f"| {s.name} | {s.conflicts} | {s.real} ({_ratio(s.real, s.conflicts)}) | {s.mixed} "
            f"| {s.found_conflicts}/{s.gold_conflicts} | {s.status_right}/{s.status_total} "
            f"({_ratio(s.status_right, s.status_total)}) | {s.update_right}/{s.update_total} "
            f"({_ratio(s.update_right, s.update_total)}) | {s.scope_right}/{s.matched} ({s.scope_stated_right}/"
            f"{s.scope_stated}) | {s.place_right}/{s.matched} "
            f"({_ratio(s.place_right, s.matched)}) | {s.matched}/{s.labelled} |")
    return lines


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def main(argv: list[str] | None = None) -> int:
    """Score the discrepancies and the fresh phrase set; print the tables and every error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/multi-outlet/articles.jsonl"))
    parser.add_argument("--seeds", type=Path, default=Path("data"))
    parser.add_argument("--gold", type=Path, default=DATA / "figure_groups.jsonl")
    parser.add_argument("--phrases", type=Path, nargs="+",
                        default=[DATA / "figure_phrases_holdout7.jsonl", DATA / "figure_phrases_holdout5.jsonl",
                                 DATA / "figure_phrases_holdout6.jsonl"])
    parser.add_argument("--never-tuned", nargs="+", default=["figure_phrases_holdout7.jsonl"],
                        help="File names of the phrase sets never tuned on (the others print as tuned).")
    parser.add_argument("--errors", choices=("all", "tuned", "none"), default="all",
                        help="Which errors to print; 'none' prints the scores only, no sentence and no reason "
                             "(for sessions that must not read some events).")
    args = parser.parse_args(argv)
    gold = load_gold(args.gold)
    figures, groups = run_system(args.corpus, args.seeds, gold)
    held = set(gold.held_out)
    tuned = set(gold.events) - held
    results = [score(gold, figures, groups, tuned, "tuned on: " + ", ".join(sorted(tuned))),
               score(gold, figures, groups, held, "held out: " + ", ".join(sorted(held)))]
    print("\n".join(render([r[0] for r in results])))
    print()
    print("\n".join(grouping(gold, figures, groups, reasons=args.errors != "none")))
    misses: list[str] = []
    for path in args.phrases:
        labels = load_labels(path)
        positives = sum(label.figure for label in labels)
        phrase = evaluate(labels, "dedupe", ours, misses)
        rejected = f"{phrase.rejected}/{len(labels) - positives}"
        kind = "never-tuned" if path.name in args.never_tuned else "tuned"
        print(f"\nFigure exact match, {kind} set {path.name}: {phrase.exact / positives:.3f} "
              f"({phrase.exact}/{positives}); non-figures rejected {rejected}")
    statuses = Counter(d.status for d in groups)
    print(f"Groups reported: {len(groups)} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))})")
    for result in {"all": results, "tuned": results[:1], "none": []}[args.errors]:
        print(f"\nErrors, {result[0].name}:")
        print("\n".join(result[1]) or "  none")
    if args.errors == "all":
        print("\nPhrase misses:")
        print("\n".join("  " + m for m in misses) or "  none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
