"""A limit on failed logins, per username and client address, kept in Django's cache.

The count lives in the cache framework (`LOGIN_LIMIT_CACHE`, the default cache unless
set), so with several server processes it is shared as long as the cache is (Redis in
production, see docs/security.md); the local-memory cache of development is per process.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from theodoi.registry.text import fold


def username_key(username: str) -> str:
    """The username as the limiter counts it: NFKC-folded as Django's auth reads it (so the
    fullwidth "ｌanhdao" is "lanhdao"), case-folded, without diacritics or outer spaces."""
    return fold(unicodedata.normalize("NFKC", username).casefold())


def _key(username: str, address: str) -> str:
    return f"web:login-failures:{username_key(username)}:{address}"


def _cache() -> Any:
    return caches[getattr(settings, "LOGIN_LIMIT_CACHE", "default")]


def client_address(request: HttpRequest) -> str:
    """The address the request came from.

    Behind `NUM_PROXIES` trusted reverse proxies that write `TRUSTED_PROXY_HEADER`
    (X-Forwarded-For, each appending the address it saw), the client is the entry the
    outermost trusted proxy appended: the NUM_PROXIES-th from the right. Entries further
    left are whatever the client sent and are never trusted. Without these settings the
    header is ignored and the socket's address (REMOTE_ADDR) is the client.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "?"
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if not header or proxies <= 0:
        return remote
    meta_name = header.upper().replace("-", "_")
    if not meta_name.startswith("HTTP_"):
        meta_name = f"HTTP_{meta_name}"
    hops = [part.strip() for part in request.META.get(meta_name, "").split(",") if part.strip()]
    if len(hops) < proxies:
        return remote  # not through every trusted proxy: trust nothing the client sent
    return hops[-proxies]


def allowed() -> int:
    return int(getattr(settings, "LOGIN_FAILURES_ALLOWED", 5))


def window() -> int:
    """Seconds a run of failures is remembered, counted from the first one."""
    return int(getattr(settings, "LOGIN_FAILURE_WINDOW", 900))


def is_blocked(username: str, address: str) -> bool:
    """Whether this username has failed too often from this address in the window."""
    return int(_cache().get(_key(username, address), 0)) >= allowed()


def record_failure(username: str, address: str) -> int:
    """Count one more failed login; returns the count in the current window."""
    cache = _cache()
    key = _key(username, address)
    cache.add(key, 0, timeout=window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window())
        return 1


def reset(username: str, address: str) -> None:
    """Forget the failures after a successful login."""
    _cache().delete(_key(username, address))


def blocked_message() -> str:
    """The one Vietnamese line a blocked sign-in reads."""
    return _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {
        "minutes": max(1, window() // 60)}


def limit_logins(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view` (a login view, such as the admin's) with the same limit as the sign-in page.

    A POST is refused (429) while the limit holds, without checking the password; a POST
    that does not sign the user in counts as a failure, one that does forgets them.
    """

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get("username", "")
        address = client_address(request)
        if is_blocked(username, address):
            return HttpResponse(blocked_message(), status=429,
                                content_type="text/plain; charset=utf-8")
        was = request.user.pk if request.user.is_authenticated else None
        response = view(request, *args, **kwargs)
        signed_in = request.user.is_authenticated and request.user.pk != was
        if signed_in and response.status_code in (301, 302, 303):
            reset(username, address)
        elif username:
            record_failure(username, address)
        return response

    return limited
