"""The site's routes plus one page that fails, for the tests of error logging."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from theodoi.urls import urlpatterns as site


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("hỏng có chủ đích")


urlpatterns = [path("boom/", boom), *site]
