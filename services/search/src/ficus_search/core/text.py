"""Tokenizing, the same for documents and queries on both engines (pure)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """The lower-cased words of a text: runs of letters and digits."""
    return [w.lower() for w in _WORD.findall(text)]
