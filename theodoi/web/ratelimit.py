"""A small cache-based limit on failed logins, per username and client address."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from theodoi.registry.text import fold


def _key(username: str, address: str) -> str:
    return f"web:login-failures:{fold(username.strip())}:{address}"


def client_address(request: HttpRequest) -> str:
    """The address the request came from (the server sits behind no proxy by default)."""
    return request.META.get("REMOTE_ADDR", "") or "?"


def allowed() -> int:
    return int(getattr(settings, "LOGIN_FAILURES_ALLOWED", 5))


def window() -> int:
    """Seconds a run of failures is remembered, counted from the first one."""
    return int(getattr(settings, "LOGIN_FAILURE_WINDOW", 900))


def is_blocked(username: str, address: str) -> bool:
    """Whether this username has failed too often from this address in the window."""
    return int(cache.get(_key(username, address), 0)) >= allowed()


def record_failure(username: str, address: str) -> int:
    """Count one more failed login; returns the count in the current window."""
    key = _key(username, address)
    cache.add(key, 0, timeout=window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window())
        return 1


def reset(username: str, address: str) -> None:
    """Forget the failures after a successful login."""
    cache.delete(_key(username, address))
