"""Reminders while the SMTP server is down: a real aiosmtpd server on 127.0.0.1, stopped for
the first run and started again (same port) for the next; and one that refuses a message
for a while. Nothing is recorded as sent that was not, nothing is sent twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.outputs.conftest import AS_OF
from tests.outputs.test_reminders import Inbox, free_port
from theodoi.outputs.models import AgencyContact, ReminderLog
from theodoi.outputs.reminders import send_reminders

pytestmark = pytest.mark.django_db

ADDRESSES = ["cds@boa.gov.vn", "reporter-b@tinhb.gov.vn", "vanthu@tinhb.gov.vn"]


class RefusingInbox(Inbox):
    """An inbox answering 451 (try again later) to the messages for `refused` addresses."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused & set(envelope.rcpt_tos):
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "nhacviec@theodoi.test"
    settings.REMINDER_EVERY = "week"
    return settings


@pytest.fixture
def contacts(reported_plan: Any, agency_a: Any, agency_b: Any, reporter_b: Any) -> None:
    reporter_b.email = "reporter-b@tinhb.gov.vn"
    reporter_b.save(update_fields=["email"])
    AgencyContact.objects.create(agency=agency_b, email="vanthu@tinhb.gov.vn")
    AgencyContact.objects.create(agency=agency_a, email="cds@boa.gov.vn")


def received(*inboxes: Inbox) -> Counter[str]:
    """How many messages each address received, over every inbox."""
    return Counter(to for inbox in inboxes for e in inbox.envelopes for to in e.rcpt_tos)


def sent_logged() -> list[str]:
    return sorted(ReminderLog.objects.filter(sent_at__isnull=False).values_list("email",
                                                                               flat=True))


def test_smtp_down_for_a_run_sends_and_records_nothing_and_the_next_run_sends_each_once(
        contacts: None, smtp_settings: Any) -> None:
    port = smtp_settings.EMAIL_PORT
    first_inbox = Inbox()
    server = Controller(first_inbox, hostname="127.0.0.1", port=port)
    server.start()
    server.stop()  # the server was there, it is down now: connections are refused
    down = send_reminders(AS_OF)
    assert down.sent == [] and len(down.failed) == 3
    assert sorted(m.email for m, _ in down.failed) == ADDRESSES
    assert not ReminderLog.objects.exists()  # no claim left behind to block the retry

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)  # back, on the same port
    server.start()
    try:
        up = send_reminders(AS_OF)
        again = send_reminders(AS_OF)  # the cron's next run in the same week
    finally:
        server.stop()
    assert sorted(m.email for m in up.sent) == ADDRESSES and up.failed == []
    assert again.sent == [] and len(again.already_sent) == 3
    assert received(first_inbox, inbox) == Counter(ADDRESSES)  # each exactly once
    assert sent_logged() == ADDRESSES


def test_a_message_the_server_defers_is_sent_next_run_and_the_others_not_again(
        contacts: None, smtp_settings: Any) -> None:
    inbox = RefusingInbox({"vanthu@tinhb.gov.vn"})
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    server.start()
    try:
        first = send_reminders(AS_OF)
        assert [m.email for m, _ in first.failed] == ["vanthu@tinhb.gov.vn"]
        assert "451" in first.failed[0][1]
        assert sent_logged() == ["cds@boa.gov.vn", "reporter-b@tinhb.gov.vn"]
        inbox.refused = set()  # the mailbox is available again
        second = send_reminders(AS_OF)
    finally:
        server.stop()
    assert [m.email for m in second.sent] == ["vanthu@tinhb.gov.vn"]
    assert received(inbox) == Counter(ADDRESSES)
    assert sent_logged() == ADDRESSES
