"""Indicator values read from the files national systems export (DTI, EMC)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from theodoi.tracking.models import (
    AppendOnlyError,
    Indicator,
    IndicatorImport,
    IndicatorValue,
    Target,
)
from theodoi.tracking.services import indicators

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
DTI_CSV = FIXTURES / "dti_2022_tinh.csv"
EMC_XLSX = FIXTURES / "chi_so_emc.xlsx"


@pytest.fixture(scope="module")
def registry() -> Any:
    from theodoi.registry import load_registry

    return load_registry()


def cp1258(text: str) -> bytes:
    """`text` as an old Windows program writes it: base letters precomposed where
    Windows-1258 has them (â, ơ, ư...), tones as combining marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, tones = parts[0], ""
        for mark in parts[1:]:
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
                base = joined
            except UnicodeEncodeError:
                tones += mark
        out += (base + tones).encode("cp1258")
    return bytes(out)


# -- reading, no database ----------------------------------------------------------------


def test_the_published_dti_ranking_is_read_pillar_by_pillar(registry: Any) -> None:
    preview = indicators.read_indicator_file(DTI_CSV.read_bytes(), DTI_CSV.name,
                                             registry=registry)
    assert preview.problems == []
    assert preview.layout == "wide"
    assert preview.system == "DTI"
    # 5 provinces x (8 pillars + the index itself)
    assert len(preview.rows) == 45
    assert preview.agencies == 5
    codes = [code for code, _ in preview.indicators]
    assert codes[:2] == ["nhan-thuc-so", "the-che-so"]
    assert codes[-1] == "dti"
    hue = [r for r in preview.rows if r.agency_id == "tinh-thua-thien-hue"]
    assert {r.period for r in hue} == {"2022"}  # the year of the title
    assert hue[0].on == date(2022, 12, 31)
    total = next(r for r in hue if r.code == "dti")
    assert total.value == Decimal("0.6975")
    assert total.rank == 4
    assert next(r for r in hue if r.code == "nhan-luc-so").rank is None


def test_our_long_layout_reads_periods_numbers_and_the_whole_country(registry: Any) -> None:
    preview = indicators.read_indicator_file(EMC_XLSX.read_bytes(), EMC_XLSX.name,
                                             registry=registry)
    assert preview.problems == []
    assert preview.layout == "long"
    by_agency = {(r.agency_id, r.code): r for r in preview.rows}
    country = by_agency[(None, "emc-ket-noi")]
    assert (country.period, country.on, country.value, country.unit) == (
        "2024-Q3", date(2024, 9, 30), Decimal("80.7"), "%")
    assert country.agency_label == "Cả nước"
    quang_ninh = by_agency[("tinh-quang-ninh", "emc-toan-trinh")]
    assert quang_ninh.value == Decimal("62.5")  # "62,5": the decimal comma
    assert (quang_ninh.period, quang_ninh.rank) == ("2024-09-30", 3)
    da_nang = by_agency[("tp-da-nang", "emc-toan-trinh")]
    assert da_nang.period == "2024-09-30"  # a date cell
    dti = by_agency[("tinh-quang-ninh", "nhan-thuc-so")]  # the name gives the DTI code
    assert (dti.system, dti.period) == ("DTI", "2023")
    assert by_agency[("bo-tp", "emc-ket-noi")].system == "EMC"


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"), lambda t: t.encode("utf-8-sig"), cp1258,
], ids=["utf-8", "utf-8-sig", "cp1258"])
def test_a_csv_reads_the_same_in_every_encoding_vietnamese_exports_use(
    encode: Any, registry: Any,
) -> None:
    # Semicolons, as Excel writes CSV where the comma is the decimal mark.
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(csv.reader(io.StringIO(
        DTI_CSV.read_text(encoding="utf-8"))))
    text = out.getvalue()
    preview = indicators.read_indicator_file(encode(text), "dti.csv", registry=registry)
    assert preview.problems == []
    assert len(preview.rows) == 45
    assert preview.indicators[0] == ("nhan-thuc-so", "Nhận thức số")


