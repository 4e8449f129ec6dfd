"""E-mail reminders, sent to a real SMTP server (aiosmtpd) on 127.0.0.1 started by the tests."""

from __future__ import annotations

import socket
from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.outputs.conftest import AS_OF
from theodoi.cli import main
from theodoi.outputs.commands import loop
from theodoi.outputs.models import AgencyContact, ReminderLog
from theodoi.outputs.reminders import contacts_of, reminder_period, send_reminders

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        return [
            (list(e.rcpt_tos), message_from_bytes(e.content, policy=default_policy))
            for e in self.envelopes
        ]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "nhacviec@theodoi.test"
    settings.REMINDER_EVERY = "week"
    yield inbox
    controller.stop()


@pytest.fixture
def contacts(reported_plan, agency_a, agency_b, reporter_b):
    reporter_b.email = "reporter-b@tinhb.gov.vn"
    reporter_b.save(update_fields=["email"])
    AgencyContact.objects.create(agency=agency_b, email="vanthu@tinhb.gov.vn")
    AgencyContact.objects.create(agency=agency_b, email="Reporter-B@tinhb.gov.vn")  # same
    AgencyContact.objects.create(agency=agency_a, email="cds@boa.gov.vn")
    AgencyContact.objects.create(agency=agency_a, email="old@boa.gov.vn", is_active=False)


def body(message: EmailMessage, kind: str) -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def test_contacts_are_the_agency_addresses_and_its_reporters_once_each(contacts, agency_b):
    assert contacts_of(agency_b) == ["reporter-b@tinhb.gov.vn", "vanthu@tinhb.gov.vn"]


def test_each_contact_gets_its_agency_digest(contacts, smtp):
    outcome = send_reminders(AS_OF)
    assert len(outcome.sent) == 3
    received = {tuple(to): message for to, message in smtp.messages()}
    assert set(received) == {("cds@boa.gov.vn",), ("reporter-b@tinhb.gov.vn",),
                             ("vanthu@tinhb.gov.vn",)}
    to_b = received[("vanthu@tinhb.gov.vn",)]
    assert to_b["Subject"].strip() == (
        "[Theo dõi CĐS] Ủy ban nhân dân tỉnh B: 1 nhiệm vụ quá hạn, 1 nhiệm vụ sắp đến hạn")
    assert to_b["From"] == "nhacviec@theodoi.test"
    text = body(to_b, "plain")
    assert "Xây dựng kế hoạch kiểm tra, giám sát chuyển đổi số" in text
    assert "Đánh giá chỉ số chuyển đổi số" in text
    assert "quá hạn 51 ngày" in text
    assert "Tổ chức các phiên họp" not in text  # tỉnh B only supports I.1
    html = body(to_b, "html")
    assert "<td" in html and "III.A.1. Đánh giá chỉ số chuyển đổi số" in html
    to_a = received[("cds@boa.gov.vn",)]
    assert to_a["Subject"].strip() == "[Theo dõi CĐS] Bộ A: 1 nhiệm vụ quá hạn"
    assert "I.1. Tổ chức các phiên họp" in body(to_a, "plain")
    assert "Tháng 4/2024, Tháng 5/2024" in body(to_a, "plain")


def test_running_twice_in_a_period_sends_nothing_twice(contacts, smtp):
    send_reminders(AS_OF)
    again = send_reminders(AS_OF)
    next_day = send_reminders(AS_OF + timedelta(days=1))  # Friday of the same week
    assert again.sent == [] and next_day.sent == []
    assert len(again.already_sent) == 3
    assert len(smtp.envelopes) == 3
    assert ReminderLog.objects.filter(period="2024-W25", sent_at__isnull=False).count() == 3
    next_week = send_reminders(AS_OF + timedelta(days=4))
    assert len(next_week.sent) == 3
    assert len(smtp.envelopes) == 6


def test_a_new_contact_gets_the_reminder_of_the_period_it_missed(contacts, smtp, agency_a):
    send_reminders(AS_OF)
    AgencyContact.objects.create(agency=agency_a, email="lanhdao@boa.gov.vn")
    outcome = send_reminders(AS_OF)
    assert [m.email for m in outcome.sent] == ["lanhdao@boa.gov.vn"]


def test_a_dry_run_sends_and_records_nothing(contacts, smtp):
    lines: list[str] = []
    outcome = send_reminders(AS_OF, dry_run=True, report=lines.append)
    assert len(outcome.would_send) == 3 and outcome.sent == []
    assert smtp.envelopes == [] and not ReminderLog.objects.exists()
    assert lines[0].startswith("sẽ gửi cds@boa.gov.vn: [Theo dõi CĐS] Bộ A")


def test_a_failed_send_is_tried_again_next_time(contacts, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    outcome = send_reminders(AS_OF)
    assert len(outcome.failed) == 3 and outcome.sent == []
    assert not ReminderLog.objects.exists()
    settings.EMAIL_PORT = port
    assert len(send_reminders(AS_OF).sent) == 3


def test_nothing_owed_means_no_mail(contacts, smtp):
    outcome = send_reminders(date(2024, 4, 10))
    assert outcome.sent == [] and smtp.envelopes == []
    assert {a.name for a in outcome.nothing_owed} == {"Bộ A", "Ủy ban nhân dân tỉnh B"}


def test_the_period_follows_the_setting(settings):
    settings.REMINDER_EVERY = "month"
    assert reminder_period(AS_OF) == "2024-06"
    assert reminder_period(AS_OF, "day") == "2024-06-20"
    with pytest.raises(ValueError, match="REMINDER_EVERY"):
        reminder_period(AS_OF, "fortnight")


def test_the_remind_command_sends_once_per_period(contacts, smtp, capsys):
    assert main(["remind", "--as-of", "2024-06-20", "--dry-run"]) == 0
    assert "sẽ gửi 3 thư" in capsys.readouterr().out
    assert smtp.envelopes == []
    assert main(["remind", "--as-of", "2024-06-20"]) == 0
    assert "đã gửi 3 thư" in capsys.readouterr().out
    assert main(["remind", "--as-of", "20/06/2024", "--agency", "bo-a"]) == 0
    assert "đã gửi 0 thư; 1 thư đã gửi trong kỳ" in capsys.readouterr().out
    assert len(smtp.envelopes) == 3


def test_the_loop_runs_the_job_and_sleeps_between_runs():
    calls: list[str] = []
    sleeps: list[float] = []

    def job() -> int:
        calls.append("run")
        if len(calls) == 2:
            raise RuntimeError("SMTP down")
        return 0

    assert loop(job, 300, sleep=sleeps.append, times=3) == 0
    assert calls == ["run"] * 3 and sleeps == [300, 300]


def test_a_bad_loop_value_is_a_user_error(capsys):
    assert main(["remind", "--loop", "0"]) == 2
    assert "--loop" in capsys.readouterr().err
