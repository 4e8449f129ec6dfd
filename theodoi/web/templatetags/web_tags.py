"""Template helpers: links that keep the viewing date, labels and badges for codes."""

from __future__ import annotations

import functools
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import stringfilter
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from theodoi import glossary
from theodoi.registry import titles
from theodoi.web import asof, labels

register = template.Library()


# A page of rows links each row to the same URL name: reversing it again for every row was
# a tenth of a list page's Python. Whole numbers are written into a pattern reversed once.
_MARK = "9173064825"
_PATTERNS: dict[tuple[Any, ...], list[str] | None] = {}


def _reversed(name: str, args: tuple[Any, ...]) -> str:
    """`reverse(name, args=args)`; for whole-number arguments, from the URL reversed once
    (per URL name, count of arguments, script prefix and URLconf) with placeholders."""
    if not args or not all(type(a) is int for a in args):
        return reverse(name, args=args)
    key = (name, len(args), get_script_prefix(), get_urlconf())
    if key not in _PATTERNS:
        marks = [f"{_MARK}{i}" for i in range(len(args))]
        try:
            url = reverse(name, args=marks)
        except NoReverseMatch:
            url = ""
        pieces: list[str] | None = [] if url else None
        for mark in marks if pieces is not None else ():  # each once, in order
            head, found, url = url.partition(mark)
            if not found or any(m in head for m in marks):
                pieces = None
                break
            pieces.append(head)
        if pieces is not None:
            pieces.append(url)
        _PATTERNS[key] = pieces
    pieces = _PATTERNS[key]
    if pieces is None:
        return reverse(name, args=args)
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        out += (str(arg), piece)
    return "".join(out)


@register.simple_tag(takes_context=True)
def href(context: Any, name: str, *args: Any, **params: Any) -> str:
    """The URL of page `name`, carrying `?as_of=` when the page is seen from a past date."""
    url = _reversed(name, args)
    request = context.get("request")
    query = [f"{k}={v}" for k, v in params.items() if v not in (None, "")]
    if request is not None and asof.is_past(request):
        query.append(asof.query(request))
    return f"{url}?{'&'.join(query)}" if query else url


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int) -> str:
    """Django's `truncatechars`, without its walk over every character of a text that is
    short enough already (most of a list's names): the same output."""
    if len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value
    return Truncator(value).chars(length)


@register.filter
def status_label(code: str) -> str:
    return str(labels.STATUS_LABELS.get(code, code or ""))


@register.filter
def status_badge(code: str | None) -> str:
    if not code:
        return ""
    return format_html('<span class="badge st-{}">{}</span>', code,
                       labels.STATUS_LABELS.get(code, code))


@register.simple_tag
def state_badge(status: str | None, progress: str | None = None, percent: int | None = None,
                parts: int = 0, parts_done: int = 0) -> str:
    """The status badge with the progress behind it: "Quá hạn · 60%", "Quá hạn · chờ duyệt
    hoàn thành", "Quá hạn · chưa bắt đầu"; a group lead's parts: "12/97 xong"."""
    if not status:
        return ""
    # A list repeats a few badges: each is written once per language.
    return _state_badge(get_language(), status, progress, percent, parts, parts_done)


@functools.lru_cache(maxsize=4096)
def _state_badge(language: str | None, status: str, progress: str | None,
                 percent: int | None, parts: int, parts_done: int) -> str:
    badge = format_html('<span class="badge st-{}">{}</span>', status,
                        labels.STATUS_LABELS.get(status, status))
    detail = ""
    if status not in ("done", "done_late"):
        if progress == "awaiting_review":
            detail = str(labels.PROGRESS_LABELS["awaiting_review"]).lower()
        elif percent:
            detail = f"{percent}%"
        elif progress == "in_progress" and status != "in_progress":
            detail = str(labels.PROGRESS_LABELS["in_progress"]).lower()
        elif progress in (None, "", "not_started") and status in ("overdue", "due_soon"):
            detail = str(labels.PROGRESS_LABELS["not_started"]).lower()
    if parts > 1:
        done = _("%(done)s/%(parts)s xong") % {"done": parts_done, "parts": parts}
        detail = f"{detail} · {done}" if detail else done
    if not detail:
        return badge
    return format_html('{} <span class="progress-note">· {}</span>', badge, detail)


