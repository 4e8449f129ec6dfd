"""The API's routes, mounted under /api/ by `theodoi/urls.py` (namespace "api")."""

from __future__ import annotations

from django.urls import path

from theodoi.web.api.api import api

urlpatterns = [
    path("", api.urls),
]
