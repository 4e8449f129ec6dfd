"""The NinjaAPI object: authentication, UTF-8 JSON, error answers, and the routers.

Import this module only once Django's settings are configured (ninja reads them on import):
`theodoi/urls.py` reaches it through `theodoi.web.api.urls`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from theodoi.web.api.auth import SessionAuth, TokenAuth
from theodoi.web.api.views import ROUTERS

DESCRIPTION = """\
Theo dõi kế hoạch chuyển đổi số: plans, tasks, assignments, statuses and targets to read,
progress reports to write.

Authenticate with `Authorization: Bearer <token>` (a token from
`theodoi api-token create USERNAME`), or from a signed-in browser with its session cookie
and, for writes, the `X-CSRFToken` header. Each user sees and does exactly what the pages
allow: coordinators everything; agency reporters read every published plan and report on
their own agency's assignments only; leaders read. Lists are paged (`page`, `page_size`).
"""


class UTF8JSONRenderer(JSONRenderer):
    """JSON with Vietnamese written as UTF-8 ("Bộ Tài chính"), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012 (ninja reads a class attribute)


class TheodoiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view function's name ("list_tasks"), unique in this API."""
        return operation.view_func.__name__


api = TheodoiAPI(
    title="theodoi API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    renderer=UTF8JSONRenderer(),
)

for prefix, router in ROUTERS.items():
    api.add_router(f"/{prefix}", router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "Authentication required: send a bearer token."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="theodoi"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=400)
