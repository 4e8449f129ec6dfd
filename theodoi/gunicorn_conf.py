"""gunicorn's configuration for the production server (DEPLOY.md):

    gunicorn -c python:theodoi.gunicorn_conf

Several worker processes (the GIL binds one process to one core), the application loaded
once before forking (preload: less memory, a broken build fails at start), workers
recycled after a number of requests (memory a long-lived process gathers is given back),
persistent database connections. Every value comes from the environment.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    """The environment variable `name` read as an integer."""
    value = os.getenv(name, "").strip()
    return int(value) if value else default


# Where nginx sends requests (deploy/nginx.conf); a unix socket works too: unix:/run/x.sock
bind = [os.getenv("WEB_BIND", "127.0.0.1:8001")]
# Pages are CPU-bound Python: about two processes per core, one thread each by default.
workers = _int("WEB_WORKERS", 2 * multiprocessing.cpu_count())
threads = _int("WEB_THREADS", 1)
wsgi_app = "theodoi.wsgi:application"
preload_app = True
max_requests = _int("WEB_MAX_REQUESTS", 2000)
max_requests_jitter = _int("WEB_MAX_REQUESTS_JITTER", max_requests // 10)
timeout = _int("WEB_TIMEOUT", 120)  # an Excel export of a large scope can take a while
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 5)
# nginx on the same machine sets X-Forwarded-*; trust only it.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.getenv("WEB_ACCESS_LOG", "-")
errorlog = os.getenv("WEB_ERROR_LOG", "-")
loglevel = os.getenv("WEB_LOG_LEVEL", "info")
proc_name = "theodoi-web"

# Persistent connections (settings.py reads DB_CONN_MAX_AGE): each worker keeps its own.
os.environ.setdefault("DB_CONN_MAX_AGE", "300")


def on_starting(server: Any) -> None:
    """Warn about settings that only hold in one process."""
    log = logging.getLogger("gunicorn.error")
    if workers > 1 and not os.getenv("REDIS_URL"):
        log.warning("REDIS_URL is not set: each of the %d workers has its own cache, so the "
                    "login limiter counts per process. Set REDIS_URL (DEPLOY.md).", workers)
    if os.getenv("CELERY_BROKER_URL", "memory://").startswith("memory://"):
        log.warning("CELERY_BROKER_URL is not set: imports run in threads of the web "
                    "workers. Set it to Redis or RabbitMQ and run `theodoi jobs worker`.")


def pre_fork(server: Any, worker: Any) -> None:
    """Close, in the master, any connection preloading opened: a forked worker sharing its
    socket would interleave its queries with another's."""
    from django.db import connections

    connections.close_all()
