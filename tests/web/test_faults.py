"""Faults on the web pages: the disk fills up while a report's evidence is being written."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.conftest import assignment_of
from theodoi.tracking.models import Assignment, EvidenceFile, ProgressReport

FULL = "Máy chủ không lưu được tệp minh chứng (hết chỗ lưu trữ); báo cáo chưa được ghi"


def fill_the_disk_after(monkeypatch: pytest.MonkeyPatch, media: Path, room: int) -> None:
    """Writes under `media` fail with ENOSPC once `room` bytes are written in all, after
    writing what still fits, as a real disk does (os.fdopen is where Django's storage
    writes each chunk)."""
    real_fdopen = os.fdopen
    left = [room]

    class FillingFile:
        def __init__(self, raw: Any) -> None:
            self.raw = raw

        def write(self, data: bytes) -> int:
            fits = data[:left[0]]
            self.raw.write(fits)
            self.raw.flush()
            left[0] -= len(fits)
            if len(fits) < len(data):
                raise OSError(errno.ENOSPC, "No space left on device")
            return len(data)

        def close(self) -> None:
            self.raw.close()

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        raw = real_fdopen(fd, *args, **kwargs)
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(media)):
            return FillingFile(raw)
        return raw

    monkeypatch.setattr(os, "fdopen", fdopen)


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (none when it does not exist)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_full_disk_while_saving_evidence_on_the_form_writes_nothing_and_says_so(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any, media_root: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    state = Assignment.objects.filter(pk=assignment.pk).values(*Assignment.STATE_FIELDS).get()
    first = b"%PDF-1.4 " + b"a" * 1000
    # The first file fits, the second stops halfway: the disk is full.
    fill_the_disk_after(monkeypatch, Path(media_root), room=len(first) + 500)
    response = as_reporter_a.post(reverse("web:report", args=[assignment.pk]), {
        "status": "done", "percent": "100", "text": "Đã hoàn thành",
        "files": [SimpleUploadedFile("to-trinh.pdf", first),
                  SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 " + b"b" * 1000)]})
    assert response.status_code == 200  # the form again, with the reason
    page = response.content.decode()
    assert FULL in page and "hãy gửi lại sau" in page
    assert (ProgressReport.objects.count(), EvidenceFile.objects.count()) == (0, 0)
    assert Assignment.objects.filter(pk=assignment.pk).values(
        *Assignment.STATE_FIELDS).get() == state
    # Neither the first file (stored, then orphaned by the rollback) nor the partial second.
    assert files_under(Path(media_root)) == []


def test_the_form_works_again_once_there_is_room(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any, media_root: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    url = reverse("web:report", args=[assignment.pk])
    fields = {"status": "done", "percent": "100",
              "files": [SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4 " + b"a" * 100)]}
    with monkeypatch.context() as patch:
        fill_the_disk_after(patch, Path(media_root), room=0)
        assert FULL in as_reporter_a.post(url, fields).content.decode()
    fields["files"][0].seek(0)
    assert as_reporter_a.post(url, fields).status_code == 302
    stored = EvidenceFile.objects.get()
    assert files_under(Path(media_root)) == [Path(stored.file.path)]
    assert Path(stored.file.path).read_bytes() == b"%PDF-1.4 " + b"a" * 100


def test_a_database_down_is_a_503_with_a_json_body_on_the_api_and_a_page_elsewhere(
        client: Any, as_reporter_a: Any, published_plan: Any, reporter_a: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    from theodoi.tracking import access
    from theodoi.web.api.models import ApiToken

    key = ApiToken.objects.issue(reporter_a)[1]
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(type(ApiToken.objects), "user_for", refused)
    monkeypatch.setattr(access, "access_assignment_for_report", refused)
    api = client.get(f"/api/assignments/{assignment.pk}",
                     headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json() == {"detail": "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau "
                                    "ít phút."}
    page = as_reporter_a.get(reverse("web:report", args=[assignment.pk]))
    assert page.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không sẵn sàng" in page.content.decode()


def test_a_database_down_while_the_session_is_read_is_still_the_503_page(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    # The signed-in user is read from the session, in the database: logging the 503 must
    # not ask for it again (it did, and the error escaped Django: a bare 500 from gunicorn).
    monkeypatch.setattr(SessionStore, "load", refused)
    page = as_reporter_a.get(reverse("web:report", args=[assignment.pk]))
    assert page.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không sẵn sàng" in page.content.decode()
