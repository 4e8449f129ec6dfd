"""Tokens (only their hash is stored), the `theodoi api-token` command, and session auth."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from theodoi.cli import main
from theodoi.tracking.models import Assignment, ProgressReport
from theodoi.web.api.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


# -- tokens -----------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(reporter_a):
    token, key = ApiToken.objects.issue(reporter_a, name="phần mềm báo cáo")
    row = ApiToken.objects.values().get(pk=token.pk)
    assert key.startswith("td_") and len(key) > 40
    assert key not in {str(v) for v in row.values()}
    assert row["key_hash"] == hash_token(key)
    assert row["prefix"] == key[:11]
    assert ApiToken.objects.user_for(key) == reporter_a


def test_two_tokens_are_never_the_same(reporter_a):
    keys = {ApiToken.objects.issue(reporter_a)[1] for _ in range(20)}
    assert len(keys) == 20


def test_a_bearer_token_authenticates_its_user(api):
    response = api("reporter_a").get("/api/plans")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer td_not-a-token", "Token td_x", "Basic cmVwb3J0ZXI6cHc="],
)
def test_a_missing_or_wrong_token_is_401(header, published_plan):
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/plans", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": "Authentication required: send a bearer token."}


def test_a_revoked_token_is_refused(reporter_a):
    token, key = ApiToken.objects.issue(reporter_a)
    token.revoke()
    response = Client().get("/api/plans", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(reporter_a):
    _, key = ApiToken.objects.issue(reporter_a)
    reporter_a.is_active = False
    reporter_a.save(update_fields=["is_active"])
    response = Client().get("/api/plans", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_a_token_records_its_last_use_at_most_once_a_minute(reporter_a):
    token, key = ApiToken.objects.issue(reporter_a)
    headers = {"Authorization": f"Bearer {key}"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Client().get("/api/plans", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        Client().get("/api/plans", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        Client().get("/api/plans", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=2)


# -- the command line -------------------------------------------------------------------------


def test_api_token_create_prints_a_working_token_once(reporter_a, capsys):
    assert main(["api-token", "create", "reporter-a", "--name", "thử"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert "reporter-a" in err
    assert ApiToken.objects.user_for(key) == reporter_a
    assert ApiToken.objects.get().name == "thử"
    assert Client().get("/api/plans", headers={"Authorization": f"Bearer {key}"}).status_code \
        == 200


def test_api_token_create_refuses_an_unknown_user(db, capsys):
    assert main(["api-token", "create", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_api_token_list_and_revoke(reporter_a, leader, capsys):
    token, key = ApiToken.objects.issue(reporter_a, name="báo cáo")
    ApiToken.objects.issue(leader)
    assert main(["api-token", "list", "reporter-a"]) == 0
    out = capsys.readouterr().out
    assert token.prefix in out and "báo cáo" in out and key not in out
    assert "leader" not in out
    assert main(["api-token", "revoke", token.prefix]) == 0
    assert ApiToken.objects.user_for(key) is None
    assert main(["api-token", "revoke", token.prefix]) == 2


# -- the browser's session --------------------------------------------------------------------


def test_a_signed_in_browser_reads_with_its_session(reporter_a, published_plan):
    client = Client()
    client.force_login(reporter_a)
    response = client.get("/api/plans")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_write_needs_the_csrf_token(reporter_a, published_plan):
    assignment = Assignment.objects.get(
        task__plan=published_plan, task__code="I.2", agency__registry_id="bo-a"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_a)
    path = f"/api/assignments/{assignment.pk}/reports"

    refused = client.post(path, {"status": "done"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}
    assert not ProgressReport.objects.exists()

    csrf = "a" * 32
    client.cookies["csrftoken"] = csrf
    accepted = client.post(path, {"status": "done"}, headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201
    assert ProgressReport.objects.get().author == reporter_a


def test_without_a_session_or_token_a_write_is_401_not_a_csrf_failure(published_plan):
    assignment = Assignment.objects.filter(task__plan=published_plan).first()
    response = Client(enforce_csrf_checks=True).post(
        f"/api/assignments/{assignment.pk}/reports", {"status": "done"}
    )
    assert response.status_code == 401


def test_a_token_write_needs_no_csrf_token(api, tokens, published_plan):
    assignment = Assignment.objects.get(
        task__plan=published_plan, task__code="I.2", agency__registry_id="bo-a"
    )
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/assignments/{assignment.pk}/reports", {"status": "done"},
        headers={"Authorization": f"Bearer {tokens['reporter_a']}"},
    )
    assert response.status_code == 201


# -- the model and the admin -------------------------------------------------------------------


def test_no_token_model_change_is_missing_a_migration():
    from django.core.management import call_command

    call_command("makemigrations", "api", "--check", "--dry-run", verbosity=0)


def test_the_admin_lists_tokens_without_keys_and_revokes_them(reporter_a):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", password="pw-for-tests")  # noqa: S106
    token, key = ApiToken.objects.issue(reporter_a, name="báo cáo")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    assert token.prefix in page.content.decode() and key not in page.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.user_for(key) is None