def test_headers_without_diacritics_are_recognised(registry: Any) -> None:
    text = ("Don vi,Nam,Chi so,Gia tri,Don vi tinh\n"
            "Quang Ninh,2024,Ty le ho so truc tuyen,55.5,%\n")
    preview = indicators.read_indicator_file(text.encode(), "x.csv", registry=registry)
    assert [str(p) for p in preview.problems] == []
    assert preview.rows[0].agency_id == "tinh-quang-ninh"
    assert preview.rows[0].value == Decimal("55.5")


def test_every_bad_row_is_listed_with_its_reason_and_the_good_ones_kept(registry: Any) -> None:
    text = ("Đơn vị,Năm,Chỉ số,Giá trị,Xếp hạng\n"
            "Quảng Ninh,2024,Nhận thức số,0.9,2\n"
            "Tỉnh Không Có,2024,Nhận thức số,0.5,\n"
            "Quảng Ninh,2024,Thể chế số,cao,\n"
            "Quảng Ninh,năm ngoái,Hạ tầng số,0.7,\n"
            ",2024,Hạ tầng số,0.7,\n"
            "Quảng Ninh,2024,,0.7,\n"
            "Quảng Ninh,2024,Nhân lực số,0.6,thứ hai\n")
    preview = indicators.read_indicator_file(text.encode(), "x.csv", registry=registry)
    assert [(r.row, r.code) for r in preview.rows] == [(2, "nhan-thuc-so")]
    problems = {p.row: str(p) for p in preview.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "danh mục không có cơ quan «Tỉnh Không Có»" in problems[3]
    assert "«cao» không phải số" in problems[4]
    assert "kỳ «năm ngoái» không hợp lệ" in problems[5]
    assert "thiếu tên cơ quan" in problems[6]
    assert "thiếu tên hoặc mã chỉ số" in problems[7]
    assert "xếp hạng phải là số nguyên" in problems[8]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "tệp rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "tệp Excel cũ (.xls)"),
    (b"PK\x03\x04 not really a zip", "không tìm thấy dòng tiêu đề"),
    (b"a,b,c\n1,2,3\n", "không tìm thấy dòng tiêu đề"),
    ("Đơn vị,Chỉ số,Giá trị\nQuảng Ninh,Nhận thức số,0.9\n".encode(),
     "không rõ năm hay kỳ"),
], ids=["empty", "xls", "not-a-zip", "no-header", "no-year"])
def test_a_bad_file_says_why_in_one_vietnamese_line(data: bytes, message: str,
                                                    registry: Any) -> None:
    preview = indicators.read_indicator_file(data, "bad.csv", registry=registry)
    assert preview.rows == []
    assert message in " ".join(str(p) for p in preview.problems)


def test_a_damaged_workbook_is_refused_not_crashed_on(registry: Any, tmp_path: Path) -> None:
    import zipfile

    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("xl/workbook.xml", "<not xml")
    preview = indicators.read_indicator_file(broken.read_bytes(), "broken.xlsx",
                                             registry=registry)
    assert preview.rows == []
    assert "không phải bảng tính Excel" in str(preview.problems[0])


def test_the_year_given_at_upload_wins_over_the_title(registry: Any) -> None:
    preview = indicators.read_indicator_file(DTI_CSV.read_bytes(), DTI_CSV.name,
                                             period="2023", registry=registry)
    assert {r.period for r in preview.rows} == {"2023"}


@pytest.mark.parametrize(("text", "expected"), [
    ("0.8002", "0.8002"), ("0,8002", "0.8002"), ("95%", "95"), ("1.234,5", "1234.5"),
    ("1,234.5", "1234.5"), ("12 345", "12345"), (0.5, "0.5"), (7, "7"),
])
def test_numbers_as_exports_write_them(text: Any, expected: str) -> None:
    assert indicators.parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("2022", ("2022", date(2022, 12, 31))), ("Năm 2022", ("2022", date(2022, 12, 31))),
    ("Quý II/2024", ("2024-Q2", date(2024, 6, 30))), ("2024-Q4", ("2024-Q4", date(2024, 12, 31))),
    ("02/2024", ("2024-02", date(2024, 2, 29))), ("Tháng 6/2024", ("2024-06", date(2024, 6, 30))),
    ("30/06/2024", ("2024-06-30", date(2024, 6, 30))),
    ("2024-06-30", ("2024-06-30", date(2024, 6, 30))),
])
def test_periods_as_exports_write_them(text: str, expected: tuple[str, date]) -> None:
    assert indicators.parse_period(text) == expected


