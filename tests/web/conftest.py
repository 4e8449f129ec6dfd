"""Fixtures of the page tests: the shared role users and plan, a logged-in client per role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest_django import *  # noqa: F403


@pytest.fixture(autouse=True)
def web_settings(settings: Any, fake_registry: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports read in the request; the pages use the small fake registry."""
    settings.WEB_IMPORT_INLINE = True
    settings.LANGUAGE_CODE = "vi"
    monkeypatch.setattr("theodoi.web.preview.registry", lambda: fake_registry)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


@pytest.fixture
def as_coordinator(client: Any, coordinator: Any) -> Any:
    return login(client, coordinator)


@pytest.fixture
def as_reporter_a(client: Any, reporter_a: Any) -> Any:
    return login(client, reporter_a)


@pytest.fixture
def as_leader(client: Any, leader: Any) -> Any:
    return login(client, leader)
