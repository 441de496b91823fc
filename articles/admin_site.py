"""
Our admin site: sign-in with a lockout, then two-factor sign-in (articles/two_factor.py).

Every sign-in attempt is counted before the password or the code is checked, each
count one atomic step (articles/ratelimit.py), so a burst of concurrent guesses gets
at most `ATTEMPTS_BEFORE_LOCK` of them checked; the attempt over the limit pauses
sign-ins for its username or address for `LOCK_SECONDS`. A successful step starts a
new count for what it proved (the password: its username and address; the code: the
account), so nobody's own sign-ins lock them out, while wrong codes keep counting
across password sign-ins: ten of them pause the account.

A session that has the password but not the code reaches only the second step (or
the enrolment of an authenticator app) and sign-out.
"""

import secrets
from functools import update_wrapper
from urllib.parse import urlencode

import django_otp
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import ratelimit, readers, two_factor
from .forms.two_factor import CodeForm
from .models import Article

ATTEMPTS_BEFORE_LOCK = 10
ATTEMPT_RULE = ratelimit.Rule(limit=ATTEMPTS_BEFORE_LOCK, period=5 * 60)
LOCK_SECONDS = 15 * 60
PASSWORD_SCOPE = "admin-login"
CODE_SCOPE = "admin-login-code"
# New recovery codes wait here for the one page that shows them.
NEW_CODES_SESSION_KEY = "two_factor_new_recovery_codes"


def _account(username):
    return f"username:{username.strip().lower()[:150]}"


def _password_identities(request):
    return [f"ip:{readers.client_ip_hash(request)}", _account(request.POST.get("username", ""))]


def _lock_key(identity):
    return "admin-login-lock:" + readers.keyed_hash(identity, "admin-login")


def _round_key(scope, identity):
    return f"admin-login-round:{scope}:" + readers.keyed_hash(identity, "admin-login")


def _attempt_allowed(scope, identities):
    """Count one attempt for each identity; False, with the lock set, when any is over.

    Every identity is counted, even after one is found over its limit.
    """
    rounds = cache.get_many([_round_key(scope, i) for i in identities])
    over = [
        identity
        for identity in identities
        if not ratelimit.hit(
            scope, f"{identity}#{rounds.get(_round_key(scope, identity), '')}", ATTEMPT_RULE
        )
    ]
    if over:
        cache.set_many({_lock_key(i): True for i in over}, LOCK_SECONDS)
    return not over


def _start_new_round(scope, identities):
    """After a success, count these identities' attempts afresh."""
    cache.set_many(
        {_round_key(scope, i): secrets.token_hex(8) for i in identities},
        2 * ATTEMPT_RULE.period,  # outlives the window, so an expired round is never reused
    )


def _is_locked(identities):
    return bool(cache.get_many([_lock_key(i) for i in identities]))


