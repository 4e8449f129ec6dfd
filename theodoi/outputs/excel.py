"""The task sheet of a plan in Excel, and the way back: progress filled in by an agency.

Export: one sheet per section of the plan, one row per task and agency (assignment), the
columns an agency reads (task, deadline, status, latest report) and, shaded yellow, the
columns it fills in (period, progress, percent, text, evidence links). Headers are in
Vietnamese, the header row is frozen and filtered.

Import: every filled-in row is read and checked (the assignment exists and belongs to the
plan, the user may report on it, the values are valid); errors are listed by sheet, row
and column in Vietnamese, and nothing is written unless the whole workbook is valid. Then
each row becomes one progress report through `submit_report`, all in one transaction.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from theodoi import glossary
from theodoi.outputs.digest import periods_owed
from theodoi.outputs.labels import (
    PERIOD_LABELS,
    REPORT_STATUS_LABELS,
    ROLE_LABELS,
    period_label,
    status_label,
    vn_date,
)
from theodoi.outputs.registry import renderer
from theodoi.outputs.report import heading_codes
from theodoi.registry.text import fold
from theodoi.registry.titles import heading_name
from theodoi.tracking import access, queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Assignment, Plan, ProgressReport, Task
from theodoi.tracking.models.assignments import REPORT_FACT_FIELDS, report_fact
from theodoi.tracking.models.base import due_soon_days
from theodoi.tracking.services import PERIOD_PATTERNS, submit_report
from theodoi.tracking.status import ReportFact

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INFO_SHEET = "Hướng dẫn"
PLAN_ID_LABEL = "Mã kế hoạch"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    fill_in: bool = False
    # Headers the column had before the glossary: workbooks exported then still import.
    former: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("assignment", "Mã phân công", 10),
    Column("code", glossary.CODE, 10, former=("Mã nhiệm vụ",)),
    Column("name", glossary.TASK, 48),
    Column("result", glossary.RESULT, 30),
    Column("deadline", glossary.DEADLINE, 18),
    Column("due", glossary.DUE_DATE, 13),
    Column("agency", glossary.AGENCY, 28),
    Column("role", glossary.ROLE, 10),
    Column("status", glossary.STATUS_HEADER, 16),
    Column("latest", glossary.LATEST_REPORT, 34),
    Column("period", glossary.PERIOD, 16, fill_in=True),
    Column("report_status", glossary.PROGRESS_HEADER, 20, fill_in=True),
    Column("percent", f"{glossary.DONE_RATE} (%)", 12, fill_in=True),
    Column("text", "Nội dung báo cáo", 45, fill_in=True),
    Column("links", "Đường dẫn minh chứng", 30, fill_in=True),
)
BY_KEY = {c.key: c for c in COLUMNS}
# A row is a report when one of these is filled (the period alone is not).
REPORT_KEYS = ("report_status", "percent", "text", "links")

# What an agency may write in the "Tiến độ" column, folded, besides the list's own labels.
STATUS_WORDS: dict[str, str] = {
    **{fold(label): code for code, label in REPORT_STATUS_LABELS.items()},
    **{fold(code): code for code in REPORT_STATUS_LABELS},
    # The drop-down's words before the glossary, in workbooks exported then.
    "chua trien khai": engine.REPORT_NOT_STARTED,
    "dang trien khai": engine.REPORT_IN_PROGRESS,
    "chua thuc hien": engine.REPORT_NOT_STARTED,
    "dang thuc hien": engine.REPORT_IN_PROGRESS,
    "hoan thanh": engine.REPORT_DONE,
    "da thuc hien": engine.REPORT_DONE,
    "khong thuc hien duoc": engine.REPORT_CANNOT_DO,
}


# -- export ---------------------------------------------------------------------------------


@dataclass
class SheetPart:
    """One sheet: a section of the plan and its rows (one per assignment)."""

    title: str
    label: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TaskSheet:
    """The export of a plan's tasks and assignments (for one agency, or all) on `as_of`."""

    plan: Plan
    as_of: date
    agency: Agency | None
    parts: list[SheetPart]

    @property
    def filename_stem(self) -> str:
        who = f"-{self.agency.registry_id}" if self.agency else ""
        return f"nhiem-vu-ke-hoach-{self.plan.pk}{who}"

    @property
    def row_count(self) -> int:
        return sum(len(p.rows) for p in self.parts)


