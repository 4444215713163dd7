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

#: Where each public name lives, read on first use (:func:`__getattr__`): ``dedupe index add`` reads only
#: ``load_checked``, so the other commands' configs and results are not loaded (report imports stages anyway).
_HOME = {name: module for module, names in (
    ("dedupe.runtime", ("StageTimer",)),
    ("dedupe.pipeline.load", ("Warn", "load_checked", "skipped_records")),
    ("dedupe.pipeline.stages", ("FINDING_KINDS", "CompareRun", "CompareRunConfig", "CorpusSummary", "FiguresConfig",
                                "FiguresRun", "PreparedCorpus", "ScanRun", "count_findings", "prepare",
                                "run_compare", "run_figures", "run_scan", "run_scan_spark", "summarize")),
    ("dedupe.pipeline.report", ("ONE_OUTLET_NOTE", "REPORT_STAGES", "ReportConfig", "ReportResult", "run_report")),
) for name in names}

__all__ = sorted(_HOME)

if TYPE_CHECKING:  # the same names for type checkers (``X as X``: re-exported), not loaded at run time
    from dedupe.pipeline.load import Warn as Warn, load_checked as load_checked, skipped_records as skipped_records
    from dedupe.pipeline.report import (ONE_OUTLET_NOTE as ONE_OUTLET_NOTE, REPORT_STAGES as REPORT_STAGES,
                                        ReportConfig as ReportConfig, ReportResult as ReportResult,
                                        run_report as run_report)
    from dedupe.pipeline.stages import (FINDING_KINDS as FINDING_KINDS, CompareRun as CompareRun,
                                        CompareRunConfig as CompareRunConfig, CorpusSummary as CorpusSummary,
                                        FiguresConfig as FiguresConfig, FiguresRun as FiguresRun,
                                        PreparedCorpus as PreparedCorpus, ScanRun as ScanRun,
                                        count_findings as count_findings, prepare as prepare,
                                        run_compare as run_compare, run_figures as run_figures, run_scan as run_scan,
                                        run_scan_spark as run_scan_spark, summarize as summarize)
    from dedupe.runtime import StageTimer as StageTimer


def __getattr__(name: str) -> Any:
    """The public ``name`` from its module (:data:`_HOME`), imported on first use."""
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'dedupe.pipeline' has no attribute {name!r}")
