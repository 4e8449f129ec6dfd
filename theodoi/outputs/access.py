"""Who may have which document, on top of `theodoi.tracking.access` (one rule set)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.tracking.models import Agency, Role, role_of


def access_agency(user: Any, registry_id: str) -> Agency:
    """The agency `registry_id` if `user` may read what it was given (anyone who reads the
    published plans: coordinators, reporters, leaders)."""
    try:
        agency = Agency.objects.get(registry_id=registry_id)
    except Agency.DoesNotExist as exc:
        raise Http404(f"no agency {registry_id!r}") from exc
    if role_of(user) is None:
        raise PermissionDenied("you may not read this agency's tasks")
    return agency


def access_agency_for_letter(user: Any, registry_id: str) -> Agency:
    """The agency `registry_id` if `user` may issue it an urging letter (coordinators and
    leaders, who sign them)."""
    if role_of(user) not in (Role.COORDINATOR, Role.LEADER):
        raise PermissionDenied("only a coordinator or a leader issues urging letters")
    return access_agency(user, registry_id)


def agency_for_export(user: Any, wanted: Agency | None) -> Agency | None:
    """The agency whose rows an export holds: a reporter's own, always; anyone else's choice."""
    if role_of(user) == Role.REPORTER:
        return user.profile.agency
    return wanted
