"""What a plan says it implements, read from its title: the cascade between plans."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from theodoi.extract.references import references
from theodoi.tracking.services import import_plan, publish_plan
from theodoi.tracking.services.plans import child_plans, parent_plans


@pytest.mark.parametrize(("title", "number", "expected"), [
    ("Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 "
     "năm 2024 của Bộ Chính trị", "03/NQ-CP", [("Nghị quyết", "57-NQ/TW", True)]),
    ("Kế hoạch triển khai Quyết định số 06/QĐ-TTg ngày 02 tháng 01 năm 2025 của Thủ tướng "
     "Chính phủ và Quyết định số 3103/QĐ-BTC ngày 05 tháng 9 năm 2025 của Bộ Tài chính",
     "2820/QĐ-UBND", [("Quyết định", "06/QĐ-TTg", True), ("Quyết định", "3103/QĐ-BTC", True)]),
    ("Kế hoạch triển khai Nghị định 269/2025/NĐ-CP về phát triển đô thị thông minh", None,
     [("Nghị định", "269/2025/NĐ-CP", True)]),
    ("Kế hoạch chuyển đổi số năm 2025 theo Quyết định số 58/QĐ-UBQGCĐS", None,
     [("Quyết định", "58/QĐ-UBQGCĐS", False)]),  # named, not said to be implemented
    ("Kế hoạch thực hiện lộ trình đổi mới công nghệ đến năm 2035", None, []),
    ("Quyết định số 2820/QĐ-UBND ban hành Kế hoạch", "2820/QĐ-UBND", []),  # its own number
])
def test_references_in_titles(title: str, number: str | None, expected: list) -> None:
    assert [(r.kind, r.number, r.implements) for r in references(title, number)] == expected


@pytest.mark.django_db
def test_a_plan_links_to_the_plan_it_implements_once_both_are_in(
        coordinator: Any, small_plan_json: dict[str, Any], fake_registry: Any,
        client: Any) -> None:
    national = import_plan(small_plan_json, user=coordinator)  # 1/QĐ-TEST
    child_json = dict(small_plan_json, plan=dict(
        small_plan_json["plan"], number="9/KH-UBND",
        title="Kế hoạch triển khai Quyết định số 1/QĐ-TEST và Nghị quyết số 57-NQ/TW"))
    child = import_plan(child_json, user=coordinator)
    [(first, found), (second, missing)] = parent_plans(child)
    assert (first.number, found, second.number, missing) == (
        "1/QĐ-TEST", national, "57-NQ/TW", None)
    assert list(child_plans(national)) == [child]
    for plan in (national, child):
        publish_plan(plan, user=coordinator, registry=fake_registry)
    client.force_login(coordinator)
    page = client.get(reverse("web:plan", args=[child.pk])).content.decode()
    assert f'href="/plans/{national.pk}/"' in page and "chưa có trong hệ thống" in page
    page = client.get(reverse("web:plan", args=[national.pk])).content.decode()
    assert "Các kế hoạch thực hiện kế hoạch này" in page and "9/KH-UBND" in page
