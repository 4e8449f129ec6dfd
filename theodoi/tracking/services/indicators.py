"""Indicator values from national systems (DTI, EMC), read from the files they export.

    preview = read_indicator_file(data, "dti-2022.xlsx")        # nothing written
    record = start_import(user, data, "dti-2022.xlsx")          # the file kept, previewed
    record = confirm_import(user, record)                       # the values written

Two layouts are read (docs/indicators.md):

- wide, as dti.gov.vn publishes its ranking ("Xếp hạng chi tiết"): one row per agency, one
  column per indicator ("Chỉ số Nhận thức số" ... and the DTI itself), the year in the
  title above the header or given;
- long (our layout, for EMC and any other system): one row per value, with columns Đơn vị,
  Năm/Kỳ/Ngày, Mã chỉ số, Chỉ số, Giá trị, Đơn vị tính, Xếp hạng, Nguồn.

Headers are recognised folded (no diacritics, any case), wherever the header row is in the
first rows. Every row is either understood or listed with its problem in Vietnamese;
confirming writes the understood rows and keeps the list. The same file is never written
twice, and a value equal to the latest one already held for the same indicator, agency
and period is not written again (an overlapping export adds only what changed).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from theodoi.registry.text import fold
from theodoi.tracking import access
from theodoi.tracking.models import (
    Agency,
    Indicator,
    IndicatorImport,
    IndicatorMapping,
    IndicatorValue,
    Target,
)
from theodoi.tracking.services.registry import AgencyMirror, Registry, default_registry

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 20

# -- columns --------------------------------------------------------------------------------

# The words of each column of the long layout, folded; the first that a header equals (or,
# for the longer ones, starts with) names the column.
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "agency": ("don vi", "ten don vi", "co quan", "ten co quan", "tinh, thanh pho",
               "tinh/thanh pho", "tinh thanh pho", "cac tinh, thanh pho truc thuoc tw",
               "cac tinh, thanh pho truc thuoc trung uong", "bo, nganh", "bo nganh",
               "bo, co quan ngang bo", "bo, nganh, dia phuong", "dia phuong", "don vi danh gia",
               "ten tinh", "tinh"),
    "period": ("nam", "ky", "ky danh gia", "ky bao cao", "nam danh gia", "thoi diem",
               "thoi gian", "ngay", "ngay so lieu", "thang", "quy"),
    "code": ("ma chi so", "ma chi tieu", "ma"),
    "name": ("chi so", "ten chi so", "chi tieu", "ten chi tieu", "noi dung"),
    "value": ("gia tri", "diem", "diem so", "ket qua", "so lieu", "ty le", "gia tri chi so"),
    "unit": ("don vi tinh", "dvt", "don vi do"),
    "rank": ("xep hang", "thu hang", "hang", "thu tu xep hang", "stt xep hang"),
    "source": ("nguon", "he thong", "nguon so lieu", "he thong nguon"),
}
# Columns that are neither an indicator nor anything we keep (the table's numbering).
IGNORED_WORDS = ("stt", "tt", "so thu tu", "ghi chu")
NATIONAL_WORDS = ("ca nuoc", "toan quoc", "quoc gia", "viet nam", "trung binh ca nuoc")

# The DTI's pillar indicators (Quyết định 922/QĐ-BTTTT, 2022), by folded name: codes that
# stay the same whatever the file calls them ("Chỉ số Nhận thức số", "Nhận thức số").
DTI_CODES: dict[str, tuple[str, str]] = {
    "nhan thuc so": ("nhan-thuc-so", "Nhận thức số"),
    "the che so": ("the-che-so", "Thể chế số"),
    "ha tang so": ("ha-tang-so", "Hạ tầng số"),
    "nhan luc so": ("nhan-luc-so", "Nhân lực số"),
    "an toan thong tin mang": ("an-toan-thong-tin-mang", "An toàn thông tin mạng"),
    "hoat dong chinh quyen so": ("hoat-dong-chinh-quyen-so", "Hoạt động chính quyền số"),
    "hoat dong kinh te so": ("hoat-dong-kinh-te-so", "Hoạt động kinh tế số"),
    "hoat dong xa hoi so": ("hoat-dong-xa-hoi-so", "Hoạt động xã hội số"),
    "chinh quyen so": ("chinh-quyen-so", "Chính quyền số"),
    "chinh phu so": ("chinh-phu-so", "Chính phủ số"),
    "kinh te so": ("kinh-te-so", "Kinh tế số"),
    "xa hoi so": ("xa-hoi-so", "Xã hội số"),
    "hoat dong chinh phu so": ("hoat-dong-chinh-phu-so", "Hoạt động chính phủ số"),
    "thong tin va du lieu so": ("thong-tin-va-du-lieu-so", "Thông tin và dữ liệu số"),
}
_DTI_TOTAL = re.compile(r"\b(p|m)?dti\b|chuyen doi so cap (tinh|bo)|chi so chuyen doi so$")


def _norm(text: str) -> str:
    """A header folded, its spaces and trailing punctuation tidied."""
    return " ".join(fold(text).replace("\n", " ").split()).strip(" :*.")


def _column_of(header: str) -> str | None:
    folded = _norm(header)
    # "Giá trị (%)", "Xếp hạng DTI": the words before a bracket or a qualifier count.
    bare = re.sub(r"\s*\(.*?\)\s*", " ", folded).strip()
    for key, words in COLUMN_WORDS.items():
        if folded in words or bare in words:
            return key
    return None


def _unit_in(header: str) -> str:
    """The unit written in a header's brackets ("Tỷ lệ (%)" -> "%"), else ""."""
    found = re.search(r"\(([^()]{1,20})\)\s*$", header.strip())
    if not found:
        return ""
    unit = found[1].strip()
    return unit if unit in ("%", "điểm", "‰") or (len(unit) <= 10 and not unit.isupper()) else ""


