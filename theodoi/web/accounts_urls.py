"""Routes of the user's own account (namespace accounts), included under /account/."""

from __future__ import annotations

from django.urls import path

from theodoi.web.views import accounts

app_name = "accounts"
urlpatterns = [
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", accounts.PasswordResetDoneView.as_view(),
         name="password-reset-done"),
    path("password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("password/reset/done/", accounts.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("password/change/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("password/change/done/", accounts.PasswordChangeDoneView.as_view(),
         name="password-change-done"),
]