@register.filter
def progress_label(code: str) -> str:
    return str(labels.PROGRESS_LABELS.get(code, code or ""))


@register.filter
def report_status_label(code: str) -> str:
    return str(labels.REPORT_STATUS_LABELS.get(code, code))


@register.filter
def review_badge(code: str) -> str:
    return format_html('<span class="badge rv-{}">{}</span>', code,
                       labels.REVIEW_LABELS.get(code, code))


@register.filter
def flag_label(code: str) -> str:
    return str(labels.FLAG_LABELS.get(code or "", code))


@register.filter
def role_in_task(code: str) -> str:
    return _role_in_task(get_language(), code)


@functools.lru_cache(maxsize=64)
def _role_in_task(language: str | None, code: str) -> str:
    return str(labels.ROLE_IN_TASK_LABELS.get(code, code))


@register.filter
def due_kind_label(code: str) -> str:
    return str(labels.DUE_KIND_LABELS.get(code, code))


@register.filter
def every_label(code: str) -> str:
    return str(labels.EVERY_LABELS.get(code, code or ""))


@register.filter
def plan_status_label(code: str) -> str:
    return str(labels.PLAN_STATUS_LABELS.get(code, code))


@register.filter
def period_label(key: str) -> str:
    """A period key as people write it: 2026-Q3 -> Quý III/2026 (`glossary.period_label`)."""
    return glossary.period_label(key or "", _)


