"""Run every command's stages in order, each under a timer: load -> segment -> scan / compare / figures.

Each command has one entry point over one frozen config: :func:`run_scan` (:class:`ScanConfig`),
:func:`run_compare` (:class:`CompareRunConfig`), :func:`run_figures` (:class:`FiguresConfig`) and
:func:`run_report` (:class:`ReportConfig`); each returns a typed result whose :attr:`findings` counts
what ``--fail-on`` asks about. The CLI calls these functions; they never print. A ``progress``
callable lets the caller show a progress bar: it receives a stage label and a sequence and returns an
iterable over the same items. A ``warn`` callable receives each skipped input before the run goes on.

:mod:`~dedupe.pipeline.stages` holds each command's run, :mod:`~dedupe.pipeline.report` ``dedupe report``'s.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["FINDING_KINDS", "ONE_OUTLET_NOTE", "REPORT_STAGES", "CompareRun", "CompareRunConfig", "CorpusSummary",
           "FiguresConfig", "FiguresRun", "PreparedCorpus", "ReportConfig", "ReportResult", "ScanRun", "StageTimer",
           "Warn", "count_findings", "load_checked", "prepare", "run_compare", "run_figures", "run_report", "run_scan",
           "run_scan_spark", "skipped_records", "summarize"]


if TYPE_CHECKING:
    from dedupe.pipeline.load import Warn, load_checked, skipped_records
    from dedupe.pipeline.report import ONE_OUTLET_NOTE, REPORT_STAGES, ReportConfig, ReportResult, run_report
    from dedupe.pipeline.stages import (FINDING_KINDS, CompareRun, CompareRunConfig, CorpusSummary, FiguresConfig,
                                        FiguresRun, PreparedCorpus, ScanRun, count_findings, prepare, run_compare,
                                        run_figures, run_scan, run_scan_spark, summarize)
    from dedupe.runtime import StageTimer

def __getattr__(name: str) -> Any:
    """Each name loaded on first use from the first module that has it, light to heavy (``dedupe index add`` reads
    only ``load_checked``: the other commands' configs and results are not loaded; report imports stages anyway)."""
    if name in __all__:
        for module in ("dedupe.runtime", "dedupe.pipeline.load", "dedupe.pipeline.stages", "dedupe.pipeline.report"):
            found = importlib.import_module(module)
            if hasattr(found, name):
                return getattr(found, name)
    raise AttributeError(f"module 'dedupe.pipeline' has no attribute {name!r}")
