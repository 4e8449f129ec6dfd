"""Fixtures of the notices tests: the shared role users and plan, the page fixtures, and
the real SMTP server (aiosmtpd on 127.0.0.1) the reminder tests use."""

from __future__ import annotations

from tests.conftest_django import *  # noqa: F403
from tests.outputs.test_reminders import smtp  # noqa: F401
from tests.web.conftest import fresh_cache, web_settings  # noqa: F401
