"""Measurable objectives (chỉ tiêu): each bullet of the specific goals with a number."""

from __future__ import annotations

import re
from collections.abc import Sequence

from theodoi.extract.model import Target
from theodoi.extract.text import join_lines

# Head nouns that count things in these plans, longest first so "dịch vụ công" wins over
# "dịch vụ".
UNIT_NOUNS = (
    "doanh nghiệp", "dịch vụ công", "dịch vụ", "hệ thống", "người", "hộ gia đình", "hộ",
    "xã", "huyện", "tỉnh", "cơ sở dữ liệu", "nền tảng", "thủ tục hành chính", "thủ tục",
    "hồ sơ", "tài khoản", "thuê bao", "trạm", "điểm", "cơ quan", "đơn vị", "sản phẩm",
    "ứng dụng", "học viên", "cán bộ", "lượt", "tỷ đồng", "triệu đồng", "đồng", "km", "thôn",
)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNIT_NOUNS, key=len, reverse=True))
_VALUE = re.compile(
    rf"(?<![\d/.,])(\d{{1,3}}(?:[.,]\d{{3}})+|\d+(?:[.,]\d+)?)\s*(%|(?:{_UNIT_RE})\b)"
)
_GOALS_HEADING = re.compile(r"(mục tiêu cụ thể|chỉ tiêu)", re.IGNORECASE)
_SECTION_END = re.compile(r"^(?:\d+\.\s|[IVX]+\.\s|[a-zđ]\)\s)")


def read_targets(paragraphs: Sequence[str]) -> list[Target]:
    """Targets listed in the "Mục tiêu cụ thể" part of the plan, in document order."""
    targets: list[Target] = []
    inside = False
    for paragraph in paragraphs:
        text = join_lines(paragraph.split("\n"))
        if _GOALS_HEADING.search(text) and not text.startswith(("-", "–", "+")):
            inside = True
            continue
        if not inside:
            continue
        if _SECTION_END.match(text):
            inside = False
            continue
        if text.startswith(("-", "–", "+", "•")):
            target = target_of(re.sub(r"^[-–+•]\s*", "", text))
            if target:
                targets.append(target)
    return targets


def target_of(text: str) -> Target | None:
    """The first number-with-unit in `text` as a Target, or None."""
    found = _VALUE.search(text)
    if not found:
        return None
    raw, unit = found.group(1), found.group(2)
    number = raw.replace(".", "").replace(",", "") if re.search(r"[.,]\d{3}$", raw) else raw
    value: float | int = (
        float(number.replace(",", ".")) if re.search(r"[.,]", number) else int(number)
    )
    return Target(text=text, value=value, unit=unit)
