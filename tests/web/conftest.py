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
    # What the pages need beyond the tracking tests' registry: lookups by id, a list.
    fake_registry.get = fake_registry._by_id
    fake_registry.entities = lambda kind=None, on=None: list(fake_registry._all())
    monkeypatch.setattr("theodoi.web.preview.registry", lambda: fake_registry)


@pytest.fixture
def draft_plan(coordinator: Any, small_plan_json: Any) -> Any:
    """The small plan imported as a draft, as the import page leaves it."""
    from theodoi.tracking.services import import_plan
    from theodoi.web.models import PlanImport

    small_plan_json["plan"]["number"] = "2/QĐ-DRAFT"
    plan = import_plan(small_plan_json, user=coordinator)
    PlanImport.objects.create(plan=plan, kind="new", file_names=["small.txt"],
                              uncertain=["I.2"], created_by=coordinator)
    return plan


def assignment_of(plan: Any, agency: Any, code: str | None = None) -> Any:
    """An active assignment of `agency` in `plan` (of task `code` when given)."""
    from theodoi.tracking.models import Assignment

    qs = Assignment.objects.filter(task__plan=plan, agency=agency, is_active=True)
    if code is not None:
        qs = qs.filter(task__code=code)
    return qs.order_by("task__order").first()


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