def sheet_title(code: str, taken: set[str]) -> str:
    """An Excel sheet name for a section code: no []:*?/\\, at most 31 characters, no
    apostrophe at either end, unique ignoring case (`taken` holds the names lowercased)."""
    title = re.sub(r"[\[\]:*?/\\]", "-", code).strip("'")[:31].rstrip("'") or "Chung"
    base, n = title, 2
    # Excel (and XlsxWriter, which refuses the workbook) compares names ignoring case.
    while title.lower() in taken or title.lower() == INFO_SHEET.lower():
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


# What the sheet reads of a task (`only`): its cells and what its deadline rule needs.
TASK_FIELDS = ("id", "plan_id", "section_id", "order", "code", "name", "result", "deadline",
               "has_children", "due_kind", "due_on", "due_from", "due_every", "set_on")


def _latest(facts: list[ReportFact], as_of: date) -> str:
    """ "25/04/2024: Đã hoàn thành (100%), kỳ Tháng 4/2024": the newest report written by
    `as_of` and still standing ("" when none)."""
    standing = [f for f in facts if f.visible(as_of) and not f.set_aside(as_of)]
    if not standing:
        return ""
    last = standing[-1]
    text = f"{vn_date(last.on)}: {REPORT_STATUS_LABELS.get(last.status, '')}"
    if last.percent is not None:
        text += f" ({last.percent}%)"
    if last.period:
        text += f", kỳ {period_label(last.period)}"
    return text


def build_sheet(plan: Plan, as_of: date, agency: Agency | None = None) -> TaskSheet:
    """The task sheet of `plan` on `as_of`: every active assignment with an agency (only
    `agency`'s when given), grouped by section.

    Three reads whatever the plan's size: its tasks, their assignments and the assignments'
    reports, the last two as plain tuples (a model instance per report was most of the time
    of a 12,000-row sheet).
    """
    queries.fresh()
    tasks = list(Task.objects.filter(plan=plan).current().only(*TASK_FIELDS).order_by("order"))
    headings = heading_codes(tasks)
    rows_of: dict[int, list[tuple]] = {t.pk: [] for t in tasks if t.code not in headings}
    owing = Assignment.objects.filter(is_active=True, agency__isnull=False, task__plan=plan,
                                      task__removed_at__isnull=True)
    if agency is not None:
        owing = owing.filter(agency=agency)
    # The order of `Task.active_assignments`: the model's (task, role, id), leads first.
    for values in queries.with_state(owing, as_of).order_by("task_id", "role", "id").values_list(
            "id", "task_id", "role", "agency__name", "state_status", "status"):
        if values[1] in rows_of:
            rows_of[values[1]].append(values)
    facts: dict[int, list[ReportFact]] = {}
    tz = timezone.get_current_timezone()
    # Oldest first, as `Assignment.report_list`.
    for assignment_id, *fields in (ProgressReport.objects.filter(assignment__in=owing)
                                   .order_by("assignment_id", "created_at", "id")
                                   .values_list("assignment_id", *REPORT_FACT_FIELDS)):
        facts.setdefault(assignment_id, []).append(report_fact(*fields, tz=tz))
    taken: set[str] = set()
    parts: dict[int | None, SheetPart] = {}
    for section in plan.sections.all():
        parts[section.pk] = SheetPart(sheet_title(section.code, taken), str(section))
    days = due_soon_days()
    names: dict[str, str] = {}
    for task in tasks:
        found = rows_of.get(task.pk)
        if not found:
            continue
        task.plan = plan  # the rule of a recurring task starts from the plan's date
        rule = task.deadline_rule()
        every = rule.period
        part = parts.get(task.section_id)
        if part is None:
            part = parts[task.section_id] = SheetPart(sheet_title("", taken), "Chung")
        for pk, _task_id, role, agency_name, state_status, status in sorted(
                found, key=lambda v: v[2] != Assignment.LEAD):
            reports = facts.get(pk, [])
            period = ""
            if every:
                missed = periods_owed(task, engine.judge(rule, reports, as_of, days), as_of)
                period = missed[0] if missed else engine.period_key(as_of, every)
            if agency_name not in names:
                names[agency_name] = heading_name(agency_name)
            part.rows.append({
                "assignment": pk,
                "code": task.code,
                "name": task.name,
                "result": task.result,
                "deadline": task.deadline,
                "due": rule.due_on,
                "agency": names[agency_name],
                "role": ROLE_LABELS.get(role, role),
                "status": status_label(state_status or status),
                "latest": _latest(reports, as_of),
                "period": period_label(period),
            })
    return TaskSheet(plan, as_of, agency, [p for p in parts.values() if p.rows])


