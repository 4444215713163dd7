"""Run every command's stages in order, each under a timer: load -> segment -> scan / compare / figures.

Each command has one entry point over one frozen config: :func:`run_scan` (:class:`ScanConfig`),
:func:`run_compare` (:class:`CompareRunConfig`), :func:`run_figures` (:class:`FiguresConfig`) and
:func:`run_report` (:class:`ReportConfig`); each returns a typed result whose :attr:`findings` counts
what ``--fail-on`` asks about. The CLI calls these functions; they never print. A ``progress``
callable lets the caller show a progress bar: it receives a stage label and a sequence and returns an
iterable over the same items. A ``warn`` callable receives each skipped input before the run goes on.
"""

from dedupe.pipeline.report import ONE_OUTLET_NOTE, REPORT_STAGES, ReportConfig, ReportResult, run_report
from dedupe.pipeline.stages import (
    FINDING_KINDS,
    CompareRun,
    CompareRunConfig,
    CorpusSummary,
    FiguresConfig,
    FiguresRun,
    PreparedCorpus,
    ScanRun,
    Warn,
    count_findings,
    load_checked,
    prepare,
    run_compare,
    run_figures,
    run_scan,
    run_scan_spark,
    skipped_records,
    summarize,
)
from dedupe.runtime import StageTimer

__all__ = ["FINDING_KINDS", "ONE_OUTLET_NOTE", "REPORT_STAGES", "CompareRun", "CompareRunConfig", "CorpusSummary",
           "FiguresConfig", "FiguresRun", "PreparedCorpus", "ReportConfig", "ReportResult", "ScanRun", "StageTimer",
           "Warn", "count_findings", "load_checked", "prepare", "run_compare", "run_figures", "run_report", "run_scan",
           "run_scan_spark", "skipped_records", "summarize"]
