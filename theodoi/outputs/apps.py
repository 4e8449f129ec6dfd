"""The outputs application's configuration."""

from __future__ import annotations

from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "theodoi.outputs"
    label = "outputs"
    verbose_name = "Văn bản, báo cáo và nhắc việc"
