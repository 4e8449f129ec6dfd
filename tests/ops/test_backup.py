"""`theodoi backup` / `theodoi restore`: the database and the files come back exactly."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from theodoi.cli import main

pytestmark = pytest.mark.django_db(transaction=True)


def database_rows() -> dict[str, list[dict]]:
    """Every row of every model, field by field (timestamps to the microsecond)."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values())
            for model in apps.get_models()}


def media_files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def recorded(published_plan: Any, reporter_b: Any, coordinator: Any) -> Any:
    """The small plan with a report, its review and an evidence file on disk."""
    from theodoi.tracking.models import Assignment, EvidenceFile
    from theodoi.tracking.services import review_report, submit_report

    row = Assignment.objects.get(task__plan=published_plan, task__code="III.A.1",
                                 agency__registry_id="tinh-b")
    report = submit_report(row, reporter_b, status="in_progress", percent=40, text="Đang làm")
    evidence = EvidenceFile(report=report, name="bien-ban.pdf")
    evidence.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4 bien ban"), save=False)
    evidence.save()
    review_report(report, coordinator, accept=True)
    return published_plan


def test_backup_and_restore_give_back_the_database_and_files_exactly(
        recorded: Any, reporter_b: Any, media_root: Path, tmp_path: Path, capsys: Any) -> None:
    from theodoi.tracking.models import Assignment, EvidenceFile
    from theodoi.tracking.services import submit_report

    before_rows, before_files = database_rows(), media_files(media_root)
    assert any(ts for ts in [r["created_at"] for r in before_rows["tracking.ProgressReport"]]
               if ts.microsecond)  # the comparison reaches microseconds
    dest = tmp_path / "sao-luu"
    assert main(["backup", str(dest)]) == 0
    assert "Đã sao lưu" in capsys.readouterr().out
    from django.db import connection

    database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}.get(
        connection.vendor, "database.xml")
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        database = "database.xml"
    assert {p.name for p in dest.iterdir()} == {"manifest.json", database, "media"}
    # A bad day after the backup: a file lost, a report added, a plan retitled.
    Path(EvidenceFile.objects.get().file.path).unlink()
    row = Assignment.objects.filter(agency__registry_id="tinh-b").first()
    submit_report(row, reporter_b, status="done", percent=100)
    recorded.title = "Đã bị sửa"
    recorded.save(update_fields=["title"])
    assert database_rows() != before_rows
    assert main(["restore", str(dest)]) == 2  # asks for --yes first
    assert main(["restore", str(dest), "--yes"]) == 0
    assert database_rows() == before_rows
    assert media_files(media_root) == before_files


def test_restore_refuses_a_folder_that_is_no_backup(tmp_path: Path, capsys: Any) -> None:
    assert main(["restore", str(tmp_path), "--yes"]) == 2
    assert "thiếu manifest.json" in capsys.readouterr().err


def test_a_damaged_file_in_the_backup_is_refused(
        recorded: Any, tmp_path: Path, capsys: Any) -> None:
    dest = tmp_path / "sao-luu"
    assert main(["backup", str(dest)]) == 0
    (stored,) = [p for p in (dest / "media").rglob("*") if p.is_file()]
    stored.write_bytes(b"hong")
    assert main(["restore", str(dest), "--yes"]) == 2
    assert "bị hỏng" in capsys.readouterr().err


def test_the_xml_dump_keeps_microseconds(recorded: Any, tmp_path: Path) -> None:
    """The fallback of engines without their own tool: Django's XML keeps exact times."""
    from theodoi.ops import backup as ops

    before = database_rows()
    ops._dumpdata(tmp_path / "database.xml")
    ops._loaddata(tmp_path / "database.xml")
    after = database_rows()
    for label in ("tracking.ProgressReport", "tracking.Plan", "tracking.EvidenceFile"):
        assert after[label] == before[label], label


@pytest.mark.skipif(not os.getenv("DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL only (DATABASE_URL=postgres://...)")
def test_backup_on_postgresql_uses_pg_dump_when_installed(recorded: Any, tmp_path: Path) -> None:
    dest = tmp_path / "sao-luu"
    assert main(["backup", str(dest)]) == 0
    expected = "database.pgdump" if shutil.which("pg_dump") else "database.xml"
    assert (dest / expected).is_file()
