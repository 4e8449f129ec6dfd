"""The URL configuration the view tests use: the project's routes with the documents under
/documents/, as the project mounts them (added here while the project does not yet)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

try:
    from theodoi.urls import urlpatterns as project
except ImportError:  # the pages are still being written: the admin is enough for sign-in
    project = [path("admin/", admin.site.urls)]

mounted = any(getattr(p, "namespace", None) == "outputs" for p in project)
urlpatterns = list(project) if mounted else [
    path("documents/", include("theodoi.outputs.urls")), *project
]
