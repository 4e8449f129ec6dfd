"""The audit tests use the web tests' fixtures (roles, plans, the fake registry)."""

from tests.web.conftest import *  # noqa: F403
