"""A reporter's landing page: its agency's work today (what is owed now, what came back,
what comes next, what was accepted), every list a bounded query on the stored states."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from theodoi.notices import services as notices
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Assignment,
    ProgressReport,
    Role,
    due_soon_days,
    role_of,
)
from theodoi.web import asof, snapshot
from theodoi.web.views.common import role_required

# Each list shows its first rows; the whole list is one click away (search, agency page).
SHOWN = 20
UPCOMING_DAYS = 60
ACCEPTED_DAYS = 30


def is_reporter(user: Any) -> bool:
    return role_of(user) == Role.REPORTER


def _first(qs: QuerySet[Assignment], as_of: Any, known: int | None = None
           ) -> tuple[list[snapshot.AssignmentRow], int]:
    """The first rows of `qs` and how many there are (COUNT only when the page is full)."""
    rows = snapshot.assignment_rows(qs[:SHOWN], as_of)
    if known is not None:
        return rows, known
    return rows, qs.count() if len(rows) == SHOWN else len(rows)


@role_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What the reporter's agency must do: overdue, due soon, returned, coming, accepted."""
    user = request.user
    agency = user.profile.agency
    as_of = asof.as_of(request)
    queries.fresh()
    counts = queries.Counts()
    for (_agency, _role), found in queries.part_counts(as_of, agencies=[agency.pk]).items():
        counts.merge(found)
    parts = snapshot.agency_parts(user, agency, as_of)
    open_parts = parts.exclude(state_status__in=engine.CLOSED)
    overdue, n_overdue = _first(parts.filter(state_status=engine.OVERDUE), as_of,
                                counts.status(engine.OVERDUE))
    due_soon, n_due_soon = _first(parts.filter(state_status=engine.DUE_SOON), as_of,
                                  counts.status(engine.DUE_SOON))
    returned, n_returned = _first(open_parts.filter(is_returned=True), as_of)
    window = as_of + timedelta(days=due_soon_days())
    upcoming, n_upcoming = _first(
        open_parts.exclude(state_status__in=[engine.OVERDUE, engine.DUE_SOON]).filter(
            deciding_due__gt=as_of, deciding_due__lte=as_of + timedelta(days=UPCOMING_DAYS)),
        as_of)
    waiting = open_parts.filter(pending_reports__gt=0).count()
    # Accepted in the 30 days up to the viewing date (a past day hides later reviews).
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    accepted = list(
        ProgressReport.objects.filter(
            assignment__agency=agency, review_state=ProgressReport.Review.ACCEPTED,
            reviewed_at__gte=until - timedelta(days=ACCEPTED_DAYS), reviewed_at__lt=until)
        .select_related("assignment__task", "assignment__task__plan", "reviewed_by")
        .order_by("-reviewed_at", "-id")[:10])
    unread = list(notices.notices_for(user).filter(read_at__isnull=True)[:5])
    return render(request, "web/my_work.html", {
        "agency": agency,
        "overdue": overdue, "n_overdue": n_overdue,
        "due_soon": due_soon, "n_due_soon": n_due_soon,
        "returned": returned, "n_returned": n_returned,
        "upcoming": upcoming, "n_upcoming": n_upcoming, "upcoming_days": UPCOMING_DAYS,
        "window": window, "waiting": waiting,
        "accepted": accepted, "accepted_days": ACCEPTED_DAYS,
        "unread": unread,
        "total": counts.total,
        "shown": SHOWN,
    })


def home(request: HttpRequest) -> HttpResponse:
    """"/": a reporter's work, unless it asks for a plan's overview; else the overview."""
    from theodoi.web.views import pages

    if is_reporter(request.user) and not request.GET.get("plan"):
        return my_work(request)
    return pages.overview(request)
