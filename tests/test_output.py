"""The JSON envelope and deterministic serialisation shared by every command."""

from __future__ import annotations

import html
import json
import os
import re
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import SCHEMA_VERSION, __version__
from dedupe.errors import ConfigError
from dedupe.output import (_signals_held, cleaned, envelope, md_cell, plural, plural_noun, terminal_safe, to_json,
                           to_jsonl, write_atomic)


def test_envelope_puts_versions_first_and_keeps_payload_order() -> None:
    doc = envelope("scan", {"zeta": 1, "alpha": 2})
    assert list(doc) == ["schema_version", "tool", "version", "command", "zeta", "alpha"]
    assert (doc["schema_version"], doc["tool"], doc["version"], doc["command"]) == (
        SCHEMA_VERSION, "dedupe", __version__, "scan")


def test_to_json_rounds_floats_and_nulls_non_finite_values() -> None:
    text = to_json({"score": 0.123456789, "nested": [{"x": 1 / 3}], "nan": float("nan"), "inf": float("inf"),
                    "count": 3, "flag": True})
    assert json.loads(text) == {"score": 0.1235, "nested": [{"x": 0.3333}], "nan": None, "inf": None,
                                "count": 3, "flag": True}
    assert text.endswith("}\n")


def test_to_json_is_byte_identical_for_equal_input_and_keeps_unicode() -> None:
    first = to_json({"outlet": "Le Monde", "quote": "“déclaré”", "t": (1.00001, 2)})
    second = to_json({"outlet": "Le Monde", "quote": "“déclaré”", "t": (1.00001, 2)})
    assert first == second
    assert "“déclaré”" in first
    assert json.loads(first)["t"] == [1.0, 2]


def test_to_jsonl_one_compact_object_per_line() -> None:
    text = to_jsonl([{"a": 0.55556}, {"b": "x\ny"}])
    assert text == '{"a": 0.5556}\n{"b": "x\\ny"}\n'
    assert to_jsonl([]) == ""


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(blacklist_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6))
def test_to_json_gives_the_standard_librarys_bytes(document: dict[str, object]) -> None:
    # orjson writes when it can; lone surrogates and huge integers fall back: the bytes are the same.
    assert to_json(document) == json.dumps(cleaned(document), ensure_ascii=False, indent=2) + "\n"


def test_to_json_handles_what_orjson_refuses() -> None:
    assert to_json({"text": "cut \ud800 surrogate", "n": 2**80}) == (
        '{\n  "text": "cut \ud800 surrogate",\n  "n": 1208925819614629174706176\n}\n')


def test_plural_agrees_with_the_count() -> None:
    assert [plural(1, "document"), plural(2, "outlet"), plural(0, "story"), plural(3, "day"),
            plural(2, "echo", "echoes")] == ["1 document", "2 outlets", "0 stories", "3 days", "2 echoes"]
    assert [plural_noun(n) for n in ("body", "church", "bus", "box", "home", "bush")] == \
        ["bodies", "churches", "buses", "boxes", "homes", "bushes"]


def test_a_scans_occurrences_are_written_as_their_fields_by_orjson_and_the_standard_library() -> None:
    from dedupe.corpus.load import load_corpus
    from dedupe.output import _stdlib_json
    from dedupe.report.scan import scan_dict, scan_json
    from dedupe.scan.near_dup import Occurrence, scan

    result = scan(load_corpus(["data"]).documents)
    expected = to_json(scan_dict(result))
    assert to_json(scan_json(result), clean=False) == expected == _stdlib_json(scan_json(result))
    assert to_json(scan_json(result)) == expected
    odd = Occurrence("d\ud800", "o", 0, 1, 1, "x")  # a lone surrogate: orjson refuses it, the library writes it
    assert to_json({"o": [odd]}) == json.dumps({"o": [{"doc": "d\ud800", "outlet": "o", "start": 0, "end": 1,
                                                        "line": 1, "text": "x"}]}, ensure_ascii=False, indent=2) + "\n"


def _inline_markdown(text: str) -> str:
    """What a CommonMark renderer with GitHub's tables and strike-through makes of ``text`` in a line."""
    from hostile import markdown_renderer

    return str(markdown_renderer().renderInline(text))


#: The directional formatting characters, drawn often: the text outputs' code-point form (``[U+202E]``) is Markdown too.
_DIRECTIONAL = st.sampled_from("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), _DIRECTIONAL,
                          st.sampled_from("[]()-+ "))).map("".join))  # text(alphabet=one_of(...)) drew no control
def test_md_cell_shows_any_text_as_written_and_nothing_else(text: str) -> None:
    # As written, but for line breaks (a space) and directional controls (their code point, as the text outputs
    # show them): one left open would reverse or reorder the report's own words after it once rendered.
    rendered = _inline_markdown(md_cell(text))
    shown = terminal_safe(re.sub("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", text))
    assert html.unescape(rendered) == shown


def test_md_cell_keeps_links_markup_and_cells_as_text() -> None:
    value = "[click](http://evil.example/) ![i](x.png) <b>*bold*</b> _u_ `code` ~~s~~ &amp; a | b"
    rendered = _inline_markdown(md_cell(value))
    assert "<a " not in rendered and "<img" not in rendered and "<b>" not in rendered and "<em>" not in rendered
    assert html.unescape(rendered) == value and md_cell(None) == ""
    # A control's code point is text too: unescaped, "[U+202E]" before "(url)" would be a link.
    assert _inline_markdown(md_cell("\u202e(http://e/) 40")) == "[U+202E](http://e/) 40"


def test_md_cell_at_the_start_of_a_list_item_is_no_list_marker() -> None:
    """A document id or an outlet opens some bullet lines (compare's one-outlet claims, the report's passages):
    one starting with a list marker and a space made a nested list, its marker gone from the text."""
    from hostile import markdown_html

    for value in ("+ Evil", "- Evil", "1. Evil", "12) Evil", "-", "7."):
        page = markdown_html(f"- {md_cell(value)}, line 3\n")
        assert page == f"<ul>\n<li>{html.escape(value)}, line 3</li>\n</ul>\n", value
    assert [md_cell(v) for v in ("-5 people", "+972 Magazine", "1.5 m", "2016. More")] == [
        "-5 people", "+972 Magazine", "1.5 m", "2016\\. More"]


def test_ctrl_c_waits_until_the_in_place_copy_of_an_output_is_whole() -> None:
    # Python's own Ctrl-C handler, whatever this test run inherited (a job started in the background with `&`
    # ignores SIGINT, and Python then keeps it ignored)
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    reached = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with _signals_held():
                os.kill(os.getpid(), signal.SIGINT)
                reached.append("after the signal")  # the copy would go on here, not stop halfway
        assert reached == ["after the signal"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is back
    finally:
        signal.signal(signal.SIGINT, inherited)


def test_write_atomic_makes_the_paths_folders_but_not_a_links_targets(tmp_path: Path) -> None:
    # A link made dangling after the up-front check (the run's work in between) is refused at the write too.
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone" / "first.json")
    with pytest.raises(ConfigError, match=f"^{re.escape(str(tmp_path / 'dangling.json'))}: cannot write: No such "):
        write_atomic(str(tmp_path / "dangling.json"), "text\n")
    write_atomic(str(tmp_path / "new" / "out.json"), "text\n")  # the path's own missing folder: made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.json", "new"]
    (tmp_path / "gone").mkdir()
    write_atomic(str(tmp_path / "dangling.json"), "text\n")
    assert (tmp_path / "gone" / "first.json").read_text() == "text\n" and (tmp_path / "dangling.json").is_symlink()
