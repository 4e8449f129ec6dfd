"""Vietnamese by default (the language is the user's choice, never the browser's); a 503
while the database is unavailable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

logger = logging.getLogger(__name__)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware without Accept-Language: officials' browsers are often
    set to English, yet the pages speak Vietnamese until someone picks English."""

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A database that is down or restarting (the connection refused or broken mid-request)
    answers 503 with Retry-After, JSON on the API and a short page elsewhere, instead of a
    bare 500; Django closes the broken connection at the end of the request and the next
    request connects again (CONN_HEALTH_CHECKS)."""

    RETRY_AFTER = "5"
    MESSAGE = "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau ít phút."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The 503 answer for a database error of the connection, else None (Django's)."""
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable", exc_info=exception,
                     extra={"path": request.path, "method": request.method, "status": 503})
        # No template: rendering one would ask the database (the user, the session) again.
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": self.MESSAGE}, status=503)
        else:
            response = HttpResponse(
                f'<!doctype html><html lang="vi"><meta charset="utf-8">'
                f"<title>503</title><p>{self.MESSAGE}</p></html>", status=503)
        response["Retry-After"] = self.RETRY_AFTER
        # Logged above, without the request: django.request would log it again with the
        # request, and the log's user_id reads the session's user from the database, which
        # raises out of Django (gunicorn's bare 500).
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
