"""Who is calling the API: a bearer token, else the browser's session (with its CSRF token).

Both give the user; what the user may do is decided by `theodoi.tracking.access`, as for
the pages.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from theodoi.web.api.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from `theodoi api-token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return ApiToken.objects.user_for(token.strip())


class SessionAuth(APIKeyCookie):
    """The signed-in browser's session; writes need the CSRF token (X-CSRFToken header).

    Unlike ninja's own SessionAuth, a request without a signed-in session is unauthenticated
    (401) before any CSRF check, so that a missing login is never reported as a CSRF failure.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key is None or user is None or not user.is_authenticated or not user.is_active:
            return None
        return user


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined]
