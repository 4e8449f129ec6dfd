"""Any list of the pages as a file: CSV (UTF-8 with a BOM, so that Excel reads Vietnamese)
or Excel, written from the very rows the page shows (`theodoi.web.lists`), filters and all.

A list page answers `?export=csv` or `?export=xlsx` (the page's own URL and filters, plus
the format): the view builds its rows once and either pages them or hands them here. There
is no second filtering code to drift from the page.

Large lists: CSV is streamed (`StreamingHttpResponse`, the rows read from the database in
chunks of `CHUNK`), so a national list of every task costs neither memory nor a timeout.
Excel is written by openpyxl's write-only mode (rows go straight to the file) but the file
is a zip built whole before it is sent, so it stops at `XLSX_MAX_ROWS` rows and says so in
its last row; the CSV of the same list has every row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from theodoi.web.labels import (
    PLAN_STATUS_LABELS,
    PROGRESS_LABELS,
    ROLE_IN_TASK_LABELS,
    STATUS_LABELS,
)

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 20_000
CHUNK = 2_000
# A cell starting with one of these is a formula to Excel (CSV injection): such text is
# written with a leading quote in CSV and as a string cell in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an export: its Vietnamese header, how a row gives its value, its
    width in Excel."""

    header: Any
    value: Callable[[Any], Any]
    width: float = 14


@dataclass
class Export:
    """A list to write: a file name (ASCII, without extension), the sheet title, its
    columns and its rows (a queryset is read in chunks)."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def requested(request: HttpRequest) -> str | None:
    """The export format the URL asks for (`?export=csv|xlsx`), else None."""
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


def links(request: HttpRequest) -> dict[str, str]:
    """The page's URL with its filters (no page number) and each export format."""
    params = request.GET.copy()
    for name in [k for k in params if k == "export" or k == "page" or k.endswith("page")]:
        params.pop(name)
    out = {}
    for fmt in FORMATS:
        params["export"] = fmt
        out[fmt] = f"{request.path}?{params.urlencode()}"
    return out


def respond(export: Export, fmt: str) -> HttpResponse | StreamingHttpResponse:
    return csv_response(export) if fmt == "csv" else xlsx_response(export)


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written (csv.writer into a stream)."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(export: Export, language: str | None) -> Iterator[str]:
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(c.header) for c in export.columns])
        for row in _rows(export.rows):
            yield writer.writerow([_text(c.value(row)) for c in export.columns])


def csv_response(export: Export) -> StreamingHttpResponse:
    """The list as CSV, streamed row by row (UTF-8 with a BOM for Excel)."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(export, translation.get_language())),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.name}.csv"'
    return response


def xlsx_bytes(export: Export) -> bytes:
    """The list as an Excel workbook of one sheet, at most XLSX_MAX_ROWS rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(export.title[:31])
    for i, column in enumerate(export.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    written = 0
    for row in _rows(export.rows):
        if written == XLSX_MAX_ROWS:
            ws.append([str(_("Danh sách dài hơn %(n)s dòng: tải CSV để có đủ các dòng.")
                           % {"n": f"{XLSX_MAX_ROWS:,}".replace(",", ".")})])
            break
        ws.append([_cell(ws, WriteOnlyCell, c.value(row)) for c in export.columns])
        written += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(export.columns))}{written + 1}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(ws: Any, make: Any, value: Any) -> Any:
    if isinstance(value, date):
        cell = make(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if value is None or isinstance(value, int | float):
        return value
    cell = make(ws, value=str(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def xlsx_response(export: Export) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(export), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export.name}.xlsx"'
    return response


# -- the columns of each list ------------------------------------------------------------


def _label(labels: dict[str, Any], code: str | None) -> str:
    return str(labels.get(code, code or "")) if code else ""


def _state(row: Any, name: str) -> Any:
    return getattr(row, f"state_{name}", getattr(row, name, None))


def _due(row: Any) -> date | None:
    task = getattr(row, "task", row)
    return row.deciding_due or task.effective_due()


TASK_COLUMNS: tuple[Column, ...] = (
    Column(_("Mã"), lambda t: t.code, 9),
    Column(_("Nhiệm vụ"), lambda t: t.name or t.detail, 60),
    Column(_("Mục"), lambda t: t.section.code if t.section_id else "", 8),
    Column(_("Cơ quan chủ trì"), lambda t: "; ".join(t.lead), 30),
    Column(_("Cơ quan phối hợp"), lambda t: "; ".join(t.partners), 30),
    Column(_("Thời hạn"), lambda t: t.deadline, 20),
    Column(_("Hạn hoàn thành"), _due, 13),
    Column(_("Tình trạng"), lambda t: _label(STATUS_LABELS, _state(t, "status")), 16),
    Column(_("Tiến độ"), lambda t: _label(PROGRESS_LABELS, _state(t, "progress")), 16),
    Column(_("Tỷ lệ hoàn thành (%)"), lambda t: _state(t, "percent"), 10),
)

# The search lists tasks of many plans: the plan is a column.
SEARCH_COLUMNS: tuple[Column, ...] = (
    Column(_("Kế hoạch"), lambda t: t.plan.number or t.plan.title, 20), *TASK_COLUMNS)

PART_COLUMNS: tuple[Column, ...] = (
    Column(_("Kế hoạch"), lambda a: a.task.plan.number or a.task.plan.title, 20),
    Column(_("Mã"), lambda a: a.task.code, 9),
    Column(_("Nhiệm vụ"), lambda a: a.task.name or a.task.detail, 60),
    Column(_("Vai trò"), lambda a: _label(ROLE_IN_TASK_LABELS, a.role), 10),
    Column(_("Tên in trong kế hoạch"), lambda a: a.group_name or a.printed_name, 30),
    Column(_("Thời hạn"), lambda a: a.task.deadline, 20),
    Column(_("Hạn hoàn thành"), _due, 13),
    Column(_("Tình trạng"), lambda a: _label(STATUS_LABELS, _state(a, "status")), 16),
    Column(_("Tiến độ"), lambda a: _label(PROGRESS_LABELS, _state(a, "progress")), 16),
    Column(_("Tỷ lệ hoàn thành (%)"), lambda a: _state(a, "percent"), 10),
)

AGENCY_COLUMNS: tuple[Column, ...] = (
    Column(_("Hạng"), lambda r: r[0], 6),
    Column(_("Cơ quan"), lambda r: r[1].agency.name, 40),
    Column(_("Chủ trì"), lambda r: r[1].total, 9),
    Column(_("Quá hạn"), lambda r: r[1].counts.get("overdue", 0), 9),
    Column(_("Hoàn thành"), lambda r: r[1].counts.get("done", 0)
           + r[1].counts.get("done_late", 0), 11),
    Column(_("Tỷ lệ đúng hạn (%)"), lambda r: r[1].rate_percent, 12),
    Column(_("Phối hợp"), lambda r: r[1].partner_total, 9),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column(_("Số"), lambda i: i["plan"].number, 16),
    Column(_("Ngày"), lambda i: i["plan"].date, 12),
    Column(_("Tên kế hoạch"), lambda i: i["plan"].title or i["plan"].source, 60),
    Column(_("Cơ quan ban hành"), lambda i: i["plan"].issuer, 30),
    Column(_("Trạng thái"), lambda i: _label(PLAN_STATUS_LABELS, i["plan"].status), 12),
    Column(_("Nhiệm vụ"), lambda i: i["total"], 9),
    Column(_("Hoàn thành (%)"), lambda i: i["done"], 11),
)
