"""``dedupe.scan.spark_docs``: the documents a Spark scan's first pass keeps on a local master, read back as
written (the whole-scan equality of both paths is in ``test_scan_spark``)."""

from __future__ import annotations

from pathlib import Path

from dedupe.corpus.documents import Document, Origin
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.spark_docs import keep_documents, kept_documents


def test_kept_documents_read_back_as_written(tmp_path: Path) -> None:
    # a high surrogate ending one text and a low one starting the next stay two texts' characters
    texts = ["Plain words here and there.", "Lone \ud800 surrogate, é and 中文 in it.", "", "ends high \ud83d",
             "\ude00 starts low"]
    documents = [Document(f"d{i}", f"o{i}", "", "", None, text, Origin(str(tmp_path), i + 1))
                 for i, text in enumerate(texts)]
    prints = fingerprint_corpus(texts, 2)
    keep_documents(str(tmp_path), 3, documents, prints)
    kept, offsets = kept_documents(str(tmp_path), 3, 2) or ((), None)
    assert [(d.id, d.outlet, d.text) for d in kept] == [(d.id, d.outlet, d.text) for d in documents]
    assert kept[-1] == kept[4] and kept[3:] == [kept[3], kept[4]]
    assert offsets is not None and offsets.token_starts.tolist() == prints.token_starts.tolist()
    assert offsets.token_ends.tolist() == prints.token_ends.tolist()
    assert offsets.token_counts.tolist() == prints.token_counts.tolist()
    assert kept_documents(str(tmp_path), 4, 2) is None and kept_documents(None, 3, 2) is None


def test_repeated_ids_are_renamed_by_the_local_loaders_rule(tmp_path: Path) -> None:
    # _renamings is the driver's half of kept_ids: the Loader's renaming over the named documents, in corpus
    # order whatever order they were collected in; x~2 and y~2 are taken further on and earlier
    import pytest

    from dedupe.errors import InputError
    from dedupe.scan.spark_docs import _renamings

    ids = ["y~2", "x", "x", "y", "y", "x~2", "z", "u"]
    path = str(tmp_path / "scrapes.jsonl")
    named = {i: (Document(doc_id, "", "", "", None, "", Origin(path, i + 1)), i == 7) for i, doc_id in enumerate(ids)}
    named[8] = (Document("u", "", "", "", None, "", Origin(path, 9)), True)  # a derived id takes its path and line
    renamed, notes = _renamings(dict(reversed(named.items())), strict=False)
    assert renamed == {2: "x~2", 4: "y~3", 5: "x~2~2", 8: f"{path}:9"}
    assert len(notes) == 4 and notes[0].startswith(f"{path}:3") and f"{path}:2" in notes[0], notes
    with pytest.raises(InputError, match="duplicate document id 'x'"):
        _renamings(named, strict=True)
