"""The loader of the optional compiled loops (``dedupe/scan/_native.c``, built by ``pip install``).

They compute the same numbers as the numpy code beside them, bit for bit (the tests run both), only
faster: the fields of JSON Lines records (the load), tokens, shingles, MinHash signatures, pair similarities,
the links of shared passages and the occurrences of findings (the scan), the index's keys and ranks. Where the
extension was not built (no C compiler at install time) or ``DEDUPE_NATIVE=0`` is set, the numpy code runs.

The loader sits below the stages, beside :mod:`dedupe.runtime`, because the first stage (:mod:`dedupe.corpus.load`)
uses it as well as the scan and the index: imports only point down. The extension itself is built as
``dedupe.scan._native`` (``setup.py``); importing it runs only ``dedupe/scan/__init__.py``, which loads nothing.

Example:
    >>> native() is None or hasattr(native(), "fingerprint")
    True
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["native"]

#: The ``VERSION`` of ``_native.c`` this code calls; a build of another version (a source tree updated
#: without rebuilding) is not used.
VERSION = 6


def native() -> ModuleType | None:
    """The compiled module, or ``None`` when it is missing, of another :data:`VERSION`, or ``DEDUPE_NATIVE=0``
    turns it off."""
    if os.environ.get("DEDUPE_NATIVE", "1") == "0":
        return None
    try:
        from dedupe.scan import _native  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _native if getattr(_native, "VERSION", None) == VERSION else None
