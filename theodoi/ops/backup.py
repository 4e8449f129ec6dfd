"""`theodoi backup DEST` and `theodoi restore SRC`: the database and the uploaded files.

A backup is a folder:

    manifest.json      what it holds: format, time, database engine and how it was dumped,
                       every file with its size and SHA-256
    database.sqlite3   SQLite: the engine's own online backup (exact, consistent), or
    database.pgdump    PostgreSQL: pg_dump's custom format, when pg_dump is installed, or
    database.xml       any engine: Django's dumpdata (XML keeps microseconds; JSON rounds
                       them to milliseconds)
    media/             MEDIA_ROOT: plan files and evidence, modification times kept

Restoring replaces the database's content and puts every backed-up file back; files
uploaded after the backup are left where they are (they are listed, not deleted).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from theodoi.cli import UserError

FORMAT = "theodoi-backup/1"
MEDIA = "media"


@dataclass
class Outcome:
    """What a backup or a restore did, for the command to print."""

    database: str
    files: int
    left: list[str]


def _database() -> tuple[str, dict[str, Any]]:
    from django.db import connection

    return connection.vendor, connection.settings_dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(dest: Path) -> Outcome:
    """Write a backup of the database and MEDIA_ROOT into the new folder `dest`."""
    from django.conf import settings

    if dest.exists() and any(dest.iterdir()):
        raise UserError(f"Thư mục sao lưu đã có dữ liệu, hãy chọn thư mục mới: {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    vendor, db = _database()
    if vendor == "sqlite":
        name = "database.sqlite3"
        _sqlite_backup(dest / name)
        how = "sqlite-backup"
    elif vendor == "postgresql" and shutil.which("pg_dump"):
        name = "database.pgdump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dest / name),
                        db["NAME"]], env=_pg_env(db), check=True, timeout=3600)
        how = "pg_dump"
    else:
        name = "database.xml"
        _dumpdata(dest / name)
        how = "dumpdata-xml"
    media = Path(settings.MEDIA_ROOT)
    copied = _copy_tree(media, dest / MEDIA) if media.is_dir() else []
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {"engine": vendor, "file": name, "how": how},
        "files": {rel: {"size": (dest / MEDIA / rel).stat().st_size,
                        "sha256": _sha256(dest / MEDIA / rel)} for rel in copied},
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    return Outcome(how, len(copied), [])


def restore(src: Path) -> Outcome:
    """Put the database and the files of the backup `src` back."""
    from django.conf import settings

    manifest = _manifest(src)
    vendor, db = _database()
    info = manifest["database"]
    database = src / info["file"]
    if info["how"] == "sqlite-backup":
        if vendor != "sqlite":
            raise UserError("Bản sao lưu SQLite chỉ phục hồi vào SQLite; hãy dùng bản dumpdata.")
        _sqlite_restore(database)
    elif info["how"] == "pg_dump":
        if vendor != "postgresql" or not shutil.which("pg_restore"):
            raise UserError("Bản sao lưu pg_dump cần PostgreSQL và lệnh pg_restore.")
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                        "--single-transaction", "--dbname", db["NAME"], str(database)],
                       env=_pg_env(db), check=True, timeout=3600)
    else:
        _loaddata(database)
    media = Path(settings.MEDIA_ROOT)
    for rel, meta in manifest["files"].items():
        if _sha256(src / MEDIA / rel) != meta["sha256"]:
            raise UserError(f"Tệp trong bản sao lưu bị hỏng: {rel}")
    restored = _copy_tree(src / MEDIA, media) if (src / MEDIA).is_dir() else []
    present = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    return Outcome(info["how"], len(restored), sorted(present - set(manifest["files"])))


def _manifest(src: Path) -> dict:
    try:
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserError(f"Không phải thư mục sao lưu của theodoi (thiếu manifest.json): {src}") \
            from None
    if manifest.get("format") != FORMAT:
        raise UserError(f"Bản sao lưu có định dạng không hỗ trợ: {manifest.get('format')}")
    if not (src / manifest["database"]["file"]).is_file():
        raise UserError(f"Bản sao lưu thiếu tệp cơ sở dữ liệu: {manifest['database']['file']}")
    return manifest


def _copy_tree(source: Path, target: Path) -> list[str]:
    """Copy every file under `source` to `target` with its times; the relative paths."""
    copied = []
    for path in sorted(source.rglob("*")):
        if path.is_file():
            rel = path.relative_to(source)
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)
            copied.append(str(rel))
    return copied


def _sqlite_backup(path: Path) -> None:
    from django.db import connection

    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()


def _sqlite_restore(path: Path) -> None:
    from django.db import connection

    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _dumpdata(path: Path) -> None:
    from django.core.management import call_command

    # Primary keys kept (ids are in URLs and exports); content types and permissions by
    # natural key, as the target database numbers them itself.
    call_command("dumpdata", format="xml", indent=1, output=str(path), natural_foreign=True,
                 exclude=["contenttypes", "auth.permission", "sessions"], verbosity=0)


def _loaddata(path: Path) -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(path), verbosity=0)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env
