"""The user's own account: password reset by e-mail, password change when signed in.

Django's auth views with the site's templates (theodoi/templates/accounts/). A reset asked
too often for one address from one client is answered as usual but sends nothing more
(the same limiter as the sign-in page), so the form neither floods a mailbox nor tells
which addresses have an account.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from theodoi.web import ratelimit


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        key = f"password-reset:{form.cleaned_data['email']}"
        address = ratelimit.client_address(self.request)
        if ratelimit.is_blocked(key, address):
            return super(auth_views.PasswordResetView, self).form_valid(form)  # no mail
        ratelimit.record_failure(key, address)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
