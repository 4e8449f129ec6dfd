"""Fixtures of the tracking tests: the shared role users, agencies and registry."""

from __future__ import annotations

from tests.conftest_django import *  # noqa: F403
