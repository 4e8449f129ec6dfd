"""The infrastructure is chosen by the environment: the embedded defaults with nothing set,
Redis, S3, a broker and a replica when their variables are set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.infra.conftest import ROOT

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "cache": s.CACHES["default"]["BACKEND"], "cache_at": s.CACHES["default"].get("LOCATION"),
    "storage": s.STORAGES["default"]["BACKEND"],
    "storage_options": s.STORAGES["default"].get("OPTIONS", {}),
    "broker": s.CELERY_BROKER_URL, "embedded": s.JOBS_EMBEDDED,
    "databases": {k: {"ENGINE": v["ENGINE"], "NAME": v["NAME"], "TEST": v.get("TEST", {}),
                      "CONN_MAX_AGE": v["CONN_MAX_AGE"],
                      "CONN_HEALTH_CHECKS": v["CONN_HEALTH_CHECKS"]}
                  for k, v in s.DATABASES.items()},
    "routers": s.DATABASE_ROUTERS, "middleware": s.MIDDLEWARE,
}))
"""

INFRA_VARIABLES = ("REDIS_URL", "STORAGE_BACKEND", "CELERY_BROKER_URL", "CELERY_QUEUE",
                   "DATABASE_REPLICA_URL", "DB_CONN_MAX_AGE", "DB_CONN_HEALTH_CHECKS",
                   "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "DATABASE_URL",
                   "DATABASE_TEST_NAME")


def settings_with(tmp_path: Any, **env: str) -> dict[str, Any]:
    """The settings a fresh process reads with `env` (and nothing else of ours) set."""
    clean = {k: v for k, v in os.environ.items() if k not in INFRA_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="theodoi.settings", VAR_DIR=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, check=False,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_nothing_set_gives_the_embedded_defaults(tmp_path: Any) -> None:
    found = settings_with(tmp_path)
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["storage"] == "theodoi.web.storage.EvidenceStorage"  # a FileSystemStorage
    assert (found["broker"], found["embedded"]) == ("memory://", True)
    assert list(found["databases"]) == ["default"]
    assert found["databases"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert found["routers"] == []
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in found["middleware"]


def test_production_variables_choose_redis_s3_the_broker_and_a_replica(tmp_path: Any) -> None:
    found = settings_with(
        tmp_path,
        DATABASE_URL="postgres://theodoi@db-primary:5432/theodoi",
        DATABASE_REPLICA_URL="postgres://theodoi@db-replica:5432/theodoi",
        DB_CONN_MAX_AGE="300", REDIS_URL="redis://cache:6379/1",
        CELERY_BROKER_URL="redis://cache:6379/2", STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="minh-chung", AWS_S3_ENDPOINT_URL="https://s3.example.vn")
    assert found["cache"] == "django_redis.cache.RedisCache"
    assert found["cache_at"] == "redis://cache:6379/1"
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["storage_options"]["bucket_name"] == "minh-chung"
    assert found["storage_options"]["endpoint_url"] == "https://s3.example.vn"
    assert found["storage_options"]["default_acl"] is None  # private: pages check access
    assert (found["broker"], found["embedded"]) == ("redis://cache:6379/2", False)
    replica = found["databases"]["replica"]
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["CONN_MAX_AGE"] == found["databases"]["default"]["CONN_MAX_AGE"] == 300
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert found["routers"] == ["theodoi.dbrouter.ReplicaRouter"]
    assert found["middleware"][-1] == "theodoi.dbrouter.ReplicaMiddleware"


def test_an_unknown_storage_backend_stops_the_start(tmp_path: Any) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in INFRA_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="theodoi.settings", VAR_DIR=str(tmp_path),
                 STORAGE_BACKEND="ftp")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, check=False,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "STORAGE_BACKEND must be filesystem or s3" in out.stderr


def test_tasks_go_to_the_configured_broker_in_a_process_that_never_imported_the_app(
        tmp_path: Any) -> None:
    """Regression: with `shared_task`, a web process sent imports to Celery's default app
    (amqp://localhost, queue "celery"), where no worker of ours listens."""
    probe = ("import django; django.setup()\n"
             "from theodoi.jobs.tasks import import_files\n"
             "print(import_files.app.main, import_files.app.conf.broker_url,"
             " import_files.app.conf.task_default_queue)")
    clean = {k: v for k, v in os.environ.items() if k not in INFRA_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="theodoi.settings", VAR_DIR=str(tmp_path),
                 CELERY_BROKER_URL="redis://cache:6379/2", CELERY_QUEUE="theodoi-x")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean, check=False,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["theodoi", "redis://cache:6379/2", "theodoi-x"]
