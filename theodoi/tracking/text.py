"""Folding Vietnamese text for diacritic-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """`text` in NFC, lower case, without diacritics ("đ" becomes "d"), spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", bare)).strip()
