"""DEPLOY.md documents every environment variable the infrastructure reads, and the files
it points to exist."""

from __future__ import annotations

import re

from tests.infra.conftest import ROOT

MARKER = "# -- infrastructure: cache, queue, storage, replicas"
READS = re.compile(
    r"""(?:os\.getenv|os\.environ\.get|os\.environ\.setdefault|os\.environ\[|envint|envbool"""
    r"""|envlist|envpath|_int)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def infra_block() -> str:
    text = (ROOT / "theodoi" / "settings.py").read_text(encoding="utf-8")
    assert MARKER in text
    block = text.split(MARKER, 1)[1]
    return re.split(r"\n# -- ", block, maxsplit=1)[0]


def test_every_variable_of_the_infrastructure_is_in_deploy_md() -> None:
    names = set(READS.findall(infra_block()))
    names |= set(READS.findall((ROOT / "theodoi" / "gunicorn_conf.py").read_text()))
    assert {"REDIS_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND", "WEB_WORKERS"} <= names
    doc = (ROOT / "DEPLOY.md").read_text(encoding="utf-8")
    assert sorted(n for n in names if f"`{n}`" not in doc) == []


def test_the_files_deploy_md_names_exist() -> None:
    doc = (ROOT / "DEPLOY.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:deploy|theodoi|scripts|tests)/[\w./@-]+)`", doc))
    assert "deploy/nginx.conf" in paths
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []
