"""Questions in Vietnamese read into the lists' filters, with the real registry."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse

from tests.web.conftest import assignment_of
from theodoi.registry import load_registry
from theodoi.tracking import services
from theodoi.tracking.models import Agency, Plan
from theodoi.web import questions

DAY = date(2026, 12, 1)


@pytest.fixture
def registry() -> Any:
    return load_registry()


@pytest.fixture
def bo_cong_an(db: Any) -> Agency:
    return Agency.objects.create(registry_id="bo-ca", name="Bộ Công an", kind="ministry")


def read(question: str, user: Any, registry: Any) -> questions.Reading:
    return questions.read_question(question, user=user, registry=registry, on=DAY)


@pytest.mark.django_db
def test_an_agency_and_a_status(leader: Any, registry: Any, bo_cong_an: Agency) -> None:
    reading = read("Nhiệm vụ nào của Bộ Công an quá hạn?", leader, registry)
    assert reading.intent == questions.TASKS
    assert reading.filters == {"agency": str(bo_cong_an.pk), "status": "overdue"}
    assert ("Cơ quan", "Bộ Công an") in reading.understood
    assert reading.unknown == [] and reading.words == ""


@pytest.mark.django_db
def test_abbreviations_and_roles_and_words_to_look_for(leader: Any, registry: Any) -> None:
    khcn = Agency.objects.create(registry_id="bo-khcn", name="Bộ Khoa học và Công nghệ",
                                 kind="ministry")
    reading = read("nhiệm vụ chủ trì của Bộ KH&CN về cơ sở dữ liệu sắp đến hạn", leader,
                   registry)
    assert reading.filters == {"agency": str(khcn.pk), "role": "lead", "status": "due_soon",
                               "q": "cơ sở dữ liệu"}


@pytest.mark.django_db
def test_a_period_is_read_by_the_deadline_grammar(leader: Any, registry: Any) -> None:
    reading = read("nhiệm vụ hoàn thành muộn trong quý III", leader, registry)
    assert reading.filters == {"status": "done_late", "due_from": "2026-07-01",
                               "due_to": "2026-09-30"}
    reading = read("nhiệm vụ đến hạn tháng 5/2025", leader, registry)
    assert reading.filters == {"due_from": "2025-05-01", "due_to": "2025-05-31"}
    reading = read("nhiệm vụ quá hạn quý này", leader, registry)
    assert reading.filters["due_from"] == "2026-10-01"


@pytest.mark.django_db
def test_a_province_named_short_answers_as_it_is_since_the_merger(
        leader: Any, registry: Any, published_plan: Any) -> None:
    can_tho = Agency.objects.create(registry_id="tp-can-tho-2025", name="thành phố Cần Thơ",
                                    kind="province")
    Plan.objects.filter(pk=published_plan.pk).update(title="Kế hoạch triển khai Đề án 06 năm 2026")
    reading = read("Tiến độ Đề án 06 ở Cần Thơ", leader, registry)
    assert reading.filters == {"plan": str(published_plan.pk), "agency": str(can_tho.pk)}


@pytest.mark.django_db
def test_what_is_not_understood_is_said_not_guessed(leader: Any, registry: Any) -> None:
    reading = read("Bộ Không Tồn Tại có bao nhiêu", leader, registry)
    assert "agency" not in reading.filters
    reading = read("Đề án 999 quá hạn", leader, registry)
    assert "plan" not in reading.filters and "Đề án 999" in reading.unknown
    assert reading.filters == {"status": "overdue"}


@pytest.mark.django_db
def test_an_agency_with_no_task_is_answered_so(as_leader: Any, fake_registry: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.preview.registry", load_registry)
    page = as_leader.get(reverse("web:ask"), {"q": "Bộ Ngoại giao quá hạn"})
    assert page.status_code == 200
    assert "chưa được giao nhiệm vụ nào" in page.content.decode()


@pytest.mark.django_db
def test_the_box_leads_to_the_search_page_with_the_filters_set(
        as_leader: Any, published_plan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.preview.registry", load_registry)
    Agency.objects.filter(registry_id="bo-a").update(registry_id="bo-ca", name="Bộ Công an")
    page = as_leader.get(reverse("web:ask"), {"q": "nhiệm vụ nào của Bộ Công an quá hạn?"})
    assert page.status_code == 302
    url = urlparse(page.url)
    assert url.path == reverse("web:search")
    params = parse_qs(url.query)
    assert params["status"] == ["overdue"]
    results = as_leader.get(page.url)
    assert results.context["form"].cleaned_data["agency"].name == "Bộ Công an"
    assert "được hiểu là" in results.content.decode()  # the reading, shown above the form
    assert results.context["count"] == len([
        r for r in results.context["page"].object_list])


@pytest.mark.django_db
def test_which_provinces_have_not_reported_this_quarter(
        as_leader: Any, published_plan: Any, reporter_b: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.preview.registry", load_registry)
    province = reporter_b.profile.agency  # Ủy ban nhân dân tỉnh B, a province
    with time_machine.travel("2024-05-10 09:00 +0700", tick=False):
        page = as_leader.get(reverse("web:ask"), {"q": "Tỉnh nào chưa báo cáo quý II?"})
        assert [r.agency for r in page.context["rows"]] == [province]
        assert page.context["period"] == (date(2024, 4, 1), date(2024, 6, 30))
        services.submit_report(assignment_of(published_plan, province, "III.A.1"), reporter_b,
                               status="in_progress", percent=30, text="Đang thu thập số liệu")
        page = as_leader.get(reverse("web:ask"), {"q": "Tỉnh nào chưa báo cáo quý II?"})
        assert page.context["rows"] == []
        assert "Mọi cơ quan đã báo cáo" in page.content.decode()
