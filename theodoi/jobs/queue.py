"""Queueing a job: after the transaction that wrote its row, on the configured broker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, on_failure: Callable[[], None] | None = None) -> None:
    """Send `task(*args)` to the workers once the current transaction commits; when the
    broker cannot be reached, log it and call `on_failure` instead of failing the request."""
    from theodoi.jobs import embedded

    if embedded.is_embedded():
        embedded.ensure_worker()

    def send() -> None:
        try:
            task.apply_async(args=args)
        except Exception:  # kombu's errors differ per transport; the page must still answer
            log.exception("could not queue %s%r", task.name, args)
            if on_failure is not None:
                on_failure()

    transaction.on_commit(send)
