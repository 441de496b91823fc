import gzip
import ipaddress
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.http.request import split_domain_port, validate_host
from django.middleware import gzip as django_gzip
from django.utils.cache import patch_vary_headers


class GZipMiddleware(django_gzip.GZipMiddleware):
    """Django's GZipMiddleware at zlib's fastest level, as nginx's `gzip_comp_level`
    defaults to: what reaches it was drawn for this one request (a page the page cache
    keeps is compressed once, at the best level, by articles/pagecache.py), so CPU counts
    for more than the last bytes. Django's level 6 takes 0.5 ms on the 75 KB story,
    level 1 0.1 ms, for 17 % more bytes. The padding against BREACH stays; streaming
    responses are left to Django."""

    def process_response(self, request, response):
        if response.streaming or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        content = response.content
        if len(content) < 200:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not django_gzip.re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
            return response
        compressed = self.padded(gzip.compress(content, compresslevel=1, mtime=0))
        if len(compressed) >= len(content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1, as Django does
        response.headers["Content-Encoding"] = "gzip"
        return response

    def padded(self, compressed):
        """The gzip stream with a random file name of random length in its header, as
        Django's `compress_string()` adds, so its size tells nothing about the page. The
        name is cut from one read of the system's randomness, where `get_random_string()`
        reads it once per character."""
        length = secrets.randbelow(self.max_random_bytes) + 1
        name = secrets.token_hex(self.max_random_bytes)[:length].encode()
        header = bytearray(compressed[:10])
        header[3] = gzip.FNAME
        return bytes(header) + name + b"\x00" + compressed[10:]


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
