"""Notices: written at the event (a report returned, a plan published, a deadline changed),
read by the agency's reporters with a badge, marked read, and mailed once each through a
real SMTP server."""

from __future__ import annotations

import copy
from datetime import date
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

import pytest

from tests.conftest_django import make_user
from tests.outputs.test_reminders import free_port
from tests.web.conftest import assignment_of
from theodoi.cli import main
from theodoi.notices import services as notices
from theodoi.notices.mail import send_notices
from theodoi.notices.models import Notice
from theodoi.outputs.models import AgencyContact
from theodoi.tracking import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(published_plan: Any, agency_a: Any, reporter_a: Any, coordinator: Any) -> Any:
    report = services.submit_report(assignment_of(published_plan, agency_a, "II.2"),
                                    reporter_a, status="done", percent=100)
    return services.review_report(report, coordinator, accept=False,
                                  reason="Thiếu văn bản ban hành")


def test_publishing_tells_each_agency_once_what_it_was_given(published_plan: Any,
                                                             agency_a: Any,
                                                             agency_b: Any) -> None:
    given = {n.recipient_agency_id: n for n in Notice.objects.filter(kind="assigned")}
    assert agency_a.pk in given and agency_b.pk in given
    # Bộ A leads I.1, II.2 and its part of I.2, and supports III.A.1.
    assert given[agency_a.pk].text == (
        "Kế hoạch 1/QĐ-TEST giao cho đơn vị: chủ trì 3 nhiệm vụ, phối hợp 1 nhiệm vụ.")
    assert given[agency_a.pk].link == (
        f"/search/?plan={published_plan.pk}&agency={agency_a.pk}")


def test_a_returned_report_tells_its_agency_with_the_reason(returned: Any,
                                                            agency_a: Any) -> None:
    notice = Notice.objects.get(kind="returned")
    assert notice.recipient_agency_id == agency_a.pk
    assert "II.2" in notice.text and "Lý do: Thiếu văn bản ban hành" in notice.text
    assert notice.link == f"/assignments/{returned.assignment_id}/report/"


def test_an_accepted_report_tells_nobody(published_plan: Any, agency_a: Any,
                                         reporter_a: Any, coordinator: Any) -> None:
    report = services.submit_report(assignment_of(published_plan, agency_a, "II.2"),
                                    reporter_a, status="done", percent=100)
    services.review_report(report, coordinator, accept=True)
    assert not Notice.objects.filter(kind="returned").exists()


def test_a_date_set_by_a_coordinator_tells_every_agency_on_the_task(
        published_plan: Any, agency_a: Any, coordinator: Any) -> None:
    task = published_plan.tasks.get(code="II.2")
    services.set_task_date(task, date(2024, 9, 30), coordinator, reason="Theo Kế hoạch")
    notice = Notice.objects.get(kind="deadline")
    assert notice.recipient_agency_id == agency_a.pk  # the only agency on II.2
    assert notice.text == ("Thời hạn nhiệm vụ II.2 (Ban hành Nghị định về cơ chế thử "
                           "nghiệm) đổi từ chưa có sang 30/09/2024. Lý do: Theo Kế hoạch")
    assert notice.link == f"/tasks/{task.pk}/"


def test_a_corrected_plan_tells_the_agencies_of_a_changed_deadline(
        published_plan: Any, small_plan_json: Any, coordinator: Any, fake_registry: Any,
        agency_a: Any, agency_b: Any) -> None:
    new = copy.deepcopy(small_plan_json)
    row = next(t for t in new["tasks"] if t["code"] == "III.A.1")
    row["deadline"], row["due"] = "Quý III", {"kind": "quarter", "on": "2024-09-30"}
    services.reimport_plan(published_plan, new, coordinator, registry=fake_registry,
                           on=date(2024, 5, 1))
    got = Notice.objects.filter(kind="deadline")
    assert sorted(got.values_list("recipient_agency", flat=True)) == sorted(
        [agency_a.pk, agency_b.pk])
    assert "từ 30/06/2024 sang 30/09/2024" in got.first().text


def test_reporters_see_their_agency_notices_and_nobody_else_does(
        returned: Any, reporter_a: Any, reporter_b: Any, leader: Any) -> None:
    assert notices.unread_count(reporter_a) == 2  # the publication and the return
    assert notices.unread_count(reporter_b) == 1  # its own publication only
    assert notices.unread_count(leader) == 0
    second = make_user("reporter-a2", "reporter", reporter_a.profile.agency)
    assert notices.unread_count(second) == 2  # read for the agency: one office, one letter