def _next_url(request):
    """Where the person was going, if it is on this site."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


class MagazineAdminSite(admin.AdminSite):
    """The newsroom's admin: password, then a code, for every staff member who needs one."""

    site_header = "Open Magazine"
    site_title = "Open Magazine admin"
    index_title = "Newsroom"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and (
            two_factor.is_verified(user) or not two_factor.needs_second_step(user)
        )

    def admin_view(self, view, cacheable=False):
        if view == self.logout:
            # Between the password and the code, signing out must still work.
            return self._for_signed_in_staff(view)
        return super().admin_view(view, cacheable)

    def get_urls(self):
        return [
            path(
                "two-factor/",
                self._for_signed_in_staff(self.second_step),
                name="two-factor",
            ),
            path(
                "two-factor/enrol/",
                self._for_signed_in_staff(self.enrol),
                name="two-factor-enrol",
            ),
            path(
                "two-factor/recovery-codes/",
                self._for_signed_in_staff(self.recovery_codes),
                name="two-factor-recovery-codes",
            ),
            path(
                "reading-figures/",
                self.admin_view(self.reading_figures),
                name="reading-figures",
            ),
            # Ours before Django's: the first pattern that matches /admin/r/... wins.
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        """The newsroom's front page, with how many stories wait in review."""
        context = {**(extra_context or {}), "in_review_count": self._in_review_count(request)}
        return super().index(request, context)

    def _in_review_count(self, request):
        """Stories in review this person sees in the article list (a writer: their own)."""
        try:
            article_admin = self.get_model_admin(Article)
        except admin.sites.NotRegistered:
            return None
        if not article_admin.has_view_or_change_permission(request):
            return None
        queryset = article_admin.get_queryset(request)
        return queryset.filter(status=Article.Status.IN_REVIEW).count()

    def get_app_list(self, request, app_label=None):
        """The apps, with "Reading figures" among the articles' pages for anyone who
        may see articles (the index and the sidebar both list it)."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            if app["app_label"] == "articles" and any(
                model["model"] is Article for model in app["models"]
            ):
                app["models"].append(
                    {
                        "model": None,
                        "name": "Reading figures",
                        "object_name": "ReadingFigures",
                        "perms": {"view": True},
                        "admin_url": reverse("admin:reading-figures", current_app=self.name),
                        "add_url": None,
                        "view_only": True,
                    }
                )
                app["models"].sort(key=lambda model: model["name"])
        return app_list

    def reading_figures(self, request):
        """Views, ratings and comments of the articles this person sees, and the most
        read this week (articles/admin/readership.py)."""
        return self.get_model_admin(Article).reading_figures_view(request)

    def view_on_site(self, request, content_type_id, object_id):
        """ "View on site", only for an object this admin shows the user: Django's own
        sends any staff account to any object's address (a draft's slug is its title)."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            model_admin = self.get_model_admin(model)
            visible = model_admin.has_view_or_change_permission(request) and (
                model_admin.get_queryset(request).filter(pk=object_id).exists()
            )
        except (ContentType.DoesNotExist, admin.sites.NotRegistered, ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404("Nothing to view on the site here.")
        return shortcut(request, content_type_id, object_id)

    def login(self, request, extra_context=None):
        if request.method != "POST":
            if self._awaits_code(request):
                return self._redirect_to_second_step(request)
            return super().login(request, extra_context)
        identities = _password_identities(request)
        if _is_locked(identities) or not _attempt_allowed(PASSWORD_SCOPE, identities):
            return self._locked(request)
        response = super().login(request, extra_context)
        if response.status_code == 302 and request.user.is_authenticated:
            # On to `next`, whose guard sends a session still owing a code to the code.
            _start_new_round(PASSWORD_SCOPE, identities)
        return response

    def second_step(self, request):
        """Sign-in, second step: the code from the app, or a recovery code."""
        user = request.user
        if self.has_permission(request):
            return redirect(_next_url(request) or reverse("admin:index", current_app=self.name))
        if not two_factor.has_device(user):
            return self._redirect_to_second_step(request)
        form = CodeForm(request.POST or None)
        if request.method == "POST":
            account = [_account(user.get_username())]
            if _is_locked(account) or not _attempt_allowed(CODE_SCOPE, account):
                return self._locked(request)
            if form.is_valid():
                device, wait = two_factor.verify(user, form.cleaned_data["code"])
                if device:
                    _start_new_round(CODE_SCOPE, account)
                    self._mark_verified(request, device)
                    if two_factor.is_recovery_device(device):
                        left = two_factor.recovery_codes_left(user)
                        messages.warning(
                            request,
                            f"You signed in with a recovery code: {left} recovery code"
                            f"{'s' if left != 1 else ''} left. Make new ones from "
                            "“Two-factor sign-in” at the top of the page.",
                        )
                    return redirect(
                        _next_url(request) or reverse("admin:index", current_app=self.name)
                    )
                form.refuse(wait)
        return render(
            request,
            "admin/two_factor/second_step.html",
            self._context(request, form, title="Enter your code"),
            status=400 if form.errors else 200,
        )

    def enrol(self, request):
        """Add an authenticator app: scan or type its secret, confirm with a code."""
        user = request.user
        if not self.has_permission(request) and two_factor.has_device(user):
            # An app lost and removed: a recovery code first, then the new app.
            return self._redirect_to_second_step(request)
        if two_factor.has_app(user):
            return redirect("admin:two-factor-recovery-codes")
        device = two_factor.pending_app(user)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes, wait = two_factor.confirm_app(device, form.cleaned_data["code"])
            if codes is not None:
                self._mark_verified(request, device)
                request.session[NEW_CODES_SESSION_KEY] = codes
                messages.success(request, "Two-factor sign-in is on for your account.")
                return self._redirect_keeping_next(request, "admin:two-factor-recovery-codes")
            form.refuse(wait)
        context = self._context(
            request,
            form,
            title="Set up two-factor sign-in",
            qr_code=two_factor.qr_code_svg(device),
            secret=two_factor.secret_for_typing(device),
            required=two_factor.must_enrol(user),
        )
        return render(
            request,
            "admin/two_factor/enrol.html",
            context,
            status=400 if form.errors else 200,
        )

    def recovery_codes(self, request):
        """New recovery codes, shown once; and making new ones."""
        if not self.has_permission(request):
            return self._redirect_to_second_step(request)
        if not two_factor.has_app(request.user):
            return redirect("admin:two-factor-enrol")
        if request.method == "POST":
            codes = two_factor.replace_recovery_codes(request.user)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect("admin:two-factor-recovery-codes")
        context = self._context(
            request,
            None,
            title="Two-factor sign-in",
            codes=request.session.pop(NEW_CODES_SESSION_KEY, None),
            codes_left=two_factor.recovery_codes_left(request.user),
        )
        return render(request, "admin/two_factor/recovery_codes.html", context)

    def _for_signed_in_staff(self, view):
        """Open to any active staff member signed in with a password (CSRF-protected,
        never cached); others go to the sign-in page."""

        def inner(request, *args, **kwargs):
            if not admin.AdminSite.has_permission(self, request):
                login_url = reverse("admin:login", current_app=self.name)
                return redirect_to_login(request.get_full_path(), login_url)
            return view(request, *args, **kwargs)

        return update_wrapper(never_cache(csrf_protect(inner)), view)

    def _awaits_code(self, request):
        return admin.AdminSite.has_permission(self, request) and not self.has_permission(request)

    def _redirect_to_second_step(self, request):
        """To the code, or to enrolment for someone who must have an app and has none."""
        has_device = two_factor.has_device(request.user)
        return self._redirect_keeping_next(
            request, "admin:two-factor" if has_device else "admin:two-factor-enrol"
        )

    def _redirect_keeping_next(self, request, name):
        url = reverse(name, current_app=self.name)
        if next_url := _next_url(request):
            url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return redirect(url)

    def _mark_verified(self, request, device):
        # A new session key for the session's new powers, as at the password step.
        request.session.cycle_key()
        django_otp.login(request, device)

    def _context(self, request, form, **extra):
        return {
            **self.each_context(request),
            "form": form,
            "next": _next_url(request),
            **extra,
        }

    def _locked(self, request):
        return render(
            request, "admin/login_locked.html", {"site_header": self.site_header}, status=429
        )
