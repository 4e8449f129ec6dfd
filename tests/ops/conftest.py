"""The operations tests use the shared role users and plan."""

from tests.conftest_django import *  # noqa: F403
