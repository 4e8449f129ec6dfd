"""Search: words without diacritics find the printed text; filters narrow the list."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def codes(client: Any, query: str) -> list[str]:
    response = client.get(reverse("web:search") + "?" + query)
    assert response.status_code == 200
    return [row.task.code for row in response.context["page"].object_list]


def test_words_without_diacritics_find_the_vietnamese_text(as_leader: Any,
                                                          published_plan: Any) -> None:
    assert codes(as_leader, "q=chuyen+doi+so") == ["I.2", "III.A.1"]
    assert codes(as_leader, "q=chuyển+đổi+số") == ["I.2", "III.A.1"]
    assert codes(as_leader, "q=CHUYEN+DOI") == ["I.2", "III.A.1"]
    assert codes(as_leader, "q=nghi+dinh+thu+nghiem") == ["II.2"]
    assert codes(as_leader, "q=khong+co+dau+nao") == []


def test_filters_by_agency_section_and_plan(as_leader: Any, published_plan: Any,
                                            agency_b: Any, draft_plan: Any) -> None:
    # Not II.1: its partners are a group listed once, owing nothing until named.
    assert codes(as_leader, f"agency={agency_b.pk}") == ["I.1", "I.2", "III.A.1"]
    assert codes(as_leader, f"agency={agency_b.pk}&role=lead") == ["I.2", "III.A.1"]
    assert codes(as_leader, f"agency={agency_b.pk}&role=partner") == ["I.1"]
    assert codes(as_leader, "section=III") == ["III.A.1"]
    assert codes(as_leader, "section=III.A") == ["III.A.1"]
    assert codes(as_leader, "section=I") == ["I.1", "I.2"]
    assert codes(as_leader, f"plan={published_plan.pk}&q=nghi+dinh") == ["II.2"]


def test_filters_by_status_and_due_dates(as_leader: Any, published_plan: Any) -> None:
    day = "as_of=2024-05-10&"
    assert codes(as_leader, day + "status=overdue") == ["I.1", "I.2"]  # April not reported
    assert codes(as_leader, day + "status=awaiting_date") == ["II.2"]
    assert codes(as_leader, day + "due_from=01/06/2024&due_to=30/06/2024") == ["III.A.1"]
    # The date that decides each status: I.1 owes its April 2024 report.
    assert codes(as_leader, "due_from=2024-04-01&due_to=2024-04-30") == ["I.1", "I.2"]


def test_drafts_are_not_searched_for_anyone(as_coordinator: Any, draft_plan: Any) -> None:
    assert codes(as_coordinator, "q=chuyen+doi+so") == []


def test_a_bad_date_is_an_error_not_a_crash(as_leader: Any, published_plan: Any) -> None:
    response = as_leader.get(reverse("web:search") + "?due_from=31/02/2024")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_search_of_a_thousand_words_is_refused_with_a_message(as_leader: Any,
                                                                published_plan: Any) -> None:
    words = " ".join(f"tu{n}" for n in range(1200))
    response = as_leader.get(reverse("web:search"), {"q": words})
    assert response.status_code in (200, 400)
    assert "Từ khóa quá dài: tối đa 12 từ và 200 ký tự." in response.content.decode()
    assert list(response.context["page"].object_list) == []
    long_word = as_leader.get(reverse("web:search"), {"q": "a" * 5000})
    assert "Từ khóa quá dài" in long_word.content.decode()
    assert codes(as_leader, "q=" + "+".join(["chuyen", "doi", "so"] * 4)) == ["I.2", "III.A.1"]


def test_every_count_card_of_the_overview_links_to_exactly_the_list_it_counts(
        as_leader: Any, published_plan: Any) -> None:
    import re

    page = as_leader.get(reverse("web:overview")).content.decode()
    cards = re.findall(r'<a class="count (?:st|pr)-\w+" href="([^"]+)"><strong>(\d+)</strong>',
                       page)
    assert len(cards) >= 11  # 7 statuses and 4 steps of progress
    for href, number in cards:
        listed = as_leader.get(href.replace("&amp;", "&")).context["count"]
        assert listed == int(number), href


def test_every_count_card_of_an_agency_page_links_to_exactly_the_list_it_counts(
        as_leader: Any, published_plan: Any, agency_b: Any) -> None:
    import re

    page = as_leader.get(reverse("web:agency", args=[agency_b.pk])).content.decode()
    cards = re.findall(r'<a class="count (?:st|pr)-\w+" href="([^"]+)"><strong>(\d+)</strong>',
                       page)
    assert len(cards) >= 18  # lead statuses and progress, partner statuses
    for href, number in cards:
        listed = as_leader.get(href.replace("&amp;", "&")).context["count"]
        assert listed == int(number), href


def test_every_chip_of_the_timeline_links_to_exactly_the_tasks_it_counts(
        as_leader: Any, published_plan: Any) -> None:
    import re

    # Nationally one row per plan; a chosen plan one row per section: both link exactly.
    for query in ("by=quarter", "by=month", f"plan={published_plan.pk}&by=month"):
        page = as_leader.get(reverse("web:timeline") + f"?{query}").content.decode()
        chips = re.findall(r'<a class="chip st-\w+" href="([^"]+)" title="[^"]*">(\d+)</a>',
                           page)
        assert chips
        for href, number in chips:
            listed = as_leader.get(href.replace("&amp;", "&")).context["count"]
            assert listed == int(number), href


def test_the_plan_list_marks_the_chosen_plan_and_escapes_its_title(
        as_leader: Any, published_plan: Any) -> None:
    published_plan.title = "Kế hoạch <b>thử</b> & số"
    published_plan.save(update_fields=["title"])
    page = as_leader.get(reverse("web:search"), {"plan": published_plan.pk}).content.decode()
    assert f'<option value="{published_plan.pk}" selected>' in page
    assert "&lt;b&gt;thử&lt;/b&gt; &amp; số" in page and "<b>thử</b>" not in page
    assert '<option value="" selected>' in as_leader.get(reverse("web:search")).content.decode()
