"""Template helpers: links that keep the viewing date, labels and badges for codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from theodoi.web import asof, labels

register = template.Library()


@register.simple_tag(takes_context=True)
def href(context: Any, name: str, *args: Any, **params: Any) -> str:
    """The URL of page `name`, carrying `?as_of=` when the page is seen from a past date."""
    url = reverse(name, args=args)
    request = context.get("request")
    query = [f"{k}={v}" for k, v in params.items() if v not in (None, "")]
    if request is not None and asof.is_past(request):
        query.append(asof.query(request))
    return f"{url}?{'&'.join(query)}" if query else url


@register.filter
def status_label(code: str) -> str:
    return str(labels.STATUS_LABELS.get(code, code or ""))


@register.filter
def status_badge(code: str | None) -> str:
    if not code:
        return ""
    return format_html('<span class="badge st-{}">{}</span>', code,
                       labels.STATUS_LABELS.get(code, code))


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


ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


@register.filter
def period_label(key: str) -> str:
    """A period key as people write it: 2024-05 -> 05/2024, 2024-Q2 -> Quý II/2024."""
    if not key:
        return ""
    year, _sep, rest = key.partition("-")
    if not rest:
        return _("Năm %(year)s") % {"year": year}
    if rest.startswith("Q"):
        return _("Quý %(q)s/%(year)s") % {"q": ROMAN.get(rest[1:], rest[1:]), "year": year}
    if rest == "H1":
        return _("6 tháng đầu năm %(year)s") % {"year": year}
    if rest == "H2":
        return _("6 tháng cuối năm %(year)s") % {"year": year}
    if rest.startswith("W"):
        return _("Tuần %(w)s/%(year)s") % {"w": rest[1:], "year": year}
    return f"{rest}/{year}"


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
