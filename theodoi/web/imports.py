"""Reading uploaded decisions in the background, with progress the page can poll.

Extraction is plain Python and can take minutes for a long decision, so it runs in a
thread of the web process; the thread never touches the database. When it is done, the
next poll (a request, with the user's rights) writes the result: a draft plan for a new
decision, or a `PlanImport` holding the corrected version of an existing plan.

Jobs live in this process's memory: the pages are served by one process (waitress, with
threads); a restart forgets running jobs and the coordinator uploads again. Set
`WEB_IMPORT_INLINE = True` to read in the request itself (tests).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from theodoi.cli import UserError
from theodoi.tracking import access, services
from theodoi.tracking.models import Plan
from theodoi.web.models import PlanImport

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
KEEP_SECONDS = 6 * 3600


@dataclass
class Job:
    """One reading of uploaded files: where it stands and what it found."""

    id: str
    user_id: int
    folder: Path
    names: list[str]
    plan_id: int | None = None  # the plan a corrected version is for
    state: str = RUNNING
    step: int = 0
    phase: str = "waiting"  # waiting, reading (file `step`), merging
    error: str = ""
    result: dict[str, Any] | None = None
    uncertain: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    import_id: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def steps(self) -> int:
        """Files to read, plus merging them when there are several."""
        return len(self.names) + (1 if len(self.names) > 1 else 0)

    @property
    def percent(self) -> int:
        if self.state != RUNNING:
            return 100
        return round(100 * self.step / max(1, self.steps))

    @property
    def elapsed(self) -> int:
        return int((self.finished or time.monotonic()) - self.started)

    @property
    def current_name(self) -> str:
        return self.names[min(self.step, len(self.names) - 1)] if self.names else ""

    @property
    def paths(self) -> list[Path]:
        return [self.folder / str(i) / name for i, name in enumerate(self.names)]


_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()


def _remember(job: Job) -> None:
    now = time.monotonic()
    with _jobs_lock:
        for key in [k for k, j in _jobs.items() if j.finished and now - j.finished > KEEP_SECONDS]:
            del _jobs[key]
        _jobs[job.id] = job


def get_job(user: Any, job_id: str) -> Job:
    """The job `job_id` if `user` started it (coordinators only); Http404-like KeyError."""
    access.ensure_coordinator(user)
    with _jobs_lock:
        job = _jobs.get(job_id)
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
    """Save the uploads and start reading them; `plan` when they are a corrected version."""
    access.ensure_coordinator(user)
    job_id = uuid.uuid4().hex
    folder = Path(settings.MEDIA_ROOT) / "imports" / job_id
    names = []
    for i, upload in enumerate(uploads):
        name = safe_name(upload.name or "")
        target = folder / str(i) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        names.append(name)
    job = Job(id=job_id, user_id=user.pk, folder=folder, names=names,
              plan_id=plan.pk if plan else None)
    _remember(job)
    if getattr(settings, "WEB_IMPORT_INLINE", False):
        extract(job)
    else:
        threading.Thread(target=extract, args=(job,), name=f"import-{job_id}", daemon=True).start()
    return job


def extract(job: Job) -> None:
    """Read the job's files into one plan (what `extract_plan` does, a file at a time so the
    page can show which file is being read)."""
    from theodoi.extract.commands import read_plan
    from theodoi.extract.merge import merge_plans

    try:
        plans = []
        for i, path in enumerate(job.paths):
            job.step, job.phase = i, "reading"
            plans.append(read_plan(path))
        if len(plans) > 1:
            job.step, job.phase = len(plans), "merging"
        plan, disagreements = merge_plans(plans)
        job.uncertain = sorted({t.code for p in plans for t in p.tasks if t.uncertain})
        job.warnings = [*plan.warnings, *(str(d) for d in disagreements)]
        result = plan.to_json()
        if not result["tasks"]:
            raise UserError(_("Không tìm thấy nhiệm vụ nào trong tệp đã tải lên"))
        job.result = result
        job.state = DONE
    except UserError as exc:
        job.error = str(exc).splitlines()[0] if str(exc) else _("Không đọc được tệp")
        job.state = FAILED
    except Exception:
        log.exception("reading %s failed", job.names)
        job.error = _("Không đọc được tệp: lỗi không mong đợi khi đọc tài liệu")
        job.state = FAILED
    finally:
        job.finished = time.monotonic()
    if job.state == FAILED:
        shutil.rmtree(job.folder, ignore_errors=True)  # a file that is no decision is not kept


def _plan_files(job: Job) -> list[File]:
    return [File(path.open("rb"), name=name) for name, path in zip(job.names, job.paths,
                                                                     strict=True)]


def finish(user: Any, job: Job) -> PlanImport | None:
    """The job's result written down once (a draft plan, or a correction waiting to be
    applied); None while it runs or when it failed."""
    if job.state != DONE:
        return None
    with job.lock:
        if job.import_id is not None:
            return PlanImport.objects.get(pk=job.import_id)
        try:
            record = _write(user, job)
        except ValidationError as exc:
            job.state, job.error = FAILED, "; ".join(exc.messages)
            return None
        job.import_id = record.pk
        if record.kind == PlanImport.Kind.NEW:
            shutil.rmtree(job.folder, ignore_errors=True)  # the plan keeps its own copies
        return record


@transaction.atomic
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
    root = Path(settings.MEDIA_ROOT)
    return PlanImport.objects.create(
        plan=plan, kind=PlanImport.Kind.CORRECTION, file_names=job.names,
        stored_files=[str(p.relative_to(root)) for p in job.paths],
        plan_json=job.result, uncertain=job.uncertain, warnings=job.warnings,
        created_by=user,
    )


def correction_files(record: PlanImport) -> list[File]:
    """The stored files of a corrected version, opened for `reimport_plan`."""
    root = Path(settings.MEDIA_ROOT)
    return [
        File((root / rel).open("rb"), name=name)
        for name, rel in zip(record.file_names, record.stored_files, strict=False)
        if (root / rel).is_file()
    ]
