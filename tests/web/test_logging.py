"""Errors are logged: one JSON line per record on stderr, a 500 with its path and user id."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def log_lines() -> Any:
    """What the configured stderr handler writes, as a list of parsed JSON lines."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stderr")
    stream = io.StringIO()
    handler.stream = stream

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield read
    handler.stream = None  # back to sys.stderr


def test_a_500_is_logged_as_json_with_the_path_and_the_user_id(
        settings: Any, leader: Any, log_lines: Any) -> None:
    settings.ROOT_URLCONF = "tests.web.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(leader)
    assert client.get("/boom/?x=1").status_code == 500
    errors = [e for e in log_lines() if e["logger"] == "django.request"]
    assert len(errors) == 1
    error = errors[0]
    assert (error["level"], error["path"], error["method"], error["user_id"], error["status"]) \
        == ("ERROR", "/boom/", "GET", leader.pk, 500)
    assert "RuntimeError: hỏng có chủ đích" in error["exception"]
    assert error["time"].endswith("+00:00")


def test_an_anonymous_error_has_no_user_id(settings: Any, log_lines: Any, db: Any) -> None:
    settings.ROOT_URLCONF = "tests.web.urls_boom"
    assert Client(raise_request_exception=False).get("/boom/").status_code == 500
    (error,) = [e for e in log_lines() if e["logger"] == "django.request"]
    assert error["user_id"] is None


def test_application_logs_are_json_lines_too(log_lines: Any) -> None:
    logging.getLogger("theodoi.test").warning("Nhắc việc: %s", "Bộ A", extra={"sent": 3})
    (entry,) = [e for e in log_lines() if e["logger"] == "theodoi.test"]
    assert (entry["message"], entry["sent"], entry["level"]) == ("Nhắc việc: Bộ A", 3, "WARNING")


def test_an_api_error_is_logged_with_the_token_user(leader: Any, log_lines: Any) -> None:
    from theodoi.web.api.models import ApiToken

    token = ApiToken.objects.issue(leader)[1]
    response = Client().get("/api/plans/999999", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    (entry,) = [e for e in log_lines() if e["logger"] == "django.request"]
    assert (entry["path"], entry["status"], entry["user_id"]) == ("/api/plans/999999", 404,
                                                                   leader.pk)


def test_logs_follow_sys_stderr_when_it_is_replaced(monkeypatch: Any) -> None:
    replaced = io.StringIO()
    monkeypatch.setattr("sys.stderr", replaced)
    logging.getLogger("theodoi.test").error("sau khi thay stderr")
    assert json.loads(replaced.getvalue().splitlines()[-1])["message"] == "sau khi thay stderr"
