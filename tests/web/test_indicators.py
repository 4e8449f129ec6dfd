"""Indicator pages: a coordinator uploads an export, previews it, confirms; the plan page
shows the mapped indicators' values beside the reported ones, with source and date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from theodoi.tracking.models import Indicator, IndicatorImport, IndicatorMapping, IndicatorValue

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
DTI_CSV = FIXTURES / "dti_2022_tinh.csv"
EMC_XLSX = FIXTURES / "chi_so_emc.xlsx"


def upload(client: Any, path: Path | None = None, data: bytes | None = None,
           name: str = "", **fields: str) -> Any:
    content = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    file = SimpleUploadedFile(name or (path.name if path else "x.csv"), content)
    return client.post(reverse("web:indicator-upload"), {"file": file, **fields})


def test_an_export_is_previewed_before_anything_is_written(as_coordinator: Any) -> None:
    response = upload(as_coordinator, EMC_XLSX)
    assert response.status_code == 302
    page = as_coordinator.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "5 giá trị hiểu được" in text
    assert "0 dòng chưa hiểu được" in text
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in text
    assert "tỉnh Quảng Ninh" in text and "30/09/2024" in text and "Quý III/2024" in text
    assert IndicatorValue.objects.count() == 0


def test_confirming_writes_the_values_and_says_how_many(as_coordinator: Any) -> None:
    preview_url = upload(as_coordinator, DTI_CSV)["Location"]
    response = as_coordinator.post(preview_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:indicators")
    text = response.content.decode()
    assert "Đã nhập 45 giá trị từ dti_2022_tinh.csv; 0 giá trị đã có từ trước." in text
    assert "Nhận thức số" in text
    assert IndicatorValue.objects.count() == 45


def test_the_same_file_again_shows_it_was_imported_and_writes_nothing(
    as_coordinator: Any,
) -> None:
    first = upload(as_coordinator, DTI_CSV)["Location"]
    as_coordinator.post(first)
    again = upload(as_coordinator, DTI_CSV, name="ban-sao.csv")["Location"]
    assert again == first
    page = as_coordinator.get(again).content.decode()
    assert "Tệp này đã được nhập lúc" in page
    assert "Xác nhận và ghi nhận" not in page
    as_coordinator.post(again)
    assert IndicatorValue.objects.count() == 45
    assert IndicatorImport.objects.count() == 1


def test_a_bad_file_is_listed_row_by_row_and_its_good_rows_kept(as_coordinator: Any) -> None:
    data = ("Đơn vị,Năm,Chỉ số,Giá trị\n"
            "Quảng Ninh,2024,Nhận thức số,0.9\n"
            "Tỉnh Không Có,2024,Nhận thức số,0.5\n"
            "Quảng Ninh,2024,Thể chế số,cao\n").encode()
    page = as_coordinator.get(upload(as_coordinator, data=data, name="xau.csv")["Location"])
    text = page.content.decode()
    assert "1 giá trị hiểu được" in text and "2 dòng chưa hiểu được" in text
    assert "Dòng 3, cột «Đơn vị»: danh mục không có cơ quan «Tỉnh Không Có»" in text
    assert "Dòng 4, cột «Giá trị»: «cao» không phải số" in text
    as_coordinator.post(page.wsgi_request.path)
    record = IndicatorImport.objects.get()
    assert record.written == 1 and len(record.problems) == 2


def test_a_file_that_is_no_table_cannot_be_confirmed(as_coordinator: Any) -> None:
    page = as_coordinator.get(upload(as_coordinator, data=b"%PDF-1.4 nothing",
                                     name="x.pdf")["Location"])
    text = page.content.decode()
    assert "không tìm thấy dòng tiêu đề" in text
    assert "Xác nhận và ghi nhận" not in text


def test_an_empty_upload_is_refused_by_the_form(as_coordinator: Any) -> None:
    response = as_coordinator.post(reverse("web:indicator-upload"), {})
    assert response.status_code == 400
    assert IndicatorImport.objects.count() == 0


def test_only_coordinators_reach_the_indicator_pages(as_reporter_a: Any) -> None:
    for name in ("web:indicators", "web:indicator-upload"):
        assert as_reporter_a.get(reverse(name)).status_code == 403
    assert upload(as_reporter_a, DTI_CSV).status_code == 403
    response = as_reporter_a.post(reverse("web:indicator-map"), {"indicator": 1, "target": 1})
    assert response.status_code == 403


def _import(client: Any, data: bytes, name: str) -> None:
    client.post(upload(client, data=data, name=name)["Location"])


def test_the_plan_page_shows_the_mapped_indicator_beside_the_reported_value(
    as_coordinator: Any, published_plan: Any,
) -> None:
    target = published_plan.targets.get(unit="%")
    _import(as_coordinator, ("Đơn vị,Kỳ,Mã chỉ số,Chỉ số,Giá trị,Đơn vị tính,Nguồn\n"
                             "Cả nước,Quý III/2024,emc-toan-trinh,Tỷ lệ hồ sơ toàn trình,"
                             '"45,5",%,EMC\n').encode(), "emc-q3.csv")
    indicator = Indicator.objects.get(code="emc-toan-trinh")
    plan_url = reverse("web:plan", args=[published_plan.pk])
    before = as_coordinator.get(plan_url).content.decode()
    assert "Theo EMC" not in before
    assert "Gắn chỉ số từ hệ thống quốc gia" in before  # the coordinator's mapping form
    response = as_coordinator.post(reverse("web:indicator-map"), {
        "indicator": indicator.pk, "target": target.pk, "next": plan_url})
    assert response.status_code == 302 and response["Location"] == plan_url
    assert IndicatorMapping.objects.filter(indicator=indicator, target=target).exists()
    text = as_coordinator.get(plan_url + "?as_of=2024-12-31").content.decode()
    assert "Theo EMC (Tỷ lệ hồ sơ toàn trình)" in text
    assert "Quý III/2024" in text and "<strong>45,5</strong> %" in text
    assert "emc-q3.csv, nhập ngày" in text
    # The reported value is still there, beside it.
    assert "theo báo cáo" in text
    # 45.5 of a goal of 60: the measured bar is 76% long.
    assert 'class="progress measured"' in text and "width: 76%" in text
    # Unmapped from the page itself, the values stay.
    as_coordinator.post(reverse("web:indicator-map"), {
        "indicator": indicator.pk, "target": target.pk, "remove": "1", "next": plan_url})
    assert "Theo EMC" not in as_coordinator.get(plan_url).content.decode()
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1


def test_a_province_indicator_is_shown_as_the_mean_with_each_agency_listed(
    as_coordinator: Any, published_plan: Any, leader: Any, client: Any,
) -> None:
    _import(as_coordinator, DTI_CSV.read_bytes(), DTI_CSV.name)
    target = published_plan.targets.get(unit="doanh nghiệp")
    as_coordinator.post(reverse("web:indicator-map"), {
        "indicator": Indicator.objects.get(code="dti").pk, "target": target.pk})
    client.force_login(leader)
    text = client.get(reverse("web:plan", args=[published_plan.pk])).content.decode()
    assert "Theo DTI (Chỉ số chuyển đổi số (DTI))" in text
    assert "trung bình của 5 cơ quan" in text
    assert "thành phố Đà Nẵng" in text and "0,8002" in text
    assert "Gắn chỉ số từ hệ thống quốc gia" not in text  # a leader reads, does not map


def test_the_list_suggests_targets_by_likeness_and_a_mapping_can_be_undone(
    as_coordinator: Any, published_plan: Any,
) -> None:
    _import(as_coordinator, ("Đơn vị,Năm,Chỉ số,Giá trị\n"
                             "Cả nước,2024,Tỷ lệ dịch vụ công trực tuyến toàn trình,52\n"
                             ).encode(), "dvc.csv")
    indicator = Indicator.objects.get()
    target = published_plan.targets.get(unit="%")
    page = as_coordinator.get(reverse("web:indicators")).content.decode()
    assert f'<option value="{target.pk}">60% dịch vụ công trực tuyến toàn trình.' in page
    as_coordinator.post(reverse("web:indicator-map"), {"indicator": indicator.pk,
                                                        "target": target.pk})
    assert indicator.mappings.count() == 1
    as_coordinator.post(reverse("web:indicator-map"), {"indicator": indicator.pk,
                                                        "target": target.pk, "remove": "1"})
    assert indicator.mappings.count() == 0
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1  # values stay


def test_the_plan_page_reads_indicators_in_queries_that_do_not_grow_with_agencies(
    as_coordinator: Any, published_plan: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = published_plan.targets.get(unit="%")
    plan_url = reverse("web:plan", args=[published_plan.pk])

    def count() -> int:
        as_coordinator.get(plan_url)  # warm caches (registry, sessions)
        with CaptureQueriesContext(connection) as ctx:
            assert as_coordinator.get(plan_url).status_code == 200
        return len(ctx.captured_queries)

    one = ("Đơn vị,Năm,Mã chỉ số,Chỉ số,Giá trị\nQuảng Ninh,2021,dti,DTI,0.5\n").encode()
    _import(as_coordinator, one, "one.csv")
    as_coordinator.post(reverse("web:indicator-map"), {
        "indicator": Indicator.objects.get(code="dti").pk, "target": target.pk})
    with_one = count()
    _import(as_coordinator, DTI_CSV.read_bytes(), DTI_CSV.name)  # 5 provinces, a later year
    assert "trung bình của 5 cơ quan" in as_coordinator.get(plan_url).content.decode()
    assert count() == with_one