def _info_rows(sheet: TaskSheet) -> list[tuple[str, Any]]:
    plan = sheet.plan
    return [
        ("Kế hoạch", plan.title),
        ("Số quyết định", plan.number),
        ("Ngày quyết định", vn_date(plan.date)),
        (PLAN_ID_LABEL, plan.pk),
        (glossary.AGENCY, heading_name(sheet.agency.name) if sheet.agency else "Tất cả cơ quan"),
        ("Tình trạng tính đến ngày", vn_date(sheet.as_of)),
        ("", ""),
        ("Cách cập nhật tiến độ", ""),
        ("1.", "Mỗi trang là một mục của kế hoạch; mỗi dòng là một nhiệm vụ của một cơ quan."),
        ("2.", "Chỉ điền các cột tô vàng: Kỳ báo cáo (nhiệm vụ định kỳ), Tiến độ (chọn trong "
               "danh sách), Tỷ lệ hoàn thành (%), Nội dung báo cáo, Đường dẫn minh chứng "
               "(http:// hoặc https://, cách nhau bởi dấu chấm phẩy)."),
        ("3.", f"Không sửa cột Mã phân công và cột {glossary.CODE}; dòng không điền gì được bỏ "
               "qua."),
        ("4.", "Tải tệp lên hệ thống (hoặc: theodoi import TỆP --user TÊN). Nếu có lỗi, hệ thống "
               "liệt kê lỗi theo trang, dòng, cột và không ghi nhận dòng nào cho đến khi "
               "toàn bộ tệp hợp lệ."),
    ]


# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_Style = tuple[Any, Any]  # (format, the same format with the quote prefix)


class _Writer:
    """XlsxWriter's formats of the sheet, each made once, and cells written by type.

    XlsxWriter writes a string starting with "=" as a formula and one that looks like an
    address as a hyperlink when asked to guess (`write`): every cell is written by its own
    type instead, and text that could start a formula gets the quote prefix, which keeps
    Excel from turning it into a formula when the cell is edited.
    """

    def __init__(self, book: Any) -> None:
        border = {"border": 1, "border_color": "#A6A6A6"}
        top = {"text_wrap": True, "valign": "top"}
        self._book = book
        self.header = self._format(bold=True, pattern=1, bg_color="#D9E1F2", text_wrap=True,
                                   valign="vcenter", align="center", **border)
        self.label = self._format(bold=True)
        self.note = self._format(**top)
        self.columns: list[_Style] = []
        for column in COLUMNS:
            style: dict[str, Any] = {**border, **top}
            if column.fill_in:
                style.update(pattern=1, bg_color="#FFF2CC")
            if column.key == "due":
                style["num_format"] = "DD/MM/YYYY"
            if column.key in ("period", "code"):
                style["num_format"] = "@"  # "2024-05" stays text, not a date
            self.columns.append(self._format(**style))

    def _format(self, **properties: Any) -> _Style:
        return (self._book.add_format(properties),
                self._book.add_format({**properties, "quote_prefix": True}))

    @staticmethod
    def put(ws: Any, row: int, col: int, value: Any, style: _Style) -> None:
        """`value` in cell (row, col) of `ws` (0-based), in `style`."""
        if value is None or value == "":
            ws.write_blank(row, col, None, style[0])
        elif isinstance(value, str):
            ws.write_string(row, col, value, style[value.startswith(FORMULA_STARTS)])
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, style[0])
        else:
            ws.write_number(row, col, value, style[0])


