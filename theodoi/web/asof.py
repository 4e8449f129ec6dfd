"""`?as_of=YYYY-MM-DD`: every page can be seen as it stood on a past date."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _

from theodoi.tracking.models import today


def parse_day(text: str) -> date | None:
    """A date written 2024-04-30 or 30/04/2024, else None."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


# Statuses are computed period by period from a plan's start to the viewing date: a date
# thousands of years away costs seconds of CPU, and one near year 9999 overflows. Plans
# exist from the 2000s, and no deadline is set more than a few years ahead.
AS_OF_EARLIEST = date(2000, 1, 1)
AS_OF_YEARS_AHEAD = 5


def as_of_bounds() -> tuple[date, date]:
    """The first and last day a page or the API may be seen from."""
    now = today()
    try:
        latest = now.replace(year=now.year + AS_OF_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = now.replace(year=now.year + AS_OF_YEARS_AHEAD, day=28)
    return AS_OF_EARLIEST, latest


def as_of_problem(day: date) -> str | None:
    """A one-line Vietnamese refusal when `day` is outside the bounds, else None."""
    earliest, latest = as_of_bounds()
    if earliest <= day <= latest:
        return None
    return _("Ngày xem %(day)s ngoài khoảng cho phép: từ %(earliest)s đến %(latest)s.") % {
        "day": f"{day:%d/%m/%Y}", "earliest": f"{earliest:%d/%m/%Y}",
        "latest": f"{latest:%d/%m/%Y}"}


def as_of(request: HttpRequest) -> date:
    """The date the page is seen from: `?as_of=` when it is a valid date within the bounds,
    else today."""
    cached = getattr(request, "_web_as_of", None)
    if cached is not None:
        return cached
    raw = request.GET.get("as_of", "").strip()
    value = today()
    request._web_as_of_invalid = False
    request._web_as_of_out_of_range = ""
    if raw:
        parsed = parse_day(raw)
        if parsed is None:
            request._web_as_of_invalid = True
        elif problem := as_of_problem(parsed):
            # The page is shown as of today with the reason, as for a malformed date.
            request._web_as_of_out_of_range = problem
        else:
            value = parsed
    request._web_as_of = value
    return value


def is_past(request: HttpRequest) -> bool:
    """Whether the page is seen from a date other than today (asked once per request: each
    link of a list asks it)."""
    cached = getattr(request, "_web_is_past", None)
    if cached is None:
        cached = request._web_is_past = as_of(request) != today()
    return cached


def query(request: HttpRequest) -> str:
    """The `as_of=...` query part that links carry along, or ""."""
    return f"as_of={as_of(request).isoformat()}" if is_past(request) else ""
