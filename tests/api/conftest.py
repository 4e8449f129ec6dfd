"""Fixtures of the API tests: the shared role users, each with a token, and a client per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest_django import *  # noqa: F403

ROLES = ("coordinator", "reporter_a", "reporter_b", "leader", "outsider", "anonymous")
# Roles that may read published plans (the outsider has an account but no role).
READERS = frozenset({"coordinator", "reporter_a", "reporter_b", "leader"})


@pytest.fixture
def users(coordinator: Any, reporter_a: Any, reporter_b: Any, leader: Any, outsider: Any) -> dict:
    """One user per role ("anonymous" has none)."""
    return {
        "coordinator": coordinator,
        "reporter_a": reporter_a,
        "reporter_b": reporter_b,
        "leader": leader,
        "outsider": outsider,
    }


@pytest.fixture
def tokens(users: dict) -> dict[str, str]:
    """An API token per role user."""
    from theodoi.web.api.models import ApiToken

    return {role: ApiToken.objects.issue(user)[1] for role, user in users.items()}


class ApiClient:
    """A test client that sends a bearer token (or nothing, for "anonymous")."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, data: dict | None = None) -> Any:
        """A multipart form POST, as submitting a report takes."""
        return self.client.post(path, data or {}, headers=self.headers)

    def post_json(self, path: str, data: dict) -> Any:
        return self.client.post(
            path, data, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api(tokens: dict[str, str]) -> Callable[[str], ApiClient]:
    """`api(role)`: a client authenticated as that role's user."""

    def make(role: str) -> ApiClient:
        return ApiClient(tokens.get(role))

    return make
