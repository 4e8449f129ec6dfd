"""A user's own password: reset by e-mail (a real SMTP server on 127.0.0.1), change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.outputs.test_reminders import Inbox, free_port

PASSWORD = "pw-for-tests"  # noqa: S105 - the test users' password (tests/conftest_django.py)
NEW_PASSWORD = "Mat-khau-moi-2026!"  # noqa: S105


@pytest.fixture
def smtp(settings: Any) -> Any:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "theodoi@theodoi.test"
    yield inbox
    controller.stop()


@pytest.fixture
def with_email(leader: Any) -> Any:
    leader.email = "lanhdao@bo-a.gov.vn"
    leader.save(update_fields=["email"])
    return leader


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("web:login"), {"username": username, "password": password})
    return response.status_code == 302


def test_password_reset_by_email_through_a_real_smtp_server(
        client: Any, with_email: Any, smtp: Any) -> None:
    page = client.get(reverse("web:login")).content.decode()
    assert reverse("accounts:password-reset") in page
    form = client.get(reverse("accounts:password-reset"))
    assert "Quên mật khẩu" in form.content.decode()
    sent = client.post(reverse("accounts:password-reset"), {"email": "lanhdao@bo-a.gov.vn"})
    assert sent.status_code == 302
    assert "Đã gửi thư" in client.get(sent["Location"]).content.decode()
    ((to, message),) = smtp.messages()
    assert to == ["lanhdao@bo-a.gov.vn"]
    assert message["Subject"].strip() == "Đặt lại mật khẩu trên hệ thống theo dõi chuyển đổi số"
    text = message.get_body(("plain",)).get_content()
    assert "Kính gửi leader" in text
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", text).group(1)
    step = client.get(link)
    assert step.status_code == 302  # Django hides the token from the address bar
    page = client.get(step["Location"])
    assert "Đặt mật khẩu mới" in page.content.decode()
    done = client.post(step["Location"], {"new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert signs_in("leader", NEW_PASSWORD)
    assert not signs_in("leader", PASSWORD)
    # The link works once.
    again = client.get(link, follow=True)
    assert "không hợp lệ hoặc đã được dùng" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
        client: Any, with_email: Any, smtp: Any) -> None:
    sent = client.post(reverse("accounts:password-reset"), {"email": "ai-do@example.vn"})
    assert sent.status_code == 302
    assert sent["Location"] == reverse("accounts:password-reset-done")
    assert smtp.messages() == []


def test_resets_for_one_address_are_limited(client: Any, with_email: Any, smtp: Any) -> None:
    for _ in range(8):
        answer = client.post(reverse("accounts:password-reset"),
                             {"email": "lanhdao@bo-a.gov.vn"})
        assert answer.status_code == 302
    assert len(smtp.messages()) == 5


def test_a_signed_in_user_changes_the_password(client: Any, leader: Any) -> None:
    client.force_login(leader)
    page = client.get(reverse("web:overview")).content.decode()
    assert reverse("accounts:password-change") in page
    wrong = client.post(reverse("accounts:password-change"), {
        "old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors
    changed = client.post(reverse("accounts:password-change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert "Đã đổi mật khẩu" in client.get(changed["Location"]).content.decode()
    assert signs_in("leader", NEW_PASSWORD)


def test_changing_the_password_needs_a_signed_in_user(client: Any, db: Any) -> None:
    response = client.get(reverse("accounts:password-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