# -- writing -----------------------------------------------------------------------------


def test_confirming_writes_the_values_with_their_source(coordinator: Any, registry: Any,
                                                         ) -> None:
    record, _ = indicators.start_import(coordinator, DTI_CSV.read_bytes(), DTI_CSV.name,
                                              registry=registry)
    assert IndicatorValue.objects.count() == 0  # the preview writes nothing
    assert record.confirmed_at is None and record.rows_understood == 45
    done = indicators.confirm_import(coordinator, record, registry=registry)
    assert (done.written, done.skipped) == (45, 0)
    assert done.confirmed_by == coordinator
    value = IndicatorValue.objects.get(indicator__code="dti", agency__registry_id="tp-da-nang")
    assert value.value == Decimal("0.8002")
    assert (value.source_system, value.source_file, value.period) == (
        "DTI", "dti_2022_tinh.csv", "2022")
    assert value.imported_by == coordinator and value.row == 4
    assert Indicator.objects.filter(system="DTI").count() == 9


def test_the_same_file_twice_writes_nothing_more(coordinator: Any, registry: Any) -> None:
    data = DTI_CSV.read_bytes()
    first, _ = indicators.start_import(coordinator, data, "a.csv", registry=registry)
    indicators.confirm_import(coordinator, first, registry=registry)
    again, _ = indicators.start_import(coordinator, data, "copy-of-a.csv", registry=registry)
    assert again.pk == first.pk and again.confirmed_at is not None
    indicators.confirm_import(coordinator, again, registry=registry)
    assert IndicatorValue.objects.count() == 45
    assert IndicatorImport.objects.count() == 1


def test_an_overlapping_export_adds_only_what_changed_and_keeps_the_history(
    coordinator: Any, registry: Any,
) -> None:
    data = DTI_CSV.read_bytes()
    first, _ = indicators.start_import(coordinator, data, "a.csv", registry=registry)
    indicators.confirm_import(coordinator, first, registry=registry)
    corrected = data.replace(b"0.8002", b"0.8100")  # Da Nang's index revised
    second, _ = indicators.start_import(coordinator, corrected, "b.csv", registry=registry)
    done = indicators.confirm_import(coordinator, second, registry=registry)
    assert (done.written, done.skipped) == (1, 44)
    history = IndicatorValue.objects.filter(indicator__code="dti",
                                            agency__registry_id="tp-da-nang")
    assert [v.value for v in history.order_by("imported_at", "id")] == [
        Decimal("0.8002"), Decimal("0.8100")]
    with pytest.raises(AppendOnlyError):
        history.first().delete()


def test_confirmation_keeps_the_rows_not_understood(coordinator: Any, registry: Any) -> None:
    text = "Đơn vị,Năm,Chỉ số,Giá trị\nQuảng Ninh,2024,Nhận thức số,0.9\nNơi Lạ,2024,X,1\n"
    record, _ = indicators.start_import(coordinator, text.encode(), "x.csv", registry=registry)
    done = indicators.confirm_import(coordinator, record, registry=registry)
    assert done.written == 1
    assert done.problems == [{"row": 3, "column": "Đơn vị", "text": "Nơi Lạ",
                              "message": "danh mục không có cơ quan «Nơi Lạ»"}]


def test_only_a_coordinator_imports_or_maps(reporter_a: Any, registry: Any,
                                            published_plan: Any) -> None:
    with pytest.raises(PermissionDenied):
        indicators.start_import(reporter_a, DTI_CSV.read_bytes(), "a.csv", registry=registry)
    indicator = Indicator.objects.create(system="DTI", code="dti", name="DTI")
    with pytest.raises(PermissionDenied):
        indicators.map_indicator(reporter_a, indicator, published_plan.targets.first())


# -- targets -----------------------------------------------------------------------------


def test_a_target_is_suggested_by_the_likeness_of_its_text(published_plan: Any) -> None:
    indicator = Indicator(system="EMC", code="x", name="Tỷ lệ dịch vụ công trực tuyến toàn trình")
    targets = list(Target.objects.filter(plan=published_plan))
    best = indicators.suggest_targets(indicator, targets)
    assert best[0][0].unit == "%"


def test_a_mapped_target_reads_the_latest_period_with_its_source(
    coordinator: Any, registry: Any, published_plan: Any,
) -> None:
    target = published_plan.targets.get(unit="%")
    header = "Đơn vị,Kỳ,Mã chỉ số,Chỉ số,Giá trị,Đơn vị tính,Nguồn\n"
    files = {
        "old.csv": "Cả nước,Quý II/2024,emc-toan-trinh,Tỷ lệ toàn trình,40,%,EMC\n",
        "new.csv": ('Cả nước,Quý III/2024,emc-toan-trinh,Tỷ lệ toàn trình,"45,5",%,EMC\n'
                    "Quảng Ninh,Quý III/2024,emc-toan-trinh,Tỷ lệ toàn trình,62,%,EMC\n"),
    }
    for name, rows in files.items():
        record, _ = indicators.start_import(coordinator, (header + rows).encode(), name,
                                            registry=registry)
        assert record.system == "EMC"  # named by the rows' source column
        indicators.confirm_import(coordinator, record, registry=registry)
    indicator = Indicator.objects.get(code="emc-toan-trinh")
    indicators.map_indicator(coordinator, indicator, target)
    indicators.map_indicator(coordinator, indicator, target)  # once is enough
    assert target.mappings.count() == 1
    readings = indicators.readings_for([target])[target.pk]
    assert len(readings) == 1
    reading = readings[0]
    assert (reading.period, reading.value, reading.unit) == ("2024-Q3", Decimal("45.5"), "%")
    assert [v.agency_id is None for v in reading.values] == [True, False]
    assert reading.sources == [("EMC", "new.csv", reading.values[0].imported_on)]
    earlier = indicators.readings_for([target], as_of=date(2024, 7, 1))[target.pk][0]
    assert (earlier.period, earlier.value) == ("2024-Q2", Decimal("40"))



def test_two_previews_of_one_file_are_confirmed_once(coordinator: Any, registry: Any) -> None:
    from django.core.exceptions import ValidationError

    data = DTI_CSV.read_bytes()
    first, _ = indicators.start_import(coordinator, data, "a.csv", registry=registry)
    second, _ = indicators.start_import(coordinator, data, "a.csv", registry=registry)
    assert first.pk != second.pk  # neither confirmed yet: two previews
    indicators.confirm_import(coordinator, first, registry=registry)
    with pytest.raises(ValidationError, match="Tệp này đã được nhập"):
        indicators.confirm_import(coordinator, second, registry=registry)
    assert IndicatorValue.objects.count() == 45


@pytest.mark.parametrize(("titles", "file_name", "expected"), [
    (["BÁO CÁO XẾP HẠNG năm 2022"], "x.csv", "2022"),
    (["Kết quả DTI 2023"], "x.csv", "2023"),
    ([], "xep-hang-dti-2024.xlsx", "2024"),
    ([], "dti_2021.csv", "2021"),
    (["Theo Quyết định 922/QĐ-BTTTT 2022"], "so-lieu.csv", None),  # a decision's year
    ([], "2023-2024.csv", None),  # two years: which one?
])
def test_the_year_is_found_in_the_titles_or_the_file_name(
    titles: list[str], file_name: str, expected: str | None,
) -> None:
    assert indicators.period_in(titles, file_name) == expected
