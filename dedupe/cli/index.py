"""``dedupe index add / info / remove``: the index that ``scan --against`` checks a new batch against."""

from __future__ import annotations

import sys
from typing import Any

import click

from dedupe.cli.app import cli, keep_until_exit
from dedupe.cli.common import warn
from dedupe.cli.options import corpus_arguments, load_options, threshold_option
from dedupe.output import check_not_input, check_output, make_folder, plural, to_json
from dedupe.runtime import keep_freed_memory, one_blas_thread


@cli.group("index")
def index_group() -> None:
    """Keep an index of everything ingested, to check each new batch with `scan --against`."""


@index_group.command("add")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@corpus_arguments
@threshold_option(("scan",))  # scan's own option: 0.7 or scan=0.7, as `scan --against` is given it
@click.option("--min-words", type=int, help="Shortest shared passage, in words  [default: 8]")
@click.option("--ngram", type=int, help="Words per shingle  [default: 5]")
@click.option("--num-perm", type=int, help="MinHash signature length  [default: 128]")
@click.option("--seed", type=int, help="Seed of the MinHash hashing  [default: 1]")
@click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Documents per transaction.")
def index_add(index_path: str, corpus: tuple[str, ...], text_field: str | None, source_field: str | None,
              manifest: str | None, strict: bool, thresholds: tuple[tuple[str, float], ...], min_words: int | None,
              ngram: int | None, num_perm: int | None, seed: int | None, batch_size: int) -> None:
    """Add documents to INDEX (created when missing); prints added / unchanged / new versions / skipped documents
    (and the inputs not loaded, when the loader skipped some)."""
    one_blas_thread()  # before numpy is first imported, below
    keep_freed_memory()  # before the load's allocations
    from dedupe.pipeline import load_checked
    from dedupe.scan.config import ScanConfig

    check_not_input(index_path, [*corpus, *([manifest] if manifest else [])])
    check_output(index_path)  # as -o: a folder that cannot be written is one line (status 2) before the load
    given: dict[str, Any] = {"threshold": dict(thresholds).get("scan"), "min_words": min_words, "ngram": ngram,
                             "num_perm": num_perm, "seed": seed}
    config = ScanConfig(**{k: v for k, v in given.items() if v is not None})
    loaded = load_checked(corpus, load_options(text_field, source_field, manifest, strict), sys.stdin.buffer, warn,
                          meanwhile=_import_add)
    from dedupe.index import IndexParams, add_to, index_exists  # imported by now where a forked child read
    from dedupe.report.index import add_text

    exists = index_exists(index_path)
    make_folder(index_path)
    params = IndexParams.from_config(config) if not exists or any(v is not None for v in given.values()) else None
    added = add_to(index_path, loaded.as_given(), params, batch_size)
    click.echo(add_text(index_path, added, len(loaded.skipped)), nl=False)
    keep_until_exit(loaded)  # freed with the process, not document by document


def _import_add() -> None:
    """Import what ``index add`` runs after the load (numpy, the index), done while a forked child reads."""
    import dedupe.index.store  # noqa: F401
    import dedupe.report.index  # noqa: F401


@index_group.command("info")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def index_info(index_path: str, fmt: str) -> None:
    """Print what INDEX holds: documents, outlets, dates, parameters, size."""
    from dedupe.index import open_index
    from dedupe.report.index import info_dict, info_text

    with open_index(index_path) as index:
        found = index.info()
    click.echo(to_json(info_dict(found)) if fmt == "json" else info_text(index_path, found), nl=False)


@index_group.command("remove")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@click.option("--doc", "docs", multiple=True, help="Id (or identity key: every version) to remove (repeatable).")
@click.option("--before", help="Remove documents dated before this day (YYYY-MM-DD); undated ones stay.")
def index_remove(index_path: str, docs: tuple[str, ...], before: str | None) -> None:
    """Remove documents from INDEX by id or by date (retention).

    Their space is reused by later adds, so the file does not shrink after a small removal. When over half of
    it is free afterwards, the file is rewritten to the size it uses (SQLite VACUUM, a transaction after the
    removal's: a kill -9 leaves the removal whole, before or after; without room on the disk for the copy, the
    removal stands and the file keeps its size); a scan reading INDEX meanwhile keeps its snapshot, and the file
    shrinks once no process reads it.
    """
    from dedupe.index import open_index

    if not docs and before is None:
        raise click.UsageError("give --doc ID or --before DATE")
    with open_index(index_path) as index:
        stored = index.stored_ids(docs)
        for unknown in dict.fromkeys(d for d in docs if d not in stored):  # a typo must not pass for a removal
            warn(f"{index_path}: no document {unknown!r} (neither an id nor an identity key it holds)")
        removed = index.remove(docs, before)
    click.echo(f"{index_path}: removed {plural(removed, 'document')}\n", nl=False)
