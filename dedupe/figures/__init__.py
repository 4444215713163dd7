"""Stage 6: figures (people killed, injured, besieged...) as intervals, and their discrepancies across outlets.

Number phrases (:mod:`~dedupe.figures.numbers`) -> what they count (:mod:`~dedupe.figures.measures`,
:mod:`~dedupe.figures.noun_phrases`, :mod:`~dedupe.figures.grammar`, :mod:`~dedupe.figures.links`) -> place,
period and attribution (:mod:`~dedupe.figures.context`, :mod:`~dedupe.figures.periods`) and scope
(:mod:`~dedupe.figures.scope`) -> figures (:mod:`~dedupe.figures.extract`) -> discrepancies per story, like with
like, judged against the time of report (:mod:`~dedupe.figures.discrepancies`, :mod:`~dedupe.figures.timeline`).
"""

from __future__ import annotations

from dedupe.figures.extract import Figure, FigureConfig, extract_figures, keep_measures

__all__ = ["Figure", "FigureConfig", "extract_figures", "keep_measures"]
