"""A coordinator adds a unit the registry lacks under its parent (issue 10)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from theodoi.tracking.models import AddedUnit
from theodoi.tracking.services import add_unit, default_registry

pytestmark = pytest.mark.django_db


def test_an_added_unit_is_kept_with_who_and_why_and_the_registry_knows_it(coordinator):
    agency = add_unit(user=coordinator, name="Vụ Thử Nghiệm Số", parent="bo-tc",
                      aliases=["Vụ Thử nghiệm"], reason="Kế hoạch 12/KH giao cho Vụ",
                      source="Quyết định 1/QĐ-BTC")
    unit = AddedUnit.objects.get()
    assert (unit.name, unit.parent_registry_id, unit.added_by, unit.reason) == (
        "Vụ Thử Nghiệm Số", "bo-tc", coordinator, "Kế hoạch 12/KH giao cho Vụ")
    assert agency.registry_id == unit.registry_id
    assert agency.parent is not None and agency.parent.registry_id == "bo-tc"
    found = default_registry().resolve("Vụ Thử nghiệm")
    assert found is not None and found.entity.id == unit.registry_id


def test_only_a_coordinator_adds_and_a_reason_is_required(reporter_a, coordinator):
    with pytest.raises(PermissionDenied):
        add_unit(user=reporter_a, name="Vụ X", parent="bo-tc", reason="r")
    with pytest.raises(ValidationError):
        add_unit(user=coordinator, name="Vụ X", parent="bo-tc", reason=" ")
    with pytest.raises(ValidationError):
        add_unit(user=coordinator, name="Vụ X", parent="khong-co-co-quan-nay", reason="r")
    assert not AddedUnit.objects.exists()
