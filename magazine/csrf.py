"""
CSRF protection by fetch metadata, with Django's token for clients that send none.

Browsers say where a request comes from (`Sec-Fetch-Site`, and `Origin` on every
POST), and a page cannot forge either: so a form sent from our own pages needs no
per-request secret, and anonymous pages can be the same bytes for everyone (a shared
cache may hold them). This is the rule of Go's net/http CrossOriginProtection and of
django/new-features#98 ("Implement Modern CSRF Protection"):

- `Sec-Fetch-Site: same-origin` or `none` (typed into the address bar): accepted;
- any other `Sec-Fetch-Site` (`same-site`, `cross-site`): refused unless `Origin` is
  in CSRF_TRUSTED_ORIGINS;
- no `Sec-Fetch-Site` but an `Origin`: accepted if it is this site or trusted;
- neither header: Django's own check (Referer on HTTPS, then the token), as before.

django-modern-csrf 1.0.1 does the first three but accepts the last case with no token
at all, as Go does; old clients and privacy tools that strip both headers would lose
all protection, so they keep the token here. Such a client posts a form from a shared
page (no token in it) once and is refused; a view marked `with_form_page` answers that
refusal with its form again, what was chosen kept, on a page of the client's own that
carries a token (articles/forms/security.py). A request another site sent is refused
plainly: no form to confirm what that site chose for the reader.
"""

from django.middleware.csrf import REASON_BAD_ORIGIN, CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.utils.http import is_same_domain

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
FROM_OUR_PAGES = ("same-origin", "none")
REASON_CROSS_SITE = "Sec-Fetch-Site is %s and the origin %s is not trusted."


class FetchMetadataCsrfMiddleware(CsrfViewMiddleware):
    """Django's CsrfViewMiddleware, deciding by fetch metadata where a browser sends it."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            getattr(request, "csrf_processing_done", False)
            or getattr(callback, "csrf_exempt", False)
            or request.method in SAFE_METHODS
            or getattr(request, "_dont_enforce_csrf_checks", False)
        ):
            return super().process_view(request, callback, callback_args, callback_kwargs)
        site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
        origin = request.headers.get("Origin")
        if site in FROM_OUR_PAGES:
            return self._accept(request)
        if site:
            if origin is not None and self._trusted_origin(origin):
                return self._accept(request)
            return self._reject(request, REASON_CROSS_SITE % (site, origin or "(none)"))
        if origin is not None:
            if self._origin_verified(request):
                return self._accept(request)
            return self._reject(request, REASON_BAD_ORIGIN % origin)
        # Neither header: an old client, or one that strips them. The token decides.
        refused = super().process_view(request, callback, callback_args, callback_kwargs)
        form_page = getattr(callback, "csrf_form_page", None)
        if refused is None or form_page is None:
            return refused
        return form_page(request, *callback_args, **callback_kwargs)

    def _trusted_origin(self, origin):
        """Whether `origin` is listed in CSRF_TRUSTED_ORIGINS (wildcards included); the
        site's own origin is not enough where the browser says the request is cross-site."""
        if origin in self.allowed_origins_exact:
            return True
        scheme, _, netloc = origin.partition("://")
        return any(
            is_same_domain(netloc, host) for host in self.allowed_origin_subdomains.get(scheme, ())
        )


def with_form_page(form_page):
    """Mark a view whose form a client sending no fetch metadata posts without a token:
    `form_page(request, *args, **kwargs)` answers the refused POST (see the docstring)."""

    def mark(view):
        view.csrf_form_page = form_page
        return view

    return mark


# The same check as a view decorator, for a view exempt from the middleware that checks
# later (the story form measures the request before its body is read): Django's own
# `csrf_protect` would ask every browser for a token that shared pages do not carry.
csrf_protect = decorator_from_middleware(FetchMetadataCsrfMiddleware)
