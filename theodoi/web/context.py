"""Template context every page gets: the viewing date, the user's role and agency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from theodoi.notices import services as notices
from theodoi.tracking.models import Role, role_of, today
from theodoi.web import asof
from theodoi.web.labels import ROLE_LABELS


def web(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = role_of(user)
    agency = user.profile.agency if role == Role.REPORTER else None
    return {
        # The navigation's badges: one indexed COUNT each, only for a signed-in role.
        "queue_count": _queue_count(user) if role == Role.COORDINATOR else 0,
        "queue_badge_max": _badge_max(),
        "notice_count": notices.unread_count(user) if role else 0,
        "as_of": asof.as_of(request),
        "as_of_is_past": asof.is_past(request),
        "as_of_invalid": getattr(request, "_web_as_of_invalid", False),
        "as_of_out_of_range": getattr(request, "_web_as_of_out_of_range", ""),
        "today": today(),
        "role": role,
        "role_label": ROLE_LABELS.get(role or "", ""),
        "is_coordinator": role == Role.COORDINATOR,
        "my_agency": agency,
    }


def _badge_max() -> int:
    from theodoi.web.views.queue import BADGE_MAX

    return BADGE_MAX


def _queue_count(user: Any) -> int:
    from theodoi.web.views.queue import pending_count

    return pending_count(user)
