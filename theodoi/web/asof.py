"""`?as_of=YYYY-MM-DD`: every page can be seen as it stood on a past date."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest

from theodoi.tracking.models import today


def parse_day(text: str) -> date | None:
    """A date written 2024-04-30 or 30/04/2024, else None."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def as_of(request: HttpRequest) -> date:
    """The date the page is seen from: `?as_of=` when it is a valid date, else today."""
    cached = getattr(request, "_web_as_of", None)
    if cached is not None:
        return cached
    raw = request.GET.get("as_of", "").strip()
    value = today()
    request._web_as_of_invalid = False
    if raw:
        parsed = parse_day(raw)
        if parsed is None:
            request._web_as_of_invalid = True
        else:
            value = parsed
    request._web_as_of = value
    return value


def is_past(request: HttpRequest) -> bool:
    """Whether the page is seen from a date other than today."""
    return as_of(request) != today()


def query(request: HttpRequest) -> str:
    """The `as_of=...` query part that links carry along, or ""."""
    return f"as_of={as_of(request).isoformat()}" if is_past(request) else ""
