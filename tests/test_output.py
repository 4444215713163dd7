"""The JSON envelope and deterministic serialisation shared by every command."""

from __future__ import annotations

import json

from dedupe import SCHEMA_VERSION, __version__
from dedupe.output import envelope, to_json, to_jsonl


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
