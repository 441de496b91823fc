import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.http.request import split_domain_port, validate_host


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Permissions-Policy and CORP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.MAGAZINE_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class CanonicalHostMiddleware:
    """Moves a reader who asked for another of the site's names (www. or the bare domain)
    to the same address on MAGAZINE_SITE_URL's host, so that every cache (ours, browsers',
    search engines') keeps one copy of each page, with one set of links."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        location = canonical_location(request)
        if location is None:
            return self.get_response(request)
        return HttpResponsePermanentRedirect(location)


def canonical_location(request):
    """The same page on the canonical host, or None where this request is served as it is."""
    # Only reading moves. A 301 turns a POST into a GET and drops the form; a 308 would
    # resend it to a host whose (host-only) CSRF cookie the browser does not have, and a
    # 421 throws away what the reader typed. A POST from a tab opened on the other name
    # is answered there: nothing it returns is kept in the page cache, kept fragments
    # carry the host, and its redirect's GET then moves to the canonical host.
    if not settings.MAGAZINE_CANONICAL_HOST_REDIRECT or request.method not in ("GET", "HEAD"):
        return None
    site = urlsplit(settings.MAGAZINE_SITE_URL)
    host, _ = split_domain_port(request.get_host())
    if (
        not site.hostname
        or host == site.hostname
        # A health check reaches a server by its address, and must not be sent away.
        or _is_address(host)
        # A host this server refuses is no place to send a reader.
        or not validate_host(site.hostname, settings.ALLOWED_HOSTS)
    ):
        return None
    return f"{site.scheme}://{site.netloc}{request.get_full_path()}"


def _is_address(host):
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