@register.filter
def indicator_period(key: str) -> str:
    """The period of an indicator value as people write it: "2024-06-30" -> "30/06/2024",
    "2024-Q3" -> "Quý III/2024"."""
    try:
        return formats.date_format(date.fromisoformat(key), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return glossary.period_label(key or "", _)


@register.filter
def deadline_label(task: Any) -> str:
    """A task's deadline with its year: "Tháng 3" -> "Tháng 3/2026" (`glossary.deadline_label`)."""
    return glossary.deadline_label(task.deadline, task.due_kind, task.effective_due(), _) or "—"


@register.filter
def heading_name(name: str) -> str:
    """An agency's name at the start of a heading or a cell: "Thành phố Cần Thơ"."""
    return titles.heading_name(str(name or ""))


@register.filter
def number(value: Any) -> str:
    """A number without trailing zeros, grouped as the language writes it (48.000; 12,5)."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(value, force_grouping=True)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`mapping[key]` for a dict, the attribute `key` of anything else."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return getattr(mapping, str(key), None)


# -- lists written in one pass ----------------------------------------------------------
# An agency page lists 150 parts (must report, lead, partner): the template language's
# twenty-odd nodes per row were a third of the page's Python (~35 of 100 ms at 200k). The
# rows are the same markup the templates wrote, each written by one function call;
# tests/web/test_part_rows.py renders the former templates beside them.


def _short_date(day: date) -> str:
    """`{{ day|date:"SHORT_DATE_FORMAT" }}`: a list repeats its due dates, each is written
    once per language."""
    return _short_date_in(get_language(), day)


@functools.lru_cache(maxsize=4096)
def _short_date_in(language: str | None, day: date) -> str:
    return date_filter(day, "SHORT_DATE_FORMAT")


def _task_cell(context: Any, task: Any, length: int) -> str:
    """The task's link: `<a href="{% href 'web:task' task.pk %}">` with its name (or its
    detail) clipped to `length`."""
    return (f'<a href="{conditional_escape(href(context, "web:task", task.pk))}">'
            f'{conditional_escape(clip(task.name or task.detail, length))}</a>')


@register.simple_tag(takes_context=True)
def part_rows(context: Any, rows: Any, role_label: str, due_label: str,
              group_part: str) -> str:
    """The `<tr>`s of `web/_part_rows.html` (code, task and plan, role with the name the
    plan printed, deadline and due date, state badge), each after the indent the
    template's loop wrote; the labels come translated and escaped from `{% trans as %}`."""
    e = conditional_escape
    role_attr, due_attr = e(role_label), e(due_label)
    out = []
    for row in rows:
        a, task = row.assignment, row.task
        plan = task.plan
        if a.group_name:
            printed = (f'<br><span class="printed">{e(group_part)} “'
                       f'{e(clip(a.group_name, 60))}”</span>')
        elif a.printed_name != a.agency.name:
            printed = f'<br><span class="printed">“{e(clip(a.printed_name, 60))}”</span>'
        else:
            printed = ""
        due = f'<br><span class="muted">{e(_short_date(row.due))}</span>' if row.due else ""
        out.append(
            f'\n      <tr><td class="code">{e(task.code)}</td><td>'
            f'{_task_cell(context, task, 140)}<br><span class="muted">'
            f'{e(clip(plan.number or plan.title, 60))}</span></td>\n'
            f'        <td data-label="{role_attr}">{e(role_in_task(a.role))}{printed}</td>\n'
            f'        <td data-label="{due_attr}">{e(clip(task.deadline or "—", 50))}{due}</td>\n'
            f'        <td>{state_badge(row.status, row.progress, row.percent)}</td></tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def must_report_rows(context: Any, rows: Any, is_mine: bool, role_label: str,
                     due_label: str, period_word: str, not_reported: str,
                     report_label: str) -> str:
    """The `<tr>`s of an agency's "to report now" table (code, task, role, period or due
    date, state badge, and the report button on its own agency's page)."""
    e = conditional_escape
    role_attr, due_attr = e(role_label), e(due_label)
    out = []
    for row in rows:
        a, task = row.assignment, row.task
        if row.period:
            warn = (f' · <span class="agency-warn">{e(not_reported)}</span>'
                    if row.must_report else "")
            due = f"{e(period_word)} {e(period_label(row.period))}{warn}"
        else:
            due = e(_short_date(row.due) if row.due else "—")
        button = (f'<a class="button" href="{e(_reversed("web:report", (a.pk,)))}">'
                  f'{e(report_label)}</a>' if is_mine else "")
        out.append(
            f'\n      <tr><td class="code">{e(task.code)}</td><td>'
            f'{_task_cell(context, task, 120)}</td>\n'
            f'        <td data-label="{role_attr}">{e(role_in_task(a.role))}</td>\n'
            f'        <td data-label="{due_attr}">{due}</td>\n'
            f'        <td>{state_badge(row.status, row.progress, row.percent)}</td>\n'
            f'        <td>{button}</td></tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _integer(n: int) -> str:
    """`{{ n }}` of a whole number: `localize`, which groups thousands only when
    USE_THOUSAND_SEPARATOR is set (it is not: ~5 us a number on a page of hundreds)."""
    return formats.localize(n) if settings.USE_THOUSAND_SEPARATOR or type(n) is not int else str(n)


@register.simple_tag
def stack_bar(counts: dict[str, int]) -> str:
    """A bar of the statuses counted (`title`: "Quá hạn: 3; Đúng hạn: 5; "), a segment per
    status counted, as wide as its count: the overview's 24 section rows included a
    template each (its two loops over the statuses), a sixth of the overview's Python."""
    shown = [(code, _integer(n)) for code, n in counts.items() if n]
    title = "".join(f"{conditional_escape(status_label(code))}: {n}; " for code, n in shown)
    bar = "".join(f'<span class="st-{conditional_escape(code)}" style="flex: {n}"></span>'
                  for code, n in shown)
    # The newline the former template's file ended with, so that pages stay byte for byte.
    return mark_safe(f'<div class="stack-bar" title="{title}">{bar}</div>\n')  # noqa: S308


# The overview's lists, written in one pass too: 24 section rows, 34 province tiles and 20
# ranked agencies were ~7 of its ~14 ms of template (tests/web/test_part_rows.py renders
# the former loops beside them).


@register.simple_tag(takes_context=True)
def section_rows(context: Any, sections: Any, tasks_label: str, done_label: str) -> str:
    """The overview's section rows: plan, section (its link to the section's tasks), tasks,
    status bar, share done."""
    e = conditional_escape
    tasks_attr, done_attr = e(tasks_label), e(done_label)
    out = []
    for s in sections:
        plan = s.plan
        search = href(context, "web:search", plan=plan.pk, section=s.code)
        out.append(
            f'\n      <tr><td><a href="{e(href(context, "web:plan", plan.pk))}">'
            f'{e(clip(plan.number or plan.title, 40))}</a></td>\n'
            f'        <td><a href="{e(search)}">{e(s.code or "—")}</a> {e(clip(s.title, 70))}'
            f'</td>\n'
            f'        <td class="num" data-label="{tasks_attr}">{_integer(s.total)}</td><td>'
            f'{stack_bar(s.counts)}</td><td class="num" data-label="{done_attr}">'
            f'{_integer(s.done_percent)}%</td></tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def province_tiles(context: Any, tiles: Any, nothing_due: str, on_time: str,
                   overdue: str) -> str:
    """The provinces' grid: a tile per province where the map puts it, its colour band,
    its on-time rate, the link to its page."""
    e = conditional_escape
    out = []
    for t in tiles:
        tag = "a" if t.agency else "span"
        link = f' href="{e(href(context, "web:agency", t.agency.pk))}"' if t.agency else ""
        if t.rate_percent is None:
            title, value = e(nothing_due), "—"
        else:
            rate = _integer(t.rate_percent)
            title = f"{e(on_time)} {rate}%, {e(overdue)} {_integer(t.overdue)}"
            value = f"{rate}%"
        out.append(
            f'<{tag} class="tile band-{e(t.band)}" style="grid-row: {_integer(t.row + 1)}; '
            f'grid-column: {_integer(t.column + 1)}"{link}\n'
            f'      title="{e(t.name)}: {title}">\n'
            f'      <span class="name">{e(t.short_name)}</span><span class="value">{value}'
            f'</span>\n    </{tag}>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def ranking_rows(context: Any, rows: Any, lead: str, overdue: str, done: str,
                 on_time: str, not_due: str) -> str:
    """Ranked agencies: rank, name (its link), lead parts, overdue, share done, on-time
    rate (its bar)."""
    e = conditional_escape
    lead_attr, overdue_attr, done_attr, on_time_attr = e(lead), e(overdue), e(done), e(on_time)
    out = []
    for rank, r in enumerate(rows, 1):
        if r.rate_percent is None:
            rate = f'<span class="muted">{e(not_due)}</span>'
        else:
            p = _integer(r.rate_percent)
            rate = f'<span class="rate" style="--p: {p}%">{p}%</span>'
        out.append(
            f'\n        <tr><td class="rank">{rank}</td><td><a href="'
            f'{e(href(context, "web:agency", r.agency.pk))}">{e(heading_name(r.agency.name))}'
            f'</a></td><td class="num" data-label="{lead_attr}">{_integer(r.total)}</td>\n'
            f'          <td class="num" data-label="{overdue_attr}">'
            f'{e(_integer(r.counts.get("overdue", "")))}</td><td class="num" '
            f'data-label="{done_attr}">{_integer(r.done_percent)}%</td>\n'
            f'          <td class="num" data-label="{on_time_attr}">{rate}</td></tr>\n      ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
