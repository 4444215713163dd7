"""Stage configs from plain option values: what a front end was given, the stage defaults where not.

The command line (:mod:`dedupe.cli`) builds every command's config here; stages are imported lazily so
that ``dedupe --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedupe.errors import ConfigError

if TYPE_CHECKING:
    from dedupe.compare.groups import CompareConfig
    from dedupe.pipeline import FiguresConfig, ReportConfig
    from dedupe.scan.config import ScanConfig
    from dedupe.stories import StoryConfig


def _given(**values: Any) -> dict[str, Any]:
    """The options the user set (a :class:`_DefaultFrom` option left out is ``None``)."""
    return {name: value for name, value in values.items() if value is not None}


def scan_config(thresholds: dict[str, float], min_words: int | None, ngram: int | None, num_perm: int | None,
                seed: int | None, boilerplate_docs: int | None, workers: int | None,
                no_passages: bool) -> ScanConfig:
    """The :class:`dedupe.scan.near_dup.ScanConfig` the scan options describe (its defaults where not given)."""
    from dedupe.scan.config import ScanConfig  # without numpy: the scan imports it while a child loads

    return ScanConfig(**_given(threshold=thresholds.get("scan"), min_words=min_words, ngram=ngram,
                               num_perm=num_perm, seed=seed, boilerplate_docs=boilerplate_docs),
                      workers=workers, passages=not no_passages)


def compare_config(story_window: str, one_story: bool, nli_model: str | None,
                   thresholds: dict[str, float]) -> CompareConfig:
    """The :class:`dedupe.compare.groups.CompareConfig` the options describe (its defaults where not given)."""
    from dedupe.compare.align import AlignConfig
    from dedupe.compare.entities import EntityConfig
    from dedupe.compare.groups import CompareConfig

    return CompareConfig(
        story=story_config(story_window, one_story),
        align=AlignConfig(**_given(threshold=thresholds.get("align"), candidate_cosine=thresholds.get("candidate"))),
        entities=EntityConfig(**_given(min_ratio=thresholds.get("entity"))), nli_model=nli_model,
        **_given(divergence_threshold=thresholds.get("divergence"), nli_threshold=thresholds.get("nli")))


def figures_config(story_window: str, one_story: bool, measures: tuple[str, ...], no_other: bool,
                   approx_tolerance: float | None, period_tolerance: float | None) -> FiguresConfig:
    """The :class:`dedupe.pipeline.FiguresConfig` the options describe (stage defaults where not given)."""
    from dedupe.figures.discrepancies import DiscrepancyConfig
    from dedupe.figures.extract import FigureConfig
    from dedupe.pipeline import FiguresConfig

    return FiguresConfig(
        extract=FigureConfig(include_other=not no_other), measures=measures,
        discrepancies=DiscrepancyConfig(**_given(approx_tolerance=approx_tolerance,
                                                 period_tolerance_days=period_tolerance)),
        stories=story_config(story_window, one_story))


def story_config(story_window: str, one_story: bool) -> StoryConfig:
    """The :class:`dedupe.stories.StoryConfig` the story options describe."""
    from dedupe.stories import StoryConfig, parse_window

    return StoryConfig(window_days=parse_window(story_window), one_story=one_story)


def cache_folder(cache_dir: str | None, no_cache: bool) -> Path | None:
    """The embedding cache folder the options ask for; ``None`` when the cache is off."""
    from dedupe.embed.encoder import default_cache_dir

    if no_cache:
        return None
    return Path(cache_dir) if cache_dir else default_cache_dir()


def report_config(skip: tuple[str, ...], thresholds: tuple[tuple[str, float], ...], min_words: int | None,
                  ngram: int | None, num_perm: int | None, seed: int | None, boilerplate_docs: int | None,
                  workers: int | None, no_passages: bool, story_window: str, one_story: bool, model: str | None,
                  cache_dir: str | None, no_cache: bool, nli_model: str | None, measures: tuple[str, ...],
                  no_other: bool, approx_tolerance: float | None, period_tolerance: float | None) -> ReportConfig:
    """The :class:`dedupe.pipeline.ReportConfig` the options describe (stage defaults where not given).

    Raises:
        ConfigError: ``skip`` names every stage, or a value is out of range.
    """
    from dedupe.pipeline import REPORT_STAGES, ReportConfig

    given = dict(thresholds)
    stages = tuple(s for s in REPORT_STAGES if s not in skip)
    if not stages:  # said in the option's words: ReportConfig's own message names its field, ``stages``
        raise ConfigError(f"--skip leaves nothing to run: skip at most two of {', '.join(REPORT_STAGES)}")
    return ReportConfig(
        stages=stages,
        scan=scan_config(given, min_words, ngram, num_perm, seed, boilerplate_docs, workers, no_passages),
        compare=compare_config(story_window, one_story, nli_model, given),
        figures=figures_config(story_window, one_story, measures, no_other, approx_tolerance, period_tolerance),
        stories=story_config(story_window, one_story), model=model, cache_dir=cache_folder(cache_dir, no_cache))
