"""The tracking application's configuration."""

from __future__ import annotations

from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "theodoi.tracking"
    label = "tracking"
    verbose_name = "Theo dõi nhiệm vụ"
