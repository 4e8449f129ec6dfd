"""The agency page's rows written in one pass (`web_tags.part_rows`, `must_report_rows`),
the status bars (`stack_bar`) and the plan options read without a `Plan` each write what
the templates and Django's own field wrote: the former templates are kept here and
rendered beside them."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from theodoi.tracking import services
from theodoi.tracking.models import Assignment, Plan, today
from theodoi.web import lists, snapshot
from theodoi.web.forms import PlainSelect

# web/_part_rows.html before its rows were written by `part_rows`.
FORMER_PART_ROWS = """{% load i18n web_tags %}{% trans "Vai trò" as role_label %}{% trans "Thời hạn" as due_label %}{% trans "phần của nhóm" as group_part %}<div class="table-wrap"><table class="list">
    <thead><tr><th>{% trans "Mã" %}</th><th>{% trans "Nhiệm vụ" %}</th><th>{{ role_label }}</th><th>{{ due_label }}</th><th>{% trans "Tình trạng" %}</th></tr></thead>
    <tbody>{% for row in rows %}
      <tr><td class="code">{{ row.task.code }}</td><td><a href="{% href 'web:task' row.task.pk %}">{{ row.task.name|default:row.task.detail|clip:140 }}</a><br><span class="muted">{{ row.task.plan.number|default:row.task.plan.title|clip:60 }}</span></td>
        <td data-label="{{ role_label }}">{{ row.assignment.role|role_in_task }}{% if row.assignment.group_name %}<br><span class="printed">{{ group_part }} “{{ row.assignment.group_name|clip:60 }}”</span>{% elif row.assignment.printed_name != row.assignment.agency.name %}<br><span class="printed">“{{ row.assignment.printed_name|clip:60 }}”</span>{% endif %}</td>
        <td data-label="{{ due_label }}">{{ row.task.deadline|default:"—"|clip:50 }}{% if row.due %}<br><span class="muted">{{ row.due|date:"SHORT_DATE_FORMAT" }}</span>{% endif %}</td>
        <td>{% state_badge row.status row.progress row.percent %}</td></tr>
    {% empty %}<tr><td colspan="5" class="empty">{% trans "Không có nhiệm vụ nào." %}</td></tr>{% endfor %}</tbody>
  </table></div>
