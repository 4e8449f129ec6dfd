"""Imports on a real queue: the web request sends the job to Redis (the production broker)
or RabbitMQ, a Celery worker takes it, the page then finds the plan read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tests.conftest import seed_path
from tests.infra.conftest import ROOT, stop
from tests.infra.test_jobs_embedded import wait_until_finished
from theodoi.jobs import housekeeping
from theodoi.jobs.models import DONE, FAILED, Job
from theodoi.tracking.models import Plan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, pytest.mark.slow]


def import_through_the_queue(client: Any, coordinator: Any, hostname: str) -> Job:
    """Upload a decision and follow the job until the page sends to the draft."""
    client.force_login(coordinator)
    source = seed_path("004")
    response = client.post(reverse("web:import"), {
        "files": [SimpleUploadedFile(source.name, source.read_bytes())]})
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    job = wait_until_finished(job_id)
    assert job.state == DONE, job.error
    assert job.worker == hostname
    page = client.get(response["Location"])
    assert page["Location"] == reverse("web:plan-review", args=[Plan.objects.get().pk])
    return job


def test_an_import_runs_on_a_worker_through_redis(
        client: Any, coordinator: Any, settings: Any, redis_url: str,
        broker_worker: Any) -> None:
    settings.WEB_IMPORT_INLINE = False
    broker_worker(redis_url, hostname="redis-test@localhost")
    import_through_the_queue(client, coordinator, "redis-test@localhost")


def test_an_import_runs_on_a_worker_through_rabbitmq(
        client: Any, coordinator: Any, settings: Any, amqp_url: str,
        broker_worker: Any) -> None:
    settings.WEB_IMPORT_INLINE = False
    broker_worker(amqp_url, hostname="rabbit-test@localhost")
    import_through_the_queue(client, coordinator, "rabbit-test@localhost")


def test_a_worker_process_fails_what_it_left_running_then_reads_new_imports(
        client: Any, coordinator: Any, settings: Any, redis_url: str, on_postgres: None) -> None:
    """`theodoi jobs worker` as its own process, on the test database (PostgreSQL)."""
    settings.WEB_IMPORT_INLINE = False
    settings.JOBS_EMBEDDED = False
    from theodoi.jobs.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = redis_url
    app._after_fork()
    name = f"theodoi-process-test-{os.getpid()}@{socket.gethostname()}"
    cut = Job.objects.create(id="cut-by-restart", user=coordinator, names=["qd.pdf"],
                             worker=name, phase="reading")
    db = connection.settings_dict
    env = {**os.environ,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "CELERY_BROKER_URL": redis_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "theodoi.cli", "jobs", "worker", "--concurrency", "1",
         "--name", name], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cut.refresh_from_db()
            if cut.state == FAILED:
                break
            assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
            time.sleep(0.2)
        assert cut.state == FAILED
        assert cut.error == housekeeping.INTERRUPTED
        import_through_the_queue(client, coordinator, name)
    finally:
        stop(worker)
        app.conf.broker_url = before
        app._after_fork()


def test_an_unreachable_broker_fails_the_import_in_vietnamese_and_keeps_nothing(
        client: Any, coordinator: Any, settings: Any) -> None:
    from tests.infra.conftest import free_port
    from theodoi.jobs.celery import app

    settings.WEB_IMPORT_INLINE = False
    settings.JOBS_EMBEDDED = False
    before = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    app._after_fork()
    try:
        client.force_login(coordinator)
        response = client.post(reverse("web:import"), {
            "files": [SimpleUploadedFile("qd.txt", seed_path("004").read_bytes())]})
    finally:
        app.conf.broker_url = before
        app._after_fork()
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.state, job.error) == (FAILED, housekeeping.UNQUEUED)
    assert job.stored == []
    page = client.get(response["Location"])
    assert housekeeping.UNQUEUED in page.content.decode()


def test_after_a_broker_test_the_default_queue_is_read_again() -> None:
    """Regression (xdist ran a broker test before a browser import in one process): the
    embedded worker started later consumed the broker test's queue, not the default one."""
    from django.conf import settings

    from tests.infra.conftest import TEST_QUEUE, use_queue
    from theodoi.jobs.celery import app

    before, default = app.conf.broker_url, settings.CELERY_TASK_DEFAULT_QUEUE
    use_queue(app, before, TEST_QUEUE)
    assert list(app.amqp.queues.consume_from) == [TEST_QUEUE]
    use_queue(app, before, default)
    assert list(app.amqp.queues.consume_from) == [default]
    assert app.amqp.router.route({}, "theodoi.jobs.tasks.read_upload")["queue"].name == default
