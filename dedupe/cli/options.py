"""The option decorators shared by the commands and the Click types behind them."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from dedupe.cli.app import InputProblem
from dedupe.corpus.documents import INPUT_FORMATS, LoadOptions
from dedupe.errors import ConfigError
from dedupe.output import check_output


F = TypeVar("F", bound=Callable[..., Any])


def corpus_arguments(func: F) -> F:
    """Add the CORPUS argument and the load options shared by every command."""
    return _stacked(func, [
        # Not checked by Click (a three-line usage error): the loader says what is wrong, on one line.
        click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...",
                       type=click.Path(allow_dash=True, readable=False)),
        click.option("--text-field", cls=_HelpFrom, help="JSON/CSV field holding the text, tried before",
                     more=lambda: _fields_help("TEXT_FIELDS", "")),
        click.option("--source-field", cls=_HelpFrom, help="JSON/CSV field holding the outlet, tried before",
                     more=lambda: _fields_help("OUTLET_FIELDS", " (then the url's host, then the file name)")),
        click.option("--manifest", type=click.Path(readable=False),
                     help="JSONL/CSV manifest giving id, outlet, date, title, url to text files by name."),
        click.option("--strict", is_flag=True, help="Stop with status 2 at the first bad input."),
        click.option("--input-format", type=click.Choice(INPUT_FORMATS), expose_value=False,
                     callback=_remember_input_format,
                     help="Format of standard input (-)  [default: sniffed: JSON, CSV with a text column, else text]"),
    ])


def _fields_help(names: str, then: str) -> str:
    """The end of ``--text-field``'s or ``--source-field``'s help: the field names read by default."""
    return " " + ", ".join(_imported("dedupe.corpus.fields." + names)) + then + "."


def _remember_input_format(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Keep ``--input-format`` for :func:`load_options` (every command has it; none passes it on itself)."""
    ctx.meta["dedupe.input_format"] = value


def load_options(text_field: str | None, source_field: str | None, manifest: str | None,
                 strict: bool) -> LoadOptions:
    """The :class:`LoadOptions` the corpus options describe (``--input-format`` read from the context)."""
    input_format = click.get_current_context().meta.get("dedupe.input_format")
    return LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict,
                       input_format=input_format)


def _checked_output(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Check ``-o`` while the options are parsed, before any work (a missing folder is made only on writing)."""
    try:
        check_output(value)
    except ConfigError as exc:
        raise InputProblem(str(exc)) from None
    return value


def output_option(help_text: str) -> Callable[[F], F]:
    """``-o/--output``, checked up front by :func:`dedupe.output.check_output`."""
    return click.option("--output", "-o", type=click.Path(allow_dash=True), default="-",
                        callback=_checked_output, help=help_text)


def output_options(formats: Sequence[str], default: str = "text") -> Callable[[F], F]:
    """Add ``--format``, ``-o/--output`` and ``--quiet`` with the formats a command supports."""
    def wrap(func: F) -> F:
        return _stacked(func, [
            click.option("--format", "fmt", type=click.Choice(list(formats)), default=default,
                         show_default=True, help="Output format."),
            output_option("Write here instead of standard output (a missing folder is created)."),
            click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr."),
        ])
    return wrap


def _stacked(func: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _imported(path: str) -> Any:
    """The object ``module.name`` names, imported (only for ``--help``: a command imports its stages when it runs)."""
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _field_default(path: str) -> Any:
    """The default of the config dataclass field ``module.Config.field``."""
    config, name = path.rsplit(".", 1)
    return next(f.default for f in dataclasses.fields(_imported(config)) if f.name == name)


class _HelpFrom(click.Option):
    """An option whose help ends with text made when ``--help`` is shown (``more``): a default or a list read from
    a module the command imports only when it runs."""

    def __init__(self, *args: Any, more: Callable[[], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.more = more

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (record[0], record[1] + self.more())


class _DefaultFrom(_HelpFrom):
    """An option whose default is a field of a config dataclass: ``None`` unless given, so the command
    passes on only what the user set; ``--help`` shows the field's default (imported only then)."""

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        def shown() -> str:
            default = _field_default(field)
            return f"  [default: {default if default is not None else 'none'}]"
        super().__init__(*args, default=None, more=shown, **kwargs)


def story_options(func: F) -> F:
    """Add ``--story-window`` and ``--one-story`` (commands that compare within stories)."""
    return _stacked(func, [
        click.option("--story-window", default="30d", show_default=True,
                     help="Largest gap between two reports of one story: 36h, 7d, 2w."),
        click.option("--one-story", is_flag=True, help="Treat the whole corpus as one story."),
    ])


def model_options(func: F) -> F:
    """Add ``--model``, ``--cache-dir`` and ``--no-cache`` (commands that embed sentences)."""
    return _stacked(func, [
        click.option("--model", help="Sentence-transformers model folder or hub name "
                                     "(default: the packaged all-MiniLM-L6-v2)."),
        click.option("--cache-dir", type=click.Path(file_okay=False),
                     help="Embedding cache folder  [default: $DEDUPE_CACHE_DIR or ~/.cache/dedupe]"),
        click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache."),
    ])


_SCAN = "dedupe.scan.near_dup.ScanConfig."


def scan_options(func: F) -> F:
    """Add the scan stage's options (``scan`` and ``report``); ``--threshold`` is :func:`threshold_option`."""
    return _stacked(func, [
        click.option("--min-words", type=int, cls=_DefaultFrom, field=_SCAN + "min_words",
                     help="Shortest shared passage reported, in words."),
        click.option("--ngram", type=int, cls=_DefaultFrom, field=_SCAN + "ngram", help="Words per shingle."),
        click.option("--num-perm", type=int, cls=_DefaultFrom, field=_SCAN + "num_perm",
                     help="MinHash signature length."),
        click.option("--seed", type=int, cls=_DefaultFrom, field=_SCAN + "seed", help="Seed of the MinHash hashing."),
        click.option("--boilerplate-docs", type=int, cls=_DefaultFrom, field=_SCAN + "boilerplate_docs",
                     help="A passage in this many documents or more is reported once as boilerplate (0: never)."),
        click.option("--workers", type=int, help="Processes for hashing  [default: 1]"),
        click.option("--no-passages", is_flag=True, help="Near-duplicate documents (Jaccard) only: no passage search."),
    ])


THRESHOLDS = {
    "scan": "Jaccard similarity or containment from which two documents are near-duplicates (0, 1]; "
            "a bare number is this one",
    "align": "paraphrase probability from which two claims are the same claim [0, 1]",
    "candidate": "embedding cosine from which a pair is scored [-1, 1]",
    "divergence": "divergence score from which a negation conflict is reported [0, 1]",
    "nli": "NLI contradiction probability reported as a conflict [0, 1]",
    "entity": "rapidfuzz ratio from which two spellings are one name [0, 100]",
}
#: The config field each threshold sets: ``--help`` gives its default.
_THRESHOLD_FIELDS = {
    "scan": _SCAN + "threshold", "align": "dedupe.compare.align.AlignConfig.threshold",
    "candidate": "dedupe.compare.align.AlignConfig.candidate_cosine",
    "divergence": "dedupe.compare.groups.CompareConfig.divergence_threshold",
    "nli": "dedupe.compare.groups.CompareConfig.nli_threshold",
    "entity": "dedupe.compare.entities.EntityConfig.min_ratio",
}


class _Threshold(click.ParamType):
    """``NAME=VALUE`` (or a bare number for the scan threshold) -> ``(name, value)``, names limited to a command's."""

    name = "threshold"

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, float]:
        if isinstance(value, tuple):
            return value
        name, equals, number = str(value).rpartition("=")
        name = name.strip() if equals else "scan"
        if name not in self.names:
            self.fail(f"{value!r}: name must be one of {', '.join(self.names)}", param, ctx)
        try:
            return name, float(number)
        except ValueError:
            self.fail(f"{value!r}: value must be a number", param, ctx)