@renderer("tasks", "xlsx", XLSX, "Danh sách nhiệm vụ và phân công (Excel)")
def tasks_xlsx(sheet: TaskSheet) -> bytes:
    """The task sheet as a workbook, written with XlsxWriter (openpyxl reads it back).

    openpyxl spent about 15 µs a cell building and styling cell objects (4 s of a
    12,000-row sheet, even in its write-only mode); XlsxWriter writes the same cells in
    about a third of that.
    """
    import xlsxwriter

    out = BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    writer = _Writer(book)
    put = writer.put
    info = book.add_worksheet(INFO_SHEET)
    info.set_column(0, 0, 26)
    info.set_column(1, 1, 100)
    for index, (label, value) in enumerate(_info_rows(sheet)):
        put(info, index, 0, label, writer.label)
        put(info, index, 1, value, writer.note)
    statuses = list(REPORT_STATUS_LABELS.values())
    keys = [c.key for c in COLUMNS]
    report_status, share = keys.index("report_status"), keys.index("percent")
    for part in sheet.parts:
        ws = book.add_worksheet(part.title)
        last = len(part.rows)  # 0-based index of the last row; row 0 is the header
        for index, column in enumerate(COLUMNS):
            ws.set_column(index, index, column.width)
        ws.freeze_panes(1, 2)  # "C2": the header and the two code columns
        ws.set_row(0, 32)
        ws.autofilter(0, 0, last, len(COLUMNS) - 1)
        ws.data_validation(1, report_status, last, report_status, {
            "validate": "list", "source": statuses, "ignore_blank": True,
            "error_title": "Tiến độ", "error_message": "Chọn một giá trị trong danh sách."})
        ws.data_validation(1, share, last, share, {
            "validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100,
            "ignore_blank": True, "error_title": "Tỷ lệ hoàn thành",
            "error_message": "Nhập số nguyên từ 0 đến 100."})
        for index, column in enumerate(COLUMNS):
            put(ws, 0, index, column.header, writer.header)
        for number, row in enumerate(part.rows, start=1):
            for index, (key, style) in enumerate(zip(keys, writer.columns, strict=True)):
                put(ws, number, index, row.get(key, ""), style)
    book.set_properties({"title": f"Nhiệm vụ {sheet.plan}", "author": "theodoi"})
    book.close()
    return out.getvalue()


# -- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem in the uploaded workbook, where a person can find it."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"trang «{self.sheet}»")
        if self.row:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột «{self.column}»")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]}: {self.message}" if prefix else self.message


@dataclass
class ImportResult:
    """What an upload did: the reports written (none when there are errors) and the errors."""

    reports: list[ProgressReport] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    sheet: str
    row: int
    assignment_id: int | None
    code: str
    period: str
    status: str | None
    percent: int | None
    text: str
    links: list[str]


