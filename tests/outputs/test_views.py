"""The download and upload pages: access through the tracking rules, formats, status codes."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.outputs.test_excel import exported, fill
from tests.outputs.test_letter import docx_text
from theodoi.outputs.ical import feed_for
from theodoi.tracking.models import ProgressReport

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.outputs.urls")]


@pytest.fixture(autouse=True)
def sign_in_page(settings):
    """Anonymous visitors go to the admin's sign-in page (the pages' own may not exist)."""
    settings.LOGIN_URL = "/admin/login/"


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_the_urls_have_names_under_documents(reported_plan):
    assert reverse("outputs:letter", args=["bo-a"]) == "/documents/letter/bo-a.docx"
    assert (reverse("outputs:report", args=[reported_plan.pk, "pdf"])
            == f"/documents/plans/{reported_plan.pk}/report.pdf")
    assert (reverse("outputs:export", args=[reported_plan.pk])
            == f"/documents/plans/{reported_plan.pk}/tasks.xlsx")
    assert reverse("outputs:import") == "/documents/import/"
    assert (reverse("outputs:calendar-agency", args=["bo-a"])
            == "/documents/calendar/agency/bo-a.ics")
    assert (reverse("outputs:calendar-plan", args=[reported_plan.pk])
            == f"/documents/calendar/plan/{reported_plan.pk}.ics")
    assert reverse("outputs:calendar-feed", args=["abc"]) == "/documents/calendar/abc.ics"


def test_a_coordinator_downloads_the_letter_as_of_a_date(reported_plan, coordinator, signed_in):
    response = signed_in(coordinator).get("/documents/letter/tinh-b.docx?as_of=2024-06-20")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="don-doc-tinh-b-2024-06-20.docx"' in response["Content-Disposition"]
    assert "Kính gửi: Ủy ban nhân dân tỉnh B." in docx_text(response.content)


def test_letters_are_for_coordinators_and_leaders(reported_plan, reporter_b, leader, signed_in,
                                                  client):
    url = "/documents/letter/tinh-b.docx?as_of=2024-06-20"
    assert signed_in(reporter_b).get(url).status_code == 403
    assert signed_in(leader).get(url).status_code == 200
    client.logout()
    assert client.get(url)["Location"].startswith("/admin/login/")


def test_a_letter_with_nothing_to_urge_or_a_bad_date_is_refused(reported_plan, coordinator,
                                                                signed_in):
    client = signed_in(coordinator)
    assert client.get("/documents/letter/bo-a.docx?as_of=2024-04-10").status_code == 404
    assert client.get("/documents/letter/bo-a.docx?as_of=30-06-2024").status_code == 400
    assert client.get("/documents/letter/bo-z.docx").status_code == 404


def test_the_report_comes_in_every_registered_format(reported_plan, leader, signed_in):
    client = signed_in(leader)
    base = f"/documents/plans/{reported_plan.pk}/report"
    pdf = client.get(f"{base}.pdf?as_of=2024-06-20")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"{base}.docx?as_of=2024-06-20").status_code == 200
    html = client.get(f"{base}.html?as_of=2024-06-20")
    assert "Kế hoạch có 5 nhiệm vụ được theo dõi" in html.content.decode()
    assert client.get(f"{base}.odt").status_code == 404


def test_a_draft_plan_report_is_for_coordinators_only(coordinator, reporter_a, small_plan_json,
                                                      signed_in):
    from theodoi.tracking.services import import_plan

    draft = import_plan(small_plan_json, user=coordinator)
    url = f"/documents/plans/{draft.pk}/report.html"
    assert signed_in(reporter_a).get(url).status_code == 403
    assert signed_in(coordinator).get(url).status_code == 200


def test_a_reporter_exports_only_its_agency_rows(reported_plan, reporter_b, signed_in):
    response = signed_in(reporter_b).get(
        f"/documents/plans/{reported_plan.pk}/tasks.xlsx?agency=bo-a")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    agencies = {ws.cell(row=r, column=7).value for ws in book.worksheets[1:]
                for r in range(2, ws.max_row + 1)}
    assert agencies == {"Ủy ban nhân dân tỉnh B"}


def test_the_upload_page_applies_a_valid_sheet_and_lists_errors_of_a_bad_one(
    reported_plan, reporter_b, signed_in
):
    client = signed_in(reporter_b)
    assert client.get("/documents/import/").status_code == 200
    good = fill(exported(reported_plan, reporter_b.profile.agency), {
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành"}})
    bad = fill(exported(reported_plan, reporter_b.profile.agency), {
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành",
                                               "percent": "nhiều"}})
    before = ProgressReport.objects.count()
    refused = client.post("/documents/import/", {"file": _upload(bad)})
    assert refused.status_code == 400
    assert "Trang «I», dòng 3, cột «Tỷ lệ hoàn thành (%)»" in refused.content.decode()
    assert ProgressReport.objects.count() == before
    accepted = client.post("/documents/import/", {"file": _upload(good)})
    assert accepted.status_code == 200
    assert "Đã ghi nhận 1 báo cáo" in accepted.content.decode()
    assert ProgressReport.objects.count() == before + 1


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tien-do.xlsx", content)


def test_calendars_download_for_readers_and_subscribe_by_secret_address(
    reported_plan, agency_b, reporter_a, signed_in, client
):
    reader = signed_in(reporter_a)
    assert reader.get("/documents/calendar/agency/tinh-b.ics").status_code == 200
    plan_file = reader.get(f"/documents/calendar/plan/{reported_plan.pk}.ics")
    assert plan_file["Content-Type"] == "text/calendar; charset=utf-8"
    client.logout()
    assert client.get("/documents/calendar/agency/tinh-b.ics").status_code == 302
    feed = feed_for(agency=agency_b)
    subscribed = client.get(f"/documents/calendar/{feed.token}.ics")
    assert subscribed.status_code == 200
    assert subscribed["Content-Type"] == "text/calendar; charset=utf-8"
    assert subscribed["Content-Disposition"].startswith("inline")
    assert b"BEGIN:VCALENDAR" in subscribed.content and b"III.A.1" in subscribed.content
    assert client.get("/documents/calendar/not-a-token.ics").status_code == 404
    old = feed.token
    feed_for(agency=agency_b, rotate=True)
    assert client.get(f"/documents/calendar/{old}.ics").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "leader"])
def test_excel_import_checks_the_role_before_reading_the_workbook(
    who, request, reported_plan, signed_in, monkeypatch
):
    import theodoi.outputs.views as views

    def never(*args, **kwargs):
        raise AssertionError("the workbook was read for a user who may not import")

    monkeypatch.setattr(views, "import_progress", never)
    client = signed_in(request.getfixturevalue(who))
    content = fill(exported(reported_plan), {
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành"}})
    assert client.post("/documents/import/", {"file": _upload(content)}).status_code == 403
    assert client.get("/documents/import/").status_code == 403
