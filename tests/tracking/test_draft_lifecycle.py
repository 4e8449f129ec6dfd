"""A decision imported again, a draft deleted, what publishing will assign (services)."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from theodoi.tracking.models import Agency, Assignment, Plan, Task
from theodoi.tracking.services import (
    delete_draft,
    import_plan,
    publish_preview,
    same_decision,
)

pytestmark = pytest.mark.django_db


def test_the_same_number_or_title_and_issuer_finds_the_plans_there_are(
        coordinator, small_plan_json):
    first = import_plan(small_plan_json, user=coordinator)
    assert same_decision(small_plan_json) == [first]
    unnumbered = copy.deepcopy(small_plan_json)
    unnumbered["plan"]["number"] = None
    unnumbered["plan"]["title"] = "  Kế hoạch thử nghiệm  năm 2024 "  # spaces as read
    assert same_decision(unnumbered) == [first]
    other = copy.deepcopy(unnumbered)
    other["plan"]["issuer"] = "Bộ A"
    assert same_decision(other) == []  # same title, another issuer: another decision
    blank = {"plan": {"number": "", "title": "", "issuer": ""}, "tasks": []}
    assert same_decision(blank) == []


def test_a_draft_is_deleted_with_its_files(coordinator, small_plan_json,
                                           django_capture_on_commit_callbacks):
    plan = import_plan(small_plan_json, user=coordinator,
                       files=[ContentFile(b"quyet dinh", name="qd.txt")])
    stored = plan.files.get().file.name
    assert default_storage.exists(stored)
    with pytest.raises(PermissionDenied):
        delete_draft(plan, user=None)
    with django_capture_on_commit_callbacks(execute=True):
        delete_draft(plan, user=coordinator)
    assert not Plan.objects.exists() and not Task.objects.exists()
    assert not default_storage.exists(stored)  # removed once the deletion committed


def test_a_published_plan_is_not_deleted(published_plan, coordinator):
    with pytest.raises(ValidationError, match="không thể xóa"):
        delete_draft(published_plan, user=coordinator)
    assert Plan.objects.filter(pk=published_plan.pk).exists()


def test_the_preview_writes_nothing_and_matches_what_publishing_gives(
        coordinator, small_plan_json, fake_registry):
    from datetime import date

    from theodoi.tracking.services import publish_plan

    plan = import_plan(small_plan_json, user=coordinator)
    agencies = Agency.objects.count()
    shown = publish_preview(plan, registry=fake_registry, on=date(2024, 5, 1))
    assert Agency.objects.count() == agencies and not Assignment.objects.exists()
    publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    given = {(a.agency.name, a.role, a.task.code)
             for a in Assignment.objects.filter(agency__isnull=False).select_related(
                 "agency", "task")}
    assert given == {(s.name, role, code) for s in shown.agencies
                     for role, codes in (("lead", s.leads), ("partner", s.partners))
                     for code in codes}
    assert shown.tasks == 5
