from django.contrib import admin
from django.core.cache import cache
from django.shortcuts import render

from . import ratelimit, readers

FAILURES_BEFORE_LOCK = 10
# Counting allows `limit` attempts; the tenth failure itself must set the lock.
FAILURE_RULE = ratelimit.Rule(limit=FAILURES_BEFORE_LOCK - 1, period=5 * 60)
LOCK_SECONDS = 15 * 60


def _login_identities(request):
    username = request.POST.get("username", "").strip().lower()[:150]
    return [f"ip:{readers.client_ip_hash(request)}", f"username:{username}"]


def _lock_key(identity):
    return "admin-login-lock:" + readers.keyed_hash(identity, "admin-login")


class MagazineAdminSite(admin.AdminSite):
    """Our admin: after 10 failed sign-ins for a username or an address within five
    minutes, sign-ins for it are refused for fifteen minutes."""

    site_header = "Open Magazine"
    site_title = "Open Magazine admin"
    index_title = "Newsroom"

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        identities = _login_identities(request)
        if cache.get_many([_lock_key(i) for i in identities]):
            return render(
                request, "admin/login_locked.html", {"site_header": self.site_header}, status=429
            )
        response = super().login(request, extra_context)
        if not request.user.is_authenticated:
            for identity in identities:
                if not ratelimit.hit("admin-login", identity, FAILURE_RULE):
                    cache.set(_lock_key(identity), True, LOCK_SECONDS)
        return response
