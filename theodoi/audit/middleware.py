"""The audit trail's actor and address: the session's user on the pages, the token's user
in the API (known only once the API has authenticated), the client behind trusted proxies."""

from __future__ import annotations

from typing import Any

from auditlog.cid import set_cid
from auditlog.context import set_extra_data
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse


class _Context(dict):
    """The context auditlog reads when it writes an entry; the actor is looked up then."""

    def __init__(self, request: HttpRequest, **values: Any):
        super().__init__(actor=None, **values)
        self.request = request

    def get(self, key: str, default: Any = None) -> Any:
        if key == "actor":
            return actor_of(self.request)
        return super().get(key, default)


def actor_of(request: HttpRequest) -> Any:
    """The user acting in `request`: signed in, or authenticated by an API token."""
    model = get_user_model()
    for user in (getattr(request, "user", None), getattr(request, "auth", None)):
        if isinstance(user, model) and user.is_authenticated:
            return user
    return None


class AuditMiddleware:
    """auditlog's middleware, with the actor resolved when the change is written and the
    address read as the login limit reads it (never a forwarded header blindly)."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from theodoi.web.ratelimit import client_address

        set_cid(request)
        context = _Context(request, remote_addr=client_address(request), remote_port=None)
        with set_extra_data(context_data=context):
            return self.get_response(request)
