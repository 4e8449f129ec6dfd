"""Sign in and out, with failed attempts limited per username and address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from theodoi.web import ratelimit
from theodoi.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        address = ratelimit.client_address(request)
        if ratelimit.is_blocked(username, address):
            # The password is not even checked while the limit holds.
            form = self.form_class(request, initial={"username": username})
            blocked = ratelimit.blocked_message()
            context = self.get_context_data(form=form, blocked=blocked)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username:
            ratelimit.record_failure(username, ratelimit.client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        # The name as typed: that is what the failures were counted under.
        ratelimit.reset(self.request.POST.get("username", ""),
                        ratelimit.client_address(self.request))
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass
