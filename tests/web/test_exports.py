"""Exports of a list: the very rows the page shows with its filters, as CSV (streamed, UTF-8
with a BOM) or Excel (capped, saying so), headers in Vietnamese, text never a formula."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse


def csv_rows(client: Any, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(client: Any, url: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_plan_list_of_tasks_exports_as_filtered(as_leader: Any, published_plan: Any,
                                                     agency_b: Any) -> None:
    url = reverse("web:plan", args=[published_plan.pk]) + f"?lead={agency_b.pk}"
    shown = [r.task.code for _c, _t, rows in as_leader.get(url).context["sections"]
             for r in rows]
    rows = csv_rows(as_leader, url + "&export=csv")
    assert rows[0][:3] == ["Mã", "Nhiệm vụ", "Mục"]
    assert "Tình trạng" in rows[0] and "Cơ quan chủ trì" in rows[0]
    assert [r[0] for r in rows[1:]] == shown == ["I.2", "III.A.1"]
    assert rows[2][1] == "Đánh giá chỉ số chuyển đổi số"
    sheet = xlsx_rows(as_leader, url + "&export=xlsx")
    assert sheet[0] == rows[0]
    assert [r[0] for r in sheet[1:]] == shown
    due = rows[0].index("Hạn hoàn thành")
    assert rows[2][due] == "30/06/2024"
    assert sheet[2][due].date().isoformat() == "2024-06-30"


@pytest.mark.parametrize("query", ["", "role=partner", "year=2024&quarter=2", "status=overdue"])
def test_the_agency_page_exports_the_parts_it_lists(as_leader: Any, published_plan: Any,
                                                    agency_b: Any, query: str) -> None:
    url = reverse("web:agency", args=[agency_b.pk]) + "?" + query
    page = as_leader.get(url).context
    shown = sorted([("Chủ trì", r.task.code) for r in page["rows"]]
                   + [("Phối hợp", r.task.code) for r in page["partner_rows"]])
    rows = csv_rows(as_leader, url + "&export=csv")
    role, code = rows[0].index("Vai trò"), rows[0].index("Mã")
    assert sorted((r[role], r[code]) for r in rows[1:]) == shown
    sheet = xlsx_rows(as_leader, url + "&export=xlsx")
    assert sorted((r[role], r[code]) for r in sheet[1:]) == shown


def test_the_search_the_agencies_and_the_plans_export_as_filtered(
        as_coordinator: Any, published_plan: Any, draft_plan: Any) -> None:
    search = reverse("web:search") + "?q=chuyen+doi+so"
    rows = csv_rows(as_coordinator, search + "&export=csv")
    assert rows[0][:2] == ["Kế hoạch", "Mã"]
    assert [r[1] for r in rows[1:]] == ["I.2", "III.A.1"]
    agencies = csv_rows(as_coordinator, reverse("web:agencies") + "?level=central&export=csv")
    assert agencies[0][:2] == ["Hạng", "Cơ quan"]
    assert sorted(r[1] for r in agencies[1:]) == ["Bộ A", "Bộ Cũ"]
    plans = xlsx_rows(as_coordinator, reverse("web:plans") + "?state=draft&export=xlsx")
    assert plans[0][:2] == ["Số", "Ngày"]
    assert [r[0] for r in plans[1:]] == ["2/QĐ-DRAFT"]
    assert plans[1][plans[0].index("Trạng thái")] == "Bản nháp"


def test_every_list_links_its_exports_with_its_filters(as_leader: Any, published_plan: Any,
                                                       agency_b: Any) -> None:
    pages = [
        reverse("web:plans") + "?year=2024",
        reverse("web:plan", args=[published_plan.pk]) + "?section=I&page=1",
        reverse("web:agencies") + "?level=province",
        reverse("web:agency", args=[agency_b.pk]) + "?role=lead&ppage=1",
        reverse("web:search") + "?q=chuyen&status=overdue",
    ]
    for url in pages:
        html = as_leader.get(url + "&as_of=2024-05-10").content.decode()
        for fmt, label in (("xlsx", "Tải Excel"), ("csv", "Tải CSV")):
            link = re.search(rf'<a href="([^"]+export={fmt}[^"]*)" download>{label}</a>', html)
            assert link is not None, (url, fmt)
            href = link.group(1).replace("&amp;", "&")
            query = url.split("?", 1)[1]
            for param in query.split("&"):
                if "page=" not in param:
                    assert param in href, (url, href)
            assert "as_of=2024-05-10" in href and "page=" not in href
            assert as_leader.get(href).status_code == 200


def test_text_that_looks_like_a_formula_stays_text(as_leader: Any, published_plan: Any) -> None:
    task = published_plan.tasks.get(code="I.1")
    task.name = "=HYPERLINK(\"http://x.vn\",\"bấm\")"
    task.save(update_fields=["name"])
    url = reverse("web:plan", args=[published_plan.pk]) + "?section=I"
    rows = csv_rows(as_leader, url + "&export=csv")
    assert rows[1][1] == "'=HYPERLINK(\"http://x.vn\",\"bấm\")"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(as_leader.get(url + "&export=xlsx").content))
    cell = book.worksheets[0]["B2"]
    assert cell.data_type == "s" and cell.value == task.name


def test_a_long_list_in_excel_stops_at_the_cap_and_says_so(
        as_leader: Any, published_plan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.exports.XLSX_MAX_ROWS", 3)
    url = reverse("web:plan", args=[published_plan.pk]) + "?export="
    sheet = xlsx_rows(as_leader, url + "xlsx")
    assert [r[0] for r in sheet[1:4]] == ["I.1", "I.2", "II.1"]
    assert len(sheet) == 5
    assert "tải CSV" in sheet[4][0]
    assert len(csv_rows(as_leader, url + "csv")) == 6  # the CSV has every row


def test_an_export_follows_the_english_switch(as_leader: Any, published_plan: Any) -> None:
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    rows = csv_rows(as_leader, reverse("web:plan", args=[published_plan.pk]) + "?export=csv")
    assert rows[0][:2] == ["Code", "Task"]
    as_leader.post(reverse("set_language"), {"language": "vi", "next": "/"})


def test_an_export_shows_no_more_than_its_page(as_leader: Any, published_plan: Any,
                                               draft_plan: Any) -> None:
    draft = as_leader.get(reverse("web:plan", args=[draft_plan.pk]) + "?export=csv")
    assert draft.status_code == 403  # a leader reads published plans only
    plans = csv_rows(as_leader, reverse("web:plans") + "?export=csv&state=draft")
    assert [r[0] for r in plans[1:]] == ["1/QĐ-TEST"]  # the state filter is not theirs
