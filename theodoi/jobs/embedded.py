"""The embedded default: a Celery worker thread inside the serving process.

With CELERY_BROKER_URL=memory:// the queue is this process's memory (kombu's memory
transport), so the worker must live here too. It starts on first use (queueing a job or
looking at one), after a server's fork, never at import. It is a real worker, not eager
mode: the request that queues a job returns at once and the page polls the job's row.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_worker: object | None = None
_name = ""
_pid = 0


def node_name() -> str:
    """This process's embedded worker name: `embedded-PID-TOKEN@HOST`."""
    global _name, _pid
    from theodoi.jobs.housekeeping import EMBEDDED_PREFIX

    if _pid != os.getpid():  # a forked child is another worker
        _pid = os.getpid()
        _name = f"{EMBEDDED_PREFIX}{_pid}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    return _name


def is_embedded() -> bool:
    """True when jobs run in the serving process (memory:// broker)."""
    return bool(getattr(settings, "JOBS_EMBEDDED", False))


def ensure_worker() -> str:
    """Start this process's worker thread if it is not running; its name."""
    global _worker
    name = node_name()
    with _lock:
        thread = getattr(_worker, "_theodoi_thread", None)
        # Started in this process and still running: a worker thread that stopped (Celery's
        # shutdown flag is process-wide: another worker stopping in this process stops it
        # too) is started again rather than left holding the queue with nobody reading it.
        if (_worker is not None and getattr(_worker, "_theodoi_pid", None) == os.getpid()
                and thread is not None and thread.is_alive()):
            return name
        from theodoi.jobs import housekeeping
        from theodoi.jobs.celery import app

        housekeeping.recover_embedded(name)
        worker = app.WorkController(
            app=app,
            hostname=name,
            pool="threads",
            concurrency=max(1, settings.JOBS_EMBEDDED_CONCURRENCY),
            loglevel="WARNING",
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            ready_callback=None,
        )
        worker._theodoi_pid = os.getpid()
        thread = threading.Thread(target=worker.start, name="theodoi-jobs", daemon=True)
        worker._theodoi_thread = thread
        thread.start()
        _worker = worker
        log.info("embedded job worker %s started", name)
    return name
