"""The pages print the glossary's words: periods in words, deadlines with their year,
provinces capitalised at a heading's start; in English too."""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse

from tests.web.conftest import assignment_of


def test_the_report_form_shows_the_deadline_with_its_year(client: Any, published_plan: Any,
                                                          reporter_b: Any) -> None:
    assignment = assignment_of(published_plan, reporter_b.profile.agency, "III.A.1")
    client.force_login(reporter_b)
    page = client.get(reverse("web:report", args=[assignment.pk])).content.decode()
    assert "Thời hạn: Quý II/2024" in page  # printed "Quý II" in a 2024 plan


def test_the_report_form_offers_periods_in_words(client: Any, published_plan: Any,
                                                 reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "I.1")
    client.force_login(reporter_a)
    with time_machine.travel("2024-07-10 09:00 +0700", tick=False):
        page = client.get(reverse("web:report", args=[assignment.pk]))
        choices = page.context["form"].fields["period"].choices
        assert choices[:2] == [("2024-07", "Tháng 7/2024"), ("2024-06", "Tháng 6/2024")]
        assert '<option value="2024-07">Tháng 7/2024</option>' in page.content.decode()
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = client.get(reverse("web:report", args=[assignment.pk]))
        assert english.context["form"].fields["period"].choices[0] == ("2024-07", "7/2024")


def test_a_province_heads_its_page_with_a_capital(as_leader: Any, published_plan: Any,
                                                  agency_b: Any) -> None:
    agency_b.name = "thành phố Cần Thơ"
    agency_b.save(update_fields=["name"])
    page = as_leader.get(reverse("web:agency", args=[agency_b.pk])).content.decode()
    assert "<h1>Thành phố Cần Thơ</h1>" in page


def test_task_tables_name_the_lead_agency_column_in_both_languages(
        as_leader: Any, published_plan: Any) -> None:
    url = reverse("web:plan", args=[published_plan.pk])
    assert "<th>Cơ quan chủ trì</th>" in as_leader.get(url).content.decode()
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "<th>Lead agency</th>" in as_leader.get(url).content.decode()