def test_the_notices_page_marks_one_then_all_read(client: Any, returned: Any,
                                                  reporter_a: Any, reporter_b: Any) -> None:
    client.force_login(reporter_a)
    page = client.get("/notices/").content.decode()
    assert "Thiếu văn bản ban hành" in page and 'title="chưa đọc">2</span>' in page
    notice = Notice.objects.get(kind="returned")
    client.post("/notices/read/", {"notice": notice.pk})
    assert notices.unread_count(reporter_a) == 1
    # Opening a notice marks it read and goes where it points.
    other = Notice.objects.get(kind="assigned", recipient_agency=reporter_a.profile.agency)
    response = client.get(f"/notices/{other.pk}/")
    assert response.status_code == 302 and response["Location"] == other.link
    assert notices.unread_count(reporter_a) == 0
    Notice.objects.filter(recipient_agency=reporter_a.profile.agency).update(read_at=None)
    client.post("/notices/read/", {"all": "1"})
    assert notices.unread_count(reporter_a) == 0
    # Another agency's notice cannot be opened or marked by id.
    theirs = Notice.objects.get(kind="assigned", recipient_agency=reporter_b.profile.agency)
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404
    client.post("/notices/read/", {"notice": theirs.pk})
    assert notices.unread_count(reporter_b) == 1


def test_the_notices_page_needs_a_role(client: Any, outsider: Any) -> None:
    assert client.get("/notices/").status_code == 302
    client.force_login(outsider)
    assert client.get("/notices/").status_code == 403


# -- e-mail ------------------------------------------------------------------------------


def received(smtp: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for envelope in smtp.envelopes:
        message = message_from_bytes(envelope.content, policy=default_policy)
        for to in envelope.rcpt_tos:
            out.setdefault(to, []).append(message)
    return out


@pytest.fixture
def addresses(reporter_a: Any, reporter_b: Any, agency_a: Any) -> None:
    reporter_a.email = "Reporter-A@boa.gov.vn"
    reporter_a.save(update_fields=["email"])
    AgencyContact.objects.create(agency=agency_a, email="vanthu@boa.gov.vn")
    AgencyContact.objects.create(agency=agency_a, email="cu@boa.gov.vn", is_active=False)
    # reporter_b has no address: Tỉnh B's notices stay in the app.


def test_each_notice_is_mailed_once_to_its_agency_addresses(
        returned: Any, addresses: Any, smtp: Any, settings: Any) -> None:
    settings.SITE_URL = "https://theodoi.example.gov.vn"
    outcome = send_notices()
    mail = received(smtp)
    assert set(mail) == {"reporter-a@boa.gov.vn", "vanthu@boa.gov.vn"}
    subjects = sorted(m["Subject"].strip() for m in mail["vanthu@boa.gov.vn"])
    assert subjects[0].startswith("[Theo dõi CĐS] Báo cáo bị trả lại: Báo cáo nhiệm vụ II.2")
    assert subjects[1].startswith("[Theo dõi CĐS] Nhiệm vụ mới được giao: Kế hoạch 1/QĐ-TEST")
    back = next(m for m in mail["vanthu@boa.gov.vn"] if "trả lại" in m["Subject"])
    text = back.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi Bộ A" in text and "Lý do: Thiếu văn bản ban hành" in text
    assert (f"https://theodoi.example.gov.vn/assignments/{returned.assignment_id}/report/"
            in text)
    assert back["From"] == "nhacviec@theodoi.test"
    assert len(outcome.sent) == 2
    assert {n.recipient_agency.name for n in outcome.no_address} >= {"Ủy ban nhân dân tỉnh B"}
    # A second run sends nothing again.
    assert send_notices().sent == []
    assert len(smtp.envelopes) == 4
    assert Notice.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_users_own_notice_goes_to_its_own_address_only(smtp: Any, leader: Any) -> None:
    Notice.objects.create(recipient_user=leader, kind="deadline", text="Thử", link="/")
    assert send_notices().sent == []  # no address: kept in the app only
    leader.email = "lanhdao@mic.gov.vn"
    leader.save(update_fields=["email"])
    Notice.objects.create(recipient_user=leader, kind="deadline", text="Thử 2", link="/")
    assert [to for _n, to in send_notices().sent] == [["lanhdao@mic.gov.vn"]]


def test_a_failed_send_is_tried_again_by_the_next_run(
        returned: Any, addresses: Any, smtp: Any, settings: Any, capsys: Any) -> None:
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    outcome = send_notices()
    assert outcome.sent == [] and len(outcome.failed) == 2
    assert Notice.objects.filter(recipient_agency__registry_id="bo-a",
                                 emailed_at__isnull=True).count() == 2
    settings.EMAIL_PORT = port
    assert main(["notices", "send"]) == 0
    assert "đã gửi 2 thông báo" in capsys.readouterr().out
    assert len(smtp.envelopes) == 4


def test_a_plan_without_a_number_is_not_named_kế_hoạch_twice() -> None:
    from theodoi.notices.services import _plan_named
    from theodoi.tracking.models import Plan

    assert _plan_named(Plan(number="58/QĐ-UBQGCĐS")) == "Kế hoạch 58/QĐ-UBQGCĐS"
    assert _plan_named(Plan(title="Kế hoạch triển khai Đề án 06")) == (
        "Kế hoạch triển khai Đề án 06")
