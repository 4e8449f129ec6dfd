"""The jobs app: the Job rows the import pages poll, and the Celery wiring."""

from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "theodoi.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
