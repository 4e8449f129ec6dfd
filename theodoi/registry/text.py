"""Vietnamese text folding, and the lookup keys built on it."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words that only mark a plural or a distributive ("các bộ", "mỗi hội") before a group name.
_LEADING_PLURALS = ("tat ca cac ", "toan bo cac ", "cac ", "moi ")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """`text` in NFC, lower case, without diacritics ("đ" becomes "d"), spaces collapsed."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def _words(folded: str) -> str:
    """Folded text as words separated by one space, without a leading plural marker."""
    words = _NOT_WORD.sub(" ", folded).strip()
    for plural in _LEADING_PLURALS:
        if words.startswith(plural):
            return words[len(plural):]
    return words


# Names are keyed again and again (key and compact of one name, every registry built), while
# fold() also serves whole documents elsewhere: only the short names are remembered.
@lru_cache(maxsize=1 << 14)
def _fold_name(text: str) -> str:
    return fold(text)


def key(text: str) -> str:
    """The lookup key of a name: folded, "&" read as "và", punctuation as spaces."""
    return _words(_fold_name(text).replace("&", " va "))


def compact(text: str) -> str:
    """The key of an abbreviation: letters and digits only ("Bộ TT&TT" -> "botttt")."""
    return _words(_fold_name(text)).replace(" ", "")


def slug(text: str) -> str:
    """An ASCII slug of `text` ("Hà Giang" -> "ha-giang")."""
    return _NOT_WORD.sub("-", fold(text)).strip("-")