"""  # noqa: E501

# The "to report now" table's rows in web/agency_detail.html before `must_report_rows`.
FORMER_MUST_REPORT = """{% load i18n web_tags %}{% trans "Vai trò" as role_label %}{% trans "Kỳ / hạn" as due_label %}{% trans "kỳ" as period_word %}{% trans "chưa báo cáo" as not_reported %}{% trans "Báo cáo" as report_label %}<tbody>{% for row in must_report %}
      <tr><td class="code">{{ row.task.code }}</td><td><a href="{% href 'web:task' row.task.pk %}">{{ row.task.name|default:row.task.detail|clip:120 }}</a></td>
        <td data-label="{{ role_label }}">{{ row.assignment.role|role_in_task }}</td>
        <td data-label="{{ due_label }}">{% if row.period %}{{ period_word }} {{ row.period|period_label }}{% if not row.period_reported %} · <span class="agency-warn">{{ not_reported }}</span>{% endif %}{% else %}{{ row.due|date:"SHORT_DATE_FORMAT"|default:"—" }}{% endif %}</td>
        <td>{% state_badge row.status row.progress row.percent %}</td>
        <td>{% if is_mine %}<a class="button" href="{% url 'web:report' row.assignment.pk %}">{{ report_label }}</a>{% endif %}</td></tr>
    {% empty %}<tr><td colspan="6" class="empty">{% trans "Không có gì phải báo cáo lúc này." %}</td></tr>{% endfor %}</tbody>"""  # noqa: E501

NEW_MUST_REPORT = """{% load i18n web_tags %}{% trans "Vai trò" as role_label %}{% trans "Kỳ / hạn" as due_label %}{% trans "kỳ" as period_word %}{% trans "chưa báo cáo" as not_reported %}{% trans "Báo cáo" as report_label %}<tbody>{% must_report_rows must_report is_mine role_label due_label period_word not_reported report_label %}{% if not must_report %}<tr><td colspan="6" class="empty">{% trans "Không có gì phải báo cáo lúc này." %}</td></tr>{% endif %}</tbody>"""  # noqa: E501


# web/_stack_bar.html, included by the overview, /plans/, /agencies/ and a public plan.
FORMER_STACK_BAR = """{% load web_tags %}<div class="stack-bar" title="{% for code, n in counts.items %}{% if n %}{{ code|status_label }}: {{ n }}; {% endif %}{% endfor %}">{% for code, n in counts.items %}{% if n %}<span class="st-{{ code }}" style="flex: {{ n }}"></span>{% endif %}{% endfor %}</div>
"""  # noqa: E501


def former(source: str, context: dict[str, Any]) -> str:
    return engines["django"].from_string(source).render(context)


def row(pk: int, *, code: str = "I.1", name: str = "Xây dựng kế hoạch", detail: str = "",
        number: str = "12/KH-UBND", title: str = "Kế hoạch chuyển đổi số",
        deadline: str = "Tháng 6/2024", role: str = "lead", printed: str = "Sở A",
        agency: str = "Sở A", group: str = "", status: str | None = "overdue",
        progress: str | None = "not_started", percent: int | None = None,
        due: date | None = date(2024, 6, 30), period: str = "",
        must_report: bool = True) -> SimpleNamespace:
    plan = SimpleNamespace(number=number, title=title)
    task = SimpleNamespace(pk=pk, code=code, name=name, detail=detail, deadline=deadline,
                           plan=plan)
    assignment = SimpleNamespace(pk=1000 + pk, role=role, printed_name=printed,
                                 group_name=group, agency=SimpleNamespace(name=agency))
    return SimpleNamespace(assignment=assignment, task=task, status=status,
                           progress=progress, percent=percent, due=due, period=period,
                           must_report=must_report, period_reported=not must_report)


ROWS = [
    row(1),
    row(2, name="", detail="Chi tiết <b>&</b> \"trích\"", number="", role="partner",
        printed="Các sở, ngành", agency="Sở B", status="in_progress", progress="in_progress",
        percent=40, due=None, deadline=""),
    row(3, name="Nhiệm vụ rất dài " * 12, title="Tên kế hoạch dài " * 6, group="Các tỉnh",
        printed="Các tỉnh & thành phố", deadline="Hằng năm, trước ngày 15 tháng 12 " * 3,
        period="2024-Q2", status="due_soon", progress=None),
    row(4, code="III.A.1", period="2024-05", must_report=False, status="done",
        progress="done", percent=100, due=date(2024, 1, 5)),
    row(5, status=None, progress=None, due=date(2025, 12, 31), name="Cu\u0309a ta " * 20),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("query", ["", "?as_of=2024-05-10"])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_the_part_rows_are_what_the_row_template_wrote(
        language: str, query: str, rows: list[Any]) -> None:
    request = RequestFactory().get("/agencies/1/" + query)
    with translation.override(language):
        context = {"rows": rows, "request": request}
        written = render_to_string("web/_part_rows.html", context)
        assert written == former(FORMER_PART_ROWS, context)
    assert ("as_of=2024-05-10" in written) == bool(query and rows)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("is_mine", [True, False])
@pytest.mark.parametrize("rows", [ROWS, []])
def test_the_must_report_rows_are_what_the_table_template_wrote(
        language: str, is_mine: bool, rows: list[Any]) -> None:
    request = RequestFactory().get("/agencies/1/?as_of=2024-05-10")
    with translation.override(language):
        context = {"must_report": rows, "is_mine": is_mine, "request": request}
        assert former(NEW_MUST_REPORT, context) == former(FORMER_MUST_REPORT, context)


def test_the_agency_pages_rows_are_the_former_templates_and_read_nothing_more(
        client: Any, published_plan: Any, agency_b: Any, reporter_b: Any,
        coordinator: Any) -> None:
    # Rows read as the page reads them (the columns of `snapshot.PART_FIELDS`; a returned
    # report; a monthly task's period): the former templates find every value they print
    # already read (no query per row), and write what the page writes.
    part = Assignment.objects.filter(agency=agency_b, role="lead", task__code="III.A.1").first()
    report = services.submit_report(part, reporter_b, status="in_progress", percent=10)
    services.review_report(report, coordinator, accept=False, reason="Thiếu số liệu")
    client.force_login(reporter_b)
    for day in (today(), date(2024, 5, 10)):
        query = "" if day == today() else f"?as_of={day}"
        response = client.get(reverse("web:agency", args=[agency_b.pk]) + query)
        page = response.content.decode()
        request = response.wsgi_request

        def rows(parts: Any) -> list[Any]:
            return snapshot.assignment_rows(parts[:50], day)  # noqa: B023 - used at once

        lead = rows(lists.agency_parts(reporter_b, agency_b, {}, day, Assignment.LEAD))
        partner = rows(lists.agency_parts(reporter_b, agency_b, {}, day, Assignment.PARTNER))
        owed = rows(snapshot.agency_parts(reporter_b, agency_b, day, Assignment.LEAD).filter(
            snapshot.must_report_filter()))
        assert lead and partner and owed
        assert any(r.period for r in lead + partner)
        assert any(r.returned for r in owed) == (day == today())  # returned after 10 May
        with CaptureQueriesContext(connection) as queries:
            written = [former(FORMER_PART_ROWS, {"rows": lead, "request": request}),
                       former(FORMER_PART_ROWS, {"rows": partner, "request": request}),
                       former(FORMER_MUST_REPORT, {"must_report": owed, "is_mine": True,
                                                   "request": request})]
        assert len(queries) == 0
        assert all(html in page for html in written)
        assert 'class="button" href="/assignments/' in written[2]  # its own agency's page


def former_label(plan: Plan) -> str:
    """`lists.plan_label` as it was: on the `Plan`."""
    return (f"{plan.number} — {plan.title}" if plan.number else (plan.title or str(plan)))[:110]


@pytest.mark.parametrize("value", [None, "", "first"])
def test_the_plan_options_are_what_djangos_model_choice_field_wrote(
        db: Any, value: str | None) -> None:
    plans = [Plan.objects.create(number="12/KH-UBND", title="Kế hoạch <số> & " * 10),
             Plan.objects.create(number="", title="Chỉ có tên"),
             Plan.objects.create(number="", title="")]
    queryset = Plan.objects.order_by("pk")
    chosen = str(plans[0].pk) if value == "first" else value
    django = forms.ModelChoiceField(queryset=queryset, required=False, empty_label="Tất cả",
                                    widget=PlainSelect)
    django.label_from_instance = former_label
    field = lists.PlanChoiceField(queryset=queryset, required=False, empty_label="Tất cả",
                                  widget=PlainSelect)
    assert field.widget.render("plan", chosen) == django.widget.render("plan", chosen)
    assert f"Plan {plans[2].pk}<" in field.widget.render("plan", chosen)
    assert field.clean(str(plans[1].pk)) == plans[1]
    with pytest.raises(forms.ValidationError):
        field.clean("999999")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("counts", [
    {}, {"overdue": 0, "done": 0},
    {"overdue": 3, "due_soon": 0, "in_progress": 12345, "done_late": 1, "done": 7},
    {"<b>": 2},  # an unknown code is written as itself, escaped
])
def test_the_stack_bar_is_what_its_template_wrote(language: str, counts: dict) -> None:
    with translation.override(language):
        assert former("{% load web_tags %}{% stack_bar counts %}", {"counts": counts}) == (
            former(FORMER_STACK_BAR, {"counts": counts}))


def test_the_agency_page_reads_its_lists_returned_reports_in_one_query(
        client: Any, published_plan: Any, agency_b: Any, reporter_b: Any,
        coordinator: Any) -> None:
    # The returned part is in what the agency must report and in its lead list: its
    # report is read once for both (it was a query per list).
    part = Assignment.objects.filter(agency=agency_b, role="lead", task__code="III.A.1").first()
    report = services.submit_report(part, reporter_b, status="in_progress", percent=10)
    services.review_report(report, coordinator, accept=False, reason="Thiếu số liệu")
    client.force_login(reporter_b)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:agency", args=[agency_b.pk]))
    assert [r.returned for r in response.context["must_report"] if r.returned] == [report]
    assert [r.returned for r in response.context["rows"] if r.returned] == [report]
    read = [q["sql"] for q in queries.captured_queries
            if 'FROM "tracking_progressreport"' in q["sql"] and "'returned'" in q["sql"]]
    assert len(read) == 1


# The overview's loops before `section_rows`, `province_tiles` and `ranking_rows`.
FORMER_SECTIONS = """{% load i18n web_tags %}{% trans "Số nhiệm vụ" as l_tasks %}{% trans "Hoàn thành" as l_done %}<tbody>{% for s in view.sections %}
      <tr><td><a href="{% href 'web:plan' s.plan.pk %}">{{ s.plan.number|default:s.plan.title|truncatechars:40 }}</a></td>
        <td><a href="{% href 'web:search' plan=s.plan.pk section=s.code %}">{{ s.code|default:"—" }}</a> {{ s.title|truncatechars:70 }}</td>
        <td class="num" data-label="{{ l_tasks }}">{{ s.total }}</td><td>{% stack_bar s.counts %}</td><td class="num" data-label="{{ l_done }}">{{ s.done_percent }}%</td></tr>
    {% endfor %}</tbody>"""  # noqa: E501
FORMER_TILES = """{% load i18n web_tags %}{% trans 'chưa có nhiệm vụ đến hạn' as l_nothing_due %}{% trans 'đúng hạn' as l_on_time %}{% trans 'quá hạn' as l_overdue %}{% for t in tiles %}{% if t.agency %}<a{% else %}<span{% endif %} class="tile band-{{ t.band }}" style="grid-row: {{ t.row|add:1 }}; grid-column: {{ t.column|add:1 }}"{% if t.agency %} href="{% href 'web:agency' t.agency.pk %}"{% endif %}
      title="{{ t.name }}: {% if t.rate_percent is None %}{{ l_nothing_due }}{% else %}{{ l_on_time }} {{ t.rate_percent }}%, {{ l_overdue }} {{ t.overdue }}{% endif %}">
      <span class="name">{{ t.short_name }}</span><span class="value">{% if t.rate_percent is None %}—{% else %}{{ t.rate_percent }}%{% endif %}</span>
    {% if t.agency %}</a>{% else %}</span>{% endif %}{% endfor %}"""  # noqa: E501
FORMER_RANKING = """{% load i18n web_tags %}{% trans "Chủ trì" as l_lead %}{% trans "Quá hạn" as l_overdue %}{% trans "Hoàn thành" as l_done %}{% trans "Đúng hạn" as l_on_time %}{% trans "chưa đến hạn" as l_not_due %}<tbody>{% for r in rows %}
        <tr><td class="rank">{{ forloop.counter }}</td><td><a href="{% href 'web:agency' r.agency.pk %}">{{ r.agency.name|heading_name }}</a></td><td class="num" data-label="{{ l_lead }}">{{ r.total }}</td>
          <td class="num" data-label="{{ l_overdue }}">{{ r.counts.overdue }}</td><td class="num" data-label="{{ l_done }}">{{ r.done_percent }}%</td>
          <td class="num" data-label="{{ l_on_time }}">{% if r.rate_percent is None %}<span class="muted">{{ l_not_due }}</span>{% else %}<span class="rate" style="--p: {{ r.rate_percent }}%">{{ r.rate_percent }}%</span>{% endif %}</td></tr>
      {% empty %}<tr><td colspan="6" class="empty">{% trans "Chưa có nhiệm vụ." %}</td></tr>{% endfor %}</tbody>"""  # noqa: E501


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("query", ["", "?as_of=2024-05-10"])
def test_the_overviews_rows_are_what_its_loops_wrote(
        client: Any, coordinator: Any, published_plan: Any, language: str,
        query: str) -> None:
    client.force_login(coordinator)
    client.cookies["django_language"] = language
    response = client.get(reverse("web:overview") + query)
    page = response.content.decode()
    context = {"view": response.context["view"], "tiles": response.context["tiles"],
               "request": response.wsgi_request}
    assert context["view"].sections and context["tiles"]
    with translation.override(language):
        written = [former(FORMER_SECTIONS, context), former(FORMER_TILES, context)]
        written += [former(FORMER_RANKING, {**context, "rows": rows})
                    for _title, rows in response.context["ranking_levels"]]
    assert any(rows for _title, rows in response.context["ranking_levels"])
    assert all(html in page for html in written)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_province_tiles_are_what_their_loop_wrote(language: str) -> None:
    tiles = [SimpleNamespace(agency=SimpleNamespace(pk=7), band="high", row=0, column=3,
                             name="Thành phố Hà Nội", short_name="Hà Nội", rate_percent=85,
                             overdue=12),
             SimpleNamespace(agency=None, band="none", row=11, column=0,
                             name="Tỉnh <A> & B", short_name="A & B", rate_percent=None,
                             overdue=0),
             SimpleNamespace(agency=SimpleNamespace(pk=8), band="low", row=5, column=1,
                             name="Tỉnh C", short_name="C", rate_percent=0, overdue=3)]
    request = RequestFactory().get("/?as_of=2024-05-10")
    with translation.override(language):
        context = {"tiles": tiles, "request": request}
        assert former("{% load i18n web_tags %}{% trans 'chưa có nhiệm vụ đến hạn' as "
                      "l_nothing_due %}{% trans 'đúng hạn' as l_on_time %}{% trans 'quá hạn' "
                      "as l_overdue %}{% province_tiles tiles l_nothing_due l_on_time "
                      "l_overdue %}", context) == former(FORMER_TILES, context)
