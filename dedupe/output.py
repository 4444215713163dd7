"""Machine-readable output shared by every command: the JSON envelope and deterministic serialisation.

Every JSON document the tool writes starts with ``schema_version``, ``tool`` and ``version``, and is
serialised with a fixed key order and no floating noise (floats rounded to 4 places), so the same
input gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from dedupe import SCHEMA_VERSION, __version__


def envelope(command: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a command's payload with the schema and tool versions.

    Args:
        command: The command that produced it (``info``, ``scan``...).
        payload: The command's own fields, in the order they should appear.

    Returns:
        A new dict: ``schema_version``, ``tool``, ``version``, ``command``, then the payload.
    """
    return {"schema_version": SCHEMA_VERSION, "tool": "dedupe", "version": __version__,
            "command": command, **payload}


_PLAIN = (str, int, bool, type(None))


def _clean(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # exact types first: most values of a large document are strings and ints
        return value
    if kind is dict:  # leaves are tested here, not in a call each (a 7 MB scan has a million of them)
        return {key if type(key) is str else str(key): item if type(item) in _PLAIN else _clean(item)
                for key, item in value.items()}
    if kind is list or kind is tuple:
        return [item if type(item) in _PLAIN else _clean(item) for item in value]
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 4)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def to_json(document: dict[str, Any]) -> str:
    """Serialise deterministically (insertion order, 4-decimal floats, UTF-8 text kept), newline-terminated.

    orjson writes it when it is installed (a seventh of the time on a 7 MB scan), else the standard
    library; both give the same bytes (``tests/test_output.py``), and a value orjson refuses (a lone
    surrogate, an integer beyond 64 bits) falls back to the standard library.
    """
    cleaned = _clean(document)
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in install_requires
        return _stdlib_json(cleaned)
    try:
        return orjson.dumps(cleaned, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except orjson.JSONEncodeError:
        return _stdlib_json(cleaned)


def _stdlib_json(cleaned: Any) -> str:
    """The standard library's rendering of a cleaned document (the reference :func:`to_json` keeps)."""
    return json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    """One compact JSON object per line, deterministic like :func:`to_json`."""
    return "".join(json.dumps(_clean(r), ensure_ascii=False) + "\n" for r in records)


def md_cell(value: object) -> str:
    """Escape a value for a Markdown table cell: backslashes and pipes escaped, line breaks flattened."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun agreeing with it: ``1 document``, ``2 documents``, ``3 stories``.

    Args:
        count: How many.
        noun: The singular.
        nouns: The plural when it is not ``noun`` + ``s`` (or ``-y`` -> ``-ies`` after a consonant).

    Returns:
        ``"<count> <noun>"``.
    """
    if count == 1:
        return f"{count} {noun}"
    if nouns is None:
        nouns = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{count} {nouns}"
