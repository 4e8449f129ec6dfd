"""Fixtures of the infrastructure tests: the real engines on this machine (Redis, RabbitMQ,
PostgreSQL, nginx, a local S3 server), found from the environment, and a Celery worker
thread on a real broker.

A service that is absent skips its tests with the reason, except in CI (CI=true), where
.ci/run starts every service first and an absent one is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest_django import *  # noqa: F403

ROOT = Path(__file__).resolve().parents[2]


def _add_replica_alias() -> None:
    """A `replica` alias mirroring the test database (Django's TEST MIRROR), as settings.py
    adds one when DATABASE_REPLICA_URL is set; defined before the test databases are
    created so that tests may name it. Nothing routes to it unless a test installs
    theodoi.dbrouter.ReplicaRouter."""
    import copy

    from django.conf import settings
    from django.db import connections

    if "replica" not in settings.DATABASES:
        conf = copy.deepcopy(settings.DATABASES["default"])
        conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": "default"}
        settings.DATABASES["replica"] = conf
        connections.__dict__.pop("settings", None)  # read DATABASES again


_add_replica_alias()
# Test-only names, so that the rest of the suite keeps the embedded defaults.
REDIS_URL = os.getenv("THEODOI_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
# With pytest-xdist (`make test` runs one process per core) each process gets a Redis
# database and a queue name of its own: two processes on one queue would run each other's
# jobs against the wrong test database, and share the login limiter's counters.
XDIST_WORKER = os.getenv("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER.removeprefix("gw").isdigit():
    _parts = urlsplit(REDIS_URL)
    _db = int(_parts.path.strip("/") or 0) - int(XDIST_WORKER.removeprefix("gw"))
    REDIS_URL = _parts._replace(path=f"/{_db % 16}").geturl()
TEST_QUEUE = f"theodoi-test-{XDIST_WORKER or 'main'}"
AMQP_URL = os.getenv("THEODOI_TEST_AMQP_URL") or "amqp://guest:guest@127.0.0.1:5672//"


def reachable(url: str, default_port: int) -> bool:
    """True when something accepts TCP connections at the host and port of `url`."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1",
                                       parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def need(ok: bool, reason: str) -> None:
    """Skip with `reason` when `ok` is false; in CI, fail instead (the service must run)."""
    if ok:
        return
    if os.getenv("CI"):
        pytest.fail(f"{reason} (CI starts it in .ci/run)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on the loopback interface nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None,
                  seconds: float = 30) -> None:
    """Return once 127.0.0.1:`port` accepts connections; fail if `process` dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{process.args!r} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """End a process this test started, by its id."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def redis_url() -> str:
    need(reachable(REDIS_URL, 6379), f"Redis is not running at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    need(reachable(AMQP_URL, 5672), f"RabbitMQ is not running at {AMQP_URL}")
    return AMQP_URL


@pytest.fixture
def on_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":  # the other pass, not a missing service
        pytest.skip("runs in the PostgreSQL pass: `make test-postgres`")


def bin_path(name: str) -> str:
    """The path of an executable of this virtualenv, or of the system."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


@pytest.fixture
def broker_worker(settings: Any) -> Iterator[Any]:
    """A function that starts a Celery worker thread on a given broker URL, queueing through
    that broker too (not the embedded memory transport); stopped after the test."""
    from celery.worker import state

    from theodoi.jobs.celery import app

    threads: list[Any] = []
    before = app.conf.broker_url
    queue_before = app.conf.task_default_queue

    def start(url: str, hostname: str = "theodoi-test@localhost") -> Any:
        import threading

        settings.JOBS_EMBEDDED = False
        use_queue(app, url, TEST_QUEUE)
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3)
        worker = app.WorkController(
            app=app, hostname=hostname, pool="solo", concurrency=1, loglevel="WARNING",
            without_heartbeat=True, without_mingle=True, without_gossip=True,
            ready_callback=None)
        thread = threading.Thread(target=worker.start, daemon=True)
        thread.start()
        threads.append(thread)
        return worker

    yield start
    state.should_terminate = 0  # as celery.contrib.testing stops its worker threads
    for thread in threads:
        thread.join(30)
    state.should_terminate = None
    use_queue(app, before, queue_before)


def use_queue(app: Any, broker_url: str, queue: str) -> None:
    """Send to and consume from `queue` on `broker_url` from now on (Celery caches the
    queues it declared: they are declared again). Regression: after a broker test the
    queues stayed that test's, and the embedded worker that a later test of the process
    started read only them; its jobs waited in the default queue forever."""
    app.conf.broker_url = broker_url
    app.conf.task_default_queue = queue
    del app.amqp.queues, app.amqp.default_queue
    app._after_fork()  # forget connections and producers of the previous broker
