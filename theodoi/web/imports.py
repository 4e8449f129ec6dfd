"""Reading uploaded decisions as a queued job, with progress the page can poll.

Extraction is plain Python and can take minutes for a long decision (OCR), so it runs as a
job on the task queue (theodoi/jobs): a Celery worker on another process or machine in
production, a worker thread of the serving process in the embedded default. The uploads
are kept in the project's storage (disk or S3) under `imports/JOB/`, named in the job's
row; the worker never writes plans. When the job is done, the next poll (a request, with
the user's rights) writes the result: a draft plan for a new decision, or a `PlanImport`
holding the corrected version of an existing plan.

A job cut by a restart is marked failed (theodoi/jobs/housekeeping.py) and its uploads are
removed by the cleanup. Set `WEB_IMPORT_INLINE = True` to read in the request itself (tests).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.cli import UserError
from theodoi.jobs import embedded, housekeeping
from theodoi.jobs.models import DONE, FAILED, RUNNING, Job
from theodoi.jobs.queue import enqueue
from theodoi.tracking import access, services
from theodoi.tracking.models import Plan
from theodoi.web.models import PlanImport

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = ["DONE", "FAILED", "RUNNING", "Job", "correction_files", "finish", "get_job",
           "run", "safe_name", "start"]


def get_job(user: Any, job_id: str) -> Job:
    """The job `job_id` if `user` started it (coordinators only); Http404-like KeyError."""
    access.ensure_coordinator(user)
    if embedded.is_embedded() and not getattr(settings, "WEB_IMPORT_INLINE", False):
        embedded.ensure_worker()  # also marks jobs of a stopped process failed
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.IMPORT).first()
    if job is None:
        raise KeyError(job_id)
    if job.user_id != user.pk:
        raise PermissionDenied("this import belongs to someone else")
    return job


def safe_name(name: str) -> str:
    """A file name without folders, never empty or hidden."""
    clean = PurePath(name.replace("\\", "/")).name.strip().lstrip(".")
    return clean[:200] or "tai-lieu"


def start(user: Any, uploads: list[UploadedFile], plan: Plan | None = None) -> Job:
    """Store the uploads and queue their reading; `plan` when they are a corrected version."""
    from theodoi.jobs.tasks import import_files

    access.ensure_coordinator(user)
    job_id = uuid.uuid4().hex
    names, stored = [], []
    for i, upload in enumerate(uploads):
        name = safe_name(upload.name or "")
        stored.append(default_storage.save(f"imports/{job_id}/{i}/{name}", upload))
        names.append(name)
    inline = getattr(settings, "WEB_IMPORT_INLINE", False)
    job = Job.objects.create(
        id=job_id, user=user, names=names, stored=stored, plan_id=plan.pk if plan else None,
        # In the embedded mode the queue is this process's memory: the job is this
        # process's until a worker takes it (a restart in between loses it: recovered).
        worker=embedded.node_name() if embedded.is_embedded() and not inline else "",
    )
    if inline:
        run(job.id)
        job.refresh_from_db()
    else:
        enqueue(import_files, job.id, on_failure=lambda: _not_queued(job))
        job.refresh_from_db()
    return job


def _not_queued(job: Job) -> None:
    """The broker refused the job: fail it in Vietnamese and drop its uploads."""
    housekeeping.fail(Job.objects.filter(pk=job.pk), housekeeping.UNQUEUED)
    job.refresh_from_db()
    housekeeping.remove_files(job)


def _retrying(action: Callable[[], T], seconds: float = 10) -> T:
    """`action()`, tried again while the database says it is busy (SQLite under a web
    request's writes) for up to `seconds`: a job must not be lost to a lock."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _progress(job_id: str, **fields: Any) -> None:
    """Record progress; a busy database (SQLite) only delays what the page shows."""
    try:
        Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)
    except DatabaseError as exc:
        log.warning("progress of job %s not recorded: %s", job_id, exc)