def slug(text: str) -> str:
    """A code for a name: folded words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words)[:200] or "chi-so"


def indicator_identity(header: str, system: str) -> tuple[str, str]:
    """(code, name) of an indicator column of a wide table."""
    name = " ".join(re.sub(r"\s*\([^()]*\)\s*$", "", header).split())
    folded = _norm(name)
    core = re.sub(r"^(chi so|chi tieu)\s+", "", folded)
    if core in DTI_CODES:
        return DTI_CODES[core]
    if _DTI_TOTAL.search(folded) or folded in ("dti", "chi so dti", "gia tri dti"):
        return ("dti", "Chỉ số chuyển đổi số (DTI)")
    return (slug(name), name)


# -- reading the file -------------------------------------------------------------------------


class UnreadableFile(ValueError):
    """The file is no table we can read (one Vietnamese line)."""


def _decode(data: bytes) -> str:
    """Text of a CSV export: UTF-8 (with or without its mark), else Windows-1258 (what
    older Vietnamese Windows programs write), in NFC."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Windows-1258 writes tones as combining marks: NFC makes "Hà Nội" one string.
        return unicodedata.normalize("NFC", text)
    raise UnreadableFile("không đọc được bảng mã của tệp CSV (cần UTF-8 hoặc Windows-1258)")


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFile("tệp không phải bảng CSV hay Excel (.xlsx) đọc được")
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for row in csv.reader(io.StringIO(text), dialect):
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise UnreadableFile(f"tệp quá lớn: tối đa {MAX_ROWS:,} dòng".replace(",", "."))
    return rows


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    from theodoi.extract.readers import UnreadableDocument
    from theodoi.extract.readers.safety import WORKBOOK_LIMITS, check_zip

    source = io.BytesIO(data)
    try:
        check_zip(source, kind="Excel", limits=WORKBOOK_LIMITS)
    except UnreadableDocument as exc:
        raise UnreadableFile(str(exc)) from exc
    source.seek(0)
    try:
        book = load_workbook(source, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a zip that is no workbook
        raise UnreadableFile("tệp không phải bảng tính Excel (.xlsx) đọc được") from exc
    try:
        # The first sheet that has a header we know; the others are notes or charts.
        for ws in book.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            rows = []
            for values in ws.iter_rows(values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS:
                    raise UnreadableFile(
                        f"tệp quá lớn: tối đa {MAX_ROWS:,} dòng".replace(",", "."))
            if _find_header(rows) is not None:
                return rows
        return rows if book.worksheets else []
    finally:
        book.close()


def table_rows(data: bytes) -> list[list[Any]]:
    """The cells of the file's table, row by row: an .xlsx (its first sheet with a header
    we know) or a CSV (comma, semicolon or tab), whatever the file is called."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile("tệp lớn hơn 10 MB")
    if not data.strip():
        raise UnreadableFile("tệp rỗng")
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("tệp Excel cũ (.xls): hãy lưu lại thành .xlsx hoặc CSV")
    return _csv_rows(data)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class Header:
    """Where the header is and what each column holds."""

    row: int  # 0-based index in the table
    columns: dict[str, int]  # long-layout key -> column index
    indicators: dict[int, str]  # wide layout: column index -> header text

    @property
    def wide(self) -> bool:
        return "value" not in self.columns


def _find_header(rows: Sequence[Sequence[Any]]) -> Header | None:
    """The first row (of the first HEADER_SEARCH_ROWS) naming the agency column and either a
    value column (long layout) or at least one indicator column (wide layout)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_cell(v) for v in row]
        columns: dict[str, int] = {}
        others: dict[int, str] = {}
        for i, text in enumerate(texts):
            if not text:
                continue
            key = _column_of(text)
            if key is not None and key not in columns:
                columns[key] = i
            elif key is None and _norm(text).startswith("xep hang"):
                # "Xếp hạng DTI" ranks the index; further rank columns are not values.
                columns.setdefault("rank", i)
            elif key is None and _norm(text) not in IGNORED_WORDS:
                others[i] = text
        if "agency" not in columns:
            continue
        if "value" in columns:
            return Header(index, columns, {})
        # Without a value column, a lone "Chỉ số" column is one indicator of a wide table.
        if "name" in columns:
            i = columns.pop("name")
            others[i] = texts[i]
        if others:
            return Header(index, columns, others)
    return None


_YEAR_IN_TITLE = re.compile(r"(?:nam|ky|dti)[\s_-]*((?:19|20)\d{2})\b")
_YEAR_ALONE = re.compile(r"(?<![0-9])((?:19|20)\d{2})(?![0-9])")


def period_in(titles: Iterable[str], file_name: str = "") -> str | None:
    """The year named in the titles above the header ("năm 2022", "DTI 2022"), else the
    one year in the file name ("xep-hang-dti-2022.xlsx"), or None."""
    for text in titles:
        found = _YEAR_IN_TITLE.search(fold(text))
        if found:
            return found[1]
    years = set(_YEAR_ALONE.findall(PurePath(file_name).stem))
    return years.pop() if len(years) == 1 else None


def system_in(texts: Iterable[str]) -> str | None:
    """The system a file's titles or headers name: DTI or EMC, else None."""
    joined = " ".join(fold(t) for t in texts)
    if re.search(r"\bemc\b|giam sat, do luong", joined):
        return "EMC"
    if re.search(r"\b(p|m)?dti\b|chuyen doi so|nhan thuc so", joined):
        return "DTI"
    return None


# -- values ---------------------------------------------------------------------------------


def parse_number(value: Any) -> Decimal:
    """A number as exports write it: 0.8002, "0,8002", "95%", "1.234,5", "12 345"."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = _cell(value).replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        raise ValueError(value)
    if "," in text and "." in text:
        # The last separator is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_period(value: Any) -> tuple[str, date]:
    """(period key, its last day) of a cell: 2022, "Năm 2022", "Quý III/2024", "06/2024",
    "30/06/2024", "2024-06-30" or a date cell."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat(), value
    text = _cell(value)
    folded = fold(text)
    if re.fullmatch(r"(nam\s*)?((?:19|20)\d{2})", folded):
        year = int(folded[-4:])
        return str(year), date(year, 12, 31)
    found = re.fullmatch(r"quy\s*(i{1,3}|iv|[1-4])\s*[/-]\s*((?:19|20)\d{2})", folded)
    if found:
        q = _ROMAN.get(found[1]) or int(found[1])
        year = int(found[2])
        return f"{year}-Q{q}", date(year, 3 * q, monthrange(year, 3 * q)[1])
    found = re.fullmatch(r"((?:19|20)\d{2})-q([1-4])", folded)
    if found:
        year, q = int(found[1]), int(found[2])
        return f"{year}-Q{q}", date(year, 3 * q, monthrange(year, 3 * q)[1])
    found = re.fullmatch(r"(?:thang\s*)?(\d{1,2})\s*[/-]\s*((?:19|20)\d{2})", folded) or (
        re.fullmatch(r"((?:19|20)\d{2})-(\d{2})", folded))
    if found:
        a, b = int(found[1]), int(found[2])
        year, month = (b, a) if a <= 12 and b > 12 else (a, b)
        if 1 <= month <= 12:
            return f"{year}-{month:02d}", date(year, month, monthrange(year, month)[1])
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})", folded)
    try:
        if found:
            day = date(int(found[3]), int(found[2]), int(found[1]))
            return day.isoformat(), day
        day = date.fromisoformat(folded)
        return day.isoformat(), day
    except ValueError:
        pass
    raise ValueError(text)


