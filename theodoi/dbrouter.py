"""Read replicas: the dashboards' reads go to the `replica` database, everything else to the
primary (`default`).

Why only chosen pages, and not every read outside a transaction: a replica is a few
seconds behind. A reporter who submits a report and lands on the task page must see it;
a service that reads then writes must read what it writes over. Dashboards (overview,
lists, agency pages, search, the API's lists) are read by many, change little, and show
"as of" figures anyway: they are where the load is and where a few seconds do not matter.
So a read goes to the replica only when all of these hold:

- DATABASE_REPLICA_URL is set (settings add the `replica` alias, this router and the
  middleware);
- the request is a GET or HEAD to a page named in DATABASE_REPLICA_VIEWS, or code chose
  it with `with replica_reads():` (a periodic report, an export);
- the browser has not written anything in the last DATABASE_REPLICA_STICKY_SECONDS (a
  cookie set after each POST/PUT/PATCH/DELETE), so one sees one's own writes;
- the primary is not inside a transaction (atomic blocks read from where they write).

Writes and migrations always go to the primary; the replica is PostgreSQL's streaming copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
STICKY_COOKIE = "theodoi_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Who is logged in is read from the primary: a session written a moment ago must be found.
PRIMARY_APPS = frozenset({"sessions", "auth", "contenttypes", "jobs"})

_use_replica: ContextVar[bool] = ContextVar("theodoi_use_replica", default=False)


@contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within the block, reads outside transactions go to the replica (when there is one)."""
    token = _use_replica.set(enabled)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_configured() -> bool:
    """True when the `replica` database alias is defined."""
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads to `replica` when the current request or block chose it; all else to `default`."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if (_use_replica.get() and model._meta.app_label not in PRIMARY_APPS
                and replica_configured() and not connections[PRIMARY].in_atomic_block):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # both aliases hold the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaMiddleware:
    """Turns replica reads on for safe requests to the dashboards; pins a browser that has
    just written to the primary for a few seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            if seconds > 0:
                response.set_cookie(STICKY_COOKIE, str(int(time.time()) + seconds),
                                    max_age=seconds, httponly=True, samesite="Lax",
                                    secure=request.is_secure())
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if (request.method in SAFE_METHODS and match is not None
                and match.view_name in set(settings.DATABASE_REPLICA_VIEWS)
                and not _pinned(request)):
            _use_replica.set(True)


def _pinned(request: HttpRequest) -> bool:
    """True while the browser's last write is fresher than the sticky window."""
    try:
        return int(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False
