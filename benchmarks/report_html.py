"""How long ``dedupe report`` takes on a few hundred real articles, and how the HTML page fares in a browser.

Reads the first ``--docs`` articles of a JSONL corpus (Reuters-21578 by default: one outlet, so each
article is given one of ``--outlets`` made-up outlet names, round robin, to exercise the cross-outlet
sections), runs every stage once, then renders the HTML report and, in the same run, a baseline page
holding only the escaped texts (the least any full-text report must do). With Debian's Chromium
installed it loads both pages from disk headless and reports load time and DOM size.

Usage:
    .venv/bin/python -m benchmarks.report_html --corpus ../shared/corpora/reuters21578.jsonl --docs 300
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from dedupe.pipeline import REPORT_STAGES, ReportConfig, StageTimer, run_report
from dedupe.report.combined import counts, report_dict
from dedupe.report.html import render_html


def _sample(corpus: Path, docs: int, outlets: int, folder: Path) -> Path:
    lines = []
    with corpus.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= docs:
                break
            record = json.loads(line)
            record["source"] = f"Outlet {number % outlets + 1:02d}"
            lines.append(json.dumps(record))
    path = folder / "sample.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _baseline(documents: Any) -> str:
    body = "".join(f"<article><h2>{html.escape(d.doc.id)}</h2><pre>{html.escape(d.doc.text)}</pre></article>"
                   for d in documents)
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>texts</title></head><body>{body}</body></html>"


def _timed(func: Any, repeat: int = 3) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - began)
    return statistics.median(times), value


def _browser_load(paths: list[Path]) -> list[dict[str, float]]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return []
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1400",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='bench-chromium-')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    results = []
    try:
        for path in paths:
            samples = []
            for _ in range(3):
                driver.get("about:blank")
                driver.get(path.as_uri())
                samples.append(driver.execute_script(
                    "var t = performance.getEntriesByType('navigation')[0];"
                    "return [t.domContentLoadedEventEnd, t.loadEventEnd, document.getElementsByTagName('*').length]"))
            results.append({"dom_ready_ms": statistics.median(s[0] for s in samples),
                            "load_ms": statistics.median(s[1] for s in samples), "elements": samples[0][2]})
    finally:
        driver.quit()
    return results


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="JSONL corpus (id, source, date, title, text)")
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--outlets", type=int, default=12)
    parser.add_argument("--skip", action="append", default=[], choices=REPORT_STAGES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        sample = _sample(args.corpus, args.docs, args.outlets, folder)
        timer = StageTimer()
        config = ReportConfig(stages=tuple(s for s in REPORT_STAGES if s not in args.skip),
                              cache_dir=folder / "cache")
        result = run_report([str(sample)], config=config, timer=timer)
        document = report_dict(result)
        ours_s, page = _timed(lambda: render_html(document, result.prepared.documents))
        base_s, base = _timed(lambda: _baseline(result.prepared.documents))
        ours_path, base_path = folder / "report.html", folder / "baseline.html"
        ours_path.write_text(page, encoding="utf-8")
        base_path.write_text(base, encoding="utf-8")
        loads = _browser_load([base_path, ours_path])
        n = counts(document)
        print(f"corpus: {args.corpus} ({len(result.prepared.documents)} documents, {args.outlets} outlets)")
        print("stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items()))
        print(f"findings: {n['repeat']} repeat, {n['reuse']} reuse, {n['near_duplicate']} near-duplicate, "
              f"{n['agreement']} agreement, {n['divergence']} divergence, {n['unique']} unique, "
              f"{n['figures']} figures, {n['conflict']} conflicts")
        print()
        print(f"{'page':<10} {'render s':>9} {'size MB':>8} {'DOM ready ms':>13} {'load ms':>8} {'elements':>9}")
        for name, seconds, text, load in (("baseline", base_s, base, loads[0] if loads else None),
                                          ("report", ours_s, page, loads[1] if loads else None)):
            browser = (f"{load['dom_ready_ms']:>13.0f} {load['load_ms']:>8.0f} {load['elements']:>9.0f}"
                       if load else f"{'-':>13} {'-':>8} {'-':>9}")
            print(f"{name:<10} {seconds:>9.3f} {len(text.encode()) / 1e6:>8.2f} {browser}")
        if loads:
            print(f"\nreport / baseline load time: {loads[1]['load_ms'] / max(loads[0]['load_ms'], 1):.1f}x")


if __name__ == "__main__":
    main()
