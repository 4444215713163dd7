"""Small helpers every renderer shares: shortened display text and integer fields of a JSON payload."""

from __future__ import annotations

from typing import Any


def shorten(text: str, limit: int) -> str:
    """``text`` with its whitespace runs made single spaces, cut to ``limit`` characters with an ellipsis.

    Example:
        >>> shorten("Aleppo  was\\nbombed again", 12)
        'Aleppo was …'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "\u2026"


def int_field(value: Any) -> int:
    """A JSON value as an int: itself when it is one (booleans excluded), else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
