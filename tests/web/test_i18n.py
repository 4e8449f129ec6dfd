"""Vietnamese by default, English on request; dates written dd/mm/yyyy."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_pages_speak_vietnamese_whatever_the_browser_asks(as_leader: Any,
                                                          published_plan: Any) -> None:
    page = as_leader.get(reverse("web:overview"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()
    assert "Tổng quan toàn quốc" in page.content.decode()


def test_the_english_switch(as_leader: Any, published_plan: Any) -> None:
    response = as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = as_leader.get(reverse("web:overview")).content.decode()
    assert '<html lang="en">' in page
    assert "National overview" in page
    assert "Overdue" in page
    as_leader.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tổng quan toàn quốc" in as_leader.get(reverse("web:overview")).content.decode()


def test_dates_are_written_day_month_year(as_leader: Any, published_plan: Any) -> None:
    task = published_plan.tasks.get(code="I.2")
    page = as_leader.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "30/04/2024" in page
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "30/04/2024" in as_leader.get(reverse("web:task", args=[task.pk])).content.decode()


def test_the_english_catalogue_is_compiled_and_complete() -> None:
    from pathlib import Path

    locale = Path(__file__).resolve().parents[2] / "theodoi" / "locale" / "en" / "LC_MESSAGES"
    po = (locale / "django.po").read_text(encoding="utf-8")
    assert (locale / "django.mo").stat().st_mtime >= (locale / "django.po").stat().st_mtime - 5
    assert "#, fuzzy" not in po
    blocks = po.split("\n\n")[1:]
    untranslated = [b for b in blocks if 'msgstr ""' in b.splitlines()[-1:] and
                    "msgstr[" not in b]
    assert not untranslated, untranslated[:3]


def test_pages_link_the_documents(
        as_coordinator: Any, published_plan: Any, agency_a: Any) -> None:
    plan_url = reverse("web:plan", args=[published_plan.pk])
    agency_url = reverse("web:agency", args=[agency_a.pk])
    plan_page = as_coordinator.get(plan_url).content.decode()
    assert f"/documents/plans/{published_plan.pk}/tasks.xlsx" in plan_page
    assert f"/documents/plans/{published_plan.pk}/report.docx" in plan_page
    assert "/documents/letter/bo-a.docx" in as_coordinator.get(agency_url).content.decode()
