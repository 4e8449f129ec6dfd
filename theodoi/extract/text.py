"""Text clean-up shared by every reader: NFC, line joining, whitespace collapsing."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b]+")


def nfc(text: str) -> str:
    """The text in Unicode NFC (PDF and DOCX sources mix composed and decomposed marks)."""
    return unicodedata.normalize("NFC", text)


def join_lines(lines: list[str]) -> str:
    """Lines of one cell as one string: a break inside a hyphenated word joins without a space.

    "1690/QĐ-" + "TTg" gives "1690/QĐ-TTg" and "206/QĐ" + "-TTg" gives "206/QĐ-TTg";
    "kinh tế số -" + "xã hội" keeps its space, as does every other break.
    """
    out = ""
    for raw in lines:
        line = _SPACES.sub(" ", nfc(raw)).strip()
        if not line:
            continue
        if not out:
            out = line
        elif re.search(r"\S-$", out) or re.match(r"-\S", line):
            out += line
        else:
            out += " " + line
    return out


def clean_cell(text: str | None) -> str | None:
    """A cell's text with line breaks and runs of spaces collapsed; None when blank."""
    if text is None:
        return None
    joined = join_lines(text.split("\n"))
    return joined or None
