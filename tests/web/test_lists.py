"""Long lists: filtered in the URL, paged with their filters, labelled, and costing the same
number of queries for 5 rows or 50."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.test_queries import plan_json
from theodoi.tracking import services
from theodoi.tracking.models import Agency, Assignment, today
from theodoi.tracking.services import statuses
from theodoi.web import lists, snapshot


def plan_codes(client: Any, plan: Any, query: str = "") -> list[str]:
    response = client.get(reverse("web:plan", args=[plan.pk]) + "?" + query)
    assert response.status_code == 200
    return [row.task.code for _code, _title, rows in response.context["sections"]
            for row in rows]


def search_codes(client: Any, query: str) -> list[str]:
    response = client.get(reverse("web:search") + "?" + query)
    return [row.task.code for row in response.context["page"].object_list]


def agency_codes(client: Any, agency: Any, query: str = "") -> tuple[list[str], list[str]]:
    response = client.get(reverse("web:agency", args=[agency.pk]) + "?" + query)
    assert response.status_code == 200
    return ([r.task.code for r in response.context["rows"]],
            [r.task.code for r in response.context["partner_rows"]])


def test_the_plan_page_filters_by_section_status_progress_and_lead(
        as_leader: Any, published_plan: Any, agency_b: Any) -> None:
    assert plan_codes(as_leader, published_plan) == ["I.1", "I.2", "II.1", "II.2", "III.A.1"]
    assert plan_codes(as_leader, published_plan, "section=I") == ["I.1", "I.2"]
    assert plan_codes(as_leader, published_plan, "section=III.A") == ["III.A.1"]
    assert plan_codes(as_leader, published_plan, f"lead={agency_b.pk}") == ["I.2", "III.A.1"]
    day = "as_of=2024-05-10&"
    assert plan_codes(as_leader, published_plan, day + "status=overdue") == ["I.1", "I.2"]
    assert plan_codes(as_leader, published_plan, day + "status=overdue&section=II") == []
    # The plan's list and the search agree on every status and progress.
    for field, values in (("status", ["overdue", "awaiting_date", "not_started", "done"]),
                          ("progress", ["not_started", "in_progress"])):
        for value in values:
            query = f"{day}{field}={value}"
            assert plan_codes(as_leader, published_plan, query) == search_codes(
                as_leader, f"{query}&plan={published_plan.pk}"), query


def test_a_filter_of_a_stale_link_is_ignored_and_said(as_leader: Any,
                                                       published_plan: Any) -> None:
    response = as_leader.get(reverse("web:plan", args=[published_plan.pk]) +
                             "?status=nonsense&lead=999999")
    assert response.status_code == 200
    assert len([r for _c, _t, rows in response.context["sections"] for r in rows]) == 5
    assert set(response.context["form"].errors) == {"status", "lead"}


def test_the_plan_page_pages_and_its_page_links_keep_the_filters(
        as_leader: Any, coordinator: Any, fake_registry: Any, agency_a: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.views.pages.PAGE_SIZE", 4)
    plan = services.publish_plan(services.import_plan(plan_json(20, "20/QĐ"), user=coordinator),
                                 user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    url = reverse("web:plan", args=[plan.pk])
    first = as_leader.get(url + f"?lead={agency_a.pk}&section=II")
    page = first.context["page"]
    assert page.paginator.count == 4  # II.2, II.5 ... the rows led by Bộ A in section II
    everything = as_leader.get(url + f"?lead={agency_a.pk}").context["page"]
    assert everything.paginator.num_pages == 3
    html = as_leader.get(url + f"?lead={agency_a.pk}").content.decode()
    link = re.search(r'<a href="\?([^"]+)">[^<]*Sau', html)
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    assert f"lead={agency_a.pk}" in query and "page=2" in query
    second = as_leader.get(url + "?" + query).context["page"]
    assert second.number == 2
    assert {t.pk for t in second.object_list}.isdisjoint(
        {t.pk for t in everything.object_list})


def test_the_agency_page_filters_by_role_status_plan_and_period(
        as_leader: Any, published_plan: Any, agency_b: Any, coordinator: Any,
        small_plan_json: Any, fake_registry: Any) -> None:
    assert agency_codes(as_leader, agency_b) == (["I.2", "III.A.1"], ["I.1"])
    assert agency_codes(as_leader, agency_b, "role=partner") == ([], ["I.1"])
    assert agency_codes(as_leader, agency_b, "role=lead") == (["I.2", "III.A.1"], [])
    # The date that decides each part: the partner's monthly I.1 still owes April 2024.
    assert agency_codes(as_leader, agency_b, "year=2024&quarter=2") == (
        ["I.2", "III.A.1"], ["I.1"])
    assert agency_codes(as_leader, agency_b, "year=2024&quarter=2&role=partner") == (
        [], ["I.1"])
    assert agency_codes(as_leader, agency_b, "year=2024&quarter=1") == ([], [])
    assert agency_codes(as_leader, agency_b, "year=2023") == ([], [])
    day = "as_of=2024-05-10&"
    assert agency_codes(as_leader, agency_b, day + "status=overdue") == search_agency(
        as_leader, agency_b, day + "status=overdue")
    small_plan_json["plan"]["number"] = "3/QĐ-KHÁC"
    other = services.publish_plan(services.import_plan(small_plan_json, user=coordinator),
                                  user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    assert agency_codes(as_leader, agency_b) == (
        ["I.2", "I.2", "III.A.1", "III.A.1"], ["I.1", "I.1"])
    response = as_leader.get(reverse("web:agency", args=[agency_b.pk]) + f"?plan={other.pk}")
    assert {r.task.plan_id for r in response.context["rows"]} == {other.pk}
    assert response.context["page"].paginator.count == 2


def test_the_agency_page_counts_what_it_must_report_and_its_lists_as_their_rows_give(
        as_leader: Any, leader: Any, published_plan: Any, agency_b: Any, coordinator: Any,
        reporter_b: Any, small_plan_json: Any, fake_registry: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Today's counts are the stored ones (the returned parts apart), an earlier day's the
    # history's: each is the number of rows its list gives, pages beyond the first too.
    monkeypatch.setattr("theodoi.web.views.pages.PAGE_SIZE", 2)
    small_plan_json["plan"]["number"] = "3/QĐ-KHÁC"
    services.publish_plan(services.import_plan(small_plan_json, user=coordinator),
                          user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    row = Assignment.objects.filter(agency=agency_b, role="lead", task__code="III.A.1").first()
    report = services.submit_report(row, reporter_b, status="in_progress", percent=10)
    services.review_report(report, coordinator, accept=False, reason="Thiếu số liệu")
    url = reverse("web:agency", args=[agency_b.pk])
    for query, data in (("", {}), ("status=overdue", {"status": "overdue"}),
                        ("role=lead&status=overdue", {"role": "lead", "status": "overdue"}),
                        ("as_of=2024-05-10", {}),
                        ("as_of=2024-05-10&status=overdue", {"status": "overdue"})):
        as_of = date(2024, 5, 10) if "as_of" in query else today()
        context = as_leader.get(url + "?" + query).context
        owing = snapshot.agency_parts(leader, agency_b, as_of, Assignment.LEAD).filter(
            snapshot.must_report_filter())
        assert context["must_report_count"] == owing.count(), query
        assert len(context["must_report"]) == min(2, owing.count()), query
        for role, page in (("lead", context["page"]), ("partner", context["partner_page"])):
            if page is None:
                assert data.get("role") not in (None, role), query
                continue
            rows = lists.agency_parts(leader, agency_b, data, as_of, role)
            assert page.paginator.count == rows.count(), (query, role)
    assert as_leader.get(url).context["must_report_count"] == 4  # I.2, III.A.1 twice


def search_agency(client: Any, agency: Any, query: str) -> tuple[list[str], list[str]]:
    return (search_codes(client, f"{query}&agency={agency.pk}&role=lead"),
            search_codes(client, f"{query}&agency={agency.pk}&role=partner"))


def test_the_agency_list_filters_by_level_and_name_without_diacritics(
        as_leader: Any, published_plan: Any) -> None:
    def names(query: str) -> list[str]:
        response = as_leader.get(reverse("web:agencies") + "?" + query)
        assert response.status_code == 200
        return sorted(r.agency.name for _rank, r in response.context["page"].object_list)

    assert names("") == ["Bộ A", "Bộ Cũ", "Ủy ban nhân dân tỉnh B"]
    assert names("level=province") == ["Ủy ban nhân dân tỉnh B"]
    assert names("level=central") == ["Bộ A", "Bộ Cũ"]
    assert names("level=commune") == []
    assert names("q=uy+ban") == ["Ủy ban nhân dân tỉnh B"]
    assert names("q=bo+cu") == ["Bộ Cũ"]
    assert names("q=Bộ&level=central") == ["Bộ A", "Bộ Cũ"]


def test_the_plan_list_filters_by_year_issuer_and_state(
        as_coordinator: Any, published_plan: Any, draft_plan: Any) -> None:
    def numbers(query: str) -> list[str]:
        response = as_coordinator.get(reverse("web:plans") + "?" + query)
        assert response.status_code == 200
        return sorted(item["plan"].number for item in response.context["items"])

    assert numbers("") == ["1/QĐ-TEST", "2/QĐ-DRAFT"]
    assert numbers("state=draft") == ["2/QĐ-DRAFT"]
    assert numbers("state=published") == ["1/QĐ-TEST"]
    assert numbers("year=2024") == ["1/QĐ-TEST", "2/QĐ-DRAFT"]
    assert numbers("year=2023") == []
    assert numbers("issuer=quốc+gia") == ["1/QĐ-TEST", "2/QĐ-DRAFT"]
    assert numbers("issuer=ủy+ban&state=published") == ["1/QĐ-TEST"]
    assert numbers("issuer=tỉnh+Z") == []


class _Fields(HTMLParser):
    """The fields of the filter forms, and whether each sits inside a <label>."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = self.in_label = 0
        self.fields: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and "filters" in (values.get("class") or ""):
            self.in_form += 1
        elif tag == "label":
            self.in_label += 1
        elif self.in_form and tag in ("input", "select", "textarea") and values.get(
                "type") != "hidden":
            self.fields.append((values.get("name") or "", self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form -= 1
        elif tag == "label":
            self.in_label -= 1


def test_every_filter_of_every_list_has_a_label(as_leader: Any, published_plan: Any,
                                                agency_b: Any) -> None:
    expected = {
        reverse("web:plans"): {"year", "issuer"},  # a leader reads published plans only
        reverse("web:plan", args=[published_plan.pk]): {"section", "status", "progress",
                                                         "lead"},
        reverse("web:agencies"): {"level", "q"},
        reverse("web:agency", args=[agency_b.pk]): {"role", "status", "plan", "year",
                                                     "quarter"},
        reverse("web:search"): {"q", "plan", "agency", "role", "section", "status",
                                "progress", "kind", "due_from", "due_to"},
    }
    for url, names in expected.items():
        parser = _Fields()
        parser.feed(as_leader.get(url).content.decode())
        assert {name for name, _labelled in parser.fields} == names, url
        assert all(labelled for _name, labelled in parser.fields), (url, parser.fields)


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(context)


def test_filtered_lists_and_their_exports_cost_the_same_for_5_and_50_rows(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any) -> None:
    from tests.web.test_queries import publish

    client.force_login(coordinator)
    agency = reporter_a.profile.agency

    def urls(plan: Any) -> list[str]:
        plan_url = reverse("web:plan", args=[plan.pk])
        agency_url = reverse("web:agency", args=[agency.pk])
        pages = [
            plan_url + f"?section=I&lead={agency.pk}",
            plan_url + "?status=not_started&progress=in_progress",
            agency_url + f"?role=lead&plan={plan.pk}",
            agency_url + "?year=2024&quarter=2&status=overdue",
            reverse("web:agencies") + "?level=central&q=bo",
            reverse("web:plans") + "?year=2024&state=published&issuer=quốc",
            reverse("web:search") + f"?plan={plan.pk}&role=lead&agency={agency.pk}"
            "&kind=dated&progress=in_progress",
        ]
        return pages + [f"{u}&export={fmt}" for u in pages for fmt in ("csv", "xlsx")]

    small = publish(5, "5/QĐ", coordinator, fake_registry, reporter_a)
    few = [_count(client, u) for u in urls(small)]
    large = publish(50, "50/QĐ", coordinator, fake_registry, reporter_a)
    many = [_count(client, u) for u in urls(large)]
    assert many == few, list(zip(urls(large), few, many, strict=True))


def test_the_agency_list_ranks_and_pages_in_sql_as_the_overview_ranks(
        as_leader: Any, published_plan: Any, coordinator: Any, reporter_a: Any,
        monkeypatch: Any) -> None:
    """Today's ranking is ordered and sliced in SQL from the stored counts; it is the same
    order as `rank_key` gives in Python, and page 2 goes on numbering where page 1 ended."""
    from theodoi.tracking.models import Assignment
    from theodoi.tracking.models import today as today_
    from theodoi.web import snapshot
    from theodoi.web.views import pages

    lead = Assignment.objects.filter(task__plan=published_plan, role="lead",
                                     agency=reporter_a.profile.agency).first()
    report = services.submit_report(lead, reporter_a, status="done", percent=100)
    services.review_report(report, coordinator, accept=True)
    python = [r.agency.name for r in snapshot.agency_ranking(today_())]
    sql = [r.agency.name for _rank, r in
           as_leader.get(reverse("web:agencies")).context["page"].object_list]
    assert sql == python
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    first = as_leader.get(reverse("web:agencies")).context["page"]
    second = as_leader.get(reverse("web:agencies") + "?page=2").context["page"]
    assert first.paginator.count == len(python)
    assert [(rank, r.agency.name) for rank, r in [*first.object_list, *second.object_list]
            ] == list(enumerate(python, start=1))
    row = second.object_list[0][1]
    assert row.total == sum(row.counts.values()) and row.counts.keys() == set(
        snapshot.status_counts([]).keys())


def test_the_national_timeline_has_one_row_per_plan_paged_and_a_plan_its_sections(
        as_leader: Any, published_plan: Any, coordinator: Any, fake_registry: Any,
        small_plan_json: Any, monkeypatch: Any) -> None:
    from theodoi.web.views import pages

    small_plan_json["plan"]["number"] = "3/QĐ-KHÁC"
    other = services.publish_plan(services.import_plan(small_plan_json, user=coordinator),
                                  user=coordinator, on=date(2024, 6, 1), registry=fake_registry)
    table = as_leader.get(reverse("web:timeline")).context["table"]
    assert [row["plan"].pk for row in table] == [published_plan.pk, other.pk]
    monkeypatch.setattr(pages, "TIMELINE_PLANS", 1)
    response = as_leader.get(reverse("web:timeline") + "?page=2")
    assert [row["plan"].pk for row in response.context["table"]] == [other.pk]
    assert response.context["page"].paginator.num_pages == 2
    html = response.content.decode()
    assert f'href="/timeline/?plan={other.pk}&amp;by=quarter"' in html
    sections = as_leader.get(reverse("web:timeline") + f"?plan={other.pk}").context["table"]
    assert [row["code"] for row in sections] == ["I", "II", "III"]
    total = sum(c["total"] for row in table if row["plan"] == other
                for c in row["cells"] + row["extra"])
    assert total == sum(c["total"] for row in sections for c in row["cells"] + row["extra"])


def test_the_plan_page_offers_the_agencies_leading_its_counted_tasks(
        as_leader: Any, published_plan: Any, coordinator: Any, small_plan_json: Any,
        fake_registry: Any) -> None:
    """The lead agencies offered are the stored counts' (PlanLeadCount), which follow the
    writes that add, remove or rename a plan's parts: a correction, a name resolved."""
    url = reverse("web:plan", args=[published_plan.pk])

    def offered() -> set[int]:
        return {a.pk for a in as_leader.get(url).context["form"].fields["lead"].queryset}

    def leading() -> set[int]:
        return {a.agency_id for a in Assignment.objects.filter(
            task__plan=published_plan, role=Assignment.LEAD, is_active=True,
            agency__isnull=False).select_related("task")
            if a.task.removed_at is None and not a.task.has_children}

    assert offered() == leading() and offered()
    # A task removed by a correction no longer offers its lead (Bộ Cũ leads only II.1);
    # a new task led by a name the registry does not know offers nobody yet.
    old = Assignment.objects.get(task__plan=published_plan, task__code="II.1",
                                 role=Assignment.LEAD).agency_id
    corrected = json.loads(json.dumps(small_plan_json))
    corrected["tasks"] = [t for t in corrected["tasks"] if t["code"] != "II.1"]
    corrected["tasks"].append({"code": "III.A.2", "name": "Nhiệm vụ mới", "deadline": None,
                               "due": {"kind": "none"}, "lead": ["Bộ Z"], "partners": []})
    services.reimport_plan(published_plan, corrected, coordinator, registry=fake_registry)
    assert old not in offered() and offered() == leading()
    # The name resolved to an agency: it leads III.A.2, and is offered.
    chosen = Agency.objects.create(registry_id="bo-z", name="Bộ Z", kind="ministry")
    services.resolve_printed_name(published_plan, "Bộ Z", [chosen], user=coordinator)
    assert chosen.pk in offered() and offered() == leading()
    assert statuses.check() == []


def test_the_timelines_plan_chooser_lists_every_plan_escaped_the_chosen_selected(
        as_leader: Any, published_plan: Any, coordinator: Any, fake_registry: Any,
        small_plan_json: Any) -> None:
    small_plan_json["plan"]["number"] = ""
    small_plan_json["plan"]["title"] = "Kế hoạch <b>" + "rất dài " * 20
    other = services.publish_plan(services.import_plan(small_plan_json, user=coordinator),
                                  user=coordinator, on=date(2024, 6, 1), registry=fake_registry)
    html = as_leader.get(reverse("web:timeline") + f"?plan={other.pk}").content.decode()
    assert f'<option value="{published_plan.pk}">{published_plan.number}</option>' in html
    clipped = ("Kế hoạch <b>" + "rất dài " * 20)[:69] + "…"
    assert (f'<option value="{other.pk}" selected>'
            f'{clipped.replace("<", "&lt;").replace(">", "&gt;")}</option>') in html
    assert "<b>" not in html.split('name="plan"')[1].split("</select>")[0]
