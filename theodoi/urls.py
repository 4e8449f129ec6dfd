"""URL routes of theodoi: pages, the API, documents and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from theodoi.web.ratelimit import limit_logins

urlpatterns = [
    # The admin's sign-in counts failures as the pages' does (theodoi/web/ratelimit.py).
    path("admin/login/", limit_logins(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("theodoi.web.api.urls")),
    path("documents/", include("theodoi.outputs.urls")),
    path("account/", include("theodoi.web.accounts_urls")),
    path("", include("theodoi.web.urls")),
]
