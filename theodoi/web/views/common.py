"""What every view needs: a signed-in user with a role, the viewing date, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from theodoi.tracking.models import role_of
from theodoi.web import asof


def role_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required, then a tracking role (coordinator, reporter, leader): else 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) is None:
            raise PermissionDenied("no tracking role")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def redirect_keeping_date(request: HttpRequest, to: str, *args: Any, **params: Any) -> Any:
    """A redirect to the named page that keeps `?as_of=` (and any extra parameters)."""
    url = resolve_url(to, *args)
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if asof.is_past(request):
        query["as_of"] = asof.as_of(request).isoformat()
    return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)