class _Rollback(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_percent(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(_text(value).rstrip("%").strip().replace(",", "."))
    if not number.is_integer() or not 0 <= number <= 100:
        raise ValueError
    return int(number)


def _parse_period(value: Any) -> str:
    """The period key of a cell: written as the sheet shows it ("Quý III/2026") or as a key
    ("2026-Q3", in workbooks exported before)."""
    if isinstance(value, datetime | date):
        # Excel turned "2024-05" into a date: read it back as the month.
        return f"{value.year}-{value.month:02d}"
    text = _text(value)
    return glossary.period_key_of(text) or text.upper().replace(" ", "")


def _parse_row(sheet: str, number: int, cells: dict[str, Any]) -> tuple[_Row, list[CellError]]:
    """One filled-in row read and checked on its own (no database)."""
    errors: list[CellError] = []

    def fail(key: str, message: str) -> None:
        errors.append(CellError(sheet, number, BY_KEY[key].header, message))

    assignment_id: int | None = None
    try:
        assignment_id = int(_text(cells.get("assignment")))
    except ValueError:
        fail("assignment", "mã phân công phải là số do hệ thống ghi; đừng sửa cột này")
    status = None
    raw_status = _text(cells.get("report_status"))
    if not raw_status:
        fail("report_status", "chưa chọn tiến độ")
    else:
        status = STATUS_WORDS.get(fold(raw_status))
        if status is None:
            choices = ", ".join(REPORT_STATUS_LABELS.values())
            fail("report_status", f"«{raw_status}» không hợp lệ; chọn một trong: {choices}")
    share = None
    if cells.get("percent") not in (None, ""):
        try:
            share = _parse_percent(cells["percent"])
        except ValueError:
            fail("percent", f"«{_text(cells['percent'])}» không phải số nguyên từ 0 đến 100")
    if status == engine.REPORT_DONE and share is not None and share != 100:
        fail("percent", "nhiệm vụ đã hoàn thành thì tỷ lệ là 100")
    if status == engine.REPORT_NOT_STARTED and share:
        fail("percent", "nhiệm vụ chưa bắt đầu thì tỷ lệ là 0 hoặc để trống")
    links = [part for part in re.split(r"[\s;]+", _text(cells.get("links"))) if part]
    for link in links:
        if not re.match(r"^https?://\S+$", link):
            fail("links", f"«{link}» không phải đường dẫn bắt đầu bằng http:// hoặc https://")
    row = _Row(sheet, number, assignment_id, _text(cells.get("code")),
               _parse_period(cells.get("period")), status, share, _text(cells.get("text")),
               links)
    return row, errors


def _read_rows(book: Any) -> tuple[list[_Row], list[CellError], int | None]:
    rows: list[_Row] = []
    errors: list[CellError] = []
    plan_id: int | None = None
    seen_rows = seen_cells = 0

    def count(values: tuple) -> None:
        nonlocal seen_rows, seen_cells
        seen_rows += 1
        seen_cells += len(values)
        if seen_rows > MAX_IMPORT_ROWS or seen_cells > MAX_IMPORT_CELLS:
            raise TooLarge(f"tệp quá lớn: tối đa {MAX_IMPORT_ROWS:,} dòng và "
                           f"{MAX_IMPORT_CELLS:,} ô; hãy dùng tệp xuất từ hệ thống"
                           .replace(",", "."))
    if INFO_SHEET in book.sheetnames:
        for values in book[INFO_SHEET].iter_rows(values_only=True, max_col=2):
            count(values)
            label, value = (*values, None, None)[:2]
            if label == PLAN_ID_LABEL:
                try:
                    plan_id = int(value)
                except (TypeError, ValueError):
                    errors.append(CellError(INFO_SHEET, 0, PLAN_ID_LABEL,
                                            "mã kế hoạch đã bị sửa"))
    for ws in book.worksheets:
        if ws.title == INFO_SHEET:
            continue
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        count(first)
        header = [_text(v) for v in first]
        where = {text: i for i, text in enumerate(header) if text}
        for column in COLUMNS:
            for old in column.former:
                if old in where and column.header not in where:
                    where[column.header] = where[old]
        if BY_KEY["assignment"].header not in where:
            continue  # not one of our sheets: a page someone added for notes
        missing = [c.header for c in COLUMNS
                   if (c.fill_in or c.key in ("assignment", "code")) and c.header not in where]
        if missing:
            errors.append(CellError(ws.title, 1, ", ".join(missing),
                                    "thiếu cột; hãy dùng tệp xuất từ hệ thống"))
            continue
        for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            count(values)
            cells = {key: (values[i] if i < len(values) else None)
                     for key, i in ((c.key, where.get(c.header)) for c in COLUMNS)
                     if i is not None}
            if all(cells.get(k) in (None, "") for k in REPORT_KEYS):
                continue
            row, row_errors = _parse_row(ws.title, number, cells)
            rows.append(row)
            errors.extend(row_errors)
    return rows, errors, plan_id


def _check_rows(rows: list[_Row], user: Any, plan_id: int | None) -> list[CellError]:
    """Errors that need the database: the assignment, the user's right, the period."""
    errors: list[CellError] = []
    ids = {r.assignment_id for r in rows if r.assignment_id is not None}
    found = Assignment.objects.select_related("task", "task__plan", "agency").in_bulk(ids)
    seen: dict[tuple[int, str], int] = {}
    column = BY_KEY["assignment"].header
    for row in rows:
        if row.assignment_id is None:
            continue
        assignment = found.get(row.assignment_id)
        if assignment is None:
            errors.append(CellError(row.sheet, row.row, column,
                                    f"không có phân công số {row.assignment_id}"))
            continue
        task = assignment.task
        if plan_id is not None and task.plan_id != plan_id:
            errors.append(CellError(row.sheet, row.row, column,
                                    "phân công này không thuộc kế hoạch của tệp"))
            continue
        if row.code and row.code != task.code:
            errors.append(CellError(row.sheet, row.row, BY_KEY["code"].header,
                                    f"mã «{row.code}» không khớp phân công "
                                    f"(nhiệm vụ {task.code}); đừng sửa hai cột mã"))
            continue
        if not access.can_report_on(user, assignment):
            who = assignment.agency.name if assignment.agency else assignment.printed_name
            errors.append(CellError(row.sheet, row.row, column,
                                    f"bạn không được báo cáo thay {who} về nhiệm vụ {task.code}"))
            continue
        every = task.deadline_rule().period
        period_column = BY_KEY["period"].header
        if every is None and row.period:
            errors.append(CellError(row.sheet, row.row, period_column,
                                    "nhiệm vụ không định kỳ: để trống kỳ báo cáo"))
        elif every is not None and row.period and not PERIOD_PATTERNS[every].match(row.period):
            example = period_label(engine.period_key(task.plan.reference_date(), every))
            errors.append(CellError(row.sheet, row.row, period_column,
                                    f"kỳ «{period_label(row.period)}» không đúng: nhiệm vụ "
                                    f"báo cáo mỗi {PERIOD_LABELS[every]} một lần, "
                                    f"ví dụ {example}"))
        key = (assignment.pk, row.period)
        if key in seen:
            errors.append(CellError(row.sheet, row.row, column,
                                    f"trùng với dòng {seen[key]}: mỗi phân công một dòng"))
        seen.setdefault(key, row.row)
    return errors


# Beyond what the largest plan's sheet holds; a workbook past them is refused while it is
# read (streamed), before its rows fill memory.
MAX_IMPORT_ROWS = 50_000
MAX_IMPORT_CELLS = 1_000_000


class TooLarge(Exception):
    """The workbook holds more rows or cells than an import reads."""


def _open(source: str | Path | bytes | IO[bytes]) -> Any:
    """The workbook opened for streaming, after its zip container passed the size checks."""
    from openpyxl import load_workbook

    from theodoi.extract.readers.safety import WORKBOOK_LIMITS, check_zip

    if isinstance(source, bytes):
        source = BytesIO(source)
    if not zipfile.is_zipfile(source):
        raise ValueError("not a zip: no xlsx")
    check_zip(source, kind="Excel", limits=WORKBOOK_LIMITS)
    if not isinstance(source, str | Path):
        source.seek(0)
    # Read-only mode streams each sheet's XML instead of building every cell in memory.
    book = load_workbook(source, data_only=True, read_only=True)
    for ws in book.worksheets:
        # The declared size (<dimension>) may lie: pad rows only to their real last cell.
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
    return book


def import_progress(source: str | Path | bytes | IO[bytes], user: Any) -> ImportResult:
    """Read a filled-in task sheet and, if every row is valid, write its progress reports
    (one transaction); else write nothing and return the errors."""
    from theodoi.extract.readers import UnreadableDocument

    try:
        book = _open(source)
    except UnreadableDocument as exc:
        return ImportResult(errors=[CellError("", 0, "", str(exc))])
    except Exception:  # openpyxl raises many kinds of errors for a file that is no xlsx
        return ImportResult(errors=[CellError("", 0, "", "tệp không phải bảng tính Excel "
                                                         "(.xlsx) đọc được")])
    try:
        rows, errors, plan_id = _read_rows(book)
    except TooLarge as exc:
        return ImportResult(errors=[CellError("", 0, "", str(exc))])
    except Exception:  # a damaged sheet found while streaming it
        return ImportResult(errors=[CellError("", 0, "", "tệp không phải bảng tính Excel "
                                                         "(.xlsx) đọc được")])
    finally:
        book.close()
    result = ImportResult(rows_read=len(rows))
    if not rows and not errors:
        result.errors.append(CellError("", 0, "", "tệp không có dòng nào được điền tiến độ"))
        return result
    errors.extend(_check_rows([r for r in rows if r.assignment_id is not None], user, plan_id))
    if errors:
        result.errors = sorted(errors, key=lambda e: (book.sheetnames.index(e.sheet)
                                                      if e.sheet in book.sheetnames else -1,
                                                      e.row))
        return result
    reports: list[ProgressReport] = []
    try:
        with transaction.atomic():
            found = Assignment.objects.in_bulk({r.assignment_id for r in rows})
            for row in rows:
                try:
                    reports.append(submit_report(
                        found[row.assignment_id], user, status=row.status or "",
                        percent=row.percent, text=row.text, links=row.links,
                        period=row.period or None,
                    ))
                except ValidationError as exc:
                    result.errors.append(CellError(row.sheet, row.row, "",
                                                   "; ".join(exc.messages)))
                except PermissionDenied as exc:  # checked above; kept for a race
                    result.errors.append(CellError(row.sheet, row.row, "", str(exc)))
            if result.errors:
                raise _Rollback
    except _Rollback:
        return result
    result.reports = reports
    return result
