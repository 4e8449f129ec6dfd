"""The notices application's configuration."""

from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "theodoi.notices"
    label = "notices"
    verbose_name = "Thông báo"
