"""Structured logs: one JSON object per line on stderr, with the request's path and user.

`settings.LOGGING` sends every logger through `JsonFormatter`; `RequestFilter` copies the
path, method, status and user id of the request Django attaches to its request errors
("django.request"), so a 500 can be found from the log alone.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed in `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


class StderrHandler(logging.StreamHandler):
    """A stream handler on whatever `sys.stderr` is when a record is written (a handler
    bound to the stderr of the moment settings were read keeps writing to it after a
    server, a test runner or a daemon replaced it), unless given a stream of its own."""

    def __init__(self, stream: Any = None):
        self._own: Any = None
        super().__init__(stream)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return self._own if self._own is not None else sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        self._own = None if value is None or value is sys.stderr else value


def _session_user(request: object) -> object:
    """The signed-in user, loading it if the view did not; None when that needs a database
    that is failing (the error being logged may be that very failure)."""
    from django.db import DatabaseError

    cached = getattr(request, "_cached_user", None)
    if cached is not None:
        return cached
    try:
        user = getattr(request, "user", None)
        getattr(user, "pk", None)
    except DatabaseError:
        return None
    return user


class RequestFilter(logging.Filter):
    """Adds `path`, `method`, `user_id` (and `status`) from `record.request` when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.path = request.path
            record.method = getattr(request, "method", None)
            # A page's user is the session's; an API call's is its token's (request.auth).
            record.user_id = None
            for user in (_session_user(request), getattr(request, "auth", None)):
                if getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
                    record.user_id = user.pk
                    break
        status = getattr(record, "status_code", None)
        if status is not None:
            record.status = status
        return True


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC, ISO), level, logger, message, extras,
    and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) \
                    else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
