"""The project's routes with the documents mounted, as the project will mount them."""

from __future__ import annotations

from django.urls import include, path

from theodoi.urls import urlpatterns as project

urlpatterns = [path("documents/", include("theodoi.outputs.urls")), *project]
