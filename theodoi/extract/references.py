"""The documents a plan says it implements ("Kế hoạch triển khai Quyết định số 06/QĐ-TTg",
"Chương trình hành động ... thực hiện Nghị quyết số 57-NQ/TW"), read from its title or
opening lines: the links of the cascade resolution -> programme -> plans.

Vietnamese document numbers follow Nghị định 30/2020/NĐ-CP (Phụ lục III): the number, the
year for legal documents (269/2025/NĐ-CP), then the kind's abbreviation and the issuer's
("QĐ-TTg", "NQ-CP", "KH-UBND"); the Party writes "57-NQ/TW".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = {
    "nghị quyết": "NQ", "quyết định": "QĐ", "chỉ thị": "CT", "kế hoạch": "KH",
    "chương trình": "CTr", "nghị định": "NĐ", "thông tư": "TT", "công văn": "CV",
    "thông báo": "TB", "đề án": "ĐA", "kết luận": "KL", "luật": "L",
}
_KIND = "|".join(sorted(KINDS, key=len, reverse=True))
# 06/QĐ-TTg, 269/2025/NĐ-CP, 57-NQ/TW, 3103/QĐ-BTC, 214/NQ-CP, 1899/QĐ-TTg
_NUMBER = r"\d{1,6}[a-z]?(?:/\d{4})?[/-][A-ZĐ][A-Za-zĐđ]*(?:[-/][A-ZĐ0-9][A-Za-zĐđ0-9&]*)*"
_REFERENCE = re.compile(rf"\b({_KIND})\s+(?:số\s+)?({_NUMBER})", re.IGNORECASE)
_IMPLEMENTS = re.compile(r"(thực hiện|triển khai|thi hành|cụ thể hóa|hướng dẫn)", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """A document a plan names: its kind as printed, its number, whether the plan says it
    implements it (or only cites it)."""

    kind: str
    number: str
    implements: bool

    @property
    def key(self) -> str:
        """The number as compared between documents: NFC, upper case, no spaces."""
        return number_key(self.number)


def number_key(number: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", number)).upper().rstrip(".,;")


def references(text: str, own_number: str | None = None) -> list[Reference]:
    """Every document number `text` names, in order, without the plan's own number; those
    after "thực hiện / triển khai / thi hành" are the documents it implements."""
    text = unicodedata.normalize("NFC", text or "")
    own = number_key(own_number) if own_number else None
    out: list[Reference] = []
    seen: set[str] = set()
    for found in _REFERENCE.finditer(text):
        number = found.group(2).rstrip(".,;")
        key = number_key(number)
        if key in seen or key == own:
            continue
        seen.add(key)
        before = text[max(0, found.start() - 80):found.start()]
        implements = bool(_IMPLEMENTS.search(before)) or any(r.implements for r in out)
        out.append(Reference(found.group(1), number, implements))
    return out
