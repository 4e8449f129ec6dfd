"""The pages application: overview, plans, tasks, agencies, import, reporting."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "theodoi.web"
    label = "web"
    verbose_name = "Trang web"
    default_auto_field = "django.db.models.BigAutoField"