@contextmanager
def _local_copies(job: Job) -> Iterator[list[Path]]:
    """Local paths of the job's uploads: the files themselves on disk, copies from S3."""
    try:
        yield [Path(default_storage.path(name)) for name in job.stored]
        return
    except NotImplementedError:
        pass
    folder = Path(tempfile.mkdtemp(prefix=f"theodoi-import-{job.id}-"))
    try:
        paths = []
        for i, (name, stored) in enumerate(zip(job.names, job.stored, strict=True)):
            target = folder / str(i) / name
            target.parent.mkdir(parents=True)
            with default_storage.open(stored, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            paths.append(target)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(job_id: str, worker: str = "") -> None:
    """Read the job's files into one plan (what `extract_plan` does, a file at a time so the
    page can show which file is being read) and record the outcome in the job's row."""
    from theodoi.extract.commands import read_plan
    from theodoi.extract.merge import merge_plans

    job = _retrying(Job.objects.filter(pk=job_id, state=RUNNING).first)
    if job is None:  # failed by a cleanup or a recovery while it waited
        return
    now = timezone.now()
    changes: dict[str, Any] = {"started_at": now, "heartbeat_at": now, "phase": "reading"}
    if worker:
        changes["worker"] = worker
    _retrying(lambda: Job.objects.filter(pk=job_id).update(**changes))
    outcome: dict[str, Any] = {}
    try:
        with _local_copies(job) as paths:
            plans = []
            for i, path in enumerate(paths):
                _progress(job_id, step=i, phase="reading")
                plans.append(read_plan(path))
        if len(plans) > 1:
            _progress(job_id, step=len(plans), phase="merging")
        plan, disagreements = merge_plans(plans)
        result = plan.to_json()
        if not result["tasks"]:
            raise UserError(_("Không tìm thấy nhiệm vụ nào trong tệp đã tải lên"))
        outcome = {
            "state": DONE, "result": result,
            "uncertain": sorted({t.code for p in plans for t in p.tasks if t.uncertain}),
            "warnings": [*plan.warnings, *(str(d) for d in disagreements)],
        }
    except UserError as exc:
        outcome = {"state": FAILED,
                   "error": str(exc).splitlines()[0] if str(exc) else _("Không đọc được tệp")}
    except Exception:
        log.exception("reading %s failed", job.names)
        outcome = {"state": FAILED,
                   "error": _("Không đọc được tệp: lỗi không mong đợi khi đọc tài liệu")}
    if outcome["state"] == FAILED:
        # A file that is no decision is not kept; gone before the job says it failed, so
        # whoever sees the failure (the page, a test) never sees the upload still there.
        _retrying(lambda: housekeeping.remove_files(job))
        outcome["stored"] = []
    outcome["finished_at"] = timezone.now()
    _retrying(lambda: Job.objects.filter(pk=job_id, state=RUNNING).update(**outcome))


def _plan_files(job: Job) -> list[File]:
    return [File(default_storage.open(stored, "rb"), name=name)
            for name, stored in zip(job.names, job.stored, strict=True)]


def finish(user: Any, job: Job) -> PlanImport | None:
    """The job's result written down once (a draft plan, or a correction waiting to be
    applied); None while it runs or when it failed."""
    if job.state != DONE:
        return None
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.import_id is not None:
            return PlanImport.objects.get(pk=locked.import_id)
        try:
            with transaction.atomic():
                record = _write(user, locked)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
            Job.objects.filter(pk=job.pk).update(state=FAILED, error=error)
            job.state, job.error = FAILED, error
            return None
        Job.objects.filter(pk=job.pk).update(import_id=record.pk)
        job.import_id = record.pk
    if record.kind == PlanImport.Kind.NEW:
        housekeeping.remove_files(job)  # the plan keeps its own copies
    return record


def _write(user: Any, job: Job) -> PlanImport:
    if job.result is None:
        raise ValidationError("nothing was read")
    if job.plan_id is None:
        files = _plan_files(job)
        try:
            plan = services.import_plan(job.result, files=files, user=user)
        finally:
            for f in files:
                f.close()
        codes = list(plan.tasks.order_by("order").values_list("code", flat=True))
        return PlanImport.objects.create(
            plan=plan, kind=PlanImport.Kind.NEW, file_names=job.names,
            uncertain=[c for c in codes if c in set(job.uncertain)],
            warnings=job.warnings, created_by=user,
        )
    plan = access.access_plan_for_edit(user, job.plan_id)
    services.diff_plan(plan, job.result)  # refuses a document that is not a plan
    return PlanImport.objects.create(
        plan=plan, kind=PlanImport.Kind.CORRECTION, file_names=job.names,
        stored_files=list(job.stored), plan_json=job.result, uncertain=job.uncertain,
        warnings=job.warnings, created_by=user,
    )


def correction_files(record: PlanImport) -> list[File]:
    """The stored files of a corrected version, opened for `reimport_plan` (storage names;
    files the cleanup already removed are skipped)."""
    return [
        File(default_storage.open(name, "rb"), name=label)
        for label, name in zip(record.file_names, record.stored_files, strict=False)
        if default_storage.exists(name)
    ]
