"""URL routes of theodoi: pages, the API, documents and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("theodoi.web.api.urls")),
    path("documents/", include("theodoi.outputs.urls")),
    path("", include("theodoi.web.urls")),
]
