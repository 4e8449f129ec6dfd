"""The cache in Redis is one store for every process: what one server process counts
(the login limiter's failures), another sees."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest

from tests.infra.conftest import ROOT

pytestmark = pytest.mark.services


def test_two_processes_share_the_redis_cache(settings: Any, redis_url: str) -> None:
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                                   "LOCATION": redis_url, "KEY_PREFIX": "theodoi-test"}}
    cache = caches["default"]
    key = f"login-failures:{uuid.uuid4().hex}"
    cache.set(key, 0, timeout=60)
    assert cache.incr(key) == 1
    other = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.core.cache import cache; "
         f"print(cache.incr({key!r}))"],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "theodoi.settings",
             "REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "theodoi-test"})
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.strip().splitlines()[-1] == "2"
    assert cache.get(key) == 2
    cache.delete(key)
