"""A week of a CI job's life with ``dedupe index`` and ``scan --against``, checked end to end.

Seven daily folders ``day1/batch.jsonl`` ... ``day7/batch.jsonl`` are built from a Reuters-style JSON Lines corpus
(``id, source, date, title, text``; the first seven days with ``--per-day`` articles), with what a scraper does
planted in them: a paragraph doubled in one article (day 1, so that its ``--fail-on`` must trip), an exact
re-scrape under its id (day 2), the same id and the same url (an outlet whose scraper writes no id) with an edited
text (day 3), a paragraph doubled in one article (day 4), articles of another outlet
copying two paragraphs of an earlier day's article with a wire credit three ways and without one, and one whose
copied paragraph says "told Reuters" (day 5), a broken JSON line, an empty text and records with neither id nor url
at the same line of two folders (days 6 and 7), non-ASCII text with a doubled paragraph (day 7). Then the job runs as
a CI would, each command a whole process: day 1 ``scan`` and ``index add``; days 2-7 ``scan --against`` (text),
then ``scan --against --add --format json``; ``index info``; then one ``index add`` of the whole week into a second
file (a backfill), and ``index remove --before`` day 3 (retention) with a rescan of day 5.

Each check prints ``ok`` or ``FAILED`` with what it saw; the exit status is 1 when one fails. ``--replay`` runs the
week a second time from scratch and compares every output and both index files byte for byte. (Not here, being a
matter of timing: a ``scan --against`` while an ``index add`` writes, which must see one commit's state.)

    python -m benchmarks.ci_week --corpus ../shared/corpora/reuters21578.jsonl --work /tmp/ci_week --replay
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe.corpus.dates import parse_date

DAYS = 7
FAIL_ON = ["--fail-on", "repeat", "--fail-on", "near-duplicate", "--fail-on", "reuse"]
LEDGER = "Daily Ledger"
#: How the day 5 copies open (the wire credit they carry, or none) and the credit each should be found with.
INTROS = (("Markets were watching closely. (Reuters) reports that", "(Reuters)"),
          ("By Ledger staff -Reuters", "-Reuters"),
          ("Traders were cautious, according to Reuters.", "according to Reuters"),
          ("Traders were cautious, as analysts noted.", ""))
UNICODE = ("ZÜRICH, 11. März — Die Schweizerische Nationalbank ließ die Zinsen unverändert, sagte ein Sprecher "
           "am Mittwoch in Zürich.", "« Nous restons prudents », a déclaré le porte-parole à São Paulo ; "
           "les marchés 株式 ont réagi calmement.", "Die Händler erwarten keine Änderung vor dem Sommer, und die "
           "Banken halten ihre Prognosen für das laufende Jahr unverändert bei zwei Prozent.")
Record = dict[str, Any]


@dataclass
class Week:
    """The built week and what was planted in it.

    Attributes:
        days: Each day's records, in file order (the broken line is not among them).
        plants: What each check expects: ids, urls, texts.
    """

    days: list[list[Record]]
    plants: dict[str, Any] = field(default_factory=dict)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a Reuters-21578 text (each starts on a line indented by four spaces)."""
    return [p for p in text.split("\n    ") if p.strip()]


def _day(record: Record) -> str:
    """The ISO date of a record, read by the tool's own date parser (as ``dedupe index`` reads it).

    Raises:
        ValueError: The record's date is not one.
    """
    day = parse_date(record["date"])
    if day is None:
        raise ValueError(f"not a date: {record['date']!r}")
    return day.isoformat()


def build(corpus: Path, per_day: int) -> Week:
    """The week's records from the corpus (read, never copied whole) with the plants (see the module docstring)."""
    by_day: dict[str, list[Record]] = {}
    for line in corpus.open(encoding="utf-8"):
        record = json.loads(line)
        by_day.setdefault(_day(record), []).append(record)
    dates = [d for d in sorted(by_day) if len(by_day[d]) >= per_day][:DAYS]
    months_later = (dt.date.fromisoformat(dates[-1]) + dt.timedelta(days=60)).isoformat()
    later = [r for d in sorted(by_day) if d > months_later for r in by_day[d] if len(paragraphs(r["text"])) > 2]
    days = [[_reuters(r, d) for r in by_day[d][:per_day]] for d in dates]
    week = Week(days)
    for n, date in enumerate(dates):  # the Ledger's own stories, from months later: no text shared with the week
        days[n] += [_ledger(f"{n}{k}", date, r["text"]) for k, r in enumerate(later[2 * n:2 * n + 2])]
    _plant_identities(week)
    _plant_copies(week, dates)
    _plant_bad_input(week, dates)
    return week


def _reuters(record: Record, date: str) -> Record:
    return {"id": record["id"], "source": "Reuters", "date": record["date"], "title": record.get("title", ""),
            "url": f"https://www.reuters.com/{date.replace('-', '/')}/{record['id']}", "text": record["text"]}


def _ledger(name: str, date: str, text: str) -> Record:
    """A story of an outlet whose scraper writes no id, only the url (its identity)."""
    return {"outlet": LEDGER, "date": f"{date}T09:00:00", "url": f"https://ledger.example/{date}/{name}", "text": text}


def _plant_identities(week: Week) -> None:
    days, plants = week.days, week.plants
    days[1].insert(3, dict(days[0][1]))  # an exact re-scrape under its id
    plants["rescrape"] = days[0][1]["id"]
    ledger = next(r for r in days[0] if "url" in r and "id" not in r)
    days[2].append(dict(ledger, text=ledger["text"] + "\n    (Corrects a figure in the second paragraph.)"))
    corrected = dict(days[1][5], text=days[1][5]["text"] + "\n    CORRECTION: the company later revised the figure.")
    days[2].insert(4, corrected)
    plants["versions"] = [corrected["id"], ledger["url"]]
    # Day 1's doubled article is not the one day 2 re-scrapes (a re-scrape of it would repeat the paragraph too).
    plants["doubled"] = [_double(r for r in days[0] if r is not days[0][1]), _double(iter(days[3]))]


def _double(records: Iterator[Record]) -> list[str]:
    """Double the third paragraph of the first of ``records`` with an id and four paragraphs or more; return its id
    and that paragraph."""
    doubled = next(r for r in records if "id" in r and len(paragraphs(r["text"])) >= 4)
    parts = paragraphs(doubled["text"])
    doubled["text"] = "\n    ".join(parts[:3] + [parts[2]] + parts[3:])
    return [doubled["id"], parts[2]]


def _plant_copies(week: Week, dates: list[str]) -> None:
    """Day 5: copies of two paragraphs of day 2-3 articles, credited as ``INTROS`` says; and a copy of a paragraph
    that says "told Reuters" itself, without credit, when the corpus has one."""
    earlier = week.days[1] + week.days[2]
    sources = [r for r in earlier if "id" in r and len(paragraphs(r["text"])) >= 4][:len(INTROS)]
    copies = []
    for n, (source, (intro, found)) in enumerate(zip(sources, INTROS)):
        parts = paragraphs(source["text"])
        copies.append((_ledger(f"copy{n}", dates[4], "\n    ".join([intro, parts[1], parts[2], f"Dealer note {n}."])),
                       source["id"], found))
    told = next((r for r in earlier if "id" in r and r not in sources and any(
        "told Reuters" in p for p in paragraphs(r["text"])[1:])), None)
    if told is not None:
        quoted = next(p for p in paragraphs(told["text"])[1:] if "told Reuters" in p)
        copies.append((_ledger("told", dates[4], f"Traders were quiet.\n    {quoted}\n    Dealer note told."),
                       told["id"], ""))
    week.days[4] += [record for record, _, _ in copies]
    week.plants["copies"] = [[record["url"], source, found] for record, source, found in copies]


def _plant_bad_input(week: Week, dates: list[str]) -> None:
    for n in (5, 6):  # a record with neither id nor url, at line 4 of two folders' batch.jsonl
        week.days[n].insert(3, {"source": "Wire Feed", "date": dates[n],
                                "text": f"Feed notice of {dates[n]}: " + paragraphs(week.days[n][0]["text"])[0]})
    week.days[5].insert(6, {"id": "empty-1", "source": "Wire Feed", "date": dates[5], "text": ""})
    week.days[6].append(_ledger("unicode", dates[6], "\n    ".join(UNICODE + UNICODE[2:])))
    week.plants["unicode"] = f"https://ledger.example/{dates[6]}/unicode"


