"""Imports as jobs in the embedded default: a worker thread in the serving process reads
the upload while the request returns at once; jobs cut by a restart are failed in
Vietnamese; the cleanup removes uploads nobody needs."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import seed_path
from theodoi.jobs import embedded, housekeeping
from theodoi.jobs.models import DONE, FAILED, RUNNING, Job
from theodoi.tracking.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reads committed rows


def wait_until_finished(job_id: str, seconds: float = 60) -> Job:
    """The job's row once its state is no longer running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:  # SQLite's shared in-memory test database may be locked for a moment
            job = Job.objects.get(pk=job_id)
        except OperationalError:
            job = None
        if job is not None and job.state != RUNNING:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def test_an_upload_returns_at_once_and_the_embedded_worker_reads_it(
        client: Any, coordinator: Any, settings: Any) -> None:
    settings.WEB_IMPORT_INLINE = False
    assert settings.JOBS_EMBEDDED  # memory:// is the default
    client.force_login(coordinator)
    source = seed_path("003")
    response = client.post(reverse("web:import"), {
        "files": [SimpleUploadedFile(source.name, source.read_bytes())]})
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    queued = Job.objects.get(pk=job_id)
    assert queued.worker == embedded.node_name()  # this process's in-memory queue holds it
    assert queued.stored and default_storage.exists(queued.stored[0])
    job = wait_until_finished(job_id)
    assert job.state == DONE, job.error
    assert job.started_at is not None and job.finished_at is not None
    assert len(job.result["tasks"]) > 5
    page = client.get(response["Location"])
    plan = Plan.objects.get()
    assert page["Location"] == reverse("web:plan-review", args=[plan.pk])
    assert [f.name for f in plan.files.all()] == [source.name]
    job.refresh_from_db()
    assert job.stored == []  # the plan keeps its own copy; the upload is gone
    assert not default_storage.exists(queued.stored[0])


def test_the_page_polls_while_the_job_waits(client: Any, coordinator: Any) -> None:
    Job.objects.create(id="waiting", user=coordinator, names=["a.pdf", "b.pdf"],
                       worker=embedded.node_name())
    client.force_login(coordinator)
    page = client.get(reverse("web:import-job", args=["waiting"]), HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "Đọc tệp 1/2" in text


def test_a_bad_upload_fails_in_vietnamese_and_its_file_is_removed(
        client: Any, coordinator: Any, settings: Any) -> None:
    settings.WEB_IMPORT_INLINE = False
    client.force_login(coordinator)
    response = client.post(reverse("web:import"), {
        "files": [SimpleUploadedFile("linh-tinh.txt", "Không có bảng nào.\n".encode())]})
    job = wait_until_finished(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert job.state == FAILED
    assert "không tìm thấy" in job.error.lower()
    assert job.stored == []
    assert not default_storage.listdir(f"imports/{job.id}/0")[1]


def test_jobs_of_a_serving_process_that_stopped_are_failed_in_vietnamese(
        coordinator: Any) -> None:
    host = embedded.node_name().rsplit("@", 1)[1]
    gone = Job.objects.create(id="gone", user=coordinator, names=["qd.pdf"],
                              worker=f"embedded-999999999-deadbeef@{host}")
    earlier_self = Job.objects.create(
        id="earlier", user=coordinator, names=["qd.pdf"],
        worker=f"embedded-{embedded.node_name().split('-')[1]}-0ldt0ken@{host}")
    mine = Job.objects.create(id="mine", user=coordinator, names=["qd.pdf"],
                              worker=embedded.node_name())
    elsewhere = Job.objects.create(id="elsewhere", user=coordinator, names=["qd.pdf"],
                                   worker="embedded-1-abc@another-machine")
    assert housekeeping.recover_embedded(embedded.node_name()) == 2
    for job in (gone, earlier_self, mine, elsewhere):
        job.refresh_from_db()
    assert (gone.state, earlier_self.state, mine.state, elsewhere.state) == (
        FAILED, FAILED, RUNNING, RUNNING)
    assert gone.error == housekeeping.INTERRUPTED
    assert "khởi động lại" in gone.error


def test_a_restarted_worker_fails_the_jobs_it_was_running(coordinator: Any) -> None:
    cut = Job.objects.create(id="cut", user=coordinator, names=["qd.pdf"],
                             worker="w1@host", phase="reading")
    other = Job.objects.create(id="other", user=coordinator, names=["qd.pdf"], worker="w2@host")
    assert housekeeping.recover_worker("w1@host") == 1
    cut.refresh_from_db()
    other.refresh_from_db()
    assert (cut.state, other.state) == (FAILED, RUNNING)
    assert "tải tệp lên lại" in cut.error


def test_the_cleanup_removes_failed_uploads_old_jobs_and_stale_ones(
        coordinator: Any, settings: Any) -> None:
    def stored(job_id: str) -> list[str]:
        return [default_storage.save(f"imports/{job_id}/0/qd.txt", ContentFile(b"qd"))]

    now = timezone.now()
    failed = Job.objects.create(id="failed", user=coordinator, names=["qd.txt"],
                                stored=stored("failed"), state=FAILED, finished_at=now)
    old = Job.objects.create(id="old", user=coordinator, names=["qd.txt"], stored=stored("old"),
                             state=DONE, finished_at=now - timedelta(days=31))
    recent = Job.objects.create(id="recent", user=coordinator, names=["qd.txt"],
                                stored=stored("recent"), state=DONE, finished_at=now)
    stale = Job.objects.create(id="stale", user=coordinator, names=["qd.txt"],
                               stored=stored("stale"), heartbeat_at=now - timedelta(hours=2))
    busy = Job.objects.create(id="busy", user=coordinator, names=["qd.txt"],
                              stored=stored("busy"), heartbeat_at=now)
    names = {job.id: job.stored[0] for job in (failed, old, recent, stale, busy)}
    outcome = housekeeping.cleanup(days=30, stale_seconds=3600)
    assert (outcome.stale, outcome.jobs_deleted, outcome.files_removed) == (1, 1, 3)
    assert set(Job.objects.values_list("id", flat=True)) == {"failed", "recent", "stale", "busy"}
    assert {k for k, name in names.items() if default_storage.exists(name)} == {"recent", "busy"}
    stale.refresh_from_db()
    assert stale.state == FAILED and stale.stored == []
    assert "quá lâu" in stale.error


def test_theodoi_jobs_cleanup_refuses_a_negative_age(capsys: Any) -> None:
    from theodoi.cli import main

    assert main(["jobs", "cleanup", "--days", "-1"]) == 2
    assert "không âm" in capsys.readouterr().err


def test_theodoi_jobs_worker_needs_a_broker_in_the_embedded_shape(capsys: Any) -> None:
    from theodoi.cli import main

    assert main(["jobs", "worker"]) == 2
    err = capsys.readouterr().err
    assert "CELERY_BROKER_URL" in err
    assert len(err.strip().splitlines()) == 1


def test_a_stopped_worker_thread_is_started_again(settings: Any) -> None:
    """Celery's shutdown flag is process-wide: another worker stopping in this process
    (a test's broker worker) stops the embedded one too; the next job must find one."""
    from celery.worker import state

    embedded.ensure_worker()
    first = embedded._worker._theodoi_thread
    state.should_terminate = 0
    first.join(30)
    state.should_terminate = None
    assert not first.is_alive()
    embedded.ensure_worker()
    again = embedded._worker._theodoi_thread
    assert again is not first and again.is_alive()
