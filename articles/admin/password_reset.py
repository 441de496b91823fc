""" "Forgotten your password?" on the admin's sign-in page, for staff.

Django's own reset pages, with two changes: the mail goes through the outbox
(`articles.staff.send_password_reset`), so a mail server that is down loses nothing,
and the form is rate-limited per address and per network address, as every public
form is. The page says the same whether or not the address is a staff member's.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy

from .. import ratelimit, staff
from ..readers import client_ip_hash

ADDRESS_RULE = ratelimit.Rule(limit=3, period=3600)
IP_RULE = ratelimit.Rule(limit=10, period=3600)
TOO_MANY = (
    "We have sent several links already. Please look in your mail (and its spam folder), "
    "or try again in an hour."
)


class AdminContextMixin:
    def get_context_data(self, **kwargs):
        return admin.site.each_context(self.request) | super().get_context_data(**kwargs)


class StaffPasswordResetView(AdminContextMixin, auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        checks = [(email.strip().lower(), ADDRESS_RULE), (client_ip_hash(self.request), IP_RULE)]
        if not ratelimit.allowed("password-reset", checks):
            form.add_error("email", TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        staff.send_password_reset(email)
        return redirect(self.success_url)


class StaffPasswordResetDoneView(AdminContextMixin, auth_views.PasswordResetDoneView):
    pass