def _rank_in(preview: Preview, row: Sequence[Any], col: dict[str, int], headers: list[str],
             index: int) -> tuple[int | None, bool]:
    """The row's rank (None without a rank column), and False when the cell is not a whole
    number (the problem is listed)."""
    if "rank" not in col:
        return None, True
    try:
        return _rank(_at(row, col["rank"])), True
    except ValueError:
        preview.problems.append(RowProblem(index, headers[col["rank"]],
                                           _cell(_at(row, col["rank"])),
                                           "xếp hạng phải là số nguyên"))
        return None, False


def _rank(value: Any) -> int | None:
    text = _cell(value)
    if not text:
        return None
    found = re.match(r"^(\d{1,4})(?:\s*/\s*\d+)?$", text)  # "5" or "5/63"
    if not found:
        raise ValueError(text)
    return int(found[1])


# -- the preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    """One value understood: which indicator, whose, when, how much."""

    row: int  # 1-based, as a spreadsheet numbers it
    code: str
    name: str
    agency_name: str
    agency_id: str | None  # the registry id; None for the whole country
    agency_label: str
    period: str
    on: date
    value: Decimal
    unit: str
    rank: int | None
    system: str


@dataclass(frozen=True)
class RowProblem:
    """A row (or a cell) not understood, and why, in Vietnamese."""

    row: int
    column: str
    text: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        if self.column:
            where += f", cột «{self.column}»"
        return f"{where}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "text": self.text,
                "message": self.message}