def write(week: Week, folder: Path) -> None:
    """The daily folders under ``folder``; day 6 gets a broken JSON line as its line 9."""
    for n, records in enumerate(week.days):
        lines = [json.dumps(r, ensure_ascii=False) for r in records]
        if n == 5:
            lines.insert(8, '{"id": "broken-1", "text": "cut off here')
        (folder / f"day{n + 1}").mkdir(parents=True, exist_ok=True)
        (folder / f"day{n + 1}" / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _dedupe(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dedupe", *args], cwd=folder, capture_output=True, text=True,
                          check=False)


def run_week(folder: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """The CI job of each day, then retention and a backfill, in ``folder`` (outputs under ``out/``)."""
    shutil.rmtree(folder / "out", ignore_errors=True)
    for old in ("hist.db", "hist.db-wal", "hist.db-shm", "backfill.db"):
        (folder / old).unlink(missing_ok=True)
    (folder / "out").mkdir()
    # Day 1 makes the index with `index add`: `scan --against` needs one (a missing index is an error, status 2).
    runs = {"scan1": _dedupe(folder, "scan", "day1/", *FAIL_ON, "--format", "json", "-o", "out/day1.json"),
            "add1": _dedupe(folder, "index", "add", "hist.db", "day1/")}
    for n in range(2, DAYS + 1):
        runs[f"text{n}"] = _dedupe(folder, "scan", f"day{n}/", "--against", "hist.db", *FAIL_ON,
                                   "-o", f"out/day{n}.txt")
        runs[f"json{n}"] = _dedupe(folder, "scan", f"day{n}/", "--against", "hist.db", "--add", *FAIL_ON,
                                   "--format", "json", "-o", f"out/day{n}.json")
        runs[f"info{n}"] = _dedupe(folder, "index", "info", "hist.db", "--format", "json")
    third = _day_of(folder, 3)
    runs["backfill"] = _dedupe(folder, "index", "add", "backfill.db", *[f"day{n}/" for n in range(1, DAYS + 1)])
    shutil.copyfile(folder / "hist.db", folder / "out" / "week.db")  # the week's index, before the retention
    runs["remove"] = _dedupe(folder, "index", "remove", "hist.db", "--before", third)
    runs["retained"] = _dedupe(folder, "scan", "day5/", "--against", "hist.db", "--format", "json", "-o",
                               "out/retained.json")
    runs["info_after"] = _dedupe(folder, "index", "info", "hist.db", "--format", "json")
    return runs


def _day_of(folder: Path, n: int) -> str:
    """The ISO date of day ``n`` (its first record's)."""
    first = json.loads((folder / f"day{n}" / "batch.jsonl").read_text(encoding="utf-8").splitlines()[0])
    return _day(first)


# --- the checks ---------------------------------------------------------------------------------------------------

Check = tuple[str, bool, str]


def _json(folder: Path, name: str) -> dict[str, Any]:
    return json.loads((folder / "out" / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _docs(finding: dict[str, Any]) -> set[str]:
    return {o["doc"] for o in finding["occurrences"]}


def check_exits(week: Week, folder: Path, runs: dict[str, subprocess.CompletedProcess[str]]) -> Check:
    """--fail-on trips (status 1) exactly when a finding of its kinds involves the batch (day 1's doubled paragraph:
    it must); text and JSON agree; day 1's ``index add`` succeeds."""
    wrong = [] if runs["add1"].returncode == 0 else [f"day1 index add: exit {runs['add1'].returncode}"]
    for n in range(1, DAYS + 1):
        found = _json(folder, f"day{n}.json")
        batch = set(found["against"]["batch"]) if n > 1 else {r.get("id") or r["url"] for r in week.days[0]}
        if any(not _docs(f) & batch for f in found["findings"]):
            wrong.append(f"day{n}: a finding without a batch document")
        expected = int(any(f["kind"] in ("repeat", "near_duplicate", "reuse") for f in found["findings"]))
        codes = [runs["scan1"].returncode] if n == 1 else [runs[f"text{n}"].returncode, runs[f"json{n}"].returncode]
        if codes != [expected] * len(codes):
            wrong.append(f"day{n}: exit {codes}, expected {expected}")
    return "exit codes, --fail-on on the batch only", not wrong, "; ".join(wrong) or "7 days, text and JSON alike"


def _originals(week: Week, folder: Path) -> dict[str, list[str]]:
    """Texts by every name a finding may give a document: id, url, derived id, full path and line."""
    texts: dict[str, list[str]] = {}
    for n, records in enumerate(week.days):
        path = (folder / f"day{n + 1}" / "batch.jsonl").resolve()
        for line, record in enumerate(records, 1):
            line += int(n == 5 and line >= 9)  # the broken line 9 of day 6 is not among the records
            names = [record.get("id") or record.get("url") or f"{path}:{line}"]
            if "id" not in record and "url" not in record:
                names += [f"batch:{line}"]
            for name in names:
                texts.setdefault(name, []).append(record["text"])
    return texts


def check_offsets(week: Week, folder: Path) -> Check:
    """Every occurrence's text is its document's original text sliced at its offsets; history entries are whole."""
    texts, bad, count = _originals(week, folder), [], 0
    for n in range(2, DAYS + 1):
        found = _json(folder, f"day{n}.json")
        for finding in found["findings"]:
            for o in finding["occurrences"]:
                count += 1
                name = re.sub(r"~(batch|v\d+)$", "", o["doc"])
                if not any(t[o["start"]:o["end"]] == o["text"] for t in texts.get(name, [])):
                    bad.append(f"day{n} {o['doc']} [{o['start']}:{o['end']}]")
        for doc, entry in found["history"].items():
            if not (entry["outlet"] and entry["date"] and (entry["url"] or doc.startswith(("batch:", "/")))):
                bad.append(f"day{n} history {doc}: {entry}")
    return "offsets and history entries", not bad, "; ".join(bad[:3]) or f"{count} occurrences sliced"


def check_identity(week: Week, folder: Path, runs: dict[str, subprocess.CompletedProcess[str]]) -> Check:
    """Re-scrape unchanged and a finding; two new versions, each a near-duplicate of the earlier one, named in the
    ``--add`` report by the id they are stored under (``ID~v2``)."""
    wrong = []
    rescrape, versions = week.plants["rescrape"], week.plants["versions"]
    if ", 1 unchanged, 0 new versions" not in runs["json2"].stderr:
        wrong.append("day 2 add: " + runs["json2"].stderr.strip().splitlines()[-2])
    if not any(_docs(f) == {rescrape, rescrape + "~batch"} for f in _json(folder, "day2.json")["findings"]):
        wrong.append("no near-duplicate of the re-scrape")
    for name in versions:
        if f"new version {name}~v2 of {name}" not in runs["json3"].stderr:
            wrong.append(f"no new version of {name}")
        if not any(f["kind"] == "near_duplicate" and _docs(f) == {name, name + "~v2"}
                   for f in _json(folder, "day3.json")["findings"]):
            wrong.append(f"no near-duplicate of {name}")
    return "identity: unchanged, new versions", not wrong, "; ".join(wrong) or "day 2: 1 unchanged; day 3: 2 versions"


def check_repeats(week: Week, folder: Path) -> Check:
    """The doubled paragraphs (days 1 and 4; day 7, non-ASCII) are repeat findings."""
    wrong = []
    first, fourth = week.plants["doubled"]
    for day, doc, paragraph in ((1, *first), (4, *fourth), (7, week.plants["unicode"], UNICODE[2])):
        if not any(f["kind"] == "repeat" and _docs(f) == {doc} and all(o["text"] in paragraph for o in f["occurrences"])
                   for f in _json(folder, f"day{day}.json")["findings"]):
            wrong.append(f"day {day}: no repeat in {doc}")
    return "doubled paragraphs", not wrong, "; ".join(wrong) or "days 1 and 4, day 7 (non-ASCII)"


def check_credits(week: Week, folder: Path) -> Check:
    """Each day 5 copy: origin the copied article, credited as planted."""
    found, wrong = _json(folder, "day5.json"), []
    origins = {o["finding"]: o for o in found["origins"]}
    for url, source, credit in week.plants["copies"]:
        seen = [(r["credited"], r["credit"]) for n, f in enumerate(found["findings"]) if {url, source} <= _docs(f)
                for r in origins[n]["reuses"] if origins[n]["doc"] == source and r["doc"] == url]
        if not seen or set(seen) != {(bool(credit), credit)}:
            wrong.append(f"{url.rsplit('/', 1)[1]}: {sorted(set(seen))}, expected {(bool(credit), credit)}")
    return "origins and credits", not wrong, "; ".join(wrong) or f"{len(week.plants['copies'])} copies"


def check_input(folder: Path, runs: dict[str, subprocess.CompletedProcess[str]]) -> Check:
    """Bad lines are one warning each, naming file and line, and counted; the rest of day 6 is added."""
    stderr, wrong = runs["json6"].stderr, []
    for where in ("day6/batch.jsonl:7: no text", "day6/batch.jsonl:9: truncated or invalid JSON"):
        if f"warning: {where}" not in stderr:
            wrong.append(f"no warning {where}")
    if len(_json(folder, "day6.json")["skipped"]) != 2 or "; 2 inputs not loaded" not in stderr:
        wrong.append("skipped inputs not counted")
    renamed = _json(folder, "day7.json")["against"]["renamed"]
    if renamed != [{"id": "batch:4", "as": f"{(folder / 'day7' / 'batch.jsonl').resolve()}:4"}]:
        wrong.append(f"day 7 renamed {renamed}")
    return "bad input, derived ids of two folders", not wrong, "; ".join(wrong) or "2 warnings; batch:4 by its path"


def check_retention(folder: Path, runs: dict[str, subprocess.CompletedProcess[str]]) -> Check:
    """After ``remove --before`` no earlier document is named; info agrees with what was removed."""
    before, after = json.loads(runs["info7"].stdout), json.loads(runs["info_after"].stdout)
    removed = int(runs["remove"].stdout.split("removed ")[1].split()[0])
    cut = _day_of(folder, 3)
    named = [d for d, e in _json(folder, "retained.json")["history"].items() if e["date"] < cut]
    ok = not named and after["documents"] == before["documents"] - removed and after["first_date"] >= cut
    return "retention", ok, f"removed {removed} before {cut}; {after['documents']} left; earlier named: {named[:3]}"


def _rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as connection:  # read only: no -wal, -shm files
        return connection.execute("SELECT key, version, digest, CASE WHEN key = id OR id LIKE key || '~v%' "
                                  "THEN id END FROM docs ORDER BY seq").fetchall()


def check_backfill(folder: Path) -> Check:
    """One ``index add`` of the whole week stores what the daily adds stored (identity keys, versions, texts)."""
    daily, once = _rows(folder / "out" / "week.db"), _rows(folder / "backfill.db")
    return "one add of the week = daily adds", daily == once, f"{len(daily)} and {len(once)} documents"


def _files(folder: Path) -> Iterator[Path]:
    yield from sorted((folder / "out").iterdir())
    yield folder / "hist.db"
    yield folder / "backfill.db"


def replayed(folder: Path) -> Check:
    """The week run again from scratch gives the same bytes: every output, both index files."""
    kept = {path.name: path.read_bytes() for path in _files(folder)}
    run_week(folder)
    again = {path.name: path.read_bytes() for path in _files(folder)}
    differ = sorted(name for name in kept.keys() | again.keys() if kept.get(name) != again.get(name))
    return "replay byte for byte", not differ, f"differ: {differ}" if differ else f"{len(kept)} files identical"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the week, run it, print one line per check; 1 when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, required=True, help="Reuters-style JSON Lines")
    parser.add_argument("--work", type=Path, required=True, help="Folder for the week (its day folders replaced)")
    parser.add_argument("--per-day", type=int, default=250, help="Articles a day")
    parser.add_argument("--replay", action="store_true", help="Run the week twice and compare the bytes")
    args = parser.parse_args(argv)
    week = build(args.corpus, args.per_day)
    args.work.mkdir(parents=True, exist_ok=True)
    write(week, args.work)
    runs = run_week(args.work)
    checks = [check_exits(week, args.work, runs), check_offsets(week, args.work), check_identity(week, args.work, runs),
              check_repeats(week, args.work), check_credits(week, args.work), check_input(args.work, runs),
              check_retention(args.work, runs), check_backfill(args.work)]
    if args.replay:
        checks.append(replayed(args.work))
    for name, ok, detail in checks:
        print(f"{name:<42} {'ok' if ok else 'FAILED':<7} {detail}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