def threshold_option(names: Sequence[str]) -> Callable[[F], F]:
    """``--threshold`` for the stages a command runs (``scan``: a bare number; compare's: ``NAME=VALUE``); its help
    gives each one's default."""
    scan_only = tuple(names) == ("scan",)
    if scan_only:  # the help shows ScanConfig's default as every other option does
        extra: dict[str, Any] = {"cls": _DefaultFrom, "field": _SCAN + "threshold"}
    else:
        extra = {"cls": _HelpFrom, "more": lambda: "; ".join(
            f"{name}: {THRESHOLDS[name]}, default {_field_default(_THRESHOLD_FIELDS[name])}" for name in names)}
    return click.option(
        "--threshold", "thresholds", type=_Threshold(names), multiple=True,
        metavar="VALUE" if scan_only else "NAME=VALUE",
        help="Override a threshold (repeatable; the last wins): " + ("; ".join(
            f"{name}: {THRESHOLDS[name]}" for name in names) if scan_only else ""), **extra)


def compare_options(func: F) -> F:
    """Add the compare stage's own options (``compare`` and ``report``)."""
    return click.option("--nli-model", type=click.Path(file_okay=False),
                        help="Folder of a sentence-transformers CrossEncoder NLI model: adds its contradiction "
                             "score.")(func)


_FIGURES = "dedupe.figures.discrepancies.DiscrepancyConfig."
_MEASURES = "dedupe.figures.measures.MEASURES"


def figure_options(func: F) -> F:
    """Add the figures stage's options (``figures`` and ``report``)."""
    return _stacked(func, [
        click.option("--measure", "measures", multiple=True, cls=_HelpFrom, help="Only figures with this measure "
                     "(repeatable; default: all):", more=lambda: " " + ", ".join(_imported(_MEASURES)) + "."),
        click.option("--no-other", is_flag=True, help="Leave out figures whose measure is 'other'."),
        click.option("--approx-tolerance", type=float, cls=_DefaultFrom, field=_FIGURES + "approx_tolerance",
                     help="Widening of 'approximately N' on each side when comparing, in [0, 1)."),
        click.option("--period-tolerance", type=float, cls=_DefaultFrom, field=_FIGURES + "period_tolerance_days",
                     help="Days by which two periods may differ and still be the same (the starts of "
                          "two cumulative tolls, else both ends)."),
    ])


#: What each ``--fail-on`` choice counts (``any``: every kind the command offers, echoes left out);
#: ``near_duplicate`` (as the output spells it) is accepted beside ``near-duplicate``.
FAIL_ON = {"repeat": "repeat", "reuse": "reuse", "near-duplicate": "near_duplicate",
            "near_duplicate": "near_duplicate", "echo": "echo", "divergence": "divergence", "conflict": "conflict",
            "uncertain": "uncertain"}


def fail_on_option(*choices: str, extra: Sequence[str] = ()) -> Callable[[F], F]:
    """``--fail-on`` with the kinds of finding a command can report, plus ``any`` when it has several
    (``extra`` kinds are offered but left out of ``any``)."""
    spelled = [spelling for choice in choices
               for spelling in ((choice, "near_duplicate") if choice == "near-duplicate" else (choice,))]
    offered = spelled + list(extra) + (["any"] if len(choices) > 1 else [])
    return click.option("--fail-on", type=click.Choice(offered), multiple=True,
                        help="Exit with status 1 when such a finding exists (repeatable).")