@dataclass
class Preview:
    """What a file holds, before anything is written."""

    system: str
    layout: str  # "wide" (dti.gov.vn's table) or "long" (our layout)
    rows: list[ValueRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def indicators(self) -> list[tuple[str, str]]:
        """(code, name) of the indicators the rows name, in the order met."""
        seen: dict[str, str] = {}
        for row in self.rows:
            seen.setdefault(row.code, row.name)
        return list(seen.items())

    @property
    def agencies(self) -> int:
        return len({r.agency_id for r in self.rows})


class _Agencies:
    """Printed agency names to registry entities, asked once per (name, day)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.found: dict[tuple[str, date], Any] = {}

    def __call__(self, name: str, on: date) -> Any:
        key = (name, on)
        if key not in self.found:
            self.found[key] = self._resolve(name, on)
        return self.found[key]

    def _resolve(self, name: str, on: date) -> Any:
        # Rankings print a province bare ("Quảng Ninh", "TP. Đà Nẵng") and a ministry by its
        # name; the registry knows the committee: the forms it knows are tried in turn.
        bare = re.sub(r"^(tp\.?|thành phố|tỉnh)\s+", "", name, flags=re.IGNORECASE).strip()
        city = re.match(r"^(tp\.?|thành phố)\s", name, flags=re.IGNORECASE) is not None
        tries = [name]
        tries += ([f"UBND thành phố {bare}", f"UBND tỉnh {bare}"] if city
                  else [f"UBND tỉnh {bare}", f"UBND thành phố {bare}"])
        tries += [f"Ủy ban nhân dân tỉnh {bare}", f"Ủy ban nhân dân thành phố {bare}"]
        for text in tries:
            found = self.registry.resolve(text, on=on)
            if found is not None and not getattr(found, "is_group", False):
                return found.entity
        return None


def read_indicator_file(
    data: bytes, file_name: str = "", *, system: str | None = None, period: str | None = None,
    registry: Registry | None = None,
) -> Preview:
    """What `data` (a CSV or .xlsx export) holds, every row understood or listed with its
    problem; nothing is written. `system` and `period` (a year) override what the file says."""
    try:
        rows = table_rows(data)
    except UnreadableFile as exc:
        return Preview(system or "", "", problems=[RowProblem(0, "", "", str(exc))])
    header = _find_header(rows)
    if header is None:
        return Preview(system or "", "", problems=[RowProblem(0, "", "", (
            "không tìm thấy dòng tiêu đề: cần cột «Đơn vị» (hoặc «Tỉnh, thành phố», «Bộ, "
            "ngành») và cột «Giá trị» hoặc các cột chỉ số (xem docs/indicators.md)"))])
    titles = [_cell(v) for row in rows[:header.row] for v in row if _cell(v)]
    headers = [_cell(v) for v in rows[header.row]]
    # The long layout names its indicators in a column: "Nhận thức số", "DTI" say DTI too.
    named = ([_cell(_at(r, header.columns["name"])) for r in rows[header.row + 1:][:200]]
             if "name" in header.columns else [])
    system = ((system or "").strip() or system_in([*titles, *headers, file_name, *named])
              or "Khác")
    if period:
        try:
            parse_period(period)
        except ValueError:
            return Preview(system, "", problems=[RowProblem(
                0, "", period, f"kỳ «{period}» không hợp lệ (ví dụ 2024, Quý III/2024, "
                               "06/2024, 30/06/2024)")])
    default_period = period or period_in(titles, file_name)
    agencies = _Agencies(registry or default_registry())
    preview = Preview(system, "wide" if header.wide else "long")
    reader = _wide_row if header.wide else _long_row
    for index, row in enumerate(rows[header.row + 1:], start=header.row + 2):
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        reader(preview, header, headers, row, index, default_period, agencies)
    if not preview.rows and not preview.problems:
        preview.problems.append(RowProblem(0, "", "", "tệp không có dòng số liệu nào"))
    named = {r.system for r in preview.rows}
    if preview.system == "Khác" and len(named) == 1:
        preview.system = named.pop()  # the file's "Nguồn" column names it on every row
    return preview


def _agency(preview: Preview, agencies: _Agencies, name: str, on: date, index: int,
            column: str) -> tuple[str | None, str] | None:
    """(registry id, shown name) of a row's agency; None (and the problem noted) if unknown."""
    if _norm(name) in NATIONAL_WORDS:
        return None, "Cả nước"
    entity = agencies(name, on)
    if entity is None:
        preview.problems.append(RowProblem(index, column, name,
                                           f"danh mục không có cơ quan «{name}»"))
        return None
    return str(entity.id), str(getattr(entity, "name", name))


def _period_of(preview: Preview, raw: Any, default: str | None, index: int,
               column: str) -> tuple[str, date] | None:
    text = _cell(raw) if raw is not None else ""
    if not text and not isinstance(raw, date):
        if default is None:
            preview.problems.append(RowProblem(index, column, "", (
                "không rõ năm hay kỳ của số liệu: thêm cột «Năm» hoặc chọn kỳ khi tải lên")))
            return None
        raw = default
    try:
        return parse_period(raw)
    except ValueError:
        preview.problems.append(RowProblem(index, column, _cell(raw), (
            f"kỳ «{_cell(raw)}» không hợp lệ (ví dụ 2024, Quý III/2024, 06/2024, 30/06/2024)")))
        return None


def _at(row: Sequence[Any], i: int | None) -> Any:
    return row[i] if i is not None and i < len(row) else None


def _wide_row(preview: Preview, header: Header, headers: list[str], row: Sequence[Any],
              index: int, default_period: str | None, agencies: _Agencies) -> None:
    col = header.columns
    name = _cell(_at(row, col["agency"]))
    agency_header = headers[col["agency"]]
    if not name:
        preview.problems.append(RowProblem(index, agency_header, "", "thiếu tên cơ quan"))
        return
    when = _period_of(preview, _at(row, col.get("period")), default_period, index,
                      headers[col["period"]] if "period" in col else "Năm")
    if when is None:
        return
    agency = _agency(preview, agencies, name, when[1], index, agency_header)
    if agency is None:
        return
    rank, _ = _rank_in(preview, row, col, headers, index)
    found: list[ValueRow] = []
    for i, text in header.indicators.items():
        raw = _at(row, i)
        if _cell(raw) in ("", "-", "—"):
            continue
        code, label = indicator_identity(text, preview.system)
        try:
            value = parse_number(raw)
        except ValueError:
            preview.problems.append(RowProblem(index, text, _cell(raw),
                                               f"«{_cell(raw)}» không phải số"))
            continue
        found.append(ValueRow(index, code, label, name, agency[0], agency[1], when[0],
                              when[1], value, _unit_in(text), None, preview.system))
    # The ranking's "Xếp hạng" ranks the index itself (the DTI column), or the one
    # indicator of a single-indicator table; never a pillar.
    ranked = next((r for r in found if r.code == "dti"), None)
    if ranked is None and len(header.indicators) == 1 and found:
        ranked = found[0]
    preview.rows.extend(replace(r, rank=rank) if r is ranked and rank is not None else r
                        for r in found)


def _long_row(preview: Preview, header: Header, headers: list[str], row: Sequence[Any],
              index: int, default_period: str | None, agencies: _Agencies) -> None:
    col = header.columns
    name = _cell(_at(row, col["agency"]))
    agency_header = headers[col["agency"]]
    indicator = _cell(_at(row, col.get("name")))
    code = _cell(_at(row, col.get("code")))
    if not name:
        preview.problems.append(RowProblem(index, agency_header, "", "thiếu tên cơ quan"))
        return
    if not indicator and not code:
        preview.problems.append(RowProblem(index, "Chỉ số", "", "thiếu tên hoặc mã chỉ số"))
        return
    when = _period_of(preview, _at(row, col.get("period")), default_period, index,
                      headers[col["period"]] if "period" in col else "Năm")
    if when is None:
        return
    raw = _at(row, col["value"])
    try:
        value = parse_number(raw)
    except ValueError:
        preview.problems.append(RowProblem(index, headers[col["value"]], _cell(raw),
                                           f"«{_cell(raw)}» không phải số" if _cell(raw)
                                           else "thiếu giá trị"))
        return
    rank, ranked = _rank_in(preview, row, col, headers, index)
    if not ranked:
        return
    agency = _agency(preview, agencies, name, when[1], index, agency_header)
    if agency is None:
        return
    system = _cell(_at(row, col.get("source"))) or preview.system
    if indicator:
        found_code, label = indicator_identity(indicator, system)
    else:
        found_code, label = slug(code), code
    unit = _cell(_at(row, col.get("unit"))) or _unit_in(headers[col["value"]]) or (
        "%" if isinstance(raw, str) and raw.strip().endswith("%") else "")
    preview.rows.append(ValueRow(index, slug(code) if code else found_code, label, name,
                                 agency[0], agency[1], when[0], when[1], value, unit, rank,
                                 system))


# -- writing --------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    clean = PurePath(name.replace("\\", "/")).name.strip().lstrip(".")
    return clean[:200] or "chi-so"


def start_import(user: Any, data: bytes, file_name: str, *, system: str = "",
                 period: str = "", registry: Registry | None = None,
                 ) -> tuple[IndicatorImport, Preview]:
    """The file kept and previewed (nothing written yet); the same file already imported is
    returned as it was (its `confirmed_at` set), never kept twice."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    access.ensure_coordinator(user)
    sha = hashlib.sha256(data).hexdigest()
    preview = read_indicator_file(data, file_name, system=system or None,
                                  period=period or None, registry=registry)
    done = IndicatorImport.objects.filter(sha256=sha, confirmed_at__isnull=False).first()
    if done is not None:
        return done, preview
    name = _safe_name(file_name)
    stored = default_storage.save(f"indicators/{sha[:16]}/{name}", ContentFile(data))
    record = IndicatorImport.objects.create(
        sha256=sha, file_name=name, stored=stored, system=preview.system or system or "Khác",
        problems=[p.as_json() for p in preview.problems], rows_understood=len(preview.rows),
        options={"system": system, "period": period}, created_by=user,
    )
    return record, preview


def preview_of(record: IndicatorImport, *, system: str = "", period: str = "",
               registry: Registry | None = None) -> Preview:
    """The preview of a kept file, read again."""
    from django.core.files.storage import default_storage

    options = record.options or {}
    with default_storage.open(record.stored, "rb") as handle:
        data = handle.read()
    return read_indicator_file(data, record.file_name,
                               system=system or options.get("system") or None,
                               period=period or options.get("period") or None,
                               registry=registry)


def confirm_import(user: Any, record: IndicatorImport, *, system: str = "", period: str = "",
                   registry: Registry | None = None) -> IndicatorImport:
    """The understood rows of a previewed file written as values (one transaction); a file
    already confirmed is left as it is. Values equal to the latest held for the same
    indicator, agency and period are counted as skipped, not written again."""
    access.ensure_coordinator(user)
    registry = registry or default_registry()
    preview = preview_of(record, system=system, period=period, registry=registry)
    mirror = AgencyMirror(registry)
    lookup = getattr(registry, "get", None)
    with transaction.atomic():
        locked = IndicatorImport.objects.select_for_update().get(pk=record.pk)
        if locked.confirmed_at is not None:
            return locked
        if IndicatorImport.objects.filter(sha256=locked.sha256,
                                          confirmed_at__isnull=False).exists():
            raise ValidationError("Tệp này đã được nhập; không ghi thêm.")
        now = timezone.now()
        indicators: dict[tuple[str, str], Indicator] = {}
        agencies: dict[str, Agency] = {}
        written = skipped = 0
        for row in preview.rows:
            key = (row.system, row.code)
            if key not in indicators:
                indicators[key], _ = Indicator.objects.get_or_create(
                    system=row.system, code=row.code,
                    defaults={"name": row.name, "unit": row.unit})
            indicator = indicators[key]
            agency = None
            if row.agency_id is not None:
                if row.agency_id not in agencies:
                    entity = lookup(row.agency_id) if lookup else None
                    agencies[row.agency_id] = mirror(entity) if entity is not None else (
                        Agency.objects.get(registry_id=row.agency_id))
                agency = agencies[row.agency_id]
            latest = (IndicatorValue.objects
                      .filter(indicator=indicator, agency=agency, period=row.period)
                      .order_by("-imported_at", "-id").first())
            if latest is not None and latest.value == row.value and latest.rank == row.rank:
                skipped += 1
                continue
            IndicatorValue.objects.create(
                indicator=indicator, agency=agency, agency_name=row.agency_name,
                period=row.period, on=row.on, value=row.value, rank=row.rank, unit=row.unit,
                source_system=row.system, source_file=locked.file_name, source=locked,
                row=row.row, imported_by=user, imported_at=now,
            )
            written += 1
        locked.confirmed_at, locked.confirmed_by = now, user
        locked.written, locked.skipped = written, skipped
        locked.save(update_fields=["confirmed_at", "confirmed_by", "written", "skipped"])
    return locked


# -- mapping to targets ---------------------------------------------------------------------


def map_indicator(user: Any, indicator: Indicator, target: Target) -> IndicatorMapping:
    """Say that `indicator` measures `target` (once: mapping it again changes nothing)."""
    access.ensure_coordinator(user)
    mapping, _ = IndicatorMapping.objects.get_or_create(
        indicator=indicator, target=target, defaults={"mapped_by": user})
    return mapping


def unmap_indicator(user: Any, indicator: Indicator, target: Target) -> None:
    """Undo a mapping made by mistake (the values stay)."""
    access.ensure_coordinator(user)
    IndicatorMapping.objects.filter(indicator=indicator, target=target).delete()


def suggest_targets(indicator: Indicator, targets: Sequence[Target],
                    limit: int = 3) -> list[tuple[Target, float]]:
    """The targets whose text is most like the indicator's name (best first)."""
    return TargetSuggester(targets).best(indicator, limit)


class TargetSuggester:
    """Targets weighted against each other once, asked for several indicators."""

    def __init__(self, targets: Sequence[Target]):
        from theodoi.tracking.similarity import Corpus

        self.targets = list(targets)
        self.corpus = Corpus([t.text for t in self.targets]) if self.targets else None

    def best(self, indicator: Indicator, limit: int = 3) -> list[tuple[Target, float]]:
        if self.corpus is None:
            return []
        return [(self.targets[i], score)
                for i, score in self.corpus.best(indicator.name, limit=limit) if score > 0.05]


# -- reading for the pages ------------------------------------------------------------------


@dataclass
class IndicatorReading:
    """An indicator's latest period as a target's page shows it."""

    indicator: Indicator
    period: str
    on: date
    values: list[IndicatorValue]  # one per agency, the latest import of each

    @property
    def national(self) -> IndicatorValue | None:
        return next((v for v in self.values if v.agency_id is None), None)

    @property
    def value(self) -> Decimal | None:
        """The country's value when the file gave one, else the mean of the agencies'."""
        if self.national is not None:
            return self.national.value
        if not self.values:
            return None
        return sum((v.value for v in self.values), Decimal(0)) / len(self.values)

    @property
    def unit(self) -> str:
        return next((v.unit for v in self.values if v.unit), self.indicator.unit)

    @property
    def sources(self) -> list[tuple[str, str, date]]:
        """(system, file, import day) of the values shown."""
        seen: dict[tuple[str, str, date], None] = {}
        for v in self.values:
            seen[(v.source_system, v.source_file, v.imported_on)] = None
        return list(seen)


def readings_for(targets: Iterable[Target], as_of: date | None = None,
                 ) -> dict[int, list[IndicatorReading]]:
    """For each target (by id), its mapped indicators' latest period on `as_of`, each
    agency's latest imported value (two queries, whatever the number of indicators)."""
    ids = [t.pk for t in targets]
    mappings = list(IndicatorMapping.objects.filter(target_id__in=ids)
                    .select_related("indicator").order_by("target_id", "indicator__name"))
    if not mappings:
        return {}
    values = IndicatorValue.objects.filter(
        indicator_id__in={m.indicator_id for m in mappings})
    if as_of is not None:
        values = values.filter(on__lte=as_of)
    # Each indicator's last day on `as_of`, in the same query as its rows of that day.
    last = values.filter(indicator_id=OuterRef("indicator_id")).order_by("-on").values("on")[:1]
    rows = (values.filter(on=Subquery(last)).select_related("agency")
            .order_by("indicator_id", "agency_id", "period", "imported_at", "id"))
    latest: dict[int, dict[tuple[int | None, str], IndicatorValue]] = {}
    for value in rows:
        latest.setdefault(value.indicator_id, {})[(value.agency_id, value.period)] = value
    readings: dict[int, IndicatorReading] = {}
    for indicator_id, found in latest.items():
        chosen = sorted(found.values(), key=lambda v: (v.agency_id is not None,
                                                       v.rank or 10_000, -v.value))
        readings[indicator_id] = IndicatorReading(
            None, chosen[0].period, chosen[0].on, chosen)  # type: ignore[arg-type]
    out: dict[int, list[IndicatorReading]] = {}
    for mapping in mappings:
        reading = readings.get(mapping.indicator_id)
        if reading is None:
            out.setdefault(mapping.target_id, [])
            continue
        out.setdefault(mapping.target_id, []).append(IndicatorReading(
            mapping.indicator, reading.period, reading.on, reading.values))
    return out
