"""Vietnamese words and date forms that every document uses, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from theodoi import glossary

# The glossary's words (theodoi/glossary.py), printed as they are: documents are Vietnamese.
STATUS_LABELS: dict[str, str] = glossary.STATUS
# The order statuses are listed in: most urgent first, finished last.
STATUS_ORDER: tuple[str, ...] = glossary.STATUS_ORDER
# What an agency says in a report (ProgressReport.status), as the Excel sheet offers it.
REPORT_STATUS_LABELS: dict[str, str] = glossary.REPORT_STATUS
REVIEW_LABELS: dict[str, str] = glossary.REVIEW
ROLE_LABELS: dict[str, str] = glossary.ROLE_IN_TASK

PERIOD_LABELS: dict[str, str] = {
    "week": "tuần", "month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def vn_date(day: date | None) -> str:
    """A date as documents print it: 30/04/2024 ("" for None)."""
    return day.strftime("%d/%m/%Y") if day else ""


def place_and_date(day: date, place: str | None = None) -> str:
    """The place-and-date line of Nghị định 30/2020/NĐ-CP: "Hà Nội, ngày 05 tháng 01 năm 2025".

    Days below 10 and the months 1 and 2 take a leading zero (Phụ lục I, mục II.6).
    """
    place = settings.DOCUMENT_PLACE if place is None else place
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def period_label(key: str) -> str:
    """A period key in words: "2026-Q3" -> "Quý III/2026" (`glossary.period_label`)."""
    return glossary.period_label(key)


def percent(value: float | None, digits: int = 0) -> str:
    """A share (0..1) as a Vietnamese percentage: "66,7%" ("" for None)."""
    if value is None:
        return ""
    text = f"{value * 100:.{digits}f}".replace(".", ",")
    return f"{text}%"


def number(value: object) -> str:
    """A number the Vietnamese way: "48.000", "12,5" ("" for None)."""
    if value is None or value == "":
        return ""
    try:
        as_float = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if as_float == int(as_float):
        return f"{int(as_float):,}".replace(",", ".")
    text = f"{as_float:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass
class Issuer:
    """Who issues the documents: from settings (DOCUMENT_*), overridable per document."""

    name: str = field(default_factory=lambda: settings.DOCUMENT_ISSUER)
    parent: str = field(default_factory=lambda: settings.DOCUMENT_ISSUER_PARENT)
    symbol: str = field(default_factory=lambda: settings.DOCUMENT_SYMBOL)
    place: str = field(default_factory=lambda: settings.DOCUMENT_PLACE)
    signer_title: str = field(default_factory=lambda: settings.DOCUMENT_SIGNER_TITLE)
    signer_name: str = field(default_factory=lambda: settings.DOCUMENT_SIGNER_NAME)

    def signer_lines(self) -> list[str]:
        return [line.strip() for line in self.signer_title.splitlines() if line.strip()]
