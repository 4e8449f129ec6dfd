"""Vietnamese words and date forms that every document uses, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from theodoi.tracking import status as engine

STATUS_LABELS: dict[str, str] = {
    engine.OVERDUE: "Quá hạn",
    engine.DUE_SOON: "Sắp đến hạn",
    engine.AWAITING_DATE: "Chờ xác định thời hạn",
    engine.IN_PROGRESS: "Đang thực hiện",
    engine.NOT_STARTED: "Chưa bắt đầu",
    engine.DONE_LATE: "Hoàn thành muộn",
    engine.DONE: "Hoàn thành",
}
# The order statuses are listed in: most urgent first, finished last.
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_LABELS)

# What an agency says in a report (ProgressReport.status), as the Excel sheet offers it.
REPORT_STATUS_LABELS: dict[str, str] = {
    engine.REPORT_NOT_STARTED: "Chưa triển khai",
    engine.REPORT_IN_PROGRESS: "Đang triển khai",
    engine.REPORT_DONE: "Đã hoàn thành",
    engine.REPORT_CANNOT_DO: "Không thể thực hiện",
}

REVIEW_LABELS: dict[str, str] = {
    engine.REVIEW_PENDING: "chờ duyệt",
    engine.REVIEW_ACCEPTED: "đã duyệt",
    engine.REVIEW_RETURNED: "trả lại",
    engine.REVIEW_WITHDRAWN: "đã rút",
}

ROLE_LABELS: dict[str, str] = {"lead": "Chủ trì", "partner": "Phối hợp"}

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
    """A period key in words: "2024-05" -> "tháng 05/2024", "2024-Q2" -> "quý II/2024"."""
    if not key:
        return ""
    year, _, rest = key.partition("-")
    if not rest:
        return f"năm {year}"
    if rest.startswith("W"):
        return f"tuần {int(rest[1:])}/{year}"
    if rest.startswith("Q"):
        return f"quý {['I', 'II', 'III', 'IV'][int(rest[1:]) - 1]}/{year}"
    if rest.startswith("H"):
        return f"6 tháng {'đầu' if rest == 'H1' else 'cuối'} năm {year}"
    return f"tháng {rest}/{year}"


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
