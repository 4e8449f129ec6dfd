"""Signing in and out: Django's auth with failed attempts limited and CSRF on every form."""

from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

PASSWORD = "pw-for-tests"  # noqa: S105 - the test users' password (tests/conftest_django.py)


def attempt(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("web:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_a_user_logs_in_and_sees_the_overview(client: Any, leader: Any) -> None:
    response = attempt(client, "leader", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:overview")
    assert client.get(reverse("web:overview")).status_code == 200


def test_a_wrong_password_says_so_in_vietnamese(client: Any, leader: Any) -> None:
    response = attempt(client, "leader", "sai")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_five_failures_block_the_sixth_attempt_even_with_the_right_password(
        client: Any, leader: Any) -> None:
    for _ in range(5):
        assert attempt(client, "leader", "sai").status_code == 200
    response = attempt(client, "leader", PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_username_and_address(client: Any, leader: Any,
                                               coordinator: Any) -> None:
    for _ in range(5):
        attempt(client, "leader", "sai")
    assert attempt(Client(), "coordinator", PASSWORD).status_code == 302
    assert attempt(Client(), "leader", PASSWORD, address="10.0.0.2").status_code == 302
    assert attempt(Client(), "LEADER ", "sai").status_code == 429


def test_the_block_lifts_after_the_window(client: Any, leader: Any, settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "login-window-test"}}
    with time_machine.travel("2026-01-01 08:00 +0700", tick=False) as traveller:
        for _ in range(5):
            attempt(client, "leader", "sai")
        assert attempt(client, "leader", PASSWORD).status_code == 429
        traveller.shift(16 * 60)
        assert attempt(client, "leader", PASSWORD).status_code == 302


def test_a_success_forgets_earlier_failures(client: Any, leader: Any) -> None:
    for _ in range(4):
        attempt(client, "leader", "sai")
    assert attempt(client, "leader", PASSWORD).status_code == 302
    client.post(reverse("web:logout"))
    for _ in range(4):
        attempt(client, "leader", "sai")
    assert attempt(client, "leader", PASSWORD).status_code == 302


def test_logging_out_is_a_post_and_ends_the_session(client: Any, leader: Any) -> None:
    client.force_login(leader)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:overview")).status_code == 302


def test_forms_refuse_a_post_without_the_csrf_token(leader: Any, reporter_a: Any,
                                                   published_plan: Any) -> None:
    from tests.web.conftest import assignment_of

    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("web:login"),
                       {"username": "leader", "password": PASSWORD}).status_code == 403
    client.force_login(reporter_a)
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    response = client.post(reverse("web:report", args=[assignment.pk]),
                           {"status": "done", "percent": "100"})
    assert response.status_code == 403
    assert assignment.reports.count() == 0


def test_every_page_form_carries_a_csrf_token(client: Any, reporter_a: Any,
                                             published_plan: Any) -> None:
    from tests.web.conftest import assignment_of

    client.force_login(reporter_a)
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    page = client.get(reverse("web:report", args=[assignment.pk])).content.decode()
    assert page.count('method="post"') == page.count("csrfmiddlewaretoken")


def test_look_alike_unicode_usernames_share_the_tries(client: Any, leader: Any) -> None:
    for name in ["leader", "ｌeader", "ＬＥＡＤＥＲ", "Leader", "ｌｅａｄｅｒ"]:
        assert attempt(Client(), name, "sai").status_code == 200
    # Django's auth reads "ｌeader" as "leader" (NFKC): it must not bring fresh tries.
    response = attempt(client, "ｌeader", PASSWORD)
    assert response.status_code == 429
    assert attempt(Client(), "leader", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_login_has_the_same_limit(client: Any, django_user_model: Any) -> None:
    admin_user = django_user_model.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    url = reverse("admin:login")
    for _ in range(5):
        refused = client.post(url, {"username": "quantri", "password": "sai"},
                              REMOTE_ADDR="10.0.0.9")
        assert refused.status_code == 200
    blocked = client.post(url, {"username": "ｑuantri", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client()
    ok = other.post(url, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert ok.status_code == 302
    assert other.session["_auth_user_id"] == str(admin_user.pk)


def proxied(client: Any, username: str, password: str, forwarded: str) -> Any:
    return client.post(reverse("web:login"), {"username": username, "password": password},
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_trusted_proxy_the_client_address_is_keyed_not_the_proxy(
        client: Any, leader: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.NUM_PROXIES = 1
    # The attacker sends its own X-Forwarded-For; the proxy appends the real address.
    for n in range(5):
        proxied(Client(), "leader", "sai", f"198.51.100.{n}, 203.0.113.7")
    assert proxied(client, "leader", PASSWORD, "192.0.2.1, 203.0.113.7").status_code == 429
    # Another person behind the same proxy is not blocked by the attacker's failures.
    assert proxied(Client(), "leader", PASSWORD, "203.0.113.8").status_code == 302


def test_without_a_trusted_proxy_setting_the_forwarded_header_is_ignored(
        client: Any, leader: Any) -> None:
    for n in range(5):
        proxied(Client(), "leader", "sai", f"198.51.100.{n}")
    assert proxied(client, "leader", PASSWORD, "192.0.2.77").status_code == 429


def test_the_limiter_counts_in_the_cache_framework_shared_by_processes(
        client: Any, leader: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.cache.backends.filebased import FileBasedCache

    from theodoi.web import ratelimit

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                   "LOCATION": str(tmp_path / "limits")},
    }
    settings.LOGIN_LIMIT_CACHE = "limits"
    for _ in range(5):
        attempt(client, "leader", "sai")
    # Another process opening the same cache sees the count.
    other_process = FileBasedCache(str(tmp_path / "limits"), {})
    assert other_process.get(ratelimit._key("ＬＥＡＤＥＲ", "10.0.0.1")) == 5
    assert attempt(Client(), "leader", PASSWORD).status_code == 429
