"""Queueing a job: after the transaction that wrote its row, on the configured broker."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue(task: Any, *args: Any) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""
    from theodoi.jobs import embedded

    if embedded.is_embedded():
        embedded.ensure_worker()
    transaction.on_commit(lambda: task.apply_async(args=args))
